"""AP payments in the sandbox: applying to bills, approvals, the SDK fixtures and the refusals."""

from __future__ import annotations

from connectors.intacct.sandbox.handlers.ap import PAYMENT_STATES
from tests.unit.connectors.intacct.sandbox._handlers_support import (
    build_company,
    call,
    context,
    failure,
    fixture_text,
    key_of,
    one,
)

WRAPPER = ("BL01001973", "Could not create appymt record!")


def bill(ctx, amount: str = "100", vendor: str = "V0001", lines: str = "", extra: str = "") -> int:
    lines = lines or f"<lineitem><glaccountno>6000</glaccountno><amount>{amount}</amount></lineitem>"
    return key_of(
        call(
            ctx,
            f"<create_bill><vendorid>{vendor}</vendorid><datecreated><year>2024</year><month>06</month>"
            "<day>01</day></datecreated><datedue><year>2024</year><month>07</month><day>01</day></datedue>"
            f"{extra}<billitems>{lines}</billitems></create_bill>",
        )
    )


def payment(
    details: str, header: str = "", method: str = "EFT", vendor: str = "V0001", bank: str = "BOA"
) -> str:
    method_el = f"<PAYMENTMETHOD>{method}</PAYMENTMETHOD>" if method else ""
    return (
        f"<create><APPYMT>{method_el}<FINANCIALENTITY>{bank}</FINANCIALENTITY><VENDORID>{vendor}</VENDORID>"
        f"<PAYMENTDATE>06/20/2024</PAYMENTDATE>{header}<APPYMTDETAILS>{details}</APPYMTDETAILS></APPYMT></create>"
    )


def detail(recordkey: int, amount: str, extra: str = "") -> str:
    return (
        f"<APPYMTDETAIL><RECORDKEY>{recordkey}</RECORDKEY>{extra}<TRX_PAYMENTAMOUNT>{amount}</TRX_PAYMENTAMOUNT>"
        "</APPYMTDETAIL>"
    )


def test_payment_pays_the_bill_and_writes_header_and_details():
    company = build_company()
    ctx = context(company)
    recordkey = bill(ctx, "100")
    (element,) = call(ctx, payment(detail(recordkey, "100"), "<DOCNUMBER>CHK-1</DOCNUMBER>"))
    assert element.tag == "appymt"
    paid = company.get("APPYMT", int(element.findtext("RECORDNO") or ""))
    assert paid is not None
    assert paid["STATE"] == "Complete" and paid["RAWSTATE"] == "C"
    assert paid["PAYMENTMETHOD"] == "EFT" and paid["PAYMENTMETHODKEY"] == "5"
    assert paid["FINANCIALENTITY"] == "BOA" and paid["FINANCIALENTITYTYPE"] == "checkingaccount"
    assert paid["VENDORID"] == "V0001" and paid["DOCNUMBER"] == "CHK-1"
    assert paid["WHENCREATED"] == "06/20/2024" and paid["WHENPAID"] == "06/20/2024"
    assert paid["TOTALENTERED"] == paid["TOTALPAID"] == "100" and paid["CURRENCY"] == "USD"
    assert paid["EXCHANGE_RATE"] == "1" and paid["PRBATCH"] == "Payments: 06/20/2024 Batch"
    row = one(company, "APPYMTDETAIL", PAYMENTKEY=paid["RECORDNO"])
    assert row["RECORDKEY"] == str(recordkey) and row["TRX_PAYMENTAMOUNT"] == "100" and row["STATE"] == "C"
    settled = company.get("APBILL", recordkey)
    assert settled is not None
    assert settled["STATE"] == "Paid" and settled["RAWSTATE"] == "P" and settled["WHENPAID"] == "06/20/2024"
    assert settled["TOTALPAID"] == "100" and settled["TOTALDUE"] == "0" and settled["TRX_TOTALDUE"] == "0"
    assert one(company, "APBILLITEM", RECORDKEY=str(recordkey))["TRX_TOTALPAID"] == "100"


def test_partial_payment_waterfalls_over_the_lines():
    company = build_company()
    ctx = context(company)
    lines = "".join(
        f"<lineitem><glaccountno>6000</glaccountno><amount>{a}</amount></lineitem>" for a in ("60", "40")
    )
    recordkey = bill(ctx, lines=lines)
    call(ctx, payment(detail(recordkey, "70")))
    settled = company.get("APBILL", recordkey)
    assert settled is not None and settled["STATE"] == "Partially Paid" and settled["TRX_TOTALDUE"] == "30"
    items = sorted(company.find("APBILLITEM", RECORDKEY=str(recordkey)), key=lambda r: r["LINE_NO"])
    assert [r["TRX_TOTALPAID"] for r in items] == ["60", "10"]


def test_approval_keeps_the_payment_submitted_until_approved():
    company = build_company()
    company.config.ap_payment_approval = True
    ctx = context(company)
    recordkey = bill(ctx, "80")
    paymentkey = key_of(call(ctx, payment(detail(recordkey, "80"))))
    submitted = company.get("APPYMT", paymentkey)
    assert submitted is not None and submitted["STATE"] == "Submitted" and submitted["RAWSTATE"] == "S"
    assert submitted["WHENPAID"] == "" and submitted["TOTALPAID"] == "0"
    selected = company.get("APBILL", recordkey)
    assert selected is not None and selected["STATE"] == "Selected" and selected["TRX_TOTALSELECTED"] == "80"
    assert selected["TRX_TOTALDUE"] == "80"
    assert failure(ctx, payment(detail(recordkey, "1")))[0] == (
        "BL01001973",
        f"There is no due on the bill {recordkey}",
    )
    approve = (
        "<approve_appaymentrequest><appaymentkeys>"
        f"<appaymentkey>{paymentkey}</appaymentkey></appaymentkeys></approve_appaymentrequest>"
    )
    assert call(ctx, approve) == []
    approved = company.get("APPYMT", paymentkey)
    assert approved is not None and approved["STATE"] == "Complete" and approved["TOTALPAID"] == "80"
    paid = company.get("APBILL", recordkey)
    assert paid is not None and paid["STATE"] == "Paid" and paid["TRX_TOTALSELECTED"] == "0"
    assert failure(ctx, approve) == [("BL01001973", f"The payment {paymentkey} is not awaiting approval.")]


def test_draft_payment_does_not_touch_the_bill():
    company = build_company()
    ctx = context(company)
    recordkey = bill(ctx, "80")
    paymentkey = key_of(call(ctx, payment(detail(recordkey, "80"), "<ACTION>Draft</ACTION>")))
    assert company.get("APPYMT", paymentkey)["STATE"] == PAYMENT_STATES["D"]  # type: ignore[index]
    assert company.get("APBILL", recordkey)["STATE"] == "Posted"  # type: ignore[index]


def test_refusals():
    company = build_company()
    ctx = context(company)
    recordkey = bill(ctx, "50")
    draft = bill(ctx, "50", extra="<action>Draft</action>")
    other_vendor = bill(ctx, "50", vendor="V0003")
    cases = [
        (
            payment(detail(recordkey, "50"), method=""),
            ("BL34000094", "Required field Payment Method is missing."),
        ),
        (
            payment(detail(recordkey, "50"), method="Barter"),
            ("BL01001973", "Invalid Payment Method 'Barter' specified."),
        ),
        (
            payment(detail(recordkey, "50"), bank="NOBANK"),
            ("BL01001973", "Invalid Bank Account 'NOBANK' specified."),
        ),
        (
            payment(detail(recordkey, "50"), bank="BARCLAYS"),
            ("BL01001973", "Invalid Bank Account 'BARCLAYS' specified."),
        ),
        (payment(detail(recordkey, "50"), vendor="NOPE"), ("BL01001973", "Invalid Vendor 'NOPE' specified.")),
        (payment(""), ("BL01001973", "No line items found")),
        (
            payment(detail(recordkey, "60")),
            ("BL01001973", f"The amount 60 exceeds total amount due (50) on the bill {recordkey}."),
        ),
        (payment(detail(draft, "10")), ("BL01001973", f"The bill {draft} is not posted and cannot be paid.")),
        (
            payment(detail(other_vendor, "10")),
            (
                "BL01001973",
                f"Oops, we can't find this transaction; enter a valid bill ({other_vendor}) for this vendor "
                "and try again.",
            ),
        ),
        (
            payment(detail(recordkey, "10"), "<CURRENCY>EUR</CURRENCY>"),
            ("BL01001973", f"The payment currency EUR does not match the currency USD of bill {recordkey}."),
        ),
        (
            payment(detail(recordkey, "10"), "<AMOUNTTOPAY>20</AMOUNTTOPAY>"),
            ("BL01001973", "The payment amount 20 does not match the total of the payment lines (10)."),
        ),
        (
            payment(detail(recordkey, "30") + detail(recordkey, "30")),
            ("BL01001973", f"The amount 30 exceeds total amount due (20) on the bill {recordkey}."),
        ),
    ]
    for xml, expected in cases:
        assert failure(ctx, xml) == [expected, WRAPPER], xml
    assert company.find("APPYMT") == []


def test_manual_payment_summaries_need_a_batch():
    company = build_company()
    company.config.ap_automatic_payment_summaries = False
    ctx = context(company)
    recordkey = bill(ctx, "50")
    assert failure(ctx, payment(detail(recordkey, "50")))[0] == (
        "BL01001973",
        "Please provide a payment batch key.",
    )
    company.insert("PRBATCH", {"TITLE": "June payments", "MODULEKEY": "3.AP", "OPEN": "true"})
    paymentkey = key_of(call(ctx, payment(detail(recordkey, "50"), "<PRBATCH>June payments</PRBATCH>")))
    assert company.get("APPYMT", paymentkey)["PRBATCH"] == "June payments"  # type: ignore[index]


def test_sdk_fixtures_are_accepted_when_their_bills_exist():
    company = build_company()
    ctx = context(company)
    company.insert("CHECKINGACCOUNT", {"BANKACCOUNTID": "BA1143", "GLACCOUNTNO": "1015", "CURRENCY": "USD",
                                       "STATUS": "active"})  # fmt: skip
    plain = bill(ctx, "200")
    xml = fixture_text("create-appymt-request.xml").replace(
        "<RECORDKEY>123</RECORDKEY>", f"<RECORDKEY>{plain}</RECORDKEY>"
    )
    paymentkey = key_of(call(ctx, xml))
    assert company.get("APPYMT", paymentkey)["TOTALENTERED"] == "100.12"  # type: ignore[index]
    assert company.get("APBILL", plain)["TRX_TOTALDUE"] == "99.88"  # type: ignore[index]

    all_params = bill(ctx, "200")
    xml = fixture_text("create-appymt-request-all-params.xml").replace(
        "<RECORDKEY>123</RECORDKEY>", f"<RECORDKEY>{all_params}</RECORDKEY>"
    )
    paymentkey = key_of(call(ctx, xml))
    row = company.get("APPYMT", paymentkey)
    assert row is not None and row["DOCNUMBER"] == "10000" and row["BILLTOPAYTOCONTACTNAME"] == "Jim Smith"
    applied = one(company, "APPYMTDETAIL", PAYMENTKEY=str(paymentkey))
    assert applied["TRX_DISCOUNTAMOUNT"] == "1.21" and applied["CREDITTOAPPLY"] == "8.12"
    assert company.get("APBILL", all_params)["TRX_TOTALDUE"] == "90.55"  # type: ignore[index]

    credited = bill(ctx, "100")
    line_key = one(company, "APBILLITEM", RECORDKEY=str(credited))["RECORDNO"]
    adjustment = key_of(call(ctx, (
        "<create_apadjustment><vendorid>V0001</vendorid><datecreated><year>2024</year><month>06</month>"
        "<day>02</day></datecreated><apadjustmentitems><lineitem><glaccountno>6000</glaccountno>"
        "<amount>-10</amount></lineitem></apadjustmentitems></create_apadjustment>"
    )))  # fmt: skip
    company.insert("APADVANCE", {"VENDORID": "V0001", "TRX_TOTALENTERED": "5"}, recordno=2584)
    xml = (
        fixture_text("create-appymt-request-credits-applied.xml")
        .replace("<RECORDKEY>30</RECORDKEY>", f"<RECORDKEY>{credited}</RECORDKEY>")
        .replace("<ENTRYKEY>60</ENTRYKEY>", f"<ENTRYKEY>{line_key}</ENTRYKEY>")
        .replace("<ADJUSTMENTKEY>2590</ADJUSTMENTKEY>", f"<ADJUSTMENTKEY>{adjustment}</ADJUSTMENTKEY>")
    )
    paymentkey = key_of(call(ctx, xml))
    assert company.get("APPYMT", paymentkey)["TOTALENTERED"] == "1"  # type: ignore[index]
    assert company.get("APBILL", credited)["TRX_TOTALDUE"] == "94.5"  # type: ignore[index]
    debit_memo = company.get("APADJUSTMENT", adjustment)
    assert (
        debit_memo is not None
        and debit_memo["TRX_TOTALDUE"] == "-7.99"
        and debit_memo["STATE"] == "Partially Paid"
    )

    company.insert("VENDOR", {"VENDORID": "V100", "NAME": "Fyle Vendor", "STATUS": "active"})
    company.insert("CHECKINGACCOUNT", {"BANKACCOUNTID": "TCG WF Checking", "GLACCOUNTNO": "1016",
                                       "CURRENCY": "USD", "STATUS": "active"})  # fmt: skip
    fyle_bill = bill(ctx, "123", vendor="V100")
    xml = fixture_text("create-appymt-request-fyle.xml").replace(
        "<RECORDKEY>3032</RECORDKEY>", f"<RECORDKEY>{fyle_bill}</RECORDKEY>"
    )
    call(ctx, xml)
    assert company.get("APBILL", fyle_bill)["STATE"] == "Paid"  # type: ignore[index]


def test_approve_fixture_names_an_unknown_payment():
    assert failure(context(build_company()), fixture_text("approve-appaymentrequest-request.xml")) == [
        ("BL01001973", "Cannot find appayment with key '1234' to approve.")
    ]


def test_entity_owned_bank_accounts_pay_only_inside_their_entity():
    company = build_company()
    top = context(company, None)
    recordkey = bill(top, "30")
    assert company.get("APBILL", recordkey)["MEGAENTITYID"] == ""  # type: ignore[index]
    assert failure(top, payment(detail(recordkey, "10")))[0] == (
        "BL01001973",
        "The bank account BOA belongs to entity 100; use it from that entity, not from the top level.",
    )
    shared = key_of(call(top, payment(detail(recordkey, "10"), bank="SHARED")))
    assert company.get("APPYMT", shared)["FINANCIALENTITYTYPE"] == "savingsaccount"  # type: ignore[index]
    uk_bill = bill(context(company, "200"), lines=(
        "<lineitem><glaccountno>6000</glaccountno><amount>10</amount><taxentries><taxentry>"
        "<detailid>UK Purchase Zero Rate</detailid></taxentry></taxentries></lineitem>"
    ))  # fmt: skip
    assert failure(context(company, "100"), payment(detail(uk_bill, "10"), bank="BARCLAYS"))[0] == (
        "BL01001973",
        "Invalid Bank Account 'BARCLAYS' specified.",
    )
