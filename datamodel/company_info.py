"""Company info (data type ``company``, path ``data/info``), codat.md §1.11. A single object, not a list."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.common import Address, PhoneNumber, SupplementalData
from datamodel.enums import WebLinkType
from datamodel.types import CurrencyCode, DateTime

__all__ = ["CompanyInfo", "WebLink"]


class WebLink(CheckedModel, kw_only=True):
    type: WebLinkType | None = None
    url: str | UnsetType | None = UNSET


class CompanyInfo(CheckedModel, kw_only=True):
    company_name: str | UnsetType | None = UNSET
    company_legal_name: str | UnsetType | None = UNSET
    accounting_platform_ref: str | UnsetType | None = UNSET
    base_currency: CurrencyCode | UnsetType | None = UNSET
    registration_number: str | UnsetType | None = UNSET
    tax_number: str | UnsetType | None = UNSET
    financial_year_start_date: DateTime | UnsetType | None = UNSET
    ledger_lock_date: DateTime | UnsetType | None = UNSET
    created_date: DateTime | None = None
    addresses: list[Address] | UnsetType | None = UNSET
    phone_numbers: list[PhoneNumber] | UnsetType | None = UNSET
    web_links: list[WebLink] | UnsetType | None = UNSET
    source_urls: dict[str, str] | UnsetType | None = UNSET
    supplemental_data: SupplementalData | None = None
