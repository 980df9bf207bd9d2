"""The AP rule tables as tables: every path names a field of the unified model, every rule has its note, and
the shared rule builders pass good records and name the field of bad ones."""

from __future__ import annotations

import re
import typing
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from connectors.intacct.mapping._common import currency_rules, posting_account_rule, tax_rules
from connectors.intacct.mapping.facts import AccountFact, CompanyFacts, TaxFact
from connectors.intacct.rules import (
    accounts,
    bill_credit_notes,
    bill_payments,
    bills,
    journal_entries,
    suppliers,
)
from connectors.intacct.rules._base import Rule, RuleSet
from connectors.intacct.rules.bills import bill_kind
from connectors.intacct.rules.options import MODELS

TABLES = [bills.RULES, bill_credit_notes.RULES, bill_payments.RULES, suppliers.RULES, accounts.RULES]
TABLES.append(journal_entries.RULES)

US = CompanyFacts(
    company_id="DEMO",
    currencies=("USD", "GBP"),
    accounts={
        "1": AccountFact("1", "1010", "Bank", bank_account_id="BOA"),
        "2": AccountFact("2", "6000", "Rent"),
    },
)
GB = CompanyFacts(
    company_id="DEMO",
    base_currency="GBP",
    currencies=("GBP",),
    tax_solution_id="United Kingdom - VAT",
    tax_details={"81": TaxFact("81", "UK Purchase Standard Rate", "20")},
)


def _walks(model: type[msgspec.Struct], path: str) -> bool:
    """True when every part of a dotted wire path (``[n]`` indexes dropped) is a field of ``model``."""
    current: Any = model
    for part in re.sub(r"\[\d+\]", "", path).split("."):
        if not (isinstance(current, type) and issubclass(current, msgspec.Struct)):
            return False
        found = next((f for f in msgspec.structs.fields(current) if f.encode_name == part), None)
        if found is None:
            return False
        current = _inner(found.type)
    return True


def _inner(tp: Any) -> Any:
    for arg in typing.get_args(tp) or (tp,):
        origin = typing.get_origin(arg)
        if origin is list:
            return _inner(typing.get_args(arg)[0])
        if isinstance(arg, type) and issubclass(arg, msgspec.Struct):
            return arg
    return None


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.data_type)
def test_table_paths_are_fields_of_the_unified_model(table: RuleSet) -> None:
    model = MODELS[table.data_type]
    assert [spec.path for spec in table.fields if not _walks(model, spec.path)] == []
    assert [rule.field for rule in table.rules if not _walks(model, rule.field)] == []
    assert all(rule.details.strip() and rule.severity in ("error", "warning") for rule in table.rules)
    assert len({spec.path for spec in table.fields}) == len(table.fields)


def test_validate_reports_errors_before_warnings() -> None:
    table = RuleSet(
        "bills",
        "Bill",
        "",
        "Bill",
        (),
        (
            Rule("note", "advice", lambda r, f: ["note"], severity="warning"),
            Rule("reference", "wrong", lambda r, f: ["reference"]),
        ),
    )
    assert [(i.field, i.severity) for i in table.validate({}, US)] == [
        ("reference", "error"),
        ("note", "warning"),
    ]


def test_bill_kind() -> None:
    account = {"accountRef": {"id": "2"}}
    item = {"itemRef": {"id": "I1"}}
    assert bill_kind({"lineItems": [account, account]}) == "account"
    assert bill_kind({"lineItems": [item]}) == "item"
    assert bill_kind({"lineItems": [account, item]}) == "mixed"
    assert bill_kind({}) == "none"


def _failing(rules: tuple[Rule, ...] | list[Rule], record: dict[str, Any], facts: CompanyFacts) -> list[str]:
    return [path for rule in rules if rule.check for path in rule.check(record, facts)]


def test_currency_rules() -> None:
    rules = currency_rules()
    assert _failing(rules, {"currency": "GBP", "currencyRate": Decimal("1.2")}, US) == []
    assert _failing(rules, {"currency": "GBP"}, US) == []
    assert _failing(rules, {"currencyRate": Decimal(1)}, US) == ["currency"]
    assert _failing(rules, {"currency": "GBP", "currencyRate": Decimal(0)}, US) == ["currencyRate"]
    assert _failing(rules, {"currency": "EUR"}, US) == ["currency"]


def test_tax_rules_by_entity() -> None:
    rules = tax_rules()
    taxed = {"lineItems": [{"taxRateRef": {"id": "81"}, "taxAmount": Decimal(2)}]}
    untaxed = {"lineItems": [{"taxAmount": Decimal(0)}]}
    assert _failing(rules, taxed, GB) == [] and _failing(rules, untaxed, US) == []
    assert _failing(rules, untaxed, GB) == ["lineItems[0].taxRateRef.id"]
    assert _failing(rules, {"lineItems": [{"taxRateRef": {"id": "9"}}]}, GB) == ["lineItems[0].taxRateRef.id"]
    assert _failing(rules, taxed, US) == ["lineItems[0].taxRateRef", "lineItems[0].taxAmount"]


def test_posting_account_rule() -> None:
    rule = posting_account_rule("lineItems.accountRef.id")
    assert (
        _failing([rule], {"lineItems": [{"accountRef": {"id": "2"}}, {"accountRef": {"id": "6000"}}]}, US)
        == []
    )
    assert _failing(
        [rule], {"lineItems": [{"accountRef": {"id": "2"}}, {"accountRef": {"id": "1"}}]}, US
    ) == ["lineItems[1].accountRef.id"]
    assert _failing([rule], {"lineItems": [{"accountRef": {"id": "x"}}]}, US) == [
        "lineItems[0].accountRef.id"
    ]
    assert (
        _failing([rule], {"lineItems": [{"accountRef": {"id": "x"}}]}, GB) == []
    )  # no account list to check
