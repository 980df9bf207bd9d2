"""The options trees built from the AP rule tables have Codat's shape for Sage Intacct (same property paths,
types and required flags as Codat's examples), carry every rule as a validation note, and company choices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules import (
    accounts,
    bill_credit_notes,
    bill_payments,
    bills,
    journal_entries,
    suppliers,
)
from connectors.intacct.rules._base import RuleSet
from connectors.intacct.rules.options import build_options, display_name, pascal_path
from datamodel import PushOption, decode_json, decode_json_untyped, encode_json

EXAMPLES = Path(__file__).resolve().parents[5] / ".." / "shared" / "reference" / "codat-examples"
FACTS = CompanyFacts(
    company_id="DEMO",
    base_currency="USD",
    currencies=("AUD", "CAD", "GBP", "USD", "ZAR"),
    payment_methods={"6": "Cash", "3": "Credit Card", "5": "EFT"},
)
TABLES = {
    "bills": bills.RULES,
    "billCreditNotes": bill_credit_notes.RULES,
    "billPayments": bill_payments.RULES,
    "suppliers": suppliers.RULES,
    "chartOfAccounts": accounts.RULES,
    "journalEntries": journal_entries.RULES,
}


def shape(node: dict[str, Any], prefix: str = "") -> dict[str, tuple[str, bool]]:
    """Every property path of an options tree -> (type, required)."""
    found: dict[str, tuple[str, bool]] = {}
    for name, child in (node.get("properties") or {}).items():
        path = f"{prefix}{name}"
        found[path] = (child["type"], child["required"])
        found |= shape(child, f"{path}.")
    return found


def built(rules: RuleSet) -> dict[str, Any]:
    tree = build_options(rules, FACTS)
    as_json = encode_json(tree)
    assert decode_json(as_json, PushOption) == tree
    result = decode_json_untyped(as_json)
    assert isinstance(result, dict)
    return result


@pytest.mark.parametrize("data_type", list(TABLES))
def test_tree_has_codats_property_paths_types_and_required_flags(data_type: str) -> None:
    expected = decode_json_untyped((EXAMPLES / f"options-{data_type}-sage-intacct.json").read_bytes())
    tree = built(TABLES[data_type])
    assert (tree["type"], tree["required"], tree["displayName"]) == ("Object", True, expected["displayName"])
    assert shape(tree) == shape(expected)


def test_bills_tree_against_the_example_in_detail() -> None:
    expected = decode_json_untyped((EXAMPLES / "options-bills-sage-intacct.json").read_bytes())
    tree = built(bills.RULES)
    assert list(tree["properties"]) == list(expected["properties"])
    line_items = tree["properties"]["lineItems"]
    assert list(line_items["properties"]) == list(expected["properties"]["lineItems"]["properties"])
    assert {
        "field": "LineItems",
        "details": "Must either all be account based or all be item based.",
    } in line_items["validation"]["warnings"]
    assert line_items["properties"]["accountRef"]["displayName"] == "Account Reference"
    currency = tree["properties"]["currency"]
    assert currency["options"] == expected["properties"]["currency"]["options"]
    assert {"field": "Currency", "details": "Must be provided if CurrencyRate is set."} in currency[
        "validation"
    ]["warnings"]
    assert tree["properties"]["id"]["validation"]["information"] == [
        {"field": "Id", "details": "Is ignored for account based line items: Sage Intacct numbers the bill."}
    ]


@pytest.mark.parametrize("data_type", list(TABLES))
def test_every_rule_appears_as_a_note(data_type: str) -> None:
    rules = TABLES[data_type]
    notes: set[tuple[str, str]] = set()

    def collect(node: dict[str, Any]) -> None:
        for kind in ("warnings", "information"):
            notes.update((n["field"], n["details"]) for n in (node.get("validation") or {}).get(kind) or [])
        for child in (node.get("properties") or {}).values():
            collect(child)

    collect(built(rules))
    assert {(pascal_path(rule.field), rule.details) for rule in rules.rules} == notes


def test_company_choices() -> None:
    payments = built(bill_payments.RULES)["properties"]
    methods = payments["paymentMethodRef"]["properties"]["id"]["options"]
    assert [(o["value"], o["displayName"]) for o in methods] == [
        ("3", "Credit Card"),
        ("5", "EFT"),
        ("6", "Cash"),
    ]
    countries = built(suppliers.RULES)["properties"]["addresses"]["properties"]["country"]["options"]
    expected = decode_json_untyped((EXAMPLES / "options-suppliers-sage-intacct.json").read_bytes())
    assert countries == expected["properties"]["addresses"]["properties"]["country"]["options"]


def test_display_names_and_paths() -> None:
    assert display_name("supplierRef") == "Supplier Reference"
    assert display_name("trackingCategoryRefs") == "Tracking Category References"
    assert display_name("id") == "Identifier" and display_name("line1") == "Line 1"
    assert pascal_path("lineItems.accountRef.id") == "LineItems.AccountRef.Id"


def test_a_field_missing_from_the_model_is_a_table_error() -> None:
    broken = RuleSet(
        data_type="bills",
        display_name="Bill",
        description="",
        validator="Bill",
        fields=(bills.RULES.fields[0], type(bills.RULES.fields[0])("lineItems.nothing", "?")),
    )
    with pytest.raises(ValueError, match="lineItems"):
        build_options(broken, FACTS)
