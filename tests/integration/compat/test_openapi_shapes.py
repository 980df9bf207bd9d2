"""The OpenAPI document describes what the gateway sends, in a form client generators can model.

Fast guards (no venv, no network) for the faults the generated-client test found: each one made
openapi-python-client drop or untype part of the API. See /work/notes/M-fixes.md for the history.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

CODAT_PAGES = (
    "Accounts",
    "BillCreditNotes",
    "BillPayments",
    "Bills",
    "Companies",
    "Connections",
    "CreditNotes",
    "Customers",
    "DirectIncomes",
    "Integrations",
    "Invoices",
    "Items",
    "JournalEntries",
    "Journals",
    "PaymentMethods",
    "Payments",
    "PullOperations",
    "PushOperations",
    "Suppliers",
    "TaxRates",
    "TrackingCategories",
    "Transfers",
)


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    from gateway.cli import openapi_document

    components: dict[str, Any] = openapi_document()["components"]["schemas"]
    return components


def test_no_two_schemas_share_a_title(schemas: dict[str, Any]) -> None:
    # Generators name models by title; a duplicate makes them drop both schemas and every user of them.
    titles = Counter(schema.get("title", name) for name, schema in schemas.items())
    assert [title for title, count in titles.items() if count > 1] == []


@pytest.mark.parametrize("page", CODAT_PAGES)
def test_page_results_name_their_record_model(schemas: dict[str, Any], page: str) -> None:
    results = schemas[page]["properties"]["results"]
    assert results["type"] == "array"
    assert results["items"].get("$ref", "").startswith("#/components/schemas/"), results
    assert schemas[page]["properties"]["_links"] == {"$ref": "#/components/schemas/Links"}


def test_money_is_a_json_number(schemas: dict[str, Any]) -> None:
    bill = schemas["Bill"]["properties"]
    assert bill["totalAmount"]["type"] == "number"
    rate_arms = {arm["type"] for arm in bill["currencyRate"]["oneOf"]}
    assert rate_arms == {"number", "null"}


@pytest.mark.parametrize(
    ("response", "record"), [("BillPushOperation", "Bill"), ("InvoicePushOperation", "Invoice")]
)
def test_push_operation_data_is_the_record_model(schemas: dict[str, Any], response: str, record: str) -> None:
    data = schemas[response]["properties"]["data"]
    assert {"$ref": f"#/components/schemas/{record}"} in data["oneOf"]
