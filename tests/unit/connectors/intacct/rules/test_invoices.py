"""The invoice rule table: every rule passes a good invoice and refuses a bad one naming the field; the
options tree it builds has Codat's shape for Sage Intacct."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from connectors.intacct.rules.invoices import RULES, invoice_kind
from connectors.intacct.rules.options import build_options
from datamodel import to_builtins
from tests.unit.connectors.intacct.mapping._ar_support import AUTO, GB, US, example

AR: dict[str, Any] = {
    "invoiceNumber": "INV-1",
    "customerRef": {"id": "C0001"},
    "issueDate": "2024-03-05T00:00:00",
    "dueDate": "2024-04-04T00:00:00",
    "status": "Submitted",
    "lineItems": [
        {
            "unitAmount": Decimal(100),
            "quantity": Decimal(1),
            "accountRef": {"id": "40"},
            "trackingCategoryRefs": [{"id": "DEPARTMENT-SAL"}],
        }
    ],
    "totalAmount": Decimal(100),
}
SALES: dict[str, Any] = {
    **AR,
    "lineItems": [
        {
            "unitAmount": Decimal(5),
            "quantity": Decimal(3),
            "itemRef": {"id": "I100"},
            "trackingCategoryRefs": [{"id": "WAREHOUSE-WH100"}, {"id": "ITEM-I100"}],
        }
    ],
}
GB_AR: dict[str, Any] = {
    **AR,
    "lineItems": [{**AR["lineItems"][0], "taxRateRef": {"id": "99"}}],
}


def errors(record: dict[str, Any], facts: Any = US) -> list[tuple[str, str]]:
    return [(i.field, i.message) for i in RULES.validate(record, facts) if i.severity == "error"]


def changed(base: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    record = copy.deepcopy(base)
    change(record)
    return record


@pytest.mark.parametrize(("record", "facts"), [(AR, US), (GB_AR, GB), (SALES, US), (SALES, GB)])
def test_good_invoices_pass(record: dict[str, Any], facts: Any) -> None:
    assert errors(record, facts) == []


def line(record: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = record["lineItems"][0]
    return found


CASES: list[tuple[str, dict[str, Any], Any, Callable[[dict[str, Any]], None], str, str]] = [
    ("customer", AR, US, lambda r: r.pop("customerRef"), "customerRef.id", "Customer Id"),
    ("due date", AR, US, lambda r: r.pop("dueDate"), "dueDate", "due date"),
    ("status", AR, US, lambda r: r.update(status="Paid"), "status", "Draft or Submitted"),
    ("number", AR, US, lambda r: r.pop("invoiceNumber"), "invoiceNumber", "not configured to number"),
    ("no lines", AR, US, lambda r: r.update(lineItems=[]), "lineItems", "at least one line item"),
    (
        "unit amount",
        AR,
        US,
        lambda r: line(r).update(unitAmount=0),
        "lineItems[0].unitAmount",
        "greater than zero",
    ),
    ("negative", AR, US, lambda r: r.update(totalAmount=Decimal(-1)), "totalAmount", "write a credit note"),
    ("negative line", AR, US, lambda r: line(r).update(quantity=-1), "lineItems[0].quantity", "credit note"),
    ("ar account", AR, US, lambda r: line(r).pop("accountRef"), "lineItems[0].accountRef.id", "Must be set"),
    (
        "bank account",
        AR,
        US,
        lambda r: line(r).update(accountRef={"id": "10"}),
        "lineItems[0].accountRef.id",
        "bank",
    ),
    ("ar quantity", AR, US, lambda r: line(r).update(quantity=2), "lineItems[0].quantity", "set to 1"),
    (
        "vat tax rate",
        GB_AR,
        GB,
        lambda r: line(r).pop("taxRateRef"),
        "lineItems[0].taxRateRef.id",
        "every line",
    ),
    (
        "us tax rate",
        AR,
        US,
        lambda r: line(r).update(taxRateRef={"id": "99"}),
        "lineItems[0].taxRateRef",
        "(US)",
    ),
    (
        "mixed",
        AR,
        US,
        lambda r: r["lineItems"].append({"unitAmount": 1, "quantity": 1, "itemRef": {"id": "I1"}}),
        "lineItems[0].itemRef.id",
        "all line items",
    ),
    (
        "sales account",
        SALES,
        US,
        lambda r: line(r).update(accountRef={"id": "40"}),
        "lineItems[0].accountRef.id",
        "Must not",
    ),
    (
        "sales tax",
        SALES,
        GB,
        lambda r: line(r).update(taxRateRef={"id": "99"}),
        "lineItems[0].taxRateRef.id",
        "Must not",
    ),
    (
        "sales quantity",
        SALES,
        US,
        lambda r: line(r).update(quantity=0),
        "lineItems[0].quantity",
        "greater than 0",
    ),
    (
        "warehouse",
        SALES,
        US,
        lambda r: line(r).update(trackingCategoryRefs=[{"id": "ITEM-I100"}]),
        "lineItems[0].trackingCategoryRefs",
        "WAREHOUSE must be supplied",
    ),
    (
        "item category",
        SALES,
        US,
        lambda r: line(r)["trackingCategoryRefs"].__setitem__(1, {"id": "ITEM-I999"}),
        "lineItems[0].trackingCategoryRefs[1].id",
        "must match the ItemRef.Id",
    ),
    ("currency", AR, US, lambda r: r.update(currencyRate=Decimal("1.2")), "currency", "CurrencyRate"),
    (
        "rate",
        AR,
        US,
        lambda r: r.update(currency="GBP", currencyRate=Decimal(0)),
        "currencyRate",
        "greater than 0",
    ),
    ("unknown currency", AR, US, lambda r: r.update(currency="JPY"), "currency", "enabled"),
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
    found = errors(changed(base, change), facts)
    assert any(where == field and text in message for where, message in found), found


def test_sales_tracking_by_name_counts_as_warehouse() -> None:
    record = changed(SALES, lambda r: line(r).update(trackingCategoryRefs=[{"id": "Main Warehouse"}]))
    assert errors(record) == []


def test_auto_numbering_makes_the_number_optional() -> None:
    record = changed(AR, lambda r: r.pop("invoiceNumber"))
    assert errors(record, AUTO) == []


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        ([{"itemRef": {"id": "1"}}], "salesInvoice"),
        ([{}], "invoice"),
        ([{}, {"itemRef": {"id": "1"}}], "mixed"),
        ([], "invoice"),
    ],
)
def test_invoice_kind(lines: list[dict[str, Any]], kind: str) -> None:
    assert invoice_kind({"lineItems": lines}) == kind


def _paths(node: dict[str, Any], prefix: str = "") -> dict[str, bool]:
    out: dict[str, bool] = {}
    for key, child in (node.get("properties") or {}).items():
        path = f"{prefix}.{key}" if prefix else key
        out[path] = child["required"]
        out.update(_paths(child, path))
    return out


def test_options_tree_has_codats_shape() -> None:
    tree = to_builtins(build_options(RULES, US))
    assert _paths(tree) == _paths(example("options-invoices-sage-intacct.json"))
    status = tree["properties"]["status"]
    assert [o["value"] for o in status["options"]] == ["Draft", "Submitted"]
    notes = tree["properties"]["lineItems"]["properties"]["quantity"]["validation"]["warnings"]
    assert {"field": "LineItems.Quantity", "details": "Must be set to 1 for an invoice."} in notes
