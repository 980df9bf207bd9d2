"""Shared pieces of the AP mapping tests: two companies (US entity, GB VAT entity), reference files, the
element-order check against Intacct's SDK fixtures, and small accessors for plans and refusals."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from connectors.errors import ConnectorRejectedError
from connectors.intacct.mapping.facts import AccountFact, CompanyFacts, CustomFieldMapping, TaxFact
from connectors.intacct.mapping.plan import WritePlan
from connectors.intacct.xml.parse import parse_xml
from connectors.intacct.xml.tree import to_element
from datamodel import decode_json_untyped

REFERENCE = Path(__file__).resolve().parents[5] / ".." / "shared" / "reference"
FIXTURES = REFERENCE / "intacct-fixtures"
EXAMPLES = REFERENCE / "codat-examples"

ACCOUNTS = {
    "10": AccountFact("10", "1010", "Bank - Checking", bank_account_id="BOA", currency="USD"),
    "11": AccountFact("11", "1020", "Bank - Barclays", bank_account_id="BARCLAYS", currency="GBP"),
    "20": AccountFact("20", "6000", "Office Expenses"),
    "21": AccountFact("21", "6100", "Travel"),
    "30": AccountFact("30", "2000", "Accounts Payable"),
    "40": AccountFact("40", "3000", "Retained Earnings"),
}

US = CompanyFacts(
    company_id="DEMO",
    entity_id="100",
    base_currency="USD",
    currencies=("USD", "GBP", "EUR"),
    payment_methods={"1": "Printed Check", "3": "Credit Card", "5": "EFT", "6": "Cash", "12": "ACH"},
    accounts=ACCOUNTS,
    dimension_names={"DEPARTMENT": {"Admin": "ADM", "Sales": "SAL"}, "LOCATION": {"London": "200"}},
    custom_dimensions=("LINE_OF_BUSINESS",),
    journals={"207": "GJ", "208": "ADJ"},
)
GB = dataclasses.replace(
    US,
    entity_id="200",
    base_currency="GBP",
    currencies=("GBP", "USD", "EUR"),
    tax_solution_id="United Kingdom - VAT",
    tax_details={
        "81": TaxFact("81", "UK Purchase Standard Rate", "20", "Purchase"),
        "82": TaxFact("82", "UK Purchase Zero Rate", "0", "Purchase"),
    },
)
WITH_CUSTOM_FIELDS = dataclasses.replace(
    US,
    custom_fields=(
        CustomFieldMapping("bills", "CUSTOMFIELD1", value="fixed"),
        CustomFieldMapping("bills.lineItems", "LINEFIELD", source_path="description"),
    ),
)


def fixture(name: str) -> etree._Element:
    return parse_xml((FIXTURES / name).read_bytes())


def example(name: str) -> Any:
    return decode_json_untyped((EXAMPLES / name).read_bytes())


def element(plan: WritePlan) -> etree._Element:
    """The function element the connector would send for ``plan``."""
    return to_element(plan.function, plan.body)


def _tags(node: etree._Element) -> list[str]:
    return list(dict.fromkeys(str(c.tag) for c in node if isinstance(c.tag, str)))


def order_problems(expected: etree._Element, actual: etree._Element, where: str = "") -> list[str]:
    """Children both documents have must come in the same relative order, at every level."""
    here = f"{where}/{actual.tag}"
    common = [tag for tag in _tags(actual) if tag in _tags(expected)]
    problems: list[str] = []
    expected_order = [tag for tag in _tags(expected) if tag in common]
    if expected_order != common:
        problems.append(f"{here}: order {common} but Intacct's is {expected_order}")
    for tag in common:
        found_expected, found_actual = expected.find(tag), actual.find(tag)
        assert found_expected is not None and found_actual is not None
        problems += order_problems(found_expected, found_actual, here)
    return problems


def shared_tags(expected: etree._Element, actual: etree._Element) -> list[str]:
    return [tag for tag in _tags(actual) if tag in _tags(expected)]


def refusal(call: Any, *args: Any, **kwargs: Any) -> list[tuple[str | None, str]]:
    """(field, message) of every issue of the ConnectorRejectedError ``call`` must raise."""
    with pytest.raises(ConnectorRejectedError) as caught:
        call(*args, **kwargs)
    return [(issue.field, issue.message) for issue in caught.value.issues]


def refused_fields(call: Any, *args: Any, **kwargs: Any) -> set[str | None]:
    return {field for field, _ in refusal(call, *args, **kwargs)}
