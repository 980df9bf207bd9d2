"""The payment rule table: each rule passes a good payment and refuses a bad one naming the field; the
options tree has Codat's shape and its payment-method choices."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from connectors.intacct.rules.options import build_options
from connectors.intacct.rules.payments import RULES
from datamodel import to_builtins
from tests.unit.connectors.intacct.mapping._ar_support import US, example

GOOD: dict[str, Any] = {
    "customerRef": {"id": "C0001"},
    "accountRef": {"id": "10"},
    "paymentMethodRef": {"id": "6"},
    "date": "2022-03-12T00:00:00",
    "totalAmount": Decimal(100),
    "lines": [
        {
            "amount": Decimal(100),
            "links": [
                {"type": "Invoice", "id": "246", "amount": Decimal("-101.1")},
                {"type": "CreditNote", "id": "280", "amount": Decimal("1.1")},
            ],
        }
    ],
}


def errors(record: dict[str, Any], facts: Any = US) -> list[tuple[str, str]]:
    return [(i.field, i.message) for i in RULES.validate(record, facts) if i.severity == "error"]


def first(record: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = record["lines"][0]
    return found


def link(record: dict[str, Any], index: int) -> dict[str, Any]:
    found: dict[str, Any] = first(record)["links"][index]
    return found


def test_good_payments_pass() -> None:
    assert errors(GOOD) == []
    foreign = {**GOOD, "currency": "EUR", "currencyRate": Decimal("1.1")}
    assert errors(foreign) == []
    assert errors({**GOOD, "currency": "USD"}) == []  # base currency needs no rate


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("customer", lambda r: r.pop("customerRef"), "customerRef.id", "existing customer"),
    ("account", lambda r: r.pop("accountRef"), "accountRef.id", "undeposited"),
    ("unknown account", lambda r: r.update(accountRef={"id": "81"}), "accountRef.id", "existing Account"),
    ("method", lambda r: r.pop("paymentMethodRef"), "paymentMethodRef.id", "Must be provided"),
    ("ap-only method", lambda r: r.update(paymentMethodRef={"id": "12"}), "paymentMethodRef.id", "receipts"),
    ("total missing", lambda r: r.pop("totalAmount"), "totalAmount", "sum of Lines.Amount"),
    ("total", lambda r: r.update(totalAmount=Decimal(99)), "totalAmount", "sum of Lines.Amount"),
    ("note", lambda r: r.update(note="n" * 1001), "note", "1000"),
    ("rate", lambda r: r.update(currency="EUR"), "currencyRate", "required if currency"),
    ("lines", lambda r: r.update(lines=[], totalAmount=Decimal(0)), "lines", "at least one payment line"),
    ("refund", lambda r: first(r).update(amount=Decimal(-1)), "lines[0].amount", "refunds"),
    ("nets", lambda r: link(r, 0).update(amount=Decimal(-100)), "lines[0].amount", "must be zero"),
    (
        "two invoices",
        lambda r: link(r, 1).update(type="Invoice", amount=Decimal("-1.1")),
        "lines[0].links",
        "only one",
    ),
    (
        "three links",
        lambda r: first(r)["links"].append({"type": "CreditNote", "id": "281", "amount": Decimal(0)}),
        "lines[0].links",
        "No more than two",
    ),
    ("type", lambda r: link(r, 1).update(type="Refund"), "lines[0].links[1].type", "Invoice or CreditNote"),
    ("id missing", lambda r: link(r, 1).pop("id"), "lines[0].links[1].id", "Record No."),
    ("integer id", lambda r: link(r, 1).update(id="CN-280"), "lines[0].links[1].id", "integer"),
    ("amount", lambda r: link(r, 1).pop("amount"), "lines[0].links[1].amount", "Must be provided"),
    ("sign", lambda r: link(r, 1).update(amount=Decimal("-1.1")), "lines[0].links[1].amount", "positive"),
]


@pytest.mark.parametrize(("name", "change", "field", "text"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_refuses_naming_the_field(
    name: str, change: Callable[[dict[str, Any]], None], field: str, text: str
) -> None:
    record = copy.deepcopy(GOOD)
    change(record)
    found = errors(record)
    assert any(where == field and text in message for where, message in found), found


def _paths(node: dict[str, Any], prefix: str = "") -> dict[str, bool]:
    out: dict[str, bool] = {}
    for key, child in (node.get("properties") or {}).items():
        path = f"{prefix}.{key}" if prefix else key
        out[path] = child["required"]
        out.update(_paths(child, path))
    return out


def test_options_tree_has_codats_shape_and_method_choices() -> None:
    reference = example("options-payments-sage-intacct.json")
    tree = to_builtins(build_options(RULES, US))
    assert _paths(tree) == _paths(reference)
    ours = tree["properties"]["paymentMethodRef"]["properties"]["id"]["options"]
    theirs = reference["properties"]["paymentMethodRef"]["properties"]["id"]["options"]
    assert [o["value"] for o in ours] == [o["value"] for o in theirs] == ["1", "3", "5", "6"]
    company = dataclasses.replace(US, payment_methods={"6": "Cash", "40": "Online ACH Debit", "12": "ACH"})
    choices = to_builtins(build_options(RULES, company))["properties"]["paymentMethodRef"]["properties"]["id"]
    assert [o["value"] for o in choices["options"]] == ["6", "40"]
