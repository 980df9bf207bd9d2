"""Legacy ``update_invoice``: header and line changes, new lines, and the refusals (paid, Order Entry)."""

from __future__ import annotations

from decimal import Decimal

from connectors.intacct.sandbox.handlers import ar_update  # noqa: F401  (registers update_invoice)
from connectors.intacct.sandbox.state import CompanyState
from tests.unit.connectors.intacct.sandbox._handlers_support import (
    build_company,
    call,
    context,
    failure,
    key_of,
)

WRAPPER = ("BL01001973", "Could not update invoice record!")
PAID = ("BL03000215", "The Document State is not valid. Cannot update a document that's paid.")


def date(tag: str, day: str, month: str = "06") -> str:
    return f"<{tag}><year>2024</year><month>{month}</month><day>{day}</day></{tag}>"


def invoice(ctx: object, lines: str = "", extra: str = "") -> int:
    lines = lines or (
        "<lineitem><glaccountno>4000</glaccountno><amount>100</amount><memo>Setup</memo>"
        "<departmentid>SAL</departmentid></lineitem>"
        "<lineitem><glaccountno>4100</glaccountno><amount>50</amount></lineitem>"
    )
    return key_of(
        call(
            ctx,  # type: ignore[arg-type]
            f"<create_invoice><customerid>C0001</customerid>{date('datecreated', '01')}"
            f"{date('datedue', '01', '07')}{extra}<invoiceitems>{lines}</invoiceitems></create_invoice>",
        )
    )


def update(key: int | str, inner: str) -> str:
    return f'<update_invoice key="{key}">{inner}</update_invoice>'


def lines(company: CompanyState, key: int) -> list[dict[str, str]]:
    rows = company.find("ARINVOICEITEM", RECORDKEY=str(key))
    return sorted((r for r in rows if r["LINEITEM"] == "T"), key=lambda r: int(r["LINE_NO"]))


def test_header_and_line_changes_and_a_new_line() -> None:
    company = build_company()
    ctx = context(company)
    key = invoice(ctx)
    number = company.get("ARINVOICE", key)["RECORDID"]  # type: ignore[index]
    result = call(
        ctx,
        update(
            key,
            f"{date('datedue', '15', '07')}<ponumber>PO-9</ponumber><description>Revised</description>"
            '<updateinvoiceitems><updatelineitem line_num="1"><amount>120</amount><memo>Setup v2</memo>'
            "</updatelineitem>"
            "<lineitem><glaccountno>4000</glaccountno><amount>30</amount><classid>C100</classid></lineitem>"
            "</updateinvoiceitems>",
        ),
    )
    assert key_of(result) == key
    header = company.get("ARINVOICE", key)
    assert header is not None
    assert (header["RECORDID"], header["STATE"], header["RAWSTATE"]) == (number, "Posted", "A")
    assert (header["WHENDUE"], header["DOCNUMBER"], header["DESCRIPTION"]) == (
        "07/15/2024",
        "PO-9",
        "Revised",
    )
    assert (header["TRX_TOTALENTERED"], header["TRX_TOTALDUE"], header["CUSTOMERID"]) == (
        "200",
        "200",
        "C0001",
    )
    got = [
        (r["ACCOUNTNO"], r["TRX_AMOUNT"], r["ENTRYDESCRIPTION"], r.get("DEPARTMENTID", ""))
        for r in lines(company, key)
    ]
    assert got == [("4000", "120", "Setup v2", "SAL"), ("4100", "50", "", ""), ("4000", "30", "", "")]
    assert lines(company, key)[2]["CLASSID"] == "C100"


def test_a_line_dimension_can_be_cleared_and_the_account_changed() -> None:
    company = build_company()
    ctx = context(company)
    key = invoice(ctx)
    call(
        ctx,
        update(
            key,
            '<updateinvoiceitems><updatelineitem line_num="1"><glaccountno>4100</glaccountno>'
            "<departmentid></departmentid></updatelineitem></updateinvoiceitems>",
        ),
    )
    first = lines(company, key)[0]
    assert (first["ACCOUNTNO"], first["TRX_AMOUNT"], first.get("DEPARTMENTID", "")) == ("4100", "100", "")


def test_linking_an_attachment_is_an_update_of_supdocid_only() -> None:
    company = build_company()
    ctx = context(company)
    key = invoice(ctx)
    company.insert("SUPDOC", {"supdocid": "ATT-7"})
    before = company.get("ARINVOICE", key)
    assert before is not None
    totals = {k: before[k] for k in ("TRX_TOTALENTERED", "WHENDUE", "RECORDID", "STATE")}
    call(ctx, update(key, "<supdocid>ATT-7</supdocid>"))
    after = company.get("ARINVOICE", key)
    assert after is not None and after["SUPDOCID"] == "ATT-7"
    assert {k: after[k] for k in totals} == totals
    assert len(lines(company, key)) == 2
    assert failure(ctx, update(key, "<supdocid>NOPE</supdocid>")) == [
        ("BL01001973", "Invalid Attachment 'NOPE' specified."),
        WRAPPER,
    ]


def test_a_new_term_gives_a_new_due_date_and_vat_lines_keep_their_tax() -> None:
    company = build_company()
    company.insert("ARTERM", {"NAME": "N45", "DUEDATE": "45", "STATUS": "active"})
    ctx = context(company, "200")
    tax = "<taxentries><taxentry><detailid>UK Sale Standard Rate</detailid></taxentry></taxentries>"
    key = invoice(ctx, f"<lineitem><glaccountno>4000</glaccountno><amount>100</amount>{tax}</lineitem>")
    assert company.get("ARINVOICE", key)["TRX_TOTALENTERED"] == "120"  # type: ignore[index]
    call(ctx, update(key, "<termname>N45</termname>"))
    header = company.get("ARINVOICE", key)
    assert header is not None and (header["WHENDUE"], header["TERMNAME"]) == ("07/16/2024", "N45")
    assert header["TRX_TOTALENTERED"] == "120"
    rows = company.find("ARINVOICEITEM", RECORDKEY=str(key))
    assert sorted((r["LINEITEM"], r["TRX_AMOUNT"]) for r in rows) == [("F", "20"), ("T", "100")]


def pay(ctx: object, key: int, amount: str) -> None:
    call(
        ctx,  # type: ignore[arg-type]
        f"<create_arpayment><customerid>C0001</customerid><paymentamount>{amount}</paymentamount>"
        f"<bankaccountid>BOA</bankaccountid>{date('datereceived', '20')}<paymentmethod>Cash</paymentmethod>"
        f"<arpaymentitem><invoicekey>{key}</invoicekey><amount>{amount}</amount></arpaymentitem>"
        "</create_arpayment>",
    )


def test_paid_and_partially_paid_invoices_are_refused_with_bl03000215() -> None:
    company = build_company()
    ctx = context(company)
    partly, fully = invoice(ctx), invoice(ctx)
    pay(ctx, partly, "20")
    pay(ctx, fully, "150")
    assert company.get("ARINVOICE", partly)["STATE"] == "Partially Paid"  # type: ignore[index]
    for key in (partly, fully):
        assert failure(ctx, update(key, "<description>x</description>")) == [PAID, WRAPPER]
    assert company.get("ARINVOICE", partly)["DESCRIPTION"] == ""  # type: ignore[index]


def test_order_entry_invoices_are_refused() -> None:
    company = build_company()
    ctx = context(company)
    docid = call(
        ctx,
        f"<create_sotransaction><transactiontype>Sales Invoice</transactiontype>{date('datecreated', '03')}"
        f"<customerid>C0001</customerid>{date('datedue', '03', '07')}<sotransitems><sotransitem>"
        "<itemid>I100</itemid><quantity>2</quantity><unit>Each</unit><price>10</price></sotransitem>"
        "</sotransitems></create_sotransaction>",
    )[0].text
    document = company.find_one("SODOCUMENT", DOCID=str(docid))
    assert document is not None
    key = int(document["PRRECORDKEY"])
    (errors, wrapper) = failure(ctx, update(key, "<description>x</description>"))
    assert wrapper == WRAPPER
    assert errors[0] == "BL01001973" and "created by Order Entry" in errors[1] and str(docid) in errors[1]


def test_other_refusals() -> None:
    company = build_company()
    ctx = context(company)
    key = invoice(ctx)
    assert failure(ctx, update(9999, "<description>x</description>")) == [
        ("BL01001973", "Cannot find invoice with key '9999' to update."),
        WRAPPER,
    ]
    bad_line = (
        '<updateinvoiceitems><updatelineitem line_num="3"><amount>1</amount></updatelineitem>'
        "</updateinvoiceitems>"
    )
    number = company.get("ARINVOICE", key)["RECORDID"]  # type: ignore[index]
    assert failure(ctx, update(key, bad_line))[0] == (
        "BL01001973",
        f"Line number '3' does not exist on invoice {number}.",
    )
    assert failure(ctx, update(key, "<action>Draft</action>"))[0][1].endswith("cannot go back to Draft.")
    refused = failure(ctx, update(key, "<customerid>C0004</customerid>"))
    assert refused == [("BL01001973", "Activate the customer C0004, then try again."), WRAPPER]
    assert company.get("ARINVOICE", key)["CUSTOMERID"] == "C0001"  # type: ignore[index]


def test_a_draft_invoice_can_be_posted_by_an_update() -> None:
    company = build_company()
    ctx = context(company)
    key = invoice(ctx, extra="<action>Draft</action>")
    assert company.get("ARINVOICE", key)["STATE"] == "Draft"  # type: ignore[index]
    call(ctx, update(key, "<action>Submit</action>"))
    header = company.get("ARINVOICE", key)
    assert header is not None and (header["STATE"], header["WHENPOSTED"]) == ("Posted", "06/01/2024")
    assert Decimal(header["TRX_TOTALDUE"]) == Decimal(150)
