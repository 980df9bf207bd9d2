"""Bill credit notes, codat.md §1.5. Intacct writes them as AP adjustments (debit memos)."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel.common import (
    BillLineTracking,
    LineItemBase,
    LineRef,
    Page,
    PaymentAllocation,
    RecordBase,
    RecordRef,
    SupplementalData,
    SupplierRef,
    WithholdingTax,
)
from datamodel.enums import BillCreditNoteStatus
from datamodel.types import CurrencyCode, DateTime, Money

__all__ = ["BillCreditNote", "BillCreditNoteLineItem", "BillCreditNotes"]


class BillCreditNoteLineItem(LineItemBase, kw_only=True):
    unit_of_measurement: str | UnsetType | None = UNSET
    created_from_line_ref: LineRef | None = None
    tracking: BillLineTracking | None = None


class BillCreditNote(RecordBase, kw_only=True):
    bill_credit_note_number: str | UnsetType | None = UNSET
    supplier_ref: SupplierRef | None = None
    withholding_tax: list[WithholdingTax] | UnsetType | None = UNSET
    total_amount: Money
    total_discount: Money
    sub_total: Money
    total_tax_amount: Money
    discount_percentage: Money
    remaining_credit: Money | None = None
    status: BillCreditNoteStatus
    issue_date: DateTime | None = None
    allocated_on_date: DateTime | None = None
    currency: CurrencyCode | None = None
    currency_rate: Money | UnsetType | None = UNSET
    line_items: list[BillCreditNoteLineItem] | UnsetType | None = UNSET
    payment_allocations: list[PaymentAllocation] | UnsetType | None = UNSET
    created_from_refs: list[RecordRef] | UnsetType | None = UNSET
    note: str | UnsetType | None = UNSET
    supplemental_data: SupplementalData | None = None


class BillCreditNotes(Page[BillCreditNote], kw_only=True):
    """``GET /companies/{companyId}/data/billCreditNotes``."""

    results: list[BillCreditNote]
