"""Bill payments (AP), codat.md §1.6. Created and deleted, never updated.

``totalAmount`` is what was paid, in the payment currency. Each ``lines[]`` entry is an amount in payment
currency and its ``links[]`` say which documents it touched, signed in each document's own currency (a bill
link is negative, a credit note link positive: one line of 45 = Bill -405 + CreditNote +360).
"""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.common import AccountRef, Page, PaymentMethodRef, RecordBase, SupplementalData, SupplierRef
from datamodel.enums import BillPaymentLineLinkType
from datamodel.types import CurrencyCode, DateTime, Money

__all__ = ["BillPayment", "BillPaymentLine", "BillPaymentLineLink", "BillPayments"]


class BillPaymentLineLink(CheckedModel, kw_only=True):
    type: BillPaymentLineLinkType
    id: str | UnsetType | None = UNSET
    amount: Money | UnsetType | None = UNSET
    currency_rate: Money | UnsetType | None = UNSET


class BillPaymentLine(CheckedModel, kw_only=True):
    amount: Money
    allocated_on_date: DateTime | None = None
    links: list[BillPaymentLineLink] | UnsetType | None = UNSET


class BillPayment(RecordBase, kw_only=True):
    supplier_ref: SupplierRef | None = None
    account_ref: AccountRef | None = None
    payment_method_ref: PaymentMethodRef | None = None
    total_amount: Money | None = None
    currency: CurrencyCode | None = None
    currency_rate: Money | UnsetType | None = UNSET
    date: DateTime
    note: str | UnsetType | None = UNSET
    reference: str | UnsetType | None = UNSET
    lines: list[BillPaymentLine] | UnsetType | None = UNSET
    supplemental_data: SupplementalData | None = None


class BillPayments(Page[BillPayment], kw_only=True):
    """``GET /companies/{companyId}/data/billPayments``."""

    results: list[BillPayment]
