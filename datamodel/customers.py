"""Customers, codat.md §1.11. Intacct reads and writes only the primary contact."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.common import Address, Page, PhoneNumber, RecordBase, SupplementalData
from datamodel.enums import CustomerStatus
from datamodel.types import CurrencyCodeOrEmpty, DateTime

__all__ = ["Contact", "Customer", "Customers"]


class Contact(CheckedModel, kw_only=True):
    name: str | UnsetType | None = UNSET
    email: str | UnsetType | None = UNSET
    phone: list[PhoneNumber] | UnsetType | None = UNSET
    address: Address | None = None
    status: CustomerStatus
    modified_date: DateTime | None = None


class Customer(RecordBase, kw_only=True):
    """``defaultCurrency``: ``""`` clears it on update, absent or ``null`` keeps it."""

    customer_name: str | UnsetType | None = UNSET
    contact_name: str | UnsetType | None = UNSET
    email_address: str | UnsetType | None = UNSET
    phone: str | UnsetType | None = UNSET
    default_currency: CurrencyCodeOrEmpty | None = None
    registration_number: str | UnsetType | None = UNSET
    tax_number: str | UnsetType | None = UNSET
    addresses: list[Address] | UnsetType | None = UNSET
    contacts: list[Contact] | UnsetType | None = UNSET
    status: CustomerStatus
    supplemental_data: SupplementalData | None = None


class Customers(Page[Customer], kw_only=True):
    """``GET /companies/{companyId}/data/customers``."""

    results: list[Customer]
