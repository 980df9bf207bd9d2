"""Accounts (chart of accounts; data type key ``chartOfAccounts``, path ``accounts``), codat.md §1.11.

For Intacct ``id`` is the GL account record number and ``nominalCode`` the account number (codat.md §7.3).
The same Struct is the push body of ``POST …/push/accounts``.
"""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel.common import Page, RecordBase, SupplementalData, ValidDataTypeLinks
from datamodel.enums import AccountStatus, AccountType
from datamodel.types import CurrencyCode, Money

__all__ = ["Account", "Accounts"]


class Account(RecordBase, kw_only=True):
    nominal_code: str | UnsetType | None = UNSET
    name: str | UnsetType | None = UNSET
    description: str | UnsetType | None = UNSET
    fully_qualified_category: str | UnsetType | None = UNSET
    fully_qualified_name: str | UnsetType | None = UNSET
    currency: CurrencyCode | None = None
    current_balance: Money | UnsetType | None = UNSET
    type: AccountType | None = None
    status: AccountStatus | None = None
    is_bank_account: bool | None = None
    valid_datatype_links: list[ValidDataTypeLinks] | UnsetType | None = UNSET
    supplemental_data: SupplementalData | None = None


class Accounts(Page[Account], kw_only=True):
    """``GET /companies/{companyId}/data/accounts``."""

    results: list[Account]
