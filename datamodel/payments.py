"""Payments (AR receipts), codat.md §1.9. Create only.

Same lines/links pattern as bill payments; the Intacct convention is that a line's ``amount`` plus the sum of
its links' amounts is zero (line 0 = Invoice -1.1 + CreditNote +1.1).
"""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.common import AccountRef, CustomerRef, Page, PaymentMethodRef, RecordBase, SupplementalData
from datamodel.enums import PaymentLinkType
from datamodel.types import CurrencyCode, DateTime, Money

__all__ = ["Payment", "PaymentLine", "PaymentLineLink", "Payments"]


class PaymentLineLink(CheckedModel, kw_only=True):
    type: PaymentLinkType
    id: str | None = None
    amount: Money | UnsetType | None = UNSET
    currency_rate: Money | UnsetType | None = UNSET


class PaymentLine(CheckedModel, kw_only=True):
    amount: Money
    allocated_on_date: DateTime | None = None
    links: list[PaymentLineLink] | UnsetType | None = UNSET


class Payment(RecordBase, kw_only=True):
    customer_ref: CustomerRef | None = None
    account_ref: AccountRef | None = None
    payment_method_ref: PaymentMethodRef | None = None
    total_amount: Money | None = None
    currency: CurrencyCode | None = None
    currency_rate: Money | UnsetType | None = UNSET
    date: DateTime
    note: str | UnsetType | None = UNSET
    reference: str | UnsetType | None = UNSET
    lines: list[PaymentLine] | UnsetType | None = UNSET
    supplemental_data: SupplementalData | None = None


class Payments(Page[Payment], kw_only=True):
    """``GET /companies/{companyId}/data/payments``."""

    results: list[Payment]
