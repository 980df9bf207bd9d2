"""Figures the reliability tests measure (memory, counts, rates), printed at the end of the run.

``record(section, name, value)`` keeps one line; the conftest prints them all in pytest's terminal
summary and, when ``RELIABILITY_FIGURES`` names a file, writes them there as JSON. Tests assert their
bounds themselves; this only makes the numbers visible (the issue asks for them to be reported).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

_FIGURES: list[tuple[str, str, str]] = []


def record(section: str, name: str, value: object) -> None:
    _FIGURES.append((section, name, str(value)))


def lines() -> list[str]:
    out: list[str] = []
    section = None
    for sec, name, value in _FIGURES:
        if sec != section:
            out.append(f"[{sec}]")
            section = sec
        out.append(f"  {name}: {value}")
    return out


def dump() -> None:
    target = os.environ.get("RELIABILITY_FIGURES")
    if target and _FIGURES:
        rows = [{"section": s, "name": n, "value": v} for s, n, v in _FIGURES]
        Path(target).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
