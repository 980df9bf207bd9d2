"""AP bills and adjustments in the sandbox: rows written, Intacct's rules and error texts."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors.intacct.sandbox.state import CompanyState, Entity
from tests.unit.connectors.intacct.sandbox._handlers_support import (
    build_company,
    call,
    context,
    failure,
    fixture_text,
    key_of,
    one,
)

WRAPPER = ("BL01001973", "Could not create bill record!")


def legacy_bill(lines: str, header: str = "", vendor: str = "V0001", due: bool = True) -> str:
    due_block = "<datedue><year>2024</year><month>07</month><day>31</day></datedue>" if due else ""
    return (
        f"<create_bill><vendorid>{vendor}</vendorid>"
        "<datecreated><year>2024</year><month>06</month><day>15</day></datecreated>"
        f"{due_block}{header}<billitems>{lines}</billitems></create_bill>"
    )


def line(account: str = "6000", amount: str = "100.00", extra: str = "") -> str:
    return f"<lineitem><glaccountno>{account}</glaccountno><amount>{amount}</amount>{extra}</lineitem>"


def vat_entity_company() -> CompanyState:
    """The SDK fixtures use tax solution ``taxsolution`` and detail ``TaxName`` with USD amounts."""
    company = build_company()
    company.entities["300"] = Entity("300", "VAT USD", "USD", "IE", tax_solution_id="taxsolution")
    detail = {"DETAILID": "TaxName", "VALUE": "10", "TAXTYPE": "Purchase", "TAXSOLUTIONID": "taxsolution"}
    company.insert("TAXDETAIL", {**detail, "GLACCOUNT": "1300", "STATUS": "active"})
    company.insert(
        "VENDOR", {"VENDORID": "VENDOR1", "NAME": "Vendor One", "STATUS": "active", "APACCOUNT": "6000"}
    )
    return company


def seed_fixture_dimensions(company: CompanyState) -> None:
    """The ids the SDK's all-dimensions line fixtures use."""
    company.insert(
        "APACCOUNTLABEL", {"ACCOUNTLABEL": "TestBill Account1", "GLACCOUNTNO": "6000", "STATUS": "active"}
    )
    company.insert("GLACCOUNT", {"ACCOUNTNO": "93590253", "TITLE": "AP Offset", "STATUS": "active"})
    for obj, field, name_field in (
        ("LOCATION", "LOCATIONID", "NAME"),
        ("DEPARTMENT", "DEPARTMENTID", "TITLE"),
        ("PROJECT", "PROJECTID", "NAME"),
        ("CUSTOMER", "CUSTOMERID", "NAME"),
        ("VENDOR", "VENDORID", "NAME"),
        ("EMPLOYEE", "EMPLOYEEID", "NAME"),
        ("ITEM", "ITEMID", "NAME"),
        ("CLASS", "CLASSID", "NAME"),
        ("CONTRACT", "CONTRACTID", "NAME"),
        ("WAREHOUSE", "WAREHOUSEID", "NAME"),
    ):
        value = f"{obj.title()}1"
        company.insert(obj, {field: value, name_field: f"{obj.title()} One", "STATUS": "active"})


# -- legacy create_bill -------------------------------------------------------------------------
def test_minimal_sdk_fixture_posts_a_bill_with_the_vendor_default_account():
    company = vat_entity_company()
    ctx = context(company, "100")
    recordno = key_of(call(ctx, fixture_text("create-bill-legacy-request-minimal.xml")))
    bill = company.get("APBILL", recordno)
    assert bill is not None
    assert bill["RECORDTYPE"] == "pi"
    assert bill["STATE"] == "Posted" and bill["RAWSTATE"] == "A"
    assert bill["VENDORID"] == "VENDOR1" and bill["VENDORNAME"] == "Vendor One"
    assert bill["WHENCREATED"] == "06/30/2015" and bill["WHENPOSTED"] == "06/30/2015"
    assert bill["TERMNAME"] == "N30" and bill["WHENDUE"] == "07/30/2015"
    assert bill["TOTALENTERED"] == bill["TOTALDUE"] == bill["TRX_TOTALENTERED"] == "76343.43"
    assert bill["TOTALPAID"] == "0" and bill["TOTALSELECTED"] == "0"
    assert (bill["BASECURR"], bill["CURRENCY"], bill["EXCHANGE_RATE"]) == ("USD", "USD", "1")
    assert bill["EXCH_RATE_TYPE_ID"] == "" and bill["EXCH_RATE_DATE"] == ""
    assert (
        bill["MODULEKEY"] == "3.AP"
        and bill["MEGAENTITYID"] == "100"
        and bill["MEGAENTITYNAME"] == "US Entity"
    )
    assert bill["AUWHENCREATED"] == "07/01/2024 12:00:00" and bill["WHENMODIFIED"] == "07/01/2024 12:00:00"
    assert bill["RECORD_URL"].startswith("https://www.intacct.com/ia/acct/ur.phtml?.r=")
    assert bill["PRBATCH"] == "Bills: 06/30/2015 Batch" and company.get("PRBATCH", int(bill["PRBATCHKEY"]))
    item = one(company, "APBILLITEM", RECORDKEY=str(recordno))
    assert item["LINE_NO"] == "1" and item["LINEITEM"] == "T" and item["RECORDTYPE"] == "pi"
    assert (item["ACCOUNTNO"], item["ACCOUNTTITLE"]) == ("6000", "Office Expenses")
    assert item["AMOUNT"] == item["TRX_AMOUNT"] == "76343.43"
    assert item["ENTRY_DATE"] == "06/30/2015" and item["CURRENCY"] == "USD" and item["STATE"] == "A"


def test_full_sdk_fixture_in_a_vat_entity_writes_tax_lines_and_header_fields():
    company = vat_entity_company()
    company.insert("SUPDOC", {"supdocid": "6942", "supdocname": "Receipt"})
    company.insert("PRBATCH", {"TITLE": "June bills", "MODULEKEY": "3.AP", "OPEN": "true"}, recordno=20323)
    ctx = context(company, "300")
    recordno = key_of(call(ctx, fixture_text("create-bill-legacy-request.xml")))
    bill = company.get("APBILL", recordno)
    assert bill is not None
    assert bill["RECORDID"] == "234" and bill["DOCNUMBER"] == "234235"
    assert bill["WHENDUE"] == "09/24/2020" and bill["ONHOLD"] == "true"
    assert bill["DESCRIPTION"] == "Some description" and bill["SUPDOCID"] == "6942"
    assert bill["TAXSOLUTIONID"] == "taxsolution" and bill["CUSTOMFIELD1"] == "customvalue1"
    assert bill["BILLTOPAYTOCONTACTNAME"] == "28952" and bill["SHIPTORETURNTOCONTACTNAME"] == "289533"
    assert (bill["PRBATCH"], bill["PRBATCHKEY"]) == ("June bills", "20323")
    assert bill["TOTALENTERED"] == "76353.43"
    lines = company.find("APBILLITEM", RECORDKEY=str(recordno))
    normal = [r for r in lines if r["LINEITEM"] == "T"]
    tax = [r for r in lines if r["LINEITEM"] == "F"]
    assert len(normal) == 1 and len(tax) == 1
    assert tax[0]["PARENTENTRY"] == normal[0]["RECORDNO"] and tax[0]["DETAILID"] == "TaxName"
    assert tax[0]["TRX_AMOUNT"] == "10" and tax[0]["ACCOUNTNO"] == "1300"


def test_all_dimensions_line_fixture_is_accepted_and_every_dimension_lands_on_the_line():
    company = vat_entity_company()
    seed_fixture_dimensions(company)
    lineitem = fixture_text("bill-lineitem-all-dimensions.xml").split("?>", 1)[1]
    ctx = context(company, "300")
    recordno = key_of(call(ctx, legacy_bill(lineitem)))
    item = one(company, "APBILLITEM", RECORDKEY=str(recordno), LINEITEM="T")
    assert (item["ACCOUNTLABEL"], item["ACCOUNTNO"]) == ("TestBill Account1", "6000")
    assert item["OFFSETGLACCOUNTNO"] == "93590253" and item["ENTRYDESCRIPTION"] == "Just another memo"
    assert (item["LOCATIONID"], item["LOCATIONNAME"]) == ("Location1", "Location One")
    assert (item["DEPARTMENTID"], item["DEPARTMENTNAME"]) == ("Department1", "Department One")
    assert item["PROJECTID"] == "Project1" and item["PROJECTNAME"] == "Project One" and item["PROJECTDIMKEY"]
    for dim in ("CUSTOMER", "VENDOR", "EMPLOYEE", "ITEM", "CLASS", "CONTRACT", "WAREHOUSE"):
        assert item[f"{dim}ID"] == f"{dim.title()}1", dim
        assert item[f"{dim}NAME"] == f"{dim.title()} One", dim
    assert item["FORM1099TYPE"] == "1099-MISC" and item["BILLABLE"] == "true"
    assert item["CUSTOMFIELD1"] == "customvalue1"


# -- generic APBILL -----------------------------------------------------------------------------
def test_generic_apbill_fixture_answers_with_recordno_and_url():
    company = build_company()
    company.insert("VENDOR", {"VENDORID": "V100", "NAME": "Fyle Vendor", "STATUS": "active"})
    company.insert("GLACCOUNT", {"ACCOUNTNO": "1900", "TITLE": "Goodwill", "STATUS": "active"})
    company.insert("LOCATION", {"LOCATIONID": "GC-DAL", "NAME": "Dallas", "STATUS": "active"})
    company.insert("DEPARTMENT", {"DEPARTMENTID": "001", "TITLE": "Ops", "STATUS": "active"})
    company.insert("PROJECT", {"PROJECTID": "12", "NAME": "Twelve", "STATUS": "active"})
    company.insert("CUSTOMER", {"CUSTOMERID": "C00010--Amazon", "NAME": "Amazon", "STATUS": "active"})
    company.insert("ITEM", {"ITEMID": "CN014", "NAME": "Item", "STATUS": "active"})
    company.insert("TASK", {"TASKID": "123", "NAME": "Task", "STATUS": "active"})
    company.insert("COSTTYPE", {"COSTTYPEID": "89", "NAME": "Labour", "STATUS": "active"})
    company.insert("CLASS", {"CLASSID": "TestClassId", "NAME": "Class", "STATUS": "active"})
    (element,) = call(context(company), fixture_text("create-apbill-request.xml"))
    assert element.tag == "apbill"
    recordno = int(element.findtext("RECORDNO") or "")
    assert element.findtext("RECORD_URL", "").startswith("https://")
    bill = company.get("APBILL", recordno)
    assert bill is not None and bill["RECORDID"].startswith("owner@fyle")
    item = one(company, "APBILLITEM", RECORDKEY=str(recordno))
    assert item["TRX_AMOUNT"] == "123" and item["ACCOUNTNO"] == "1900"
    assert item["TASKID"] == "123" and item["COSTTYPEID"] == "89" and item["CLASSID"] == "TestClassId"
    assert item["BILLABLE"] == "false"


def test_generic_apbill_tax_from_gross_amount_in_vat_entity():
    company = build_company()
    xml = (
        "<create><APBILL><VENDORID>V0003</VENDORID><WHENCREATED>06/15/2024</WHENCREATED>"
        "<WHENDUE>07/15/2024</WHENDUE><APBILLITEMS><APBILLITEM><ACCOUNTNO>6000</ACCOUNTNO>"
        "<TRX_AMOUNT>100</TRX_AMOUNT><TOTALTRXAMOUNT>120</TOTALTRXAMOUNT><TAXENTRIES><TAXENTRY>"
        "<DETAILID>UK Purchase Standard Rate</DETAILID></TAXENTRY></TAXENTRIES></APBILLITEM>"
        "</APBILLITEMS></APBILL></create>"
    )
    recordno = key_of(call(context(company, "200"), xml))
    bill = company.get("APBILL", recordno)
    assert bill is not None and bill["TOTALENTERED"] == "120" and bill["CURRENCY"] == "GBP"
    assert bill["TAXSOLUTIONID"] == "United Kingdom - VAT" and bill["MEGAENTITYID"] == "200"
    tax = one(company, "APBILLITEM", RECORDKEY=str(recordno), LINEITEM="F")
    assert tax["TRX_AMOUNT"] == "20" and tax["DETAILID"] == "UK Purchase Standard Rate"


# -- states, dates, numbering, summaries --------------------------------------------------------
def test_draft_needs_no_due_date_but_a_submitted_bill_does():
    company = build_company()
    ctx = context(company)
    draft = key_of(call(ctx, legacy_bill(line(), "<action>Draft</action>", vendor="V0003", due=False)))
    row = company.get("APBILL", draft)
    assert row is not None and row["STATE"] == "Draft" and row["RAWSTATE"] == "D" and row["WHENPOSTED"] == ""
    assert failure(ctx, legacy_bill(line(), vendor="V0003", due=False)) == [
        ("BL01001973", "The Date Due field is missing a value."),
        WRAPPER,
    ]


def test_bill_approval_leaves_bills_submitted():
    company = build_company()
    company.config.ap_bill_approval = True
    recordno = key_of(call(context(company), legacy_bill(line())))
    assert company.get("APBILL", recordno)["STATE"] == "Submitted"  # type: ignore[index]


def test_auto_numbering_and_duplicate_numbers():
    company = build_company()
    ctx = context(company)
    company.config.auto_numbering["APBILL"] = True
    first = key_of(call(ctx, legacy_bill(line())))
    assert company.get("APBILL", first)["RECORDID"] == "BILL-1"  # type: ignore[index]
    supplied = key_of(call(ctx, legacy_bill(line(), "<billno>INV-77</billno>")))
    assert company.get("APBILL", supplied)["RECORDID"] == "INV-77"  # type: ignore[index]
    assert failure(ctx, legacy_bill(line(), "<billno>INV-77</billno>")) == [
        ("BL03002185", "A transaction with the number 'INV-77' already exists."),
        WRAPPER,
    ]


def test_manual_bill_summaries_require_a_batch():
    company = build_company()
    company.config.ap_automatic_bill_summaries = False
    ctx = context(company)
    assert failure(ctx, legacy_bill(line()))[0] == ("BL01001973", "Please provide a batch key.")
    batch = company.insert("PRBATCH", {"TITLE": "Manual June", "MODULEKEY": "3.AP", "OPEN": "true"})
    recordno = key_of(call(ctx, legacy_bill(line(), f"<batchkey>{batch}</batchkey>")))
    assert company.get("APBILL", recordno)["PRBATCH"] == "Manual June"  # type: ignore[index]
    assert (
        failure(ctx, legacy_bill(line(), "<batchkey>999999</batchkey>"))[0][1]
        == "Invalid Summary '999999' specified."
    )


def test_closed_period_is_refused():
    company = build_company()
    company.config.books_closed_before = dt.date(2024, 7, 1)
    errors = failure(context(company), legacy_bill(line()))
    assert (
        errors[0][1]
        == "Periods are closed. Your transaction date (06/15/2024) is within a period that's been closed."
    )


# -- references ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (legacy_bill(line(), vendor="NOPE"), "Invalid Vendor 'NOPE' specified."),
        (legacy_bill(line(), vendor="V0005"), "Activate the vendor V0005, then try again."),
        (legacy_bill(line(), vendor="V200P"), "Invalid Vendor 'V200P' specified."),
        (legacy_bill(line("9999")), "Invalid Account '9999' specified."),
        (legacy_bill(line(extra="<departmentid>XX</departmentid>")), "Invalid Department 'XX' specified."),
        (legacy_bill(line(extra="<locationid>LOC9</locationid>")), "Invalid Location 'LOC9' specified."),
        (legacy_bill(line(extra="<locationid>210</locationid>")), "Invalid Location '210' specified."),
        (legacy_bill(line(extra="<projectid>P9</projectid>")), "Invalid Project 'P9' specified."),
        (legacy_bill(line(extra="<classid>C9</classid>")), "Invalid Class 'C9' specified."),
        (legacy_bill(line(extra="<itemid>I9</itemid>")), "Invalid Item 'I9' specified."),
        (legacy_bill(line(extra="<warehouseid>W9</warehouseid>")), "Invalid Warehouse 'W9' specified."),
        (
            legacy_bill(line("6100")),
            "This transaction is missing the Department dimension for the Account 6100",
        ),
        (
            legacy_bill(line("", extra=""), vendor="V0003", header="<billno>B-9</billno>"),
            "Enter an account number on line item 1, in transaction 'B-9,' and try again",
        ),
        (
            legacy_bill(
                line(
                    extra="<taxentries><taxentry><detailid>UK Purchase Standard Rate</detailid>"
                    "</taxentry></taxentries>"
                )
            ),
            "Tax entries are not allowed on line item 1: this entity does not use a tax solution.",
        ),
        (legacy_bill(line(amount="")), "Enter an amount on line item 1, and try again."),
        (legacy_bill("", ""), "A bill must have at least one line item."),
        (legacy_bill(line(), "<action>Later</action>"), "Invalid Action 'Later' specified."),
    ],
)
def test_reference_and_rule_errors_come_with_the_wrapper(xml: str, message: str):
    assert failure(context(build_company()), xml) == [("BL01001973", message), WRAPPER]


def test_bank_tied_account_on_a_line_is_refused_with_bl03002112():
    errors = failure(context(build_company()), legacy_bill(line("1010"), "<billno>B-1</billno>"))
    assert errors[0][0] == "BL03002112"
    assert errors[0][1].startswith("The account number 1010 is associated to the Bank account BOA")
    assert errors[1] == WRAPPER


def test_private_vendor_is_visible_in_its_own_entity_and_vat_lines_need_tax():
    company = build_company()
    ctx = context(company, "200")
    assert failure(ctx, legacy_bill(line(), vendor="V200P"))[0] == (
        "BL01001973",
        "Enter tax information on line item 1: the tax solution 'United Kingdom - VAT' requires it.",
    )
    tax = "<taxentries><taxentry><detailid>UK Purchase Standard Rate</detailid></taxentry></taxentries>"
    recordno = key_of(call(ctx, legacy_bill(line(extra=tax), vendor="V200P")))
    bill = company.get("APBILL", recordno)
    assert bill is not None and bill["TOTALENTERED"] == "120" and bill["BASECURR"] == "GBP"
    sale = "<taxentries><taxentry><detailid>UK Sale Standard Rate</detailid></taxentry></taxentries>"
    assert failure(ctx, legacy_bill(line(extra=sale), vendor="V200P"))[0][1] == (
        "The tax detail 'UK Sale Standard Rate' is not a purchase tax detail."
    )


def test_mixed_account_and_item_lines_are_refused_item_lines_take_the_item_account():
    company = build_company()
    ctx = context(company)
    item_line = "<lineitem><amount>10</amount><itemid>I100</itemid></lineitem>"
    assert failure(ctx, legacy_bill(line() + item_line))[0][1] == (
        "The lines of a bill must be all account-based or all item-based, not mixed."
    )
    recordno = key_of(call(ctx, legacy_bill(item_line)))
    assert one(company, "APBILLITEM", RECORDKEY=str(recordno))["ACCOUNTNO"] == "6000"


# -- currency -----------------------------------------------------------------------------------
def currency_header(currency: str, extra: str = "") -> str:
    return f"<currency>{currency}</currency>{extra}"


def test_daily_rate_is_looked_up_by_date_and_converts_to_base():
    company = build_company()
    recordno = key_of(call(context(company), legacy_bill(line(amount="100"), currency_header("EUR"))))
    bill = company.get("APBILL", recordno)
    assert bill is not None
    assert (bill["CURRENCY"], bill["BASECURR"], bill["EXCHANGE_RATE"]) == ("EUR", "USD", "1.08")
    assert bill["EXCH_RATE_TYPE_ID"] == "-1" and bill["EXCH_RATE_DATE"] == "06/15/2024"
    assert bill["TRX_TOTALENTERED"] == "100" and bill["TOTALENTERED"] == "108"
    item = one(company, "APBILLITEM", RECORDKEY=str(recordno))
    assert item["EXCH_RATE_TYPE_ID"] == "Intacct Daily Rate" and item["AMOUNT"] == "108"


def test_custom_rate_and_custom_rate_type():
    company = build_company()
    ctx = context(company)
    custom = key_of(
        call(ctx, legacy_bill(line(amount="10"), currency_header("EUR", "<exchrate>1.5</exchrate>")))
    )
    assert company.get("APBILL", custom)["TOTALENTERED"] == "15"  # type: ignore[index]
    typed = currency_header("EUR", "<exchratetype>Corporate Rate</exchratetype>")
    corporate = key_of(call(ctx, legacy_bill(line(amount="10"), typed)))
    row = company.get("APBILL", corporate)
    assert row is not None and row["EXCH_RATE_TYPE_ID"] == "10" and row["TOTALENTERED"] == "12"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (currency_header("XYZ"), "Invalid Currency 'XYZ' specified."),
        (
            currency_header("EUR", "<exchratetype>Nope</exchratetype>"),
            "Invalid Exchange Rate Type 'Nope' specified.",
        ),
        (
            currency_header(
                "EUR", "<exchratedate><year>2023</year><month>01</month><day>01</day></exchratedate>"
            ),
            "No exchange rate is available from EUR to USD for the rate type 'Intacct Daily Rate' "
            "on 01/01/2023.",
        ),
        (
            "<basecurr>GBP</basecurr><currency>EUR</currency>",
            "Invalid Base Currency 'GBP' specified. The base currency is USD.",
        ),
        (
            currency_header("EUR", "<exchratetype>Intacct Daily Rate</exchratetype><exchrate>1.2</exchrate>"),
            "Specify either an exchange rate type or an exchange rate, not both.",
        ),
    ],
)
def test_currency_errors(header: str, message: str):
    assert failure(context(build_company()), legacy_bill(line(), header))[0] == ("BL01001973", message)


# -- update and delete --------------------------------------------------------------------------
def update_xml(recordno: int, fields: str) -> str:
    return f"<update><APBILL><RECORDNO>{recordno}</RECORDNO>{fields}</APBILL></update>"


def test_update_replaces_named_fields_and_lines_and_keeps_the_rest():
    moments = [dt.datetime(2024, 7, 1, 12, 0, 0)]
    company = build_company(clock=lambda: moments[-1])
    ctx = context(company)
    recordno = key_of(
        call(ctx, legacy_bill(line(amount="50"), "<billno>B-5</billno><description>old</description>"))
    )
    lines = (
        "<APBILLITEMS><APBILLITEM><ACCOUNTNO>5000</ACCOUNTNO><TRX_AMOUNT>70</TRX_AMOUNT></APBILLITEM>"
        "<APBILLITEM><ACCOUNTNO>6000</ACCOUNTNO><TRX_AMOUNT>5</TRX_AMOUNT><DEPARTMENTID>ADM</DEPARTMENTID>"
        "</APBILLITEM></APBILLITEMS>"
    )
    moments.append(dt.datetime(2024, 7, 2, 8, 30, 0))
    (element,) = call(ctx, update_xml(recordno, f"<DESCRIPTION>new</DESCRIPTION>{lines}"))
    assert element.tag == "apbill" and element.findtext("RECORDNO") == str(recordno)
    bill = company.get("APBILL", recordno)
    assert bill is not None and bill["DESCRIPTION"] == "new" and bill["RECORDID"] == "B-5"
    assert bill["TOTALENTERED"] == "75" and bill["WHENDUE"] == "07/31/2024"
    items = sorted(company.find("APBILLITEM", RECORDKEY=str(recordno)), key=lambda r: r["LINE_NO"])
    assert [(r["ACCOUNTNO"], r["TRX_AMOUNT"]) for r in items] == [("5000", "70"), ("6000", "5")]
    assert items[1]["DEPARTMENTNAME"] == "Administration"
    assert bill["AUWHENCREATED"] == "07/01/2024 12:00:00" and bill["WHENMODIFIED"] == "07/02/2024 08:30:00"
    call(ctx, update_xml(recordno, "<WHENDUE>08/31/2024</WHENDUE>"))
    assert company.get("APBILL", recordno)["WHENDUE"] == "08/31/2024"  # type: ignore[index]
    assert len(company.find("APBILLITEM", RECORDKEY=str(recordno))) == 2


def test_update_of_a_missing_bill_names_it_in_errorno():
    assert failure(context(build_company()), update_xml(424242, "<DESCRIPTION>x</DESCRIPTION>")) == [
        ("Cannot update non-existing APBILL with RECORDNO=424242.", "")
    ]


def test_paid_bill_cannot_be_updated_or_deleted_but_an_open_one_can_be_deleted():
    company = build_company()
    ctx = context(company)
    paid = key_of(call(ctx, legacy_bill(line(amount="40"))))
    payment = (
        "<create><APPYMT><PAYMENTMETHOD>EFT</PAYMENTMETHOD><FINANCIALENTITY>BOA</FINANCIALENTITY>"
        "<VENDORID>V0001</VENDORID><PAYMENTDATE>06/20/2024</PAYMENTDATE><APPYMTDETAILS><APPYMTDETAIL>"
        f"<RECORDKEY>{paid}</RECORDKEY><TRX_PAYMENTAMOUNT>10</TRX_PAYMENTAMOUNT></APPYMTDETAIL>"
        "</APPYMTDETAILS></APPYMT></create>"
    )
    call(ctx, payment)
    locked = ("BL03000215", "The Document State is not valid. Cannot update a document that's paid.")
    assert failure(ctx, update_xml(paid, "<DESCRIPTION>x</DESCRIPTION>")) == [
        locked,
        ("BL01001973", "Could not update bill record!"),
    ]
    delete = f"<delete><object>APBILL</object><keys>{paid}</keys></delete>"
    assert failure(ctx, delete)[0] == locked
    open_bill = key_of(call(ctx, legacy_bill(line())))
    assert call(ctx, f"<delete><object>APBILL</object><keys>{open_bill}</keys></delete>") == []
    assert company.get("APBILL", open_bill) is None
    assert company.find("APBILLITEM", RECORDKEY=str(open_bill)) == []
    assert failure(ctx, f'<delete_bill key="{open_bill}"/>') == [
        ("BL01001973", f"Cannot find bill with key '{open_bill}' to delete.")
    ]


# -- AP adjustments -----------------------------------------------------------------------------
def test_apadjustment_fixture_and_all_dimensions_line():
    company = vat_entity_company()
    company.insert("PRBATCH", {"TITLE": "Adj batch", "MODULEKEY": "3.AP", "OPEN": "true"}, recordno=20323)
    seed_fixture_dimensions(company)
    ctx = context(company, "100")
    recordno = key_of(call(ctx, fixture_text("create-apadjustment-request.xml")))
    adjustment = company.get("APADJUSTMENT", recordno)
    assert adjustment is not None
    assert adjustment["RECORDTYPE"] == "pa" and adjustment["RECORDID"] == "234"
    assert adjustment["DOCNUMBER"] == "234235" and adjustment["STATE"] == "Posted"
    assert adjustment["TOTALENTERED"] == "76343.43" and "WHENDUE" not in adjustment
    assert one(company, "APADJUSTMENTITEM", RECORDKEY=str(recordno))["ACCOUNTNO"] == "6000"
    lineitem = fixture_text("apadjustment-lineitem-all-dimensions.xml").split("?>", 1)[1]
    wrapped = (
        "<create_apadjustment><vendorid>V0001</vendorid><datecreated><year>2024</year><month>06</month>"
        f"<day>01</day></datecreated><apadjustmentitems>{lineitem}</apadjustmentitems></create_apadjustment>"
    )
    second = key_of(call(ctx, wrapped))
    item = one(company, "APADJUSTMENTITEM", RECORDKEY=str(second))
    assert item["WAREHOUSEID"] == "Warehouse1" and item["ACCOUNTLABEL"] == "TestBill Account1"
    assert failure(ctx, wrapped.replace("V0001", "NOPE")) == [
        ("BL01001973", "Invalid Vendor 'NOPE' specified."),
        ("BL01001973", "Could not create apadjustment record!"),
    ]


def test_adjustment_in_foreign_currency_defaults_to_the_daily_rate():
    company = build_company()
    xml = (
        "<create_apadjustment><vendorid>V0001</vendorid><datecreated><year>2024</year><month>06</month>"
        "<day>15</day></datecreated><currency>EUR</currency><apadjustmentitems>"
        "<lineitem><glaccountno>6000</glaccountno><amount>-50</amount></lineitem>"
        "</apadjustmentitems></create_apadjustment>"
    )
    recordno = key_of(call(context(company), xml))
    row = company.get("APADJUSTMENT", recordno)
    assert row is not None and row["EXCH_RATE_TYPE_ID"] == "-1" and row["TOTALENTERED"] == "-54"
    item = one(company, "APADJUSTMENTITEM", RECORDKEY=str(recordno))
    assert item["EXCH_RATE_TYPE_ID"] == "-1"
