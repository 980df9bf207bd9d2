"""Direct incomes (cash sales not linked to an invoice), codat.md §1.8. Create only.

Intacct writes them as other receipts: the payee comes from ``reference`` and the single payment
allocation names the bank account.
"""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel.common import ContactRef, LineItemBase, Page, PaymentAllocation, RecordBase, SupplementalData
from datamodel.types import CurrencyCode, DateTime, Money

__all__ = ["DirectIncome", "DirectIncomeLineItem", "DirectIncomes"]


class DirectIncomeLineItem(LineItemBase, kw_only=True):
    """Same fields as the shared line base; direct-income lines have no ``tracking`` object."""


class DirectIncome(RecordBase, kw_only=True):
    reference: str | UnsetType | None = UNSET
    note: str | UnsetType | None = UNSET
    contact_ref: ContactRef | None = None
    issue_date: DateTime
    currency: CurrencyCode
    currency_rate: Money | UnsetType | None = UNSET
    line_items: list[DirectIncomeLineItem]
    payment_allocations: list[PaymentAllocation]
    sub_total: Money
    tax_amount: Money
    total_amount: Money
    supplemental_data: SupplementalData | None = None


class DirectIncomes(Page[DirectIncome], kw_only=True):
    """``GET /companies/{companyId}/connections/{connectionId}/data/directIncomes``."""

    results: list[DirectIncome]
