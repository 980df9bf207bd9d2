"""Suppliers, codat.md §1.11 and §7.1 (update rules: the name cannot be cleared, ``defaultCurrency: null``
keeps the currency and ``""`` clears it, one address only)."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel.common import Address, Page, RecordBase, SupplementalData
from datamodel.enums import SupplierStatus
from datamodel.types import CurrencyCodeOrEmpty

__all__ = ["Supplier", "Suppliers"]


class Supplier(RecordBase, kw_only=True):
    supplier_name: str | UnsetType | None = UNSET
    contact_name: str | UnsetType | None = UNSET
    email_address: str | UnsetType | None = UNSET
    phone: str | UnsetType | None = UNSET
    default_currency: CurrencyCodeOrEmpty | UnsetType | None = UNSET
    registration_number: str | UnsetType | None = UNSET
    tax_number: str | UnsetType | None = UNSET
    addresses: list[Address] | UnsetType | None = UNSET
    status: SupplierStatus
    supplemental_data: SupplementalData | None = None


class Suppliers(Page[Supplier], kw_only=True):
    """``GET /companies/{companyId}/data/suppliers``."""

    results: list[Supplier]
