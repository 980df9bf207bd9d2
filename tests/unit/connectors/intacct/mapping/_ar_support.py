"""Shared pieces of the AR mapping tests: a US and a GB (VAT) company, reference files, the element-order
check against Intacct's SDK fixtures, refusal accessors, and a small "what Intacct would store" simulator
that turns a legacy AR plan into the rows a read returns (for round-trip tests)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
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
    "12": AccountFact("12", "1200", "Undeposited Funds"),
    "40": AccountFact("40", "4000", "Sales"),
    "41": AccountFact("41", "4100", "Services"),
}

US = CompanyFacts(
    company_id="DEMO",
    entity_id="100",
    base_currency="USD",
    currencies=("USD", "GBP", "EUR"),
    accounts=ACCOUNTS,
    dimension_names={"DEPARTMENT": {"Sales": "SAL"}, "WAREHOUSE": {"Main Warehouse": "WH100"}},
    custom_dimensions=("LINE_OF_BUSINESS",),
)
GB = dataclasses.replace(
    US,
    entity_id="200",
    base_currency="GBP",
    currencies=("GBP", "USD", "EUR"),
    tax_solution_id="United Kingdom - VAT",
    tax_details={
        "99": TaxFact("99", "UK Sale Standard Rate", "20", "Sale"),
        "98": TaxFact("98", "UK Sale Zero Rate", "0", "Sale"),
    },
)
AUTO = dataclasses.replace(
    US, auto_numbering={"ARINVOICE": True, "SODOCUMENT": True, "ARADJUSTMENT": True, "CUSTOMER": True}
)
WITH_CUSTOM_FIELDS = dataclasses.replace(
    US,
    custom_fields=(
        CustomFieldMapping("invoices", "CUSTOMFIELD1", value="fixed"),
        CustomFieldMapping("invoices.lineItems", "LINEFIELD", source_path="description"),
        CustomFieldMapping("creditNotes", "CUSTOMFIELD1", source_path="note"),
        CustomFieldMapping("customers", "CUSTOMFIELD1", value="from-gateway"),
    ),
)


def fixture(name: str) -> etree._Element:
    return parse_xml((FIXTURES / name).read_bytes())


def example(name: str) -> Any:
    return decode_json_untyped((EXAMPLES / name).read_bytes())


def element(plan: WritePlan) -> etree._Element:
    """The function element the connector would send for ``plan``."""
    return to_element(plan.function, plan.body)


def tags(node: etree._Element) -> list[str]:
    return list(dict.fromkeys(str(c.tag) for c in node if isinstance(c.tag, str)))


#: Elements whose children the document fixtures leave minimal; each has its own all-fields fixture.
LINE_ELEMENTS = frozenset({"lineitem", "sotransitem"})


def order_problems(expected: etree._Element, actual: etree._Element, where: str = "") -> list[str]:
    """Every child of ``actual`` must exist in ``expected``, in the same relative order, at every level
    (line items are compared against their own fixture)."""
    here = f"{where}/{actual.tag}"
    problems = [
        f"{here}: <{tag}> is not in Intacct's element" for tag in tags(actual) if tag not in tags(expected)
    ]
    common = [tag for tag in tags(actual) if tag in tags(expected)]
    expected_order = [tag for tag in tags(expected) if tag in common]
    if expected_order != common:
        problems.append(f"{here}: order {common} but Intacct's is {expected_order}")
    for tag in common:
        found_expected, found_actual = expected.find(tag), actual.find(tag)
        assert found_expected is not None and found_actual is not None
        if tag not in LINE_ELEMENTS and len(found_expected) and len(found_actual):
            problems += order_problems(found_expected, found_actual, here)
    return problems


def refusal(call: Any, *args: Any, **kwargs: Any) -> list[tuple[str | None, str]]:
    """(field, message) of every issue of the ConnectorRejectedError ``call`` must raise."""
    with pytest.raises(ConnectorRejectedError) as caught:
        call(*args, **kwargs)
    return [(issue.field, issue.message) for issue in caught.value.issues]


def refused_fields(call: Any, *args: Any, **kwargs: Any) -> set[str | None]:
    return {field for field, _ in refusal(call, *args, **kwargs)}


# --- what Intacct stores for a legacy AR document ------------------------------------------------------

_DIMENSIONS = {
    "locationid": "LOCATION",
    "departmentid": "DEPARTMENT",
    "projectid": "PROJECT",
    "customerid": "CUSTOMER",
    "vendorid": "VENDOR",
    "employeeid": "EMPLOYEE",
    "itemid": "ITEM",
    "classid": "CLASS",
    "contractid": "CONTRACT",
    "warehouseid": "WAREHOUSE",
}


def intacct_date(block: Mapping[str, str] | None) -> str:
    assert block is not None
    return f"{block['month']}/{block['day']}/{block['year']}"


def stored_rows(
    body: Mapping[str, Any], items: str, facts: CompanyFacts, *, number: str, recordno: str = "501"
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Header and line rows Intacct would return after ``create_invoice``/``create_aradjustment``.

    Amounts are kept as sent (credit memos negative), each tax entry becomes a ``LINEITEM F`` row under
    its line, and the base currency is the company's.
    """
    rate = Decimal(str(body["exchrate"])) if "exchrate" in body else Decimal(1)
    rows: list[dict[str, Any]] = []
    total = Decimal(0)
    line_no = 0
    for n, line in enumerate(body[items]["lineitem"], 1):
        account = facts.account(line["glaccountno"])
        assert account is not None
        key = str(1000 + n)
        amount = Decimal(str(line["amount"]))
        row: dict[str, Any] = {
            "RECORDNO": key,
            "RECORDKEY": recordno,
            "LINE_NO": str(n),
            "LINEITEM": "T",
            "ACCOUNTKEY": account.recordno,
            "ACCOUNTNO": account.account_no,
            "ACCOUNTTITLE": account.title,
            "TRX_AMOUNT": str(amount),
            "AMOUNT": str(amount * rate),
            "ENTRYDESCRIPTION": line.get("memo", ""),
        }
        for element_name, field in _DIMENSIONS.items():
            if element_name in line:
                row[f"{field}ID"] = line[element_name]
                row[f"{field}NAME"] = f"{field.title()} {line[element_name]}"
        rows.append(row)
        total += amount
        entry = (line.get("taxentries") or {}).get("taxentry")
        if entry:
            tax = Decimal(str(entry["trx_tax"]))
            detail = next(t for t in facts.tax_details.values() if t.detail_id == entry["detailid"])
            line_no += 1
            rows.append(
                {
                    "RECORDNO": str(2000 + line_no),
                    "RECORDKEY": recordno,
                    "LINE_NO": str(n),
                    "LINEITEM": "F",
                    "PARENTENTRY": key,
                    "DETAILKEY": detail.recordno,
                    "DETAILID": detail.detail_id,
                    "TRX_AMOUNT": str(tax),
                    "AMOUNT": str(tax * rate),
                }
            )
            total += tax
    header = {
        "RECORDNO": recordno,
        "RECORDID": number,
        "STATE": "Draft" if body.get("action") == "Draft" else "Posted",
        "CUSTOMERID": body["customerid"],
        "CUSTOMERNAME": f"Customer {body['customerid']}",
        "WHENCREATED": intacct_date(body["datecreated"]),
        "WHENDUE": intacct_date(body["datedue"]) if "datedue" in body else "",
        "BASECURR": facts.base_currency,
        "CURRENCY": body.get("currency", facts.base_currency),
        "EXCHANGE_RATE": str(rate),
        "TRX_TOTALENTERED": str(total),
        "TRX_TOTALPAID": "0",
        "TRX_TOTALDUE": str(total),
        "DESCRIPTION": body.get("description", ""),
        "MODULEKEY": "4.AR",
        "WHENMODIFIED": "04/06/2022 13:01:02",
    }
    return header, rows
