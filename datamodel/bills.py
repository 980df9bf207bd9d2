"""Bills (accounts payable), codat.md §1.4. Note the header total is ``taxAmount``, not ``totalTaxAmount``.

Intacct rules (lines all account-based or all item-based, update refused once paid) are the connector's.
"""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel.common import (
    BillLineTracking,
    LineItemBase,
    LineRef,
    Page,
    PaymentAllocation,
    PurchaseOrderRef,
    RecordBase,
    SupplementalData,
    SupplierRef,
    WithholdingTax,
)
from datamodel.enums import BillStatus
from datamodel.types import CurrencyCode, DateTime, Money

__all__ = ["Bill", "BillLineItem", "Bills"]


class BillLineItem(LineItemBase, kw_only=True):
    line_number: str | UnsetType | None = UNSET
    unit_of_measurement: str | UnsetType | None = UNSET
    is_direct_cost: bool | None = None
    purchase_order_line_ref: LineRef | None = None
    tracking: BillLineTracking | None = None


class Bill(RecordBase, kw_only=True):
    reference: str | UnsetType | None = UNSET
    supplier_ref: SupplierRef | None = None
    purchase_order_refs: list[PurchaseOrderRef] | UnsetType | None = UNSET
    issue_date: DateTime
    due_date: DateTime | None = None
    currency: CurrencyCode | None = None
    currency_rate: Money | UnsetType | None = UNSET
    line_items: list[BillLineItem] | UnsetType | None = UNSET
    withholding_tax: list[WithholdingTax] | UnsetType | None = UNSET
    status: BillStatus
    sub_total: Money
    tax_amount: Money
    total_amount: Money
    amount_due: Money | UnsetType | None = UNSET
    note: str | UnsetType | None = UNSET
    payment_allocations: list[PaymentAllocation] | UnsetType | None = UNSET
    supplemental_data: SupplementalData | None = None


class Bills(Page[Bill], kw_only=True):
    """``GET /companies/{companyId}/data/bills``."""

    results: list[Bill]
