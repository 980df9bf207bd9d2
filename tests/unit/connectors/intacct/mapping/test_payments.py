"""Payments: the generic ARPYMT plan (deposit target from the bank tie, details for invoices and
credits, currency), the payment-summary message, the ARPYMT reader and a round trip."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from connectors.errors import ConnectorRejectedError, UpstreamError
from connectors.intacct.mapping import payments
from datamodel import Payment, convert, to_builtins
from tests.unit.connectors.intacct.mapping._ar_support import (
    US,
    element,
    example,
    fixture,
    order_problems,
    refused_fields,
)


def payment(**changes: Any) -> Payment:
    body: dict[str, Any] = {
        **example("payments-push-request-sage-intacct.json"),
        "customerRef": {"id": "C0001"},
        "accountRef": {"id": "10"},
        "paymentMethodRef": {"id": "6"},
        "reference": "CHK-1001",
        "note": "March receipts",
    }
    body.update(changes)
    return convert(body, Payment)


def cash_payment(**changes: Any) -> Payment:
    lines = [
        {"amount": 100, "links": [{"type": "Invoice", "id": "246", "amount": -100}]},
        {
            "amount": "25.5",
            "links": [
                {"type": "Invoice", "id": "247", "amount": "-35.5"},
                {"type": "PaymentOnAccount", "id": "90", "amount": 10},
            ],
        },
    ]
    return payment(lines=lines, totalAmount="125.5", **changes)


def test_codats_example_needs_a_payment_method() -> None:
    body = example("payments-push-request-sage-intacct.json")
    body["accountRef"] = {"id": "12"}  # the example's account 81 is not in this company
    assert refused_fields(payments.plan_create, convert(body, Payment), US, operation_key="op") == {
        "paymentMethodRef.id"
    }


def test_plan_follows_the_arpymt_fixture_and_applies_the_credit_note() -> None:
    cash_only = payment(
        lines=[{"amount": 5, "links": [{"type": "Invoice", "id": "246", "amount": -5}]}], totalAmount=5
    )
    problems = order_problems(
        fixture("create-arpymt-request.xml"), element(payments.plan_create(cash_only, US, operation_key="op"))
    )
    assert problems == ["/create/ARPYMT: <DESCRIPTION> is not in Intacct's element"]
    plan = payments.plan_create(payment(), US, operation_key="op")
    assert (plan.function, plan.read_object, plan.key_kind) == ("create", "ARPYMT", "recordno")
    built = element(plan)
    arpymt = plan.body["ARPYMT"]
    assert arpymt["FINANCIALENTITY"] == "BOA" and "UNDEPOSITEDACCOUNTNO" not in arpymt
    assert arpymt["PAYMENTMETHOD"] == "Cash"
    assert (arpymt["CUSTOMERID"], arpymt["DOCNUMBER"], arpymt["DESCRIPTION"]) == (
        "C0001",
        "CHK-1001",
        "March receipts",
    )
    assert str(built.findtext("ARPYMT/RECEIPTDATE")) == "03/12/2022"
    assert str(built.findtext("ARPYMT/PAYMENTDATE")) == "03/12/2022"
    # line 0 pays invoice 246 with credit note 280 only: no cash detail, one credit detail
    assert arpymt["ARPYMTDETAILS"]["ARPYMTDETAIL"] == [
        {"RECORDKEY": "246", "ADJUSTMENTKEY": "280", "TRX_ADJUSTMENTAMOUNT": Decimal("1.10")}
    ]
    assert plan.lookup == {
        "CUSTOMERID": "C0001",
        "RECEIPTDATE": "03/12/2022",
        "FINANCIALENTITY": "BOA",
        "DOCNUMBER": "CHK-1001",
    }


def test_cash_and_advance_details() -> None:
    details = payments.plan_create(cash_payment(), US, operation_key="op").body["ARPYMT"]["ARPYMTDETAILS"]
    assert details["ARPYMTDETAIL"] == [
        {"RECORDKEY": "246", "TRX_PAYMENTAMOUNT": Decimal("100.00")},
        {"RECORDKEY": "247", "TRX_PAYMENTAMOUNT": Decimal("25.50")},
        {"RECORDKEY": "247", "ADVANCEKEY": "90", "TRX_POSTEDADVANCEAMOUNT": Decimal("10.00")},
    ]


def test_an_account_without_bank_tie_is_undeposited_funds() -> None:
    arpymt = payments.plan_create(payment(accountRef={"id": "12"}), US, operation_key="op").body["ARPYMT"]
    assert arpymt["UNDEPOSITEDACCOUNTNO"] == "1200" and "FINANCIALENTITY" not in arpymt


def test_foreign_currency_uses_the_given_rate() -> None:
    built = element(
        payments.plan_create(cash_payment(currency="EUR", currencyRate="1.08"), US, operation_key="op")
    )
    assert {
        tag: built.findtext(f"ARPYMT/{tag}")
        for tag in ("CURRENCY", "BASECURR", "EXCHANGE_RATE", "EXCH_RATE_DATE")
    } == {
        "CURRENCY": "EUR",
        "BASECURR": "USD",
        "EXCHANGE_RATE": "1.08",
        "EXCH_RATE_DATE": "03/12/2022",
    }
    assert built.find("ARPYMT/EXCH_RATE_TYPE_ID") is None


def test_summary_refusal_names_the_setting() -> None:
    upstream = UpstreamError("BL01001973", None, "Please provide a payment batch key. [Support ID: x]")
    error = ConnectorRejectedError("Could not create arpymt record!", errors=[upstream])
    found = payments.summary_refusal(error)
    assert found is not None
    assert (
        "Configure AR" in found.message
        and "Summary frequency" in found.message
        and "Daily or Monthly" in found.message
    )
    assert found.errors == [upstream] and found.issues[0].message == found.message
    assert payments.summary_refusal(ConnectorRejectedError("Invalid Customer 'X' specified.")) is None
    assert payments.summary_message("please provide a payment batch key") == payments.SUMMARY_MESSAGE


HEADER = {
    "RECORDNO": "880",
    "DOCNUMBER": "CHK-1001",
    "STATE": "Posted",
    "PAYMENTMETHOD": "Cash",
    "PAYMENTMETHODKEY": "6",
    "FINANCIALENTITY": "BOA",
    "CUSTOMERID": "C0001",
    "CUSTOMERNAME": "Acme",
    "DESCRIPTION": "March receipts",
    "WHENCREATED": "03/12/2022",
    "BASECURR": "USD",
    "CURRENCY": "USD",
    "EXCHANGE_RATE": "1",
    "TRX_TOTALENTERED": "125.5",
    "WHENMODIFIED": "03/12/2022 10:00:00",
}


def stored_details(plan_body: Mapping[str, Any]) -> list[dict[str, str]]:
    """The ARPYMTDETAIL rows Intacct keeps for the plan's details."""
    rows = []
    for n, detail in enumerate(plan_body["ARPYMT"]["ARPYMTDETAILS"]["ARPYMTDETAIL"], 1):
        rows.append({"RECORDNO": str(n), "PAYMENTKEY": "880", **{k: str(v) for k, v in detail.items()}})
    return rows


def test_to_unified_maps_an_arpymt_field_by_field() -> None:
    details = stored_details(payments.plan_create(cash_payment(), US, operation_key="op").body)
    assert to_builtins(payments.to_unified(HEADER, details, US)) == {
        "id": "880",
        "customerRef": {"id": "C0001", "companyName": "Acme"},
        "accountRef": {"id": "10", "name": "Bank - Checking"},
        "paymentMethodRef": {"id": "6", "name": "Cash"},
        "totalAmount": Decimal("125.5"),
        "currency": "USD",
        "date": "2022-03-12T00:00:00",
        "note": "March receipts",
        "reference": "CHK-1001",
        "lines": [
            {"amount": Decimal(100), "links": [{"type": "Invoice", "id": "246", "amount": Decimal(-100)}]},
            {
                "amount": Decimal("25.50"),
                "links": [
                    {"type": "Invoice", "id": "247", "amount": Decimal("-35.50")},
                    {"type": "PaymentOnAccount", "id": "90", "amount": Decimal(10)},
                ],
            },
        ],
        "sourceModifiedDate": "2022-03-12T10:00:00",
    }


def test_round_trip_of_codats_example_lines() -> None:
    sent = payment()
    details = stored_details(payments.plan_create(sent, US, operation_key="op").body)
    back = to_builtins(payments.to_unified({**HEADER, "TRX_TOTALENTERED": "0"}, details, US))
    want = to_builtins(sent)
    assert back["lines"] == want["lines"]
    assert back["customerRef"]["id"] == want["customerRef"]["id"]
    assert back["accountRef"]["id"] == want["accountRef"]["id"]
    for key in ("totalAmount", "date", "reference", "note"):
        assert back[key] == want[key], key


def test_undeposited_receipt_reads_its_gl_account() -> None:
    header = {**HEADER, "FINANCIALENTITY": "", "UNDEPOSITEDACCOUNTNO": "1200"}
    found = payments.to_unified(header, [], US)
    assert found.account_ref is not None and found.account_ref.id == "12"
    assert payments.READ.line_parent_field == "PAYMENTKEY" and payments.READ.line_object == "ARPYMTDETAIL"
