"""Journals, codat.md §1.11 (Intacct: GL journals / books that journal entries post into)."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel.common import Page, RecordBase
from datamodel.enums import JournalStatus
from datamodel.types import DateTime

__all__ = ["Journal", "Journals"]


class Journal(RecordBase, kw_only=True):
    name: str | UnsetType | None = UNSET
    journal_code: str | UnsetType | None = UNSET
    type: str | UnsetType | None = UNSET
    status: JournalStatus | None = None
    parent_id: str | UnsetType | None = UNSET
    has_children: bool | None = None
    created_on: DateTime | None = None


class Journals(Page[Journal], kw_only=True):
    """``GET /companies/{companyId}/data/journals``."""

    results: list[Journal]
