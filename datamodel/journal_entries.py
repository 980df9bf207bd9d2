"""Journal entries, codat.md §1.11. ``netAmount`` is signed: debit positive, credit negative, so a
balanced entry's lines sum to zero; ``journal_imbalance`` says by how much one does not."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.common import AccountRef, ContactRef, Page, RecordBase, RecordRef, SupplementalData
from datamodel.enums import TrackingRecordRefDataType
from datamodel.types import CurrencyCode, DateTime, Id, Money

__all__ = [
    "JournalEntries",
    "JournalEntry",
    "JournalEntryRecordRef",
    "JournalLine",
    "JournalLineTracking",
    "JournalRef",
    "TrackingRecordRef",
    "journal_imbalance",
]


class JournalRef(CheckedModel, kw_only=True):
    id: Id
    name: str | UnsetType | None = UNSET


class TrackingRecordRef(CheckedModel, kw_only=True):
    id: str | None = None
    data_type: TrackingRecordRefDataType | None = None


class JournalLineTracking(CheckedModel, kw_only=True):
    record_refs: list[TrackingRecordRef]
    invoice_to: RecordRef | None = None


class JournalEntryRecordRef(CheckedModel, kw_only=True):
    """The source transaction a journal entry was created from (e.g. a bill)."""

    id: str | None = None
    data_type: str | None = None


class JournalLine(CheckedModel, kw_only=True):
    description: str | UnsetType | None = UNSET
    net_amount: Money
    currency: CurrencyCode | None = None
    account_ref: AccountRef | None = None
    contact_ref: ContactRef | None = None
    tracking: JournalLineTracking | None = None


class JournalEntry(RecordBase, kw_only=True):
    description: str | UnsetType | None = UNSET
    posted_on: DateTime | None = None
    created_on: DateTime | None = None
    updated_on: DateTime | None = None
    journal_ref: JournalRef | None = None
    journal_lines: list[JournalLine] | UnsetType | None = UNSET
    record_ref: JournalEntryRecordRef | None = None
    supplemental_data: SupplementalData | None = None


class JournalEntries(Page[JournalEntry], kw_only=True):
    """``GET /companies/{companyId}/data/journalEntries``."""

    results: list[JournalEntry]


def journal_imbalance(lines: Iterable[JournalLine] | JournalEntry) -> Decimal:
    """Sum of the lines' ``netAmount`` (zero when debits equal credits); an entry without lines gives 0."""
    if isinstance(lines, JournalEntry):
        entry_lines = lines.journal_lines
        lines = entry_lines if isinstance(entry_lines, list) else []
    return sum((line.net_amount for line in lines), Decimal(0))
