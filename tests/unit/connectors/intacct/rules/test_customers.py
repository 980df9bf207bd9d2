"""The customer rule table: each rule passes a good customer and refuses a bad one naming the field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from connectors.intacct.rules.customers import RULES
from connectors.intacct.rules.options import build_options
from datamodel import to_builtins
from tests.unit.connectors.intacct.mapping._ar_support import AUTO, US

GOOD: dict[str, Any] = {
    "id": "C1",
    "customerName": "Acme",
    "contactName": "Jo Bloggs",
    "status": "Active",
    "taxNumber": "GB123",
    "addresses": [{"type": "Billing", "line1": "1 High St", "country": "United Kingdom"}],
}


def issues(record: dict[str, Any], facts: Any = US, severity: str = "error") -> list[tuple[str, str]]:
    return [(i.field, i.message) for i in RULES.validate(record, facts) if i.severity == severity]


def test_good_customers_pass() -> None:
    assert issues(GOOD) == []
    assert issues({k: v for k, v in GOOD.items() if k != "id"}, AUTO) == []
    primary_only = {k: v for k, v in GOOD.items() if k != "contactName"}
    assert issues({**primary_only, "contacts": [{"name": "Jo Bloggs", "status": "Active"}]}) == []


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("id", lambda r: r.pop("id"), "id", "number customers"),
    ("name", lambda r: r.pop("customerName"), "customerName", "cannot be cleared"),
    ("name length", lambda r: r.update(customerName="n" * 101), "customerName", "100"),
    ("contact", lambda r: r.pop("contactName"), "contactName", "200"),
    ("status", lambda r: r.update(status="Unknown"), "status", "Active or Archived"),
    ("phone", lambda r: r.update(phone="1" * 31), "phone", "30"),
    ("email", lambda r: r.update(emailAddress="e" * 201), "emailAddress", "200"),
    ("tax number", lambda r: r.update(taxNumber="t" * 21), "taxNumber", "20"),
    ("registration", lambda r: r.update(registrationNumber="r" * 101), "registrationNumber", "100"),
    ("currency", lambda r: r.update(defaultCurrency="JPY"), "defaultCurrency", "enabled"),
    ("two addresses", lambda r: r["addresses"].append({"type": "Delivery"}), "addresses", "only 1"),
    ("country", lambda r: r["addresses"][0].pop("country"), "addresses[0].country", "Country is required"),
    ("no address", lambda r: r.pop("addresses"), "addresses", "Country is required"),
    (
        "country name",
        lambda r: r["addresses"][0].update(country="UK"),
        "addresses[0].country",
        "country names",
    ),
    ("city", lambda r: r["addresses"][0].update(city="c" * 81), "addresses[0].city", "80"),
    ("region", lambda r: r["addresses"][0].update(region="r" * 41), "addresses[0].region", "40"),
    ("postal code", lambda r: r["addresses"][0].update(postalCode="p" * 31), "addresses[0].postalCode", "30"),
]


@pytest.mark.parametrize(("name", "change", "field", "text"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_refuses_naming_the_field(
    name: str, change: Callable[[dict[str, Any]], None], field: str, text: str
) -> None:
    record = copy.deepcopy(GOOD)
    change(record)
    found = issues(record)
    assert any(where == field and text in message for where, message in found), found


def test_extra_contacts_and_registration_number_are_warnings() -> None:
    record = {**GOOD, "registrationNumber": "123", "contacts": [{"status": "Active"}, {"status": "Active"}]}
    assert issues(record) == []
    assert {field for field, _ in issues(record, severity="warning")} == {"contacts[1]", "registrationNumber"}


def test_options_tree_builds_with_currency_choices() -> None:
    tree = to_builtins(build_options(RULES, US))
    assert tree["properties"]["customerName"]["required"] is True
    assert [o["value"] for o in tree["properties"]["defaultCurrency"]["options"]] == ["USD", "GBP", "EUR"]
