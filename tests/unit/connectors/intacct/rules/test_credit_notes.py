"""The credit-note rule table: each rule passes a good credit note and refuses a bad one naming the field;
the options tree has Codat's shape."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from connectors.intacct.rules.credit_notes import RULES
from connectors.intacct.rules.options import build_options
from datamodel import to_builtins
from tests.unit.connectors.intacct.mapping._ar_support import AUTO, GB, US, example

GOOD: dict[str, Any] = {
    "creditNoteNumber": "CN-1",
    "customerRef": {"id": "C0001"},
    "issueDate": "2024-03-05T00:00:00",
    "status": "Draft",
    "lineItems": [{"unitAmount": Decimal(10), "quantity": Decimal(1), "accountRef": {"id": "40"}}],
}
GOOD_GB: dict[str, Any] = {**GOOD, "lineItems": [{**GOOD["lineItems"][0], "taxRateRef": {"id": "98"}}]}


def errors(record: dict[str, Any], facts: Any = US) -> list[tuple[str, str]]:
    return [(i.field, i.message) for i in RULES.validate(record, facts) if i.severity == "error"]


def line(record: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = record["lineItems"][0]
    return found


@pytest.mark.parametrize(
    ("record", "facts"), [(GOOD, US), (GOOD_GB, GB), ({**GOOD, "creditNoteNumber": None}, AUTO)]
)
def test_good_credit_notes_pass(record: dict[str, Any], facts: Any) -> None:
    assert errors({k: v for k, v in record.items() if v is not None}, facts) == []


CASES: list[tuple[str, dict[str, Any], Any, Callable[[dict[str, Any]], None], str, str]] = [
    ("customer", GOOD, US, lambda r: r.pop("customerRef"), "customerRef.id", "Customer Id"),
    (
        "number needed",
        GOOD,
        US,
        lambda r: r.pop("creditNoteNumber"),
        "creditNoteNumber",
        "Must be provided if",
    ),
    ("number refused", GOOD, AUTO, lambda r: None, "creditNoteNumber", "otherwise cannot be used"),
    ("issue date", GOOD, US, lambda r: r.pop("issueDate"), "issueDate", "date the Credit Note"),
    ("status", GOOD, US, lambda r: r.update(status="Void"), "status", "Draft or Submitted"),
    ("lines", GOOD, US, lambda r: r.update(lineItems=[]), "lineItems", "at least one line item"),
    (
        "unit amount",
        GOOD,
        US,
        lambda r: line(r).update(unitAmount=Decimal(-1)),
        "lineItems[0].unitAmount",
        "zero or greater",
    ),
    (
        "quantity",
        GOOD,
        US,
        lambda r: line(r).update(quantity=Decimal(-1)),
        "lineItems[0].quantity",
        "zero or greater",
    ),
    ("account", GOOD, US, lambda r: line(r).pop("accountRef"), "lineItems[0].accountRef.id", "GL Account"),
    (
        "bank account",
        GOOD,
        US,
        lambda r: line(r).update(accountRef={"id": "11"}),
        "lineItems[0].accountRef.id",
        "bank",
    ),
    ("vat tax", GOOD_GB, GB, lambda r: line(r).pop("taxRateRef"), "lineItems[0].taxRateRef.id", "VAT"),
    (
        "unknown tax",
        GOOD_GB,
        GB,
        lambda r: line(r).update(taxRateRef={"id": "7"}),
        "lineItems[0].taxRateRef.id",
        "existing",
    ),
    (
        "us tax",
        GOOD,
        US,
        lambda r: line(r).update(taxRateRef={"id": "99"}),
        "lineItems[0].taxRateRef",
        "(US)",
    ),
    (
        "description",
        GOOD,
        US,
        lambda r: line(r).update(description="x" * 1001),
        "lineItems[0].description",
        "1000",
    ),
    (
        "rate without currency",
        GOOD,
        US,
        lambda r: r.update(currencyRate=Decimal(2)),
        "currency",
        "CurrencyRate",
    ),
]


@pytest.mark.parametrize(
    ("name", "base", "facts", "change", "field", "text"), CASES, ids=[c[0] for c in CASES]
)
def test_each_rule_refuses_naming_the_field(
    name: str,
    base: dict[str, Any],
    facts: Any,
    change: Callable[[dict[str, Any]], None],
    field: str,
    text: str,
) -> None:
    record = copy.deepcopy(base)
    change(record)
    found = errors(record, facts)
    assert any(where == field and text in message for where, message in found), found


def _paths(node: dict[str, Any], prefix: str = "") -> dict[str, bool]:
    out: dict[str, bool] = {}
    for key, child in (node.get("properties") or {}).items():
        path = f"{prefix}.{key}" if prefix else key
        out[path] = child["required"]
        out.update(_paths(child, path))
    return out


def test_options_tree_has_codats_shape() -> None:
    tree = to_builtins(build_options(RULES, US))
    assert _paths(tree) == _paths(example("options-creditNotes-sage-intacct.json"))
    assert tree["displayName"] == "Accounts Receivable Credit Note"
