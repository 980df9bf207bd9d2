"""Invoices (accounts receivable), codat.md §1.3.

For Intacct the lines decide the target object: ``itemRef`` on every line -> Order Entry sales invoice,
on no line -> AR invoice; that rule lives in the connector, the model only carries the fields.
"""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel.common import (
    CustomerRef,
    InvoiceLineTracking,
    LineItemBase,
    Page,
    PaymentAllocation,
    RecordBase,
    SalesOrderRef,
    SupplementalData,
    WithholdingTax,
)
from datamodel.enums import InvoiceStatus
from datamodel.types import CurrencyCode, DateTime, Money

__all__ = ["Invoice", "InvoiceLineItem", "Invoices"]


class InvoiceLineItem(LineItemBase, kw_only=True):
    is_direct_income: bool | None = None
    tracking: InvoiceLineTracking | None = None


class Invoice(RecordBase, kw_only=True):
    """An AR invoice. ``amountDue``, ``issueDate``, ``status`` and the totals are required by Codat."""

    invoice_number: str | UnsetType | None = UNSET
    customer_ref: CustomerRef | None = None
    sales_order_refs: list[SalesOrderRef] | UnsetType | None = UNSET
    issue_date: DateTime
    due_date: DateTime | None = None
    paid_on_date: DateTime | None = None
    currency: CurrencyCode | None = None
    currency_rate: Money | UnsetType | None = UNSET
    line_items: list[InvoiceLineItem] | UnsetType | None = UNSET
    payment_allocations: list[PaymentAllocation] | UnsetType | None = UNSET
    withholding_tax: list[WithholdingTax] | UnsetType | None = UNSET
    total_discount: Money | UnsetType | None = UNSET
    sub_total: Money | UnsetType | None = UNSET
    additional_tax_amount: Money | None = None
    additional_tax_percentage: Money | None = None
    total_tax_amount: Money
    total_amount: Money
    amount_due: Money
    discount_percentage: Money | UnsetType | None = UNSET
    status: InvoiceStatus
    note: str | UnsetType | None = UNSET
    supplemental_data: SupplementalData | None = None


class Invoices(Page[Invoice], kw_only=True):
    """``GET /companies/{companyId}/data/invoices``."""

    results: list[Invoice]
