"""Read the facts the tests check the model against straight from ../shared/reference.

* ``EXAMPLES``: Codat's example bodies (``codat-examples/*.json``);
* ``sdk_models()``: the tables of codat-sdk-models.md, i.e. what the official SDKs require;
* ``codat_tables()``: the field tables of codat.md §1 (``**Invoice**`` followed by ``| field | type | null? |
  req |`` rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"
EXAMPLES = REFERENCE / "codat-examples"

_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|(.*)$")


@dataclass(frozen=True)
class FieldFact:
    wire_name: str
    required: bool
    nullable: bool


def _cells(rest: str) -> list[str]:
    """Cells after the first, split on ``|`` but not on the escaped ``\\|`` inside enum lists."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", rest)]


@cache
def sdk_models() -> dict[str, dict[str, FieldFact]]:
    """``{model name: {wire name: FieldFact}}`` from codat-sdk-models.md (enum sections have no rows)."""
    models: dict[str, dict[str, FieldFact]] = {}
    current: dict[str, FieldFact] | None = None
    for line in (REFERENCE / "codat-sdk-models.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            current = None
            if line.startswith("### "):
                current = models.setdefault(line[4:].strip(), {})
            continue
        match = _ROW.match(line)
        if current is not None and match:
            wire, rest = match.groups()
            cells = _cells(rest)
            current[wire] = FieldFact(
                wire_name=wire,
                required="**required**" in cells[1],
                nullable=cells[0].startswith("OptionalNullable"),
            )
    return {name: fields for name, fields in models.items() if fields}


@cache
def codat_tables() -> dict[str, dict[str, FieldFact]]:
    """``{table title: {wire name: FieldFact}}`` for the ``| field | type | null? | req |`` tables."""
    tables: dict[str, dict[str, FieldFact]] = {}
    title: str | None = None
    current: dict[str, FieldFact] | None = None
    for line in (REFERENCE / "codat.md").read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"\*\*(.+)\*\*", line.strip())
        if heading:
            title, current = heading.group(1), None
            continue
        if line.startswith("| field | type | null? | req |") and title:
            current = tables.setdefault(title, {})
            continue
        match = _ROW.match(line)
        if current is not None and match:
            wire, rest = match.groups()
            cells = _cells(rest)
            current[wire] = FieldFact(
                wire_name=wire, required=cells[2] == "**Y**", nullable=cells[1] == "yes"
            )
        elif current is not None and not line.startswith("|"):
            current, title = None, None
    return tables
