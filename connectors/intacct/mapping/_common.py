"""Helpers every Intacct mapping module shares, so one Codat rule comes out the same for every data type.

This module is the stable import point; the implementation is split by concern:

* ``_values``: record views and refusals (``Problems``, ``checked``), dates both ways, values read from
  Intacct rows, status words (``action_for``, ``document_status``) and account refs;
* ``_dimensions``: tracking refs <-> dimension fields in legacy, generic and GLENTRY spellings;
* ``_money``: the one currency rule (base / custom rate / daily rate), tax entries, custom fields;
* here: rule builders several rule tables use (currency, tax by entity, posting accounts, tracking).

Nothing here does I/O: everything the company decides (base currency, tax solution, accounts, dimension
names ...) comes in through ``CompanyFacts``, which the connector gathers before it plans a write.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from connectors.intacct.mapping._dimensions import (
    DIMENSIONS,
    Dimension,
    DimensionFields,
    Style,
    TrackingValue,
    dimension_fields,
    line_tracking_refs,
    read_tracking,
    resolve_tracking,
    split_tracking_id,
    tracking_names,
)
from connectors.intacct.mapping._money import (
    CURRENCY_NAMES,
    DAILY_RATE_TYPE,
    CurrencyKind,
    CurrencyPlan,
    currency_choices,
    currency_plan,
    custom_values,
    generic_currency,
    generic_custom_fields,
    legacy_currency,
    legacy_custom_fields,
    line_tax,
    read_currency,
    read_line_tax,
    split_tax_rows,
    tax_entries,
    tax_fact,
)
from connectors.intacct.mapping._values import (
    CENT,
    Action,
    DocumentStatus,
    Problems,
    account_fact_for,
    account_ref,
    action_for,
    bank_account,
    cents,
    checked,
    document_enum,
    document_status,
    get,
    gl_account_no,
    legacy_date,
    line_net,
    line_number,
    money,
    or_unset,
    query_date,
    read_date,
    read_timestamp,
    record_status,
    rejection,
    required_date,
    row_money,
    text,
    to_date,
    unique_number,
    view_of,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import RecordView, Rule, as_decimal, is_blank, values_at

__all__ = [
    "CENT",
    "CURRENCY_NAMES",
    "DAILY_RATE_TYPE",
    "DIMENSIONS",
    "TRACKING_FORMAT",
    "Action",
    "CurrencyKind",
    "CurrencyPlan",
    "Dimension",
    "DimensionFields",
    "DocumentStatus",
    "Problems",
    "Style",
    "TrackingValue",
    "account_fact_for",
    "account_ref",
    "action_for",
    "bank_account",
    "cents",
    "checked",
    "currency_choices",
    "currency_plan",
    "currency_rules",
    "custom_values",
    "dimension_fields",
    "document_enum",
    "document_status",
    "generic_currency",
    "generic_custom_fields",
    "get",
    "gl_account_no",
    "legacy_currency",
    "legacy_custom_fields",
    "legacy_date",
    "line_net",
    "line_number",
    "line_tax",
    "line_tracking_refs",
    "money",
    "or_unset",
    "posting_account_rule",
    "query_date",
    "read_currency",
    "read_date",
    "read_line_tax",
    "read_timestamp",
    "read_tracking",
    "record_status",
    "rejection",
    "required_date",
    "resolve_tracking",
    "row_money",
    "split_tax_rows",
    "split_tracking_id",
    "tax_entries",
    "tax_fact",
    "tax_rules",
    "text",
    "to_date",
    "tracking_names",
    "tracking_rule",
    "unique_number",
    "view_of",
]

# --- rule builders several rule tables use -------------------------------------------------------------


def currency_rules(currency: str = "currency", rate: str = "currencyRate") -> tuple[Rule, ...]:
    """Currency given with a rate, a positive rate, and a currency the entity transacts in."""

    def currency_missing(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
        if not is_blank(record.get(rate)) and is_blank(record.get(currency)):
            yield currency

    def rate_not_positive(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
        value = as_decimal(record.get(rate))
        if value is not None and value <= 0:
            yield rate

    def unknown_currency(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
        value = record.get(currency)
        allowed = {*facts.currencies, facts.base_currency}
        if isinstance(value, str) and value and value not in allowed:
            yield currency

    return (
        Rule(currency, "Must be provided if CurrencyRate is set.", currency_missing),
        Rule(rate, "Must be greater than 0.", rate_not_positive),
        Rule(currency, "Must be a currency enabled in the Sage Intacct entity.", unknown_currency),
    )


def tax_rules(lines: str = "lineItems", *, when_lines: Any = None) -> tuple[Rule, ...]:
    """VAT/GST entities: a known tax rate on every line; US entities: no tax rate and no tax amount."""

    def selected(record: RecordView) -> Iterator[tuple[int, Mapping[str, Any]]]:
        """(index, line) of the lines the rules apply to; paths are formatted only for failures."""
        for index, line in enumerate(record.get(lines) or []):
            if isinstance(line, dict | Mapping) and (when_lines is None or when_lines(record, line)):
                yield index, line

    def vat_missing(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
        if facts.has_vat:
            for index, line in selected(record):
                if is_blank((line.get("taxRateRef") or {}).get("id")):
                    yield f"{lines}[{index}].taxRateRef.id"

    def vat_unknown(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
        if facts.has_vat:
            for index, line in selected(record):
                tax_id = (line.get("taxRateRef") or {}).get("id")
                if tax_id and tax_fact(tax_id, facts) is None:
                    yield f"{lines}[{index}].taxRateRef.id"

    def us_tax_rate(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
        if not facts.has_vat:
            for index, line in selected(record):
                if not is_blank((line.get("taxRateRef") or {}).get("id")):
                    yield f"{lines}[{index}].taxRateRef"

    def us_tax_amount(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
        if not facts.has_vat:
            for index, line in selected(record):
                if (as_decimal(line.get("taxAmount")) or 0) != 0:
                    yield f"{lines}[{index}].taxAmount"

    return (
        Rule(
            f"{lines}.taxRateRef.id", "Must be provided on every line for a VAT or GST entity.", vat_missing
        ),
        Rule(f"{lines}.taxRateRef.id", "Must match to an existing TaxRate Id.", vat_unknown),
        Rule(
            f"{lines}.taxRateRef", "Is not supported by an entity without a tax solution (US).", us_tax_rate
        ),
        Rule(f"{lines}.taxAmount", "Must be 0 for an entity without a tax solution (US).", us_tax_amount),
    )


def posting_account_rule(path: str) -> Rule:
    """An account on an expense/revenue line must exist and not be tied to a bank account (BL03002112)."""

    def check(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
        for where, value in values_at(record, path):
            if not isinstance(value, str) or not value:
                continue
            found = facts.account(value)
            if (found is None and facts.accounts) or (found is not None and found.bank_account_id):
                yield where

    return Rule(
        path,
        "Must match to an existing Account Id that is not associated with a bank account.",
        check,
    )


TRACKING_FORMAT: Final = (
    "Must contain the type of the tracking category and the Id of the selected category, separated by a '-'. "
    "For example, 'DEPARTMENT-100'."
)


def tracking_rule(path: str) -> Rule:
    """The ``<DIMENSION>-<id>`` format, as a note: the mapping resolves each ref (names need the look-ups
    the connector does for the write) and refuses unknown dimensions and names with a message naming them.
    """
    return Rule(path, TRACKING_FORMAT, None)
