"""Other receipts and seeded funds transfers in the sandbox."""

from __future__ import annotations

import pytest

from connectors.intacct.sandbox.handlers.cash import seed_transfers
from connectors.intacct.sandbox.registry import HANDLERS
from tests.unit.connectors.intacct.sandbox._handlers_support import (
    build_company,
    call,
    context,
    failure,
    fixture_text,
    key_of,
    one,
)

WRAPPER = ("BL01001973", "Could not create otherreceipt record!")
ZERO_TAX = "<taxentries><taxentry><detailid>UK Sale Zero Rate</detailid></taxentry></taxentries>"


def receipt(lines: str, deposit: str = "<bankaccountid>BOA</bankaccountid>", header: str = "") -> str:
    return (
        "<record_otherreceipt><paymentdate><year>2024</year><month>06</month><day>10</day></paymentdate>"
        "<payee>Interest Bank</payee>"
        "<receiveddate><year>2024</year><month>06</month><day>11</day></receiveddate>"
        f"<paymentmethod>Cash</paymentmethod>{deposit}{header}<receiptitems>{lines}</receiptitems>"
        "</record_otherreceipt>"
    )


def line(account: str = "4100", amount: str = "25", extra: str = "") -> str:
    return f"<lineitem><glaccountno>{account}</glaccountno><amount>{amount}</amount>{extra}</lineitem>"


def test_receipt_deposited_to_a_bank_account():
    company = build_company()
    lines = line(extra="<memo>Interest</memo><departmentid>ADM</departmentid>")
    xml = receipt(lines, header="<refid>DEP-1</refid><description>June</description>")
    recordno = key_of(call(context(company), xml))
    row = company.get("OTHERRECEIPTS", recordno)
    assert row is not None
    assert row["PAYEE"] == "Interest Bank" and row["PAYMETHOD"] == "Cash" and row["DOCNUMBER"] == "DEP-1"
    assert row["WHENCREATED"] == "06/10/2024" and row["RECEIPTDATE"] == "06/11/2024"
    assert (
        row["BANKACCOUNTID"] == "BOA"
        and row["BANKACCOUNTCURR"] == "USD"
        and row["DEPOSITDATE"] == "06/11/2024"
    )
    assert row["TOTALENTERED"] == row["TRX_TOTALENTERED"] == "25" and row["STATE"] == "Deposited"
    entry = one(company, "OTHERRECEIPTSENTRY", RECORDKEY=str(recordno))
    assert (
        entry["ACCOUNTNO"] == "4100" and entry["AMOUNT"] == "25" and entry["ENTRYDESCRIPTION"] == "Interest"
    )
    assert entry["DEPARTMENTID"] == "ADM" and entry["LINE_NO"] == "1"


def test_sdk_fixtures_when_their_accounts_exist():
    company = build_company()
    ctx = context(company)
    company.insert("CHECKINGACCOUNT", {"BANKACCOUNTID": "BA1234", "GLACCOUNTNO": "1011", "CURRENCY": "USD",
                                       "STATUS": "active"})  # fmt: skip
    company.insert("SUPDOC", {"supdocid": "A1234"})
    company.insert("GLACCOUNT", {"ACCOUNTNO": "1000", "TITLE": "Undeposited", "STATUS": "active"})
    bank = fixture_text("record-otherreceipt-request-bank-deposit.xml")
    assert failure(ctx, bank) == [
        ("BL01001973", "Enter an account number on line item 1, in transaction 'transno,' and try again"),
        WRAPPER,
    ]
    recordno = key_of(call(ctx, bank.replace("<glaccountno/>", "<glaccountno>4000</glaccountno>")))
    row = company.get("OTHERRECEIPTS", recordno)
    assert row is not None and row["DEPOSITDATE"] == "07/04/2015" and row["CUSTOMFIELD1"] == "customvalue1"
    assert row["SUPDOCID"] == "A1234" and row["PAYMETHOD"] == "Printed Check"
    undeposited = fixture_text("record-otherreceipt-request-undeposited.xml").replace(
        "<glaccountno/>", "<glaccountno>4000</glaccountno>"
    )
    row = company.get("OTHERRECEIPTS", key_of(call(ctx, undeposited)))
    assert row is not None and row["UNDEPOSITEDACCOUNTNO"] == "1000" and row["STATE"] == "Undeposited"
    company.insert(
        "ARACCOUNTLABEL", {"ACCOUNTLABEL": "TestBill Account1", "GLACCOUNTNO": "4100", "STATUS": "active"}
    )
    for obj, field in (("LOCATION", "LOCATIONID"), ("DEPARTMENT", "DEPARTMENTID"), ("PROJECT", "PROJECTID"),
                       ("CUSTOMER", "CUSTOMERID"), ("VENDOR", "VENDORID"), ("EMPLOYEE", "EMPLOYEEID"),
                       ("ITEM", "ITEMID"), ("CLASS", "CLASSID"), ("CONTRACT", "CONTRACTID"),
                       ("WAREHOUSE", "WAREHOUSEID")):  # fmt: skip
        company.insert(obj, {field: f"{obj.title()}1", "NAME": obj, "TITLE": obj, "STATUS": "active"})
    lineitem = fixture_text("otherreceipt-lineitem-all-dimensions.xml").split("?>", 1)[1]
    recordno = key_of(call(ctx, receipt(lineitem)))
    entry = one(company, "OTHERRECEIPTSENTRY", RECORDKEY=str(recordno))
    assert entry["ACCOUNTLABEL"] == "TestBill Account1" and entry["ACCOUNTNO"] == "4100"
    assert entry["CONTRACTID"] == "Contract1" and entry["CUSTOMFIELD1"] == "customvalue1"


def test_receipt_currency_defaults_to_the_bank_and_vat_entities_may_add_tax():
    company = build_company()
    ctx = context(company, "200")
    tax = "<taxentries><taxentry><detailid>UK Sale Standard Rate</detailid></taxentry></taxentries>"
    recordno = key_of(
        call(ctx, receipt(line(amount="100", extra=tax), "<bankaccountid>BARCLAYS</bankaccountid>"))
    )
    row = company.get("OTHERRECEIPTS", recordno)
    assert row is not None and row["CURRENCY"] == "GBP" and row["TOTALENTERED"] == "120"
    assert (
        one(company, "OTHERRECEIPTSENTRY", RECORDKEY=str(recordno), LINEITEM="F")["DETAILID"]
        == "UK Sale Standard Rate"
    )
    plain = key_of(call(ctx, receipt(line(), "<bankaccountid>BARCLAYS</bankaccountid>")))
    assert company.get("OTHERRECEIPTS", plain)["TOTALENTERED"] == "25"  # type: ignore[index]


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (receipt(line("1010")), None),
        (receipt(line()).replace("<payee>Interest Bank</payee>", ""), "Required field Payee is missing."),
        (receipt(line(), ""), "Provide a bank account or an undeposited funds account for the receipt."),
        (receipt(line(), "<bankaccountid>BOA</bankaccountid><undepglaccountno>1200</undepglaccountno>"),
         "Provide either a bank account or an undeposited funds account, not both."),
        (receipt(line(), "<bankaccountid>NOPE</bankaccountid>"), "Invalid Bank Account 'NOPE' specified."),
        (receipt(line(), header="<currency>EUR</currency>"),
         "The receipt currency EUR does not match the currency USD of BOA."),
        (receipt(line(extra="<projectid>NOPE</projectid>")), "Invalid Project 'NOPE' specified."),
        (receipt(line(extra=ZERO_TAX)),
         "Tax entries are not allowed on line item 1: this entity does not use a tax solution."),
        (receipt(""), "An other receipt must have at least one line item."),
        (receipt(line()).replace("Cash", "Barter"), "Invalid Payment Method 'Barter' specified."),
    ],
)  # fmt: skip
def test_refusals(xml: str, message: str | None):
    errors = failure(context(build_company()), xml)
    if message is None:
        assert errors[0][0] == "BL03002112" and errors[0][1].startswith(
            "The account number 1010 is associated"
        )
    else:
        assert errors[0] == ("BL01001973", message)
    assert errors[1] == WRAPPER


def test_funds_transfers_are_seeded_not_created():
    company = build_company()
    posted, voided, reversal = seed_transfers(company)
    assert not any("fundstransfer" in name.lower() for name in HANDLERS)
    first = company.get("FUNDSTRANSFER", posted)
    assert first is not None and first["STATE"] == "Posted" and first["TOTALENTERED"] == "500"
    assert (first["FROMACCOUNTID"], first["TOACCOUNTID"]) == ("BOA", "SHARED")
    assert first["TOTALENTERED"] == first["TRX_TOTALENTERED"] and first["MEGAENTITYID"] == "100"
    original, back = company.get("FUNDSTRANSFER", voided), company.get("FUNDSTRANSFER", reversal)
    assert original is not None and back is not None
    assert original["STATE"] == back["STATE"] == "Voided"
    assert back["TOTALENTERED"] == "-250" and back["REVERSEDKEY"] == str(voided)
    assert original["REVERSALKEY"] == str(reversal)
    entries = company.find("FUNDSTRANSFERENTRY", RECORDKEY=str(posted))
    assert sorted((e["TR_TYPE"], e["ACCOUNTNO"]) for e in entries) == [("-1", "1010"), ("1", "1030")]


def test_seed_transfers_needs_two_bank_accounts():
    company = build_company()
    company.tables["CHECKINGACCOUNT"] = {}
    company.tables["SAVINGSACCOUNT"] = {}
    with pytest.raises(ValueError, match="two bank accounts"):
        seed_transfers(company)
