"""Journal entries (generic create GLBATCH) in the sandbox."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.unit.connectors.intacct.sandbox._handlers_support import (
    build_company,
    call,
    context,
    failure,
    fixture_text,
    key_of,
)

WRAPPER = ("BL01001973", "Could not create glbatch record!")


def entry(account: str, side: str, amount: str, extra: str = "") -> str:
    return (
        f"<GLENTRY><ACCOUNTNO>{account}</ACCOUNTNO><TR_TYPE>{side}</TR_TYPE>"
        f"<TRX_AMOUNT>{amount}</TRX_AMOUNT>{extra}</GLENTRY>"
    )


PAIR = (
    "<GLENTRY><ACCOUNTNO>6000</ACCOUNTNO><TR_TYPE>1</TR_TYPE><TRX_AMOUNT>1</TRX_AMOUNT></GLENTRY>"
    "<GLENTRY><ACCOUNTNO>1010</ACCOUNTNO><TR_TYPE>-1</TR_TYPE><TRX_AMOUNT>1</TRX_AMOUNT></GLENTRY>"
)


def batch(entries: str, header: str = "<JOURNAL>GJ</JOURNAL>") -> str:
    return (
        f"<create><GLBATCH>{header}<BATCH_DATE>06/30/2024</BATCH_DATE><BATCH_TITLE>Accrual</BATCH_TITLE>"
        f"<ENTRIES>{entries}</ENTRIES></GLBATCH></create>"
    )


def test_balanced_entry_writes_batch_and_entries():
    company = build_company()
    lines = entry(
        "6000",
        "1",
        "100",
        "<DEPARTMENT>ADM</DEPARTMENT><LOCATION>110</LOCATION><DESCRIPTION>memo</DESCRIPTION>",
    )
    lines += entry("1010", "-1", "100", "<CLASSID>C100</CLASSID><CUSTOM01>x</CUSTOM01>")
    (element,) = call(
        context(company),
        batch(lines, "<JOURNAL>GJ</JOURNAL><REFERENCENO>R9</REFERENCENO><MYFIELD>v</MYFIELD>"),
    )
    assert element.tag == "glbatch" and element.findtext("RECORD_URL", "").startswith("https://")
    recordno = int(element.findtext("RECORDNO") or "")
    header = company.get("GLBATCH", recordno)
    assert header is not None
    assert header["JOURNAL"] == "GJ" and header["BATCHNO"] == "1" and header["BATCH_DATE"] == "06/30/2024"
    assert header["STATE"] == "Posted" and header["RAWSTATE"] == "P" and header["MODULE"] == "2.GL"
    assert header["REFERENCENO"] == "R9" and header["MYFIELD"] == "v" and header["MEGAENTITYID"] == "100"
    rows = sorted(company.find("GLENTRY", BATCHNO=str(recordno)), key=lambda r: r["LINE_NO"])
    assert [(r["ACCOUNTNO"], r["TR_TYPE"], r["AMOUNT"]) for r in rows] == [
        ("6000", "1", "100"),
        ("1010", "-1", "100"),
    ]
    assert rows[0]["DEPARTMENT"] == "ADM" and rows[0]["DEPARTMENTTITLE"] == "Administration"
    assert (
        rows[0]["LOCATION"] == "110"
        and rows[0]["LOCATIONNAME"] == "Boston"
        and rows[0]["DESCRIPTION"] == "memo"
    )
    assert rows[1]["CLASSID"] == "C100" and rows[1]["CUSTOM01"] == "x" and rows[1]["BATCH_NUMBER"] == "1"
    assert rows[0]["ENTRY_DATE"] == "06/30/2024" and rows[0]["BATCHTITLE"] == "Accrual"
    second = key_of(call(context(company), batch(lines)))
    assert company.get("GLBATCH", second)["BATCHNO"] == "2"  # type: ignore[index]


def test_negative_amounts_switch_sides_and_foreign_lines_convert():
    company = build_company()
    lines = entry("6000", "1", "100", "<CURRENCY>EUR</CURRENCY>") + entry("5000", "1", "-108")
    recordno = key_of(call(context(company), batch(lines)))
    rows = sorted(company.find("GLENTRY", BATCHNO=str(recordno)), key=lambda r: r["LINE_NO"])
    assert (rows[0]["TRX_AMOUNT"], rows[0]["AMOUNT"], rows[0]["EXCHANGE_RATE"]) == ("100", "108", "1.08")
    assert rows[0]["EXCH_RATE_TYPE_ID"] == "Intacct Daily Rate" and rows[0]["EXCH_RATE_DATE"] == "06/30/2024"
    assert (rows[1]["TR_TYPE"], rows[1]["AMOUNT"]) == ("-1", "108")


def test_draft_state():
    company = build_company()
    xml = batch(
        entry("6000", "1", "5") + entry("1010", "-1", "5"), "<JOURNAL>GJ</JOURNAL><STATE>Draft</STATE>"
    )
    recordno = key_of(call(context(company), xml))
    assert company.get("GLBATCH", recordno)["STATE"] == "Draft"  # type: ignore[index]


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (batch(entry("6000", "1", "100") + entry("1010", "-1", "90")),
         "The journal entry is not balanced: debits (100) must equal credits (90)."),
        (batch(entry("6000", "1", "100")), "A journal entry needs at least two lines."),
        (batch(PAIR, "<JOURNAL>XX</JOURNAL>"), "Invalid Journal 'XX' specified."),
        (batch(PAIR, ""), "Required field Journal is missing."),
        (batch(entry("9999", "1", "1") + entry("1010", "-1", "1")), "Invalid Account '9999' specified."),
        (batch(entry("6000", "2", "1") + entry("1010", "-1", "1")),
         "Line 1: TR_TYPE must be 1 (debit) or -1 (credit)."),
        (batch(entry("6000", "1", "1", "<DEPARTMENT>NO</DEPARTMENT>") + entry("1010", "-1", "1")),
         "Invalid Department 'NO' specified."),
        (batch(entry("6100", "1", "1") + entry("1010", "-1", "1")),
         "This transaction is missing the Department dimension for the Account 6100"),
        (batch(entry("6000", "1", "1", "<CURRENCY>XYZ</CURRENCY>") + entry("1010", "-1", "1")),
         "Invalid Currency 'XYZ' specified."),
    ],
)  # fmt: skip
def test_refusals(xml: str, message: str):
    assert failure(context(build_company()), xml) == [("BL01001973", message), WRAPPER]


def test_closed_period():
    company = build_company()
    company.config.books_closed_before = dt.date(2024, 7, 1)
    errors = failure(context(company), batch(entry("6000", "1", "1") + entry("1010", "-1", "1")))
    assert errors[0][1].startswith("Periods are closed.")


def test_sdk_fixtures():
    company = build_company()
    ctx = context(company)
    assert failure(ctx, fixture_text("create-glbatch-request.xml")) == [
        ("BL01001973", "Enter an account number on line 1 of the journal entry, and try again."),
        WRAPPER,
    ]
    company.insert("SUPDOC", {"supdocid": "AT001"})
    for obj, field, value in (
        ("TASK", "TASKID", "T123"),
        ("CUSTOMER", "CUSTOMERID", "C100"),
        ("VENDOR", "VENDORID", "V100"),
        ("CLASS", "CLASSID", "C200"),
        ("CONTRACT", "CONTRACTID", "C300"),
        ("WAREHOUSE", "WAREHOUSEID", "W100"),
    ):
        company.insert(obj, {field: value, "NAME": value, "STATUS": "active"})
    line = fixture_text("glentry-all-dimensions-currency.xml").split("?>", 1)[1]
    fixture = fixture_text("create-glbatch-request.xml").split("?>", 1)[1]
    start, end = fixture.index("<ENTRIES>") + len("<ENTRIES>"), fixture.index("</ENTRIES>")
    entries = line + entry("6000", "-1", "1456.54")
    recordno = key_of(call(ctx, fixture[:start] + entries + fixture[end:]))
    header = company.get("GLBATCH", recordno)
    assert header is not None and header["CUSTOMFIELD01"] == "test01" and header["SUPDOCID"] == "AT001"
    assert header["BASELOCATION_NO"] == "100" and header["REVERSEDATE"] == "07/01/2016"
    first = min(company.find("GLENTRY", BATCHNO=str(recordno)), key=lambda r: r["LINE_NO"])
    assert first["TASKID"] == "T123" and first["CONTRACTID"] == "C300" and first["WAREHOUSEID"] == "W100"
    assert first["CUSTOM01"] == "123" and first["DOCUMENT"] == "212" and first["EMPLOYEEID"] == "E100"
