"""The direct-income rule table: each rule passes a good receipt and refuses a bad one naming the field;
ignored fields are warnings only; the options tree has Codat's shape."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from connectors.intacct.rules.direct_incomes import RULES
from connectors.intacct.rules.options import build_options
from datamodel import to_builtins
from tests.unit.connectors.intacct.mapping._ar_support import GB, US, example

GOOD: dict[str, Any] = {
    "reference": "Walk-in customer",
    "issueDate": "2024-05-02T00:00:00",
    "currency": "USD",
    "lineItems": [{"unitAmount": Decimal(5), "quantity": Decimal(1), "accountRef": {"id": "40"}}],
    "paymentAllocations": [
        {"payment": {"accountRef": {"id": "10"}, "paidOnDate": "2024-05-02"}, "allocation": {}}
    ],
}


def issues(record: dict[str, Any], facts: Any = US, severity: str = "error") -> list[tuple[str, str]]:
    return [(i.field, i.message) for i in RULES.validate(record, facts) if i.severity == severity]


def payment(record: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = record["paymentAllocations"][0]["payment"]
    return found


def line(record: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = record["lineItems"][0]
    return found


def test_good_receipts_pass() -> None:
    assert issues(GOOD) == []
    vat = copy.deepcopy(GOOD)
    line(vat)["taxRateRef"] = {"id": "99"}
    assert issues(vat, GB) == []


CASES: list[tuple[str, Any, Callable[[dict[str, Any]], None], str, str]] = [
    ("payee", US, lambda r: r.pop("reference"), "reference", "payee's name"),
    ("payee length", US, lambda r: r.update(reference="p" * 81), "reference", "80 characters"),
    ("date", US, lambda r: r.pop("issueDate"), "issueDate", "Must be provided"),
    ("no allocation", US, lambda r: r.update(paymentAllocations=[]), "paymentAllocations", "single payment"),
    (
        "two allocations",
        US,
        lambda r: r["paymentAllocations"].append(copy.deepcopy(r["paymentAllocations"][0])),
        "paymentAllocations",
        "single payment",
    ),
    (
        "paid on",
        US,
        lambda r: payment(r).pop("paidOnDate"),
        "paymentAllocations[0].payment.paidOnDate",
        "Must be",
    ),
    (
        "bank",
        US,
        lambda r: payment(r).pop("accountRef"),
        "paymentAllocations[0].payment.accountRef.id",
        "bank account",
    ),
    (
        "bank tie",
        US,
        lambda r: payment(r).update(accountRef={"id": "40"}),
        "paymentAllocations[0].payment.accountRef.id",
        "checking or savings",
    ),
    ("lines", US, lambda r: r.update(lineItems=[]), "lineItems", "at least one line item"),
    ("line account", US, lambda r: line(r).pop("accountRef"), "lineItems[0].accountRef.id", "not linked"),
    (
        "bank line",
        US,
        lambda r: line(r).update(accountRef={"id": "10"}),
        "lineItems[0].accountRef.id",
        "bank",
    ),
    ("vat", GB, lambda r: None, "lineItems[0].taxRateRef.id", "VAT"),
    ("us tax", US, lambda r: line(r).update(taxRateRef={"id": "99"}), "lineItems[0].taxRateRef", "(US)"),
    ("description", US, lambda r: line(r).update(description="d" * 1001), "lineItems[0].description", "1000"),
    ("currency", US, lambda r: r.update(currency="JPY"), "currency", "enabled"),
]


@pytest.mark.parametrize(("name", "facts", "change", "field", "text"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_refuses_naming_the_field(
    name: str, facts: Any, change: Callable[[dict[str, Any]], None], field: str, text: str
) -> None:
    record = copy.deepcopy(GOOD)
    change(record)
    found = issues(record, facts)
    assert any(where == field and text in message for where, message in found), found


def test_ignored_fields_are_warnings_not_errors() -> None:
    record = copy.deepcopy(GOOD)
    record.update(subTotal=Decimal(5), taxAmount=Decimal(0), totalAmount=Decimal(5))
    payment(record).update(note="n", reference="r", totalAmount=Decimal(5))
    record["paymentAllocations"][0]["allocation"] = {"currency": "USD"}
    assert issues(record) == []
    assert {field for field, _ in issues(record, severity="warning")} == {
        "subTotal",
        "taxAmount",
        "totalAmount",
        "paymentAllocations[0].payment.note",
        "paymentAllocations[0].payment.reference",
        "paymentAllocations[0].payment.totalAmount",
        "paymentAllocations[0].allocation.currency",
    }


def _paths(node: dict[str, Any], prefix: str = "") -> dict[str, bool]:
    out: dict[str, bool] = {}
    for key, child in (node.get("properties") or {}).items():
        path = f"{prefix}.{key}" if prefix else key
        out[path] = child["required"]
        out.update(_paths(child, path))
    return out


def test_options_tree_has_codats_shape() -> None:
    tree = to_builtins(build_options(RULES, US))
    assert _paths(tree) == _paths(example("options-directIncomes-sage-intacct.json"))
