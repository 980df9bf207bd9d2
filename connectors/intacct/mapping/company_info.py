"""Company info (``GET …/data/info``) from what the connector knows of the Intacct company and entity.

There is no "company" object to pull page by page: the facts gathered at link time (company id, entity,
base currency) give the core, and the connected entity's ``LOCATIONENTITY`` row — read with
``ENTITY_FIELDS`` where ``LOCATIONID`` = ``facts.entity_id`` — adds names, the legal address, the tax id and
the first month of the fiscal year. Without an entity row (top-level connection) the info still answers
with the company id as its name.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from connectors.intacct.mapping._common import read_timestamp, text
from connectors.intacct.mapping.facts import CompanyFacts
from datamodel import UNSET, Address, AddressType, CompanyInfo

__all__ = ["ENTITY_FIELDS", "ENTITY_OBJECT", "LOGIN_URL", "company_info", "fiscal_year_start"]

ENTITY_OBJECT: Final = "LOCATIONENTITY"
ENTITY_FIELDS: Final = (
    "RECORDNO", "LOCATIONID", "NAME", "LEGALNAME", "REPORTPRINTAS", "FEDERALID", "TAXID", "FIRSTMONTH",
    "CURRENCY", "LEGALADDRESS1", "LEGALADDRESS2", "LEGALCITY", "LEGALSTATE", "LEGALZIPCODE", "LEGALCOUNTRY",
    "WHENCREATED",
)  # fmt: skip
LOGIN_URL: Final = "https://www.intacct.com/ia/acct/login.phtml"
_MONTHS: Final = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}


def fiscal_year_start(first_month: str | None, today: dt.date) -> dt.date | None:
    """The start of the fiscal year containing ``today``, given Intacct's first month (name or number)."""
    word = (first_month or "").strip().lower()
    month = int(word) if word.isdigit() else _MONTHS.get(word)
    if month is None or not 1 <= month <= 12:
        return None
    year = today.year if today.month >= month else today.year - 1
    return dt.date(year, month, 1)


def _address(row: Mapping[str, Any]) -> list[Address]:
    parts = {
        "line1": text(row, "LEGALADDRESS1"),
        "line2": text(row, "LEGALADDRESS2"),
        "city": text(row, "LEGALCITY"),
        "region": text(row, "LEGALSTATE"),
        "postal_code": text(row, "LEGALZIPCODE"),
        "country": text(row, "LEGALCOUNTRY"),
    }
    if not any(parts.values()):
        return []
    return [Address(type=AddressType.BILLING, **{k: v if v is not None else UNSET for k, v in parts.items()})]


def company_info(
    facts: CompanyFacts, entity: Mapping[str, Any] | None = None, *, today: dt.date | None = None
) -> CompanyInfo:
    """The unified company info of the connected company (and entity, when its row is given)."""
    row = entity or {}
    name = text(row, "NAME") or facts.company_id
    platform_ref = f"{facts.company_id}/{facts.entity_id}" if facts.entity_id else facts.company_id
    start = fiscal_year_start(text(row, "FIRSTMONTH"), today) if today else None
    return CompanyInfo(
        company_name=name,
        company_legal_name=text(row, "LEGALNAME") or text(row, "REPORTPRINTAS") or name,
        accounting_platform_ref=platform_ref,
        base_currency=text(row, "CURRENCY") or facts.base_currency,
        registration_number=text(row, "FEDERALID") or UNSET,
        tax_number=text(row, "TAXID") or text(row, "FEDERALID") or UNSET,
        financial_year_start_date=f"{start.isoformat()}T00:00:00" if start else UNSET,
        created_date=read_timestamp(text(row, "WHENCREATED")),
        addresses=_address(row),
        phone_numbers=[],
        web_links=[],
        source_urls={"Sage Intacct": f"{LOGIN_URL}?company={facts.company_id}"},
    )
