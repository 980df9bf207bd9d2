"""Bill payments: APPYMT plans against the SDK fixtures, the rules, warnings, reading APPYMT rows back."""

from __future__ import annotations

import dataclasses
from copy import deepcopy
from typing import Any

import pytest
from lxml import etree

from connectors.intacct.mapping import bill_payments as payments
from connectors.intacct.mapping.facts import AccountFact
from connectors.intacct.mapping.plan import WritePlan
from connectors.intacct.query import NotIn, to_query_string
from datamodel import BillPayment, decode_json, decode_json_untyped, encode_json, to_builtins

from ._ap_support import GB, US, element, example, fixture, order_problems, refusal, shared_tags

SAVINGS = AccountFact("360", "1030", "Bank - Savings", bank_account_id="BOA-SAV", currency="USD")
FACTS = dataclasses.replace(US, accounts={**US.accounts, "360": SAVINGS})


def make(**changes: Any) -> BillPayment:
    body = example("billPayments-push-request-sage-intacct.json")
    body |= changes
    return decode_json(encode_json(body), BillPayment)


def test_example_push_is_an_appymt_in_the_sdk_order() -> None:
    plan = payments.plan_create(make(), FACTS, operation_key="op")
    assert (plan.function, plan.key_kind, plan.read_object) == ("create", "recordno", "APPYMT")
    appymt = element(plan).find("APPYMT")
    assert appymt is not None
    for name in ("create-appymt-request-all-params.xml", "create-appymt-request.xml"):
        expected = fixture(name).find("create/APPYMT")
        assert expected is not None and order_problems(expected, appymt) == [], name
    assert [c.tag for c in appymt] == [
        "PAYMENTMETHOD",
        "FINANCIALENTITY",
        "VENDORID",
        "PAYMENTDATE",
        "APPYMTDETAILS",
    ]
    assert (appymt.findtext("PAYMENTMETHOD"), appymt.findtext("FINANCIALENTITY")) == ("Cash", "BOA-SAV")
    assert appymt.findtext("PAYMENTDATE") == "04/25/2023"
    details = [[(c.tag, c.text) for c in d] for d in appymt.findall("APPYMTDETAILS/APPYMTDETAIL")]
    assert details == [
        [("RECORDKEY", "26572"), ("TRX_PAYMENTAMOUNT", "45")],
        [("RECORDKEY", "26572"), ("ADJUSTMENTKEY", "26573"), ("TRX_ADJUSTMENTAMOUNT", "360")],
    ]
    credits_fixture = fixture("create-appymt-request-credits-applied.xml").findall(".//APPYMTDETAIL")[2]
    detail = appymt.findall("APPYMTDETAILS/APPYMTDETAIL")[1]
    assert order_problems(credits_fixture, detail) == []
    assert plan.lookup == {"VENDORID": "3", "FINANCIALENTITY": "BOA-SAV", "WHENCREATED": "04/25/2023"}
    assert plan.warnings == ()


def _without_method(appymt: etree._Element) -> etree._Element:
    copy = deepcopy(appymt)
    copy.remove(copy.find("PAYMENTMETHOD"))  # type: ignore[arg-type]
    return copy


def _fyle_without_method() -> etree._Element:
    """fyle's production payload puts FINANCIALENTITY first (generic objects take any order); the rest of
    its order (CURRENCY and BASECURR after PAYMENTDATE) is what we compare."""
    found = fixture("create-appymt-request-fyle.xml").find("create/APPYMT")
    assert found is not None
    return _without_method(found)


def test_foreign_currency_payments_write_the_rate_choice() -> None:
    daily = element(payments.plan_create(make(currency="GBP", reference="CHK-1"), FACTS, operation_key="op"))
    appymt = daily.find("APPYMT")
    assert appymt is not None
    assert order_problems(_fyle_without_method(), _without_method(appymt)) == []
    assert order_problems(fixture("create-appymt-request-all-params.xml").find("create/APPYMT"), appymt) == []  # type: ignore[arg-type]
    assert shared_tags(fixture("create-appymt-request-all-params.xml").find("create/APPYMT"), appymt) == [  # type: ignore[arg-type]
        "PAYMENTMETHOD",
        "FINANCIALENTITY",
        "VENDORID",
        "EXCH_RATE_DATE",
        "EXCH_RATE_TYPE_ID",
        "DOCNUMBER",
        "PAYMENTDATE",
        "APPYMTDETAILS",
    ]
    assert (
        appymt.findtext("EXCH_RATE_TYPE_ID"),
        appymt.findtext("CURRENCY"),
        appymt.findtext("BASECURR"),
    ) == (
        "Intacct Daily Rate",
        "GBP",
        "USD",
    )
    custom = element(payments.plan_create(make(currency="EUR", currencyRate=1.08), FACTS, operation_key="op"))
    assert (
        custom.findtext("APPYMT/EXCHANGE_RATE") == "1.08" and custom.find("APPYMT/EXCH_RATE_TYPE_ID") is None
    )


def test_several_bills_on_a_line_are_each_paid_their_link_amount() -> None:
    line = {
        "amount": 30,
        "links": [{"type": "Bill", "id": "1", "amount": -10}, {"type": "Bill", "id": "2", "amount": -20}],
    }
    plan = payments.plan_create(make(totalAmount=30, lines=[line]), FACTS, operation_key="op")
    details = element(plan).findall("APPYMT/APPYMTDETAILS/APPYMTDETAIL")
    assert [(d.findtext("RECORDKEY"), d.findtext("TRX_PAYMENTAMOUNT")) for d in details] == [
        ("1", "10"),
        ("2", "20"),
    ]


def test_approval_policy_gives_codats_warning() -> None:
    facts = dataclasses.replace(FACTS, ap_payment_approval=True)
    plan = payments.plan_create(make(), facts, operation_key="op")
    assert [w.message for w in plan.warnings] == [
        "This bill payment awaits approval in Sage Intacct; it will leave the billPayments dataset at the "
        "next pull until it is approved."
    ]
    assert "Submitted" in to_query_string(payments.READ.where)
    assert isinstance(payments.READ.where, NotIn)


def test_currency_warning_when_the_paying_account_currency_differs() -> None:
    no_currency = make(currency=None)
    warning = payments.currency_warning(no_currency, [{"RECORDNO": "26572", "CURRENCY": "GBP"}], FACTS)
    assert warning is not None and warning.field == "currency"
    assert "USD" in warning.message and "26572 (GBP)" in warning.message
    assert payments.currency_warning(no_currency, [{"RECORDNO": "1", "CURRENCY": "USD"}], FACTS) is None
    assert payments.currency_warning(make(), [{"RECORDNO": "1", "CURRENCY": "GBP"}], FACTS) is None


BILL = {"type": "Bill", "id": "26572", "amount": -45}


@pytest.mark.parametrize(
    ("payment", "field", "message"),
    [
        (make(currency="JPY"), "currency", "Must be a currency enabled in the Sage Intacct entity."),
        (make(paymentMethodRef=None), "paymentMethodRef.id", "Must be provided."),
        (make(paymentMethodRef={"id": "99"}), "paymentMethodRef.id", "Must be one of the payment methods"),
        (make(accountRef={"id": "20"}), "accountRef.id", "Must be a GL account tied to a bank account"),
        (make(accountRef=None), "accountRef.id", "Must be provided."),
        (make(supplierRef=None), "supplierRef.id", "Must be provided."),
        (
            make(totalAmount=0, lines=[{"amount": 0, "links": [BILL]}]),
            "totalAmount",
            "Must be a positive amount.",
        ),
        (make(totalAmount=50), "totalAmount", "Must equal the sum of the lines' amounts."),
        (make(lines=[]), "lines", "Must contain at least one line."),
        (make(totalAmount=-5, lines=[{"amount": -5, "links": [BILL]}]), "lines[0].amount", "negative"),
        (make(lines=[{"amount": 45, "links": []}]), "lines[0].links", "at least one link"),
        (
            make(lines=[{"amount": 45, "links": [{**BILL, "type": "Other"}]}]),
            "lines[0].links[0].type",
            "Bill or",
        ),
        (
            make(lines=[{"amount": 45, "links": [{"type": "CreditNote", "id": "9", "amount": 45}]}]),
            "lines[0].links",
            "Each line pays one Bill",
        ),
        (
            make(lines=[{"amount": 45, "links": [{**BILL, "amount": 45}]}]),
            "lines[0].links[0].amount",
            "negative",
        ),
        (make(lines=[{"amount": 45, "links": [{**BILL, "amount": -40}]}]), "lines[0].links", "net to zero"),
        (make(note="n" * 1001), "note", "Must be no greater than 1000 characters."),
    ],
)
def test_rules_refuse_naming_the_field(payment: BillPayment, field: str, message: str) -> None:
    found = refusal(payments.plan_create, payment, FACTS, operation_key="op")
    assert any(f == field and message in m for f, m in found), found


def test_cross_currency_links_skip_the_netting_check() -> None:
    line = {"amount": 45, "links": [{**BILL, "amount": -40, "currencyRate": 1.125}]}
    assert isinstance(payments.plan_create(make(lines=[line]), FACTS, operation_key="op"), WritePlan)


def test_rows_shaped_like_intacct_read_as_codat_example() -> None:
    current = AccountFact("353", "1001", "Current Account", bank_account_id="CURRENT", currency="GBP")
    facts = dataclasses.replace(GB, accounts={"353": current})
    header = {
        "RECORDNO": "4471",
        "STATE": "Complete",
        "VENDORID": "3",
        "VENDORNAME": "ADP",
        "FINANCIALENTITY": "CURRENT",
        "PAYMENTMETHOD": "Cash",
        "DOCNUMBER": "",
        "DESCRIPTION": "",
        "WHENCREATED": "01/06/2022",
        "BASECURR": "GBP",
        "CURRENCY": "GBP",
        "EXCHANGE_RATE": "1",
        "TRX_TOTALENTERED": "20",
        "WHENMODIFIED": "02/23/2022 12:03:30",
    }
    detail = {
        "RECORDNO": "1",
        "PAYMENTKEY": "4471",
        "RECORDKEY": "4470",
        "TRX_PAYMENTAMOUNT": "20",
        "CURRENCY": "GBP",
    }
    result = decode_json_untyped(encode_json(payments.to_unified(header, [detail], facts)))
    expected = next(
        r for r in example("billPayments-list-response-sage-intacct.json")["results"] if r["id"] == "4471"
    )
    expected.pop("modifiedDate")
    assert result == expected


def test_round_trip_of_the_example_push() -> None:
    sent_payment = make(reference="CHK-22")
    appymt = payments.plan_create(sent_payment, FACTS, operation_key="op").body["APPYMT"]
    header = {"RECORDNO": "9", "VENDORID": appymt["VENDORID"], "FINANCIALENTITY": appymt["FINANCIALENTITY"]}
    header |= {
        "PAYMENTMETHOD": appymt["PAYMENTMETHOD"],
        "DOCNUMBER": appymt["DOCNUMBER"],
        "STATE": "Complete",
    }
    header |= {"WHENCREATED": "04/25/2023", "BASECURR": "USD", "CURRENCY": "USD", "TRX_TOTALENTERED": "45"}
    details = [{key: str(value) for key, value in d.items()} for d in appymt["APPYMTDETAILS"]["APPYMTDETAIL"]]
    back = to_builtins(payments.to_unified(header, details, FACTS))
    sent = to_builtins(sent_payment)
    for name in ("supplierRef", "totalAmount", "currency", "date", "reference"):
        assert back[name] == sent[name], name
    assert back["accountRef"]["id"] == sent["accountRef"]["id"]
    assert back["paymentMethodRef"] == sent["paymentMethodRef"]
    (back_line,) = back["lines"]
    (sent_line,) = sent["lines"]
    assert back_line["amount"] == sent_line["amount"]
    assert [(k["type"], k["id"], k["amount"]) for k in back_line["links"]] == [
        (k["type"], k["id"], k["amount"]) for k in sent_line["links"]
    ]


def test_delete() -> None:
    plan = payments.plan_delete("4471", US, operation_key="op")
    assert (plan.function, dict(plan.body), plan.key_kind) == (
        "delete",
        {"object": "APPYMT", "keys": "4471"},
        "none",
    )
