"""A small company and a direct caller for the transaction-handler tests.

The company holds only the master data the handler tests reference (two entities: 100 USD without
tax, 200 GBP with a VAT tax solution), built here so each test starts from the same known state
with a fixed clock. ``call`` dispatches a function body the way the sandbox server does (legacy
function by name, generic ``create``/``update`` per object, ``delete`` with the whole element), so
tests exercise the handlers without the HTTP layer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from lxml import etree

from connectors.intacct.sandbox.handlers import ap, ar, cash, gl, oe, supdoc  # noqa: F401  (registers)
from connectors.intacct.sandbox.registry import HANDLERS, OBJECT_HANDLERS, CallContext, FunctionFailed
from connectors.intacct.sandbox.state import CompanyState, Entity
from connectors.intacct.xml.parse import parse_xml

REFERENCE = Path(__file__).resolve().parents[5] / ".." / "shared" / "reference"
FIXTURES = REFERENCE / "intacct-fixtures"
VAT = "United Kingdom - VAT"
NOW = dt.datetime(2024, 7, 1, 12, 0, 0)
DAILY = "Intacct Daily Rate"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def build_company(clock: Callable[[], dt.datetime] = lambda: NOW) -> CompanyState:
    company = CompanyState("TEST", clock=clock)
    company.entities["100"] = Entity("100", "US Entity", "USD", "US")
    company.entities["200"] = Entity("200", "UK Entity", "GBP", "GB", tax_solution_id=VAT)
    add = company.insert
    add("LOCATIONENTITY", {"LOCATIONID": "100", "NAME": "US Entity"})
    add("LOCATIONENTITY", {"LOCATIONID": "200", "NAME": "UK Entity"})
    for loc, name, parent in (
        ("100", "US", ""),
        ("200", "UK", ""),
        ("110", "Boston", "100"),
        ("210", "Leeds", "200"),
    ):
        add("LOCATION", {"LOCATIONID": loc, "NAME": name, "STATUS": "active", "PARENTID": parent})
    add("VENDOR", {"VENDORID": "V0001", "NAME": "Acme Supplies", "STATUS": "active", "APACCOUNT": "6000"})
    add("VENDOR", {"VENDORID": "V0003", "NAME": "London Ltd", "STATUS": "active", "CURRENCY": "GBP"})
    add("VENDOR", {"VENDORID": "V0005", "NAME": "Old Vendor", "STATUS": "inactive"})
    add("VENDOR", {"VENDORID": "V200P", "NAME": "UK Private", "STATUS": "active", "MEGAENTITYID": "200"})
    add("CUSTOMER", {"CUSTOMERID": "C0001", "NAME": "Big Client", "STATUS": "active", "ARACCOUNT": "4000"})
    add("CUSTOMER", {"CUSTOMERID": "C0003", "NAME": "UK Client", "STATUS": "active", "CURRENCY": "GBP"})
    add("CUSTOMER", {"CUSTOMERID": "C0004", "NAME": "Gone Client", "STATUS": "inactive"})
    for no, title in (
        ("1010", "Bank - Checking"),
        ("1020", "Bank - GBP"),
        ("1030", "Treasury"),
        ("1100", "Accounts Receivable"),
        ("1200", "Undeposited Funds"),
        ("1300", "VAT Input"),
        ("2000", "Accounts Payable"),
        ("2100", "VAT Output"),
        ("4000", "Sales"),
        ("4100", "Services"),
        ("5000", "Cost of Sales"),
        ("6000", "Office Expenses"),
    ):
        add("GLACCOUNT", {"ACCOUNTNO": no, "TITLE": title, "STATUS": "active"})
    add("GLACCOUNT", {"ACCOUNTNO": "6100", "TITLE": "Travel", "STATUS": "active", "REQUIREDEPT": "true"})
    add("CHECKINGACCOUNT", {"BANKACCOUNTID": "BOA", "BANKNAME": "Bank of America", "GLACCOUNTNO": "1010",
                            "CURRENCY": "USD", "STATUS": "active", "LOCATIONID": "100"})  # fmt: skip
    add("CHECKINGACCOUNT", {"BANKACCOUNTID": "BARCLAYS", "BANKNAME": "Barclays", "GLACCOUNTNO": "1020",
                            "CURRENCY": "GBP", "STATUS": "active", "LOCATIONID": "200"})  # fmt: skip
    add("SAVINGSACCOUNT", {"BANKACCOUNTID": "SHARED", "BANKNAME": "Group Treasury", "GLACCOUNTNO": "1030",
                           "CURRENCY": "USD", "STATUS": "active"})  # fmt: skip
    add("DEPARTMENT", {"DEPARTMENTID": "ADM", "TITLE": "Administration", "STATUS": "active"})
    add("DEPARTMENT", {"DEPARTMENTID": "SAL", "TITLE": "Sales", "STATUS": "active"})
    add("CLASS", {"CLASSID": "C100", "NAME": "Retail", "STATUS": "active"})
    add("PROJECT", {"PROJECTID": "P100", "NAME": "Rollout", "STATUS": "active"})
    add("EMPLOYEE", {"EMPLOYEEID": "E100", "NAME": "Jo Bloggs", "STATUS": "active"})
    add("ITEM", {"ITEMID": "I100", "NAME": "Widget", "STATUS": "active", "ITEMTYPE": "Non-Inventory",
                 "UOMGRP": "Count", "INCOMEACCTNO": "4000", "EXPENSEACCTNO": "6000"})  # fmt: skip
    add(
        "ITEM",
        {"ITEMID": "I200", "NAME": "Flour", "STATUS": "active", "ITEMTYPE": "Inventory", "UOMGRP": "Weight"},
    )
    add("WAREHOUSE", {"WAREHOUSEID": "WH100", "NAME": "Main", "STATUS": "active"})
    for detail, rate, kind, account in (
        ("UK Purchase Standard Rate", "20", "Purchase", "1300"),
        ("UK Purchase Zero Rate", "0", "Purchase", "1300"),
        ("UK Sale Standard Rate", "20", "Sale", "2100"),
        ("UK Sale Zero Rate", "0", "Sale", "2100"),
    ):
        add("TAXDETAIL", {"DETAILID": detail, "VALUE": rate, "TAXTYPE": kind, "TAXSOLUTIONID": VAT,
                          "GLACCOUNT": account, "STATUS": "active"})  # fmt: skip
    add("EXCHANGERATETYPES", {"ID": "10", "NAME": "Corporate Rate"})
    add("GLJOURNAL", {"SYMBOL": "GJ", "TITLE": "General Journal", "STATUS": "active"})
    for key, name in ((1, "Printed Check"), (5, "EFT"), (6, "Cash")):
        add("PAYMENTMETHOD", {"NAME": name}, recordno=key)
    company.exchange_rates[("EUR", "USD", DAILY)] = [
        (dt.date(2024, 1, 1), Decimal("1.10")),
        (dt.date(2024, 6, 1), Decimal("1.08")),
    ]
    company.exchange_rates[("GBP", "USD", DAILY)] = [(dt.date(2024, 1, 1), Decimal("1.25"))]
    company.exchange_rates[("EUR", "GBP", DAILY)] = [(dt.date(2024, 1, 1), Decimal("0.85"))]
    company.exchange_rates[("EUR", "USD", "Corporate Rate")] = [(dt.date(2024, 6, 1), Decimal("1.2"))]
    return company


def context(company: CompanyState, entity: str | None = "100") -> CallContext:
    return CallContext(
        company=company,
        entity=company.entities[entity] if entity else None,
        user_id="demo-user",
        function_controlid="ctl-1",
    )


def function_body(xml: str) -> etree._Element:
    """The element inside ``<function>`` (or the root itself when the document is a bare body)."""
    root = parse_xml(xml.encode("utf-8"))
    if root.tag == "function":
        return root[0]
    return root


def call(ctx: CallContext, xml: str | etree._Element) -> list[etree._Element]:
    """Run one function body through the registered handlers, as the server dispatches it."""
    element = function_body(xml) if isinstance(xml, str) else xml
    if element.tag in ("create", "update"):
        out: list[etree._Element] = []
        for obj in element:
            out.extend(OBJECT_HANDLERS[(element.tag, str(obj.tag).upper())](ctx, obj))
        return out
    if element.tag == "delete":
        name = (element.findtext("object") or "").upper()
        return OBJECT_HANDLERS[("delete", name)](ctx, element)
    return HANDLERS[str(element.tag)](ctx, element)


def failure(ctx: CallContext, xml: str) -> list[tuple[str, str]]:
    """Call, expect ``FunctionFailed``, and return its errors as (errorno, description2) pairs."""
    try:
        call(ctx, xml)
    except FunctionFailed as exc:
        return [(e.errorno, e.description2) for e in exc.errors]
    raise AssertionError("the function succeeded")


def key_of(result: list[etree._Element]) -> int:
    (element,) = result
    if element.tag == "key":
        return int(element.text or "")
    return int(element.findtext("RECORDNO") or "")


def one(company: CompanyState, obj: str, **equals: str) -> dict[str, str]:
    rows = company.find(obj, **equals)
    assert len(rows) == 1, rows
    return rows[0]
