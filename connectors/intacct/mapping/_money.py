"""Currency, tax and custom fields: Codat's one currency rule (base / custom rate / daily rate), per-line
tax entries for VAT/GST entities and their read-back, and company-mapped custom fields. Re-exported
through ``_common``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal

from connectors.intacct.mapping._dimensions import Style
from connectors.intacct.mapping._values import Problems, cents, get, line_net, money, row_money, text
from connectors.intacct.mapping.facts import CompanyFacts, TaxFact
from connectors.intacct.rules._base import RecordView, as_decimal, values_at
from connectors.intacct.xml.tree import split_date
from datamodel import TaxRateRef

# --- currency ------------------------------------------------------------------------------------------

DAILY_RATE_TYPE: Final = "Intacct Daily Rate"
CurrencyKind = Literal["base", "custom", "daily"]


@dataclass(frozen=True, slots=True)
class CurrencyPlan:
    """How a document's currency is written: in base currency, at a custom rate, or at the daily rate."""

    kind: CurrencyKind
    currency: str
    base: str
    rate: Decimal | None = None


def currency_plan(currency: str | None, rate: Decimal | None, facts: CompanyFacts) -> CurrencyPlan:
    """Codat's one rule: base currency -> no currency fields; currency + rate -> custom rate (``exchrate``);
    currency without rate -> Intacct's daily rate (``exchratetype`` ``Intacct Daily Rate``)."""
    base = facts.base_currency
    if not currency or currency == base:
        return CurrencyPlan("base", base, base)
    if rate is not None:
        return CurrencyPlan("custom", currency, base, rate)
    return CurrencyPlan("daily", currency, base)


def legacy_currency(plan: CurrencyPlan, rate_date: dt.date) -> dict[str, Any]:
    """``basecurr``, ``currency``, ``exchratedate``, then ``exchratetype`` or ``exchrate`` (never both)."""
    if plan.kind == "base":
        return {}
    block: dict[str, Any] = {
        "basecurr": plan.base,
        "currency": plan.currency,
        "exchratedate": split_date(rate_date),
    }
    if plan.kind == "custom":
        block["exchrate"] = plan.rate
    else:
        block["exchratetype"] = DAILY_RATE_TYPE
    return block


def generic_currency(plan: CurrencyPlan, rate_date: dt.date, *, with_base: bool = True) -> dict[str, Any]:
    """The same choice for generic objects (``APPYMT``, ``ARPYMT``; ``with_base=False`` for ``GLENTRY``)."""
    if plan.kind == "base":
        return {}
    block: dict[str, Any] = {"BASECURR": plan.base} if with_base else {}
    block |= {"CURRENCY": plan.currency, "EXCH_RATE_DATE": rate_date}
    if plan.kind == "custom":
        block["EXCHANGE_RATE"] = plan.rate
    else:
        block["EXCH_RATE_TYPE_ID"] = DAILY_RATE_TYPE
    return block


#: Display names of common ISO 4217 codes for option choices (others show their code).
CURRENCY_NAMES: Final = dict(
    pair.split("=")
    for pair in (
        "AED=UAE Dirham|AUD=Australian Dollar|BRL=Brazilian Real|CAD=Canadian Dollar|CHF=Swiss Franc|"
        "CNY=Yuan Renminbi|CZK=Czech Koruna|DKK=Danish Krone|EUR=Euro|GBP=Pound Sterling|"
        "HKD=Hong Kong Dollar|"
        "HUF=Forint|IDR=Rupiah|ILS=New Israeli Sheqel|INR=Indian Rupee|JPY=Yen|KRW=Won|MXN=Mexican Peso|"
        "MYR=Malaysian Ringgit|NOK=Norwegian Krone|NZD=New Zealand Dollar|PHP=Philippine Peso|PLN=Zloty|"
        "SAR=Saudi Riyal|SEK=Swedish Krona|SGD=Singapore Dollar|THB=Baht|TRY=Turkish Lira|USD=US Dollar|"
        "ZAR=Rand"
    ).split("|")
)


def currency_choices(facts: CompanyFacts) -> tuple[tuple[str, str], ...]:
    """(code, name) of the currencies the entity transacts in, for ``FieldSpec.choices``."""
    codes = sorted({*facts.currencies, facts.base_currency})
    return tuple((code, CURRENCY_NAMES.get(code, code)) for code in codes)


def read_currency(row: Mapping[str, Any], facts: CompanyFacts) -> tuple[str, Decimal | None]:
    """(currency, rate) of a document row; the rate is only reported for foreign-currency documents."""
    base = text(row, "BASECURR") or facts.base_currency
    currency = text(row, "CURRENCY") or base
    rate = money(get(row, "EXCHANGE_RATE")) if currency != base else None
    return currency, rate


# --- tax -----------------------------------------------------------------------------------------------


def tax_fact(tax_rate_id: str | None, facts: CompanyFacts) -> TaxFact | None:
    """The tax detail a unified ``taxRateRef.id`` names (RECORDNO, or the DETAILID itself)."""
    if not tax_rate_id:
        return None
    return facts.tax_detail(tax_rate_id)


def line_tax(line: Mapping[str, Any], tax: TaxFact) -> Decimal:
    """``taxAmount`` when sent, else the rate applied to the line's net amount (to the cent)."""
    given = as_decimal(line.get("taxAmount"))
    if given is not None:
        return given
    rate = as_decimal(tax.rate) or Decimal(0)
    return cents(line_net(line) * rate / 100)


def tax_entries(
    line: Mapping[str, Any],
    path: str,
    facts: CompanyFacts,
    problems: Problems,
    *,
    style: Style,
    sign: int = 1,
) -> dict[str, Any] | None:
    """``taxentries`` of one line for a VAT/GST entity (``None`` for US entities: Intacct takes none).

    Legacy: ``{"taxentry": {"detailid", "trx_tax"}}``; generic: ``{"TAXENTRY": {"DETAILID", "TRX_TAX"}}``.
    """
    if not facts.has_vat:
        return None
    tax_ref = line.get("taxRateRef") or {}
    tax = tax_fact(tax_ref.get("id"), facts)
    if tax is None:
        if tax_ref.get("id"):
            problems.add(f"{path}.taxRateRef.id", f"Tax rate '{tax_ref.get('id')}' cannot be found.")
        return None
    amount = line_tax(line, tax) * sign
    if style == "legacy":
        return {"taxentry": {"detailid": tax.detail_id, "trx_tax": amount}}
    return {"TAXENTRY": {"DETAILID": tax.detail_id, "TRX_TAX": amount}}


def split_tax_rows(
    rows: Sequence[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], dict[str, list[Mapping[str, Any]]]]:
    """Separate the lines Intacct stores for tax (``LINEITEM`` ``F`` with ``PARENTENTRY``) from real lines."""
    lines: list[Mapping[str, Any]] = []
    taxes: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        parent = text(row, "PARENTENTRY")
        if text(row, "LINEITEM") == "F" and parent:
            taxes.setdefault(parent, []).append(row)
        else:
            lines.append(row)
    return lines, taxes


def read_line_tax(
    line: Mapping[str, Any], tax_rows: Sequence[Mapping[str, Any]], facts: CompanyFacts, *, sign: int = 1
) -> tuple[TaxRateRef | None, Decimal]:
    """(taxRateRef, tax amount) of a line, from its tax rows or a nested ``TAXENTRIES`` block."""
    entries: list[tuple[str | None, Decimal]] = [
        (text(r, "DETAILID"), (row_money(r, "TRX_AMOUNT", "AMOUNT") or Decimal(0)) * sign) for r in tax_rows
    ]
    nested = get(line, "TAXENTRIES")
    if isinstance(nested, Mapping):
        items = nested.get("TAXENTRY") or nested.get("taxentry")
        for item in items if isinstance(items, list) else [items] if items else []:
            entries.append((text(item, "DETAILID"), (row_money(item, "TRX_TAX", "TAX") or Decimal(0)) * sign))
    total = sum((amount for _, amount in entries), Decimal(0))
    detail_id = next((d for d, _ in entries if d), None) or text(line, "DETAILID")
    if detail_id is None:
        return None, total
    tax = tax_fact(detail_id, facts)
    if tax is None:
        return TaxRateRef(id=detail_id, name=detail_id), total
    return TaxRateRef(id=tax.recordno, name=tax.detail_id, effective_tax_rate=as_decimal(tax.rate)), total


# --- custom fields -------------------------------------------------------------------------------------


def custom_values(view: RecordView, facts: CompanyFacts, data_type: str) -> list[tuple[str, str]]:
    """(Intacct field, value) pairs the company maps for ``data_type`` (``bills``, or ``bills.lineItems``
    for each line, ``view`` then being the line); a fixed ``value`` wins over ``source_path``."""
    pairs: list[tuple[str, str]] = []
    for mapping in facts.custom_fields:
        if mapping.data_type != data_type:
            continue
        value: Any = mapping.value
        if value is None and mapping.source_path:
            value = next((v for _, v in values_at(view, mapping.source_path)), None)
        if value is not None and not isinstance(value, Mapping | list):
            pairs.append((mapping.intacct_field, str(value)))
    return pairs


def legacy_custom_fields(pairs: Sequence[tuple[str, str]]) -> dict[str, Any] | None:
    """``<customfields><customfield><customfieldname/><customfieldvalue/></customfield>…``."""
    if not pairs:
        return None
    return {"customfield": [{"customfieldname": k, "customfieldvalue": v} for k, v in pairs]}


def generic_custom_fields(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Generic objects take custom fields (and ``GLDIM…`` dimensions) as plain elements."""
    return dict(pairs)
