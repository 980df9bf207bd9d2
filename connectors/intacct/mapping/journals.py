"""Journals <- Intacct GL journals (``GLJOURNAL``). Read only.

``id`` is the journal's RECORDNO — the id journal entries name in ``journalRef.id`` and that
``CompanyFacts.journals`` maps to the symbol GLBATCH takes; ``journalCode`` is that symbol (``GJ``) and
``name`` its title. Intacct journals are flat, so ``hasChildren`` is false.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from connectors.intacct.mapping._common import read_timestamp, record_status, text
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import ReadSpec
from datamodel import Journal, JournalStatus, Metadata

__all__ = ["READ", "journal_symbols", "to_unified"]

OBJECT: Final = "GLJOURNAL"
FIELDS: Final = ("RECORDNO", "SYMBOL", "TITLE", "STATUS", "BOOKID", "WHENCREATED", "WHENMODIFIED")


def to_unified(row: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts) -> Journal:
    """A GLJOURNAL row as a unified journal."""
    del lines, facts
    return Journal(
        id=text(row, "RECORDNO"),
        name=text(row, "TITLE"),
        journal_code=text(row, "SYMBOL"),
        type=text(row, "BOOKID") or "GL",
        status=record_status(row, JournalStatus),
        has_children=False,
        created_on=read_timestamp(text(row, "WHENCREATED")),
        source_modified_date=read_timestamp(text(row, "WHENMODIFIED")),
        metadata=Metadata(is_deleted=False),
    )


def journal_symbols(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """``CompanyFacts.journals`` (RECORDNO -> symbol) from GLJOURNAL rows."""
    return {
        recordno: symbol
        for row in rows
        if (recordno := text(row, "RECORDNO")) and (symbol := text(row, "SYMBOL"))
    }


READ = ReadSpec(data_type="journals", object=OBJECT, fields=FIELDS, to_unified=to_unified)
