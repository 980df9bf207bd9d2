"""Credit notes (accounts receivable), codat.md §1.7. Intacct writes them as AR adjustments."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel.common import (
    CustomerRef,
    InvoiceLineTracking,
    LineItemBase,
    Page,
    PaymentAllocation,
    RecordBase,
    SupplementalData,
    WithholdingTax,
)
from datamodel.enums import CreditNoteStatus
from datamodel.types import CurrencyCode, DateTime, Money

__all__ = ["CreditNote", "CreditNoteLineItem", "CreditNotes"]


class CreditNoteLineItem(LineItemBase, kw_only=True):
    is_direct_income: bool | None = None
    tracking: InvoiceLineTracking | None = None


class CreditNote(RecordBase, kw_only=True):
    """An AR credit note; ``remainingCredit`` is the part not yet allocated."""

    credit_note_number: str | UnsetType | None = UNSET
    customer_ref: CustomerRef | None = None
    withholding_tax: list[WithholdingTax] | UnsetType | None = UNSET
    total_amount: Money
    total_discount: Money
    sub_total: Money
    additional_tax_amount: Money | None = None
    additional_tax_percentage: Money | None = None
    total_tax_amount: Money
    discount_percentage: Money
    remaining_credit: Money
    status: CreditNoteStatus
    issue_date: DateTime | None = None
    allocated_on_date: DateTime | None = None
    currency: CurrencyCode | None = None
    currency_rate: Money | UnsetType | None = UNSET
    line_items: list[CreditNoteLineItem] | UnsetType | None = UNSET
    payment_allocations: list[PaymentAllocation] | UnsetType | None = UNSET
    note: str | UnsetType | None = UNSET
    supplemental_data: SupplementalData | None = None


class CreditNotes(Page[CreditNote], kw_only=True):
    """``GET /companies/{companyId}/data/creditNotes``."""

    results: list[CreditNote]
