"""AR invoices, AR adjustments and AR payments in the sandbox: rows, rules and Intacct's errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from connectors.intacct.sandbox.state import CompanyState, Entity
from tests.unit.connectors.intacct.sandbox._handlers_support import (
    DAILY,
    build_company,
    call,
    context,
    failure,
    fixture_text,
    key_of,
    one,
)

INVOICE_WRAPPER = ("BL01001973", "Could not create invoice record!")
TAX = "<taxentries><taxentry><detailid>UK Sale Standard Rate</detailid></taxentry></taxentries>"


def sdk_company() -> CompanyState:
    """Ids the SDK invoice fixtures use: CUSTOMER1, tax solution ``taxsolution`` with ``TaxName``."""
    company = build_company()
    company.entities["300"] = Entity("300", "VAT USD", "USD", "IE", tax_solution_id="taxsolution")
    detail = {"DETAILID": "TaxName", "VALUE": "10", "TAXTYPE": "Sale", "TAXSOLUTIONID": "taxsolution"}
    company.insert("TAXDETAIL", {**detail, "GLACCOUNT": "2100", "STATUS": "active"})
    company.insert("CUSTOMER", {"CUSTOMERID": "CUSTOMER1", "NAME": "Customer One", "STATUS": "active",
                                "ARACCOUNT": "4000"})  # fmt: skip
    company.insert("SUPDOC", {"supdocid": "6942"})
    company.insert("PRBATCH", {"TITLE": "June invoices", "MODULEKEY": "4.AR", "OPEN": "true"}, recordno=20323)
    return company


def invoice(lines: str, header: str = "", customer: str = "C0001", due: bool = True) -> str:
    due_block = "<datedue><year>2024</year><month>07</month><day>15</day></datedue>" if due else ""
    return (
        f"<create_invoice><customerid>{customer}</customerid>"
        "<datecreated><year>2024</year><month>06</month><day>15</day></datecreated>"
        f"{due_block}{header}<invoiceitems>{lines}</invoiceitems></create_invoice>"
    )


def line(account: str = "4000", amount: str = "100", extra: str = "") -> str:
    return f"<lineitem><glaccountno>{account}</glaccountno><amount>{amount}</amount>{extra}</lineitem>"


# -- invoices -------------------------------------------------------------------------------------
def test_sdk_invoice_fixture_replaces_the_number_from_the_sequence():
    company = sdk_company()
    ctx = context(company, "300")
    recordno = key_of(call(ctx, fixture_text("create-invoice-legacy-request.xml")))
    row = company.get("ARINVOICE", recordno)
    assert row is not None
    assert row["RECORDTYPE"] == "ri" and row["MODULEKEY"] == "4.AR" and row["STATE"] == "Posted"
    assert row["RECORDID"] == "INV-1" and row["DOCNUMBER"] == "234235"
    assert any("'234' replaced by 'INV-1'" in note for note in ctx.notes)
    assert row["CUSTOMERID"] == "CUSTOMER1" and row["CUSTOMERNAME"] == "Customer One"
    assert row["WHENDUE"] == "09/24/2020" and row["TERMNAME"] == "N30"
    assert row["BILLTOPAYTOCONTACTNAME"] == "28952" and row["SHIPTORETURNTOCONTACTNAME"] == "289533"
    assert row["TOTALENTERED"] == "76353.43" and row["TAXSOLUTIONID"] == "taxsolution"
    assert row["PRBATCHKEY"] == "20323" and row["SUPDOCID"] == "6942" and row["EXCH_RATE_TYPE_ID"] == ""
    normal = one(company, "ARINVOICEITEM", RECORDKEY=str(recordno), LINEITEM="T")
    tax = one(company, "ARINVOICEITEM", RECORDKEY=str(recordno), LINEITEM="F")
    assert (
        normal["ACCOUNTNO"] == "4000" and normal["RECORDTYPE"] == "ri" and normal["EXCH_RATE_TYPE_ID"] == ""
    )
    assert (
        tax["PARENTENTRY"] == normal["RECORDNO"] and tax["ACCOUNTNO"] == "2100" and tax["TRX_AMOUNT"] == "10"
    )


def test_all_dimensions_invoice_line_fixture():
    company = sdk_company()
    company.insert(
        "ARACCOUNTLABEL", {"ACCOUNTLABEL": "TestBill Account1", "GLACCOUNTNO": "4100", "STATUS": "active"}
    )
    company.insert("GLACCOUNT", {"ACCOUNTNO": "93590253", "TITLE": "AR Offset", "STATUS": "active"})
    for obj, field, name_field in (
        ("LOCATION", "LOCATIONID", "NAME"),
        ("DEPARTMENT", "DEPARTMENTID", "TITLE"),
        ("PROJECT", "PROJECTID", "NAME"),
        ("CUSTOMER", "CUSTOMERID", "NAME"),
        ("VENDOR", "VENDORID", "NAME"),
        ("EMPLOYEE", "EMPLOYEEID", "NAME"),
        ("ITEM", "ITEMID", "NAME"),
        ("CLASS", "CLASSID", "NAME"),
        ("WAREHOUSE", "WAREHOUSEID", "NAME"),
    ):
        company.insert(obj, {field: f"{obj.title()}1", name_field: obj.title(), "STATUS": "active"})
    lineitem = fixture_text("invoice-lineitem-all-dimensions.xml").split("?>", 1)[1]
    recordno = key_of(call(context(company, "300"), invoice(lineitem, customer="CUSTOMER1")))
    item = one(company, "ARINVOICEITEM", RECORDKEY=str(recordno), LINEITEM="T")
    assert (item["ACCOUNTLABEL"], item["ACCOUNTNO"], item["OFFSETGLACCOUNTNO"]) == (
        "TestBill Account1",
        "4100",
        "93590253",
    )
    assert item["REVRECTEMPLATE"] == "RevRec1" and item["DEFERREDREVACCTNO"] == "2100"
    assert item["REVRECSTARTDATE"] == "06/01/2016" and item["REVRECENDDATE"] == "05/31/2017"
    assert (
        item["ITEMID"] == "Item1"
        and item["WAREHOUSEID"] == "Warehouse1"
        and item["EMPLOYEEID"] == "Employee1"
    )


def test_vat_invoice_lines_need_exactly_one_tax_entry():
    company = build_company()
    ctx = context(company, "200")
    recordno = key_of(call(ctx, invoice(line(extra=TAX), "<invoiceno>X</invoiceno>", customer="C0003")))
    row = company.get("ARINVOICE", recordno)
    assert row is not None and row["TOTALENTERED"] == "120" and row["CURRENCY"] == "GBP"
    assert failure(ctx, invoice(line(), customer="C0003"))[0][1] == (
        "Enter tax information on line item 1: the tax solution 'United Kingdom - VAT' requires it."
    )
    two = TAX.replace(
        "</taxentries>", "<taxentry><detailid>UK Sale Zero Rate</detailid></taxentry></taxentries>"
    )
    assert (
        failure(ctx, invoice(line(extra=two), customer="C0003"))[0][1]
        == "Line item 1 must have exactly one tax entry."
    )


def test_numbering_off_requires_an_invoice_number_and_refuses_duplicates():
    company = build_company()
    company.config.auto_numbering["ARINVOICE"] = False
    ctx = context(company)
    assert failure(ctx, invoice(line())) == [
        ("BL01001973", "Required field Invoice Number is missing."),
        INVOICE_WRAPPER,
    ]
    recordno = key_of(call(ctx, invoice(line(), "<invoiceno>INV-9</invoiceno>")))
    assert company.get("ARINVOICE", recordno)["RECORDID"] == "INV-9"  # type: ignore[index]
    assert failure(ctx, invoice(line(), "<invoiceno>INV-9</invoiceno>")) == [
        ("BL03002185", "A transaction with the number 'INV-9' already exists."),
        INVOICE_WRAPPER,
    ]


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (invoice(line(), due=False), "Required field Date Due is missing"),
        (invoice(line(), customer="NOPE"), "Invalid Customer 'NOPE' specified."),
        (invoice(line(), customer="C0004"), "Activate the customer C0004, then try again."),
        (invoice(line("4999")), "Invalid Account '4999' specified."),
        (invoice(line(extra="<classid>ZZ</classid>")), "Invalid Class 'ZZ' specified."),
        (
            invoice(line(extra=TAX)),
            "Tax entries are not allowed on line item 1: this entity does not use a tax solution.",
        ),
    ],
)
def test_invoice_refusals(xml: str, message: str):
    assert failure(context(build_company()), xml) == [("BL01001973", message), INVOICE_WRAPPER]


def test_bank_account_on_an_invoice_line_is_refused():
    errors = failure(context(build_company()), invoice(line("1010")))
    assert errors[0][0] == "BL03002112" and errors[1] == INVOICE_WRAPPER


def test_invoice_term_from_customer_table():
    company = build_company()
    company.insert("ARTERM", {"NAME": "N15", "DUEDATE": "15"})
    recordno = key_of(call(context(company), invoice(line(), "<termname>N15</termname>", due=False)))
    assert company.get("ARINVOICE", recordno)["WHENDUE"] == "06/30/2024"  # type: ignore[index]
    assert failure(context(company), invoice(line(), "<termname>N99</termname>", due=False))[0][1] == (
        "Invalid Term 'N99' specified."
    )


# -- AR adjustments -------------------------------------------------------------------------------
def test_adjustment_fixture_numbering_rules():
    company = sdk_company()
    ctx = context(company, "100")
    xml = fixture_text("create-aradjustment-request.xml")
    assert failure(ctx, xml) == [
        ("BL01001973", "Leave the Adjustment Number empty: it is assigned by the document sequence."),
        ("BL01001973", "Could not create aradjustment record!"),
    ]
    company.config.auto_numbering["ARADJUSTMENT"] = False
    recordno = key_of(call(ctx, xml))
    row = company.get("ARADJUSTMENT", recordno)
    assert row is not None and row["RECORDTYPE"] == "ra" and row["RECORDID"] == "234235"
    assert row["DOCNUMBER"] == "234" and row["TOTALENTERED"] == "76343.43" and "WHENDUE" not in row
    assert one(company, "ARADJUSTMENTITEM", RECORDKEY=str(recordno))["ACCOUNTNO"] == "4000"
    assert failure(ctx, xml.replace("<adjustmentno>234235</adjustmentno>", ""))[0] == (
        "BL01001973",
        "Required field Adjustment Number is missing.",
    )


def test_auto_numbered_credit_memo_in_foreign_currency_uses_the_daily_rate():
    company = build_company()
    xml = (
        "<create_aradjustment><customerid>C0001</customerid><datecreated><year>2024</year><month>06</month>"
        "<day>20</day></datecreated><currency>EUR</currency><aradjustmentitems>"
        + line(amount="-100")
        + "</aradjustmentitems></create_aradjustment>"
    )
    recordno = key_of(call(context(company), xml))
    row = company.get("ARADJUSTMENT", recordno)
    assert row is not None and row["RECORDID"] == "ARADJ-1" and row["EXCH_RATE_TYPE_ID"] == "-1"
    assert (
        row["EXCHANGE_RATE"] == "1.08" and row["TOTALENTERED"] == "-108" and row["TRX_TOTALENTERED"] == "-100"
    )


# -- AR payments ----------------------------------------------------------------------------------
def posted_invoice(
    ctx, customer: str = "C0001", amounts: tuple[str, ...] = ("100",), header: str = ""
) -> int:
    return key_of(call(ctx, invoice("".join(line(amount=a) for a in amounts), header, customer=customer)))


def arpymt(details: str, header: str = "", target: str = "<FINANCIALENTITY>BOA</FINANCIALENTITY>") -> str:
    return (
        f"<create><ARPYMT><PAYMENTMETHOD>Cash</PAYMENTMETHOD>{target}<CUSTOMERID>C0001</CUSTOMERID>"
        f"<RECEIPTDATE>06/25/2024</RECEIPTDATE>{header}<ARPYMTDETAILS>{details}</ARPYMTDETAILS></ARPYMT></create>"
    )


def ardetail(key: int, amount: str, extra: str = "") -> str:
    return (
        f"<ARPYMTDETAIL><RECORDKEY>{key}</RECORDKEY>{extra}"
        f"<TRX_PAYMENTAMOUNT>{amount}</TRX_PAYMENTAMOUNT></ARPYMTDETAIL>"
    )


def test_generic_payment_pays_the_invoice_and_writes_rows():
    company = build_company()
    ctx = context(company)
    key = posted_invoice(ctx)
    (element,) = call(ctx, arpymt(ardetail(key, "100"), "<DOCNUMBER>R-1</DOCNUMBER>"))
    assert element.tag == "arpymt"
    row = company.get("ARPYMT", int(element.findtext("RECORDNO") or ""))
    assert row is not None
    assert row["STATE"] == "Complete" and row["RAWSTATE"] == "C" and row["RECORDTYPE"] == "rp"
    assert (
        row["PAYMENTMETHOD"] == "Cash" and row["PAYMENTMETHODKEY"] == "6" and row["FINANCIALENTITY"] == "BOA"
    )
    assert (
        row["RECEIPTDATE"] == "06/25/2024"
        and row["WHENCREATED"] == "06/25/2024"
        and row["DOCNUMBER"] == "R-1"
    )
    assert row["TOTALENTERED"] == row["TOTALPAID"] == "100" and row["TRX_TOTALDUE"] == "0"
    assert row["PRBATCH"] == "Receipts: 06/25/2024 Batch"
    detail = one(company, "ARPYMTDETAIL", PAYMENTKEY=row["RECORDNO"])
    assert detail["RECORDKEY"] == str(key) and detail["TRX_PAYMENTAMOUNT"] == "100"
    paid = company.get("ARINVOICE", key)
    assert (
        paid is not None
        and paid["STATE"] == "Paid"
        and paid["TOTALDUE"] == "0"
        and paid["WHENPAID"] == "06/25/2024"
    )


def test_generic_fixtures_with_their_invoices():
    company = build_company()
    ctx = context(company)
    company.insert("CUSTOMER", {"CUSTOMERID": "JHC", "NAME": "JHC", "STATUS": "active", "ARACCOUNT": "4000"})
    key = posted_invoice(ctx, "JHC", ("40", "60"))
    first, second = sorted(company.find("ARINVOICEITEM", RECORDKEY=str(key)), key=lambda r: r["LINE_NO"])
    xml = (
        fixture_text("create-arpymt-request.xml")
        .replace("<RECORDKEY>100</RECORDKEY>", f"<RECORDKEY>{key}</RECORDKEY>")
        .replace("<ENTRYKEY>200</ENTRYKEY>", f"<ENTRYKEY>{first['RECORDNO']}</ENTRYKEY>")
        .replace("<ENTRYKEY>201</ENTRYKEY>", f"<ENTRYKEY>{second['RECORDNO']}</ENTRYKEY>")
    )
    call(ctx, xml)
    paid = company.get("ARINVOICE", key)
    assert paid is not None and paid["TRX_TOTALDUE"] == "15" and paid["STATE"] == "Partially Paid"
    lines = sorted(company.find("ARINVOICEITEM", RECORDKEY=str(key)), key=lambda r: r["LINE_NO"])
    assert [r["TRX_TOTALPAID"] for r in lines] == ["30", "55"]

    company.exchange_rates[("EUR", "USD", DAILY)].insert(0, (dt.date(2019, 1, 1), Decimal("1.12")))
    euro = posted_invoice(ctx, "JHC", ("10",), "<currency>EUR</currency>")
    xml = fixture_text("create-arpymt-request-multicurrency.xml").replace(
        "<RECORDKEY>104</RECORDKEY>", f"<RECORDKEY>{euro}</RECORDKEY>"
    )
    payment = company.get("ARPYMT", key_of(call(ctx, xml)))
    assert payment is not None
    assert (payment["CURRENCY"], payment["BASECURR"], payment["EXCHANGE_RATE"]) == ("EUR", "USD", "1.5")
    assert payment["TOTALENTERED"] == "15" and payment["TRX_TOTALENTERED"] == "10"
    assert payment["EXCH_RATE_TYPE_ID"] == "Intacct Daily Rate" and payment["WHENCREATED"] == "05/16/2019"
    assert company.get("ARINVOICE", euro)["STATE"] == "Paid"  # type: ignore[index]


def test_legacy_payment_fixture_and_item():
    company = build_company()
    ctx = context(company)
    company.insert(
        "CUSTOMER", {"CUSTOMERID": "C0020", "NAME": "C20", "STATUS": "active", "ARACCOUNT": "4000"}
    )
    company.insert("PRBATCH", {"TITLE": "Receipts batch", "MODULEKEY": "4.AR", "OPEN": "true"}, recordno=123)
    company.insert("LOCATION", {"LOCATIONID": "1020", "NAME": "Overpay", "STATUS": "active"})
    recordno = key_of(call(ctx, fixture_text("create-arpayment-legacy-request.xml")))
    row = company.get("ARPYMT", recordno)
    assert row is not None and row["TRX_TOTALENTERED"] == "1922.12" and row["TRX_TOTALDUE"] == "1922.12"
    assert (
        row["PRBATCH"] == "Receipts batch"
        and row["PAYMENTMETHOD"] == "Printed Check"
        and row["DOCNUMBER"] == "1000"
    )
    key = posted_invoice(ctx, "C0020", ("2000",))
    item = fixture_text("arpaymentitem.xml").split("?>", 1)[1].replace("1234", str(key))
    xml = fixture_text("create-arpayment-legacy-request.xml").replace(
        "</create_arpayment>", f"{item}</create_arpayment>"
    )
    second = company.get("ARPYMT", key_of(call(ctx, xml)))
    assert second is not None and second["TRX_TOTALPAID"] == "1023.45" and second["TRX_TOTALDUE"] == "898.67"
    assert company.get("ARINVOICE", key)["TRX_TOTALDUE"] == "976.55"  # type: ignore[index]


def test_credit_memo_applied_with_a_payment():
    company = build_company()
    ctx = context(company)
    key = posted_invoice(ctx, amounts=("100",))
    memo = key_of(call(ctx, (
        "<create_aradjustment><customerid>C0001</customerid><datecreated><year>2024</year><month>06</month>"
        "<day>20</day></datecreated><aradjustmentitems>" + line(amount="-30") + "</aradjustmentitems>"
        "</create_aradjustment>"
    )))  # fmt: skip
    extra = f"<ADJUSTMENTKEY>{memo}</ADJUSTMENTKEY><TRX_ADJUSTMENTAMOUNT>30</TRX_ADJUSTMENTAMOUNT>"
    call(ctx, arpymt(ardetail(key, "70", extra)))
    assert company.get("ARINVOICE", key)["STATE"] == "Paid"  # type: ignore[index]
    assert company.get("ARADJUSTMENT", memo)["STATE"] == "Paid"  # type: ignore[index]


def test_payment_refusals():
    company = build_company()
    ctx = context(company)
    key = posted_invoice(ctx, amounts=("50",))
    draft = posted_invoice(ctx, header="<action>Draft</action>")
    other = posted_invoice(ctx, customer="C0003")
    wrapper = ("BL01001973", "Could not create arpymt record!")
    number = company.get("ARINVOICE", key)["RECORDID"]  # type: ignore[index]
    draft_number = company.get("ARINVOICE", draft)["RECORDID"]  # type: ignore[index]
    one_invoice = "Enter exactly one invoice on payment line 1."
    both = "<FINANCIALENTITY>BOA</FINANCIALENTITY><UNDEPOSITEDACCOUNTNO>1200</UNDEPOSITEDACCOUNTNO>"
    not_found = f"Oops, we can't find this transaction; enter a valid invoice ({other}) for this customer"
    cases = [
        (arpymt("<ARPYMTDETAIL><TRX_PAYMENTAMOUNT>5</TRX_PAYMENTAMOUNT></ARPYMTDETAIL>"), one_invoice),
        (arpymt(ardetail(key, "5", f"<POSADJKEY>{key}</POSADJKEY>")), one_invoice),
        (arpymt(ardetail(key, "60")),
         f"The amount 60 exceeds total amount due (50) on the invoice {number}."),
        (arpymt(ardetail(draft, "5")), f"The invoice {draft_number} is not posted and cannot be paid."),
        (arpymt(ardetail(other, "5")), f"{not_found} and try again."),
        (arpymt(ardetail(key, "30"), "<TRX_AMOUNTTOPAY>50</TRX_AMOUNTTOPAY>"),
         "The payment amount 50 does not match the total of the payment lines (30)."),
        (arpymt(ardetail(key, "5"), target=""),
         "Provide a bank account, an undeposited funds account or a payment summary for the payment."),
        (arpymt(ardetail(key, "5"), target=both),
         "Provide either a bank account or an undeposited funds account, not both."),
        (arpymt(""), "No line items found"),
        (arpymt(ardetail(key, "5")).replace("Cash", "Barter"), "Invalid Payment Method 'Barter' specified."),
    ]  # fmt: skip
    for xml, message in cases:
        assert failure(ctx, xml) == [("BL01001973", message), wrapper], xml
    undeposited = arpymt(ardetail(key, "5"), target="<UNDEPOSITEDACCOUNTNO>1200</UNDEPOSITEDACCOUNTNO>")
    row = company.get("ARPYMT", key_of(call(ctx, undeposited)))
    assert row is not None and row["UNDEPOSITEDACCOUNTNO"] == "1200" and row["FINANCIALENTITY"] == ""


def test_automatic_payment_summaries_off_asks_for_a_batch_key():
    company = build_company()
    company.config.ar_automatic_payment_summaries = False
    ctx = context(company)
    key = posted_invoice(ctx)
    assert failure(ctx, arpymt(ardetail(key, "10"))) == [
        ("BL01001973", "Please provide a payment batch key."),
        ("BL01001973", "Could not create arpymt record!"),
    ]
    legacy = (
        "<create_arpayment><customerid>C0001</customerid><paymentamount>10</paymentamount>"
        "<bankaccountid>BOA</bankaccountid><datereceived><year>2024</year><month>06</month><day>25</day>"
        f"</datereceived><paymentmethod>Cash</paymentmethod><arpaymentitem><invoicekey>{key}</invoicekey>"
        "<amount>10</amount></arpaymentitem></create_arpayment>"
    )
    assert failure(ctx, legacy) == [
        ("BL01001973", "Please provide a payment batch key."),
        ("BL01001973", "Could not create arpayment record!"),
    ]
