"""Credit notes: the create_aradjustment plan (element order, negated credit-memo amounts, numbering,
currency), both readers (ARADJUSTMENT and negative ARINVOICE) and a round trip."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from connectors.intacct.mapping import credit_notes
from connectors.intacct.query import Lt
from datamodel import CreditNote, CreditNoteStatus, convert, to_builtins
from tests.unit.connectors.intacct.mapping._ar_support import (
    AUTO,
    GB,
    US,
    WITH_CUSTOM_FIELDS,
    element,
    fixture,
    order_problems,
    refused_fields,
    stored_rows,
)


def credit_note(**changes: Any) -> CreditNote:
    body: dict[str, Any] = {
        "creditNoteNumber": "CN-7",
        "customerRef": {"id": "C0001"},
        "issueDate": "2024-03-05T00:00:00",
        "status": "Submitted",
        "note": "Returned goods",
        "lineItems": [
            {
                "description": "Refund of consulting",
                "unitAmount": 40,
                "quantity": 1,
                "accountRef": {"id": "40"},
                "trackingCategoryRefs": [{"id": "LOCATION-100"}],
            }
        ],
        "totalAmount": 40,
        "totalDiscount": 0,
        "subTotal": 40,
        "totalTaxAmount": 0,
        "discountPercentage": 0,
        "remainingCredit": 40,
    }
    body.update(changes)
    return convert(body, CreditNote)


def test_plan_follows_create_aradjustment_element_order() -> None:
    record = credit_note(currency="USD", currencyRate="0.8")
    facts = dataclasses.replace(GB, entity_id=None, custom_fields=WITH_CUSTOM_FIELDS.custom_fields)
    line = {**to_builtins(record)["lineItems"][0], "taxRateRef": {"id": "99"}}
    built = element(
        credit_notes.plan_create(credit_note(lineItems=[line], currency="USD"), facts, operation_key="op")
    )
    expected = fixture("create-aradjustment-request.xml")[0]
    # create_aradjustment takes the tax solution and custom fields after nogl, as create_invoice does
    assert order_problems(expected, built) == [
        "/create_aradjustment: <taxsolutionid> is not in Intacct's element",
        "/create_aradjustment: <customfields> is not in Intacct's element",
    ]
    assert [c.tag for c in built][-3:] == ["taxsolutionid", "customfields", "aradjustmentitems"]
    item = built.find("aradjustmentitems/lineitem")
    assert item is not None
    all_fields = fixture("invoice-lineitem-all-dimensions.xml")
    all_fields[0].tag = "glaccountno"
    assert order_problems(all_fields, item) == []


def test_credit_memo_lines_are_negative_and_values_mapped() -> None:
    plan = credit_notes.plan_create(credit_note(), US, operation_key="op")
    assert (plan.function, plan.read_object, plan.key_kind) == ("create_aradjustment", "ARADJUSTMENT", "key")
    assert plan.body == {
        "customerid": "C0001",
        "datecreated": {"year": "2024", "month": "03", "day": "05"},
        "adjustmentno": "CN-7",
        "action": "Submit",
        "description": "Returned goods",
        "aradjustmentitems": {
            "lineitem": [
                {
                    "glaccountno": "4000",
                    "amount": Decimal("-40.00"),
                    "memo": "Refund of consulting",
                    "locationid": "100",
                }
            ]
        },
    }
    assert plan.lookup == {"CUSTOMERID": "C0001", "RECORDID": "CN-7"}


def test_vat_tax_is_negated_with_the_line() -> None:
    line = {"unitAmount": 50, "quantity": 1, "accountRef": {"id": "40"}, "taxRateRef": {"id": "99"}}
    plan = credit_notes.plan_create(credit_note(lineItems=[line]), GB, operation_key="op")
    item = plan.body["aradjustmentitems"]["lineitem"][0]
    assert item["amount"] == Decimal("-50.00")
    assert item["taxentries"] == {
        "taxentry": {"detailid": "UK Sale Standard Rate", "trx_tax": Decimal("-10.00")}
    }
    assert "taxsolutionid" not in plan.body  # entity session: Intacct takes the entity's solution


def test_daily_rate_when_currency_has_no_rate() -> None:
    body = credit_notes.plan_create(credit_note(currency="EUR"), US, operation_key="op").body
    assert (body["basecurr"], body["currency"], body["exchratetype"]) == ("USD", "EUR", "Intacct Daily Rate")
    assert "exchrate" not in body


def test_auto_numbered_adjustments_refuse_a_number_and_look_up_by_date() -> None:
    assert refused_fields(credit_notes.plan_create, credit_note(), AUTO, operation_key="op") == {
        "creditNoteNumber"
    }
    plan = credit_notes.plan_create(credit_note(creditNoteNumber=None), AUTO, operation_key="op")
    assert "adjustmentno" not in plan.body and plan.sent_number is None
    assert plan.lookup == {
        "CUSTOMERID": "C0001",
        "WHENCREATED": "03/05/2024",
        "DESCRIPTION": "Returned goods",
    }


def test_number_required_when_intacct_does_not_number() -> None:
    assert refused_fields(
        credit_notes.plan_create, credit_note(creditNoteNumber=None), US, operation_key="op"
    ) == {"creditNoteNumber"}


HEADER = {
    "RECORDNO": "771",
    "RECORDID": "CN-7",
    "STATE": "Posted",
    "CUSTOMERID": "C0001",
    "CUSTOMERNAME": "Acme",
    "WHENCREATED": "03/05/2024",
    "BASECURR": "USD",
    "CURRENCY": "USD",
    "EXCHANGE_RATE": "1",
    "TRX_TOTALENTERED": "-48",
    "TRX_TOTALPAID": "-8",
    "TRX_TOTALDUE": "-40",
    "DESCRIPTION": "Returned goods",
    "WHENMODIFIED": "03/06/2024 09:00:00",
}
LINES = [
    {
        "RECORDNO": "9001",
        "RECORDKEY": "771",
        "LINE_NO": "1",
        "LINEITEM": "T",
        "ACCOUNTKEY": "40",
        "ACCOUNTNO": "4000",
        "ACCOUNTTITLE": "Sales",
        "TRX_AMOUNT": "-40",
        "ENTRYDESCRIPTION": "Refund",
        "LOCATIONID": "100",
        "LOCATIONNAME": "HQ",
    },
    {
        "RECORDNO": "9002",
        "RECORDKEY": "771",
        "LINEITEM": "F",
        "PARENTENTRY": "9001",
        "DETAILID": "UK Sale Standard Rate",
        "TRX_AMOUNT": "-8",
    },
]


def test_aradjustment_reads_as_a_positive_credit_note() -> None:
    assert to_builtins(credit_notes.to_unified(HEADER, LINES, GB)) == {
        "id": "771",
        "creditNoteNumber": "CN-7",
        "customerRef": {"id": "C0001", "companyName": "Acme"},
        "totalAmount": Decimal(48),
        "totalDiscount": Decimal(0),
        "subTotal": Decimal(40),
        "totalTaxAmount": Decimal(8),
        "discountPercentage": Decimal(0),
        "remainingCredit": Decimal(40),
        "status": "PartiallyPaid",
        "issueDate": "2024-03-05T00:00:00",
        "currency": "USD",
        "lineItems": [
            {
                "quantity": Decimal(1),
                "unitAmount": Decimal(40),
                "description": "Refund",
                "subTotal": Decimal(40),
                "taxAmount": Decimal(8),
                "totalAmount": Decimal(48),
                "accountRef": {"id": "40", "name": "Sales"},
                "taxRateRef": {"id": "99", "name": "UK Sale Standard Rate", "effectiveTaxRate": Decimal(20)},
                "trackingCategoryRefs": [{"id": "LOCATION-100", "name": "HQ"}],
            }
        ],
        "note": "Returned goods",
        "sourceModifiedDate": "2024-03-06T09:00:00",
    }


@pytest.mark.parametrize(
    ("state", "due", "status"),
    [
        ("Draft", "-48", CreditNoteStatus.DRAFT),
        ("Posted", "-48", CreditNoteStatus.SUBMITTED),
        ("Posted", "0", CreditNoteStatus.PAID),
    ],
)
def test_credit_note_status(state: str, due: str, status: CreditNoteStatus) -> None:
    assert (
        credit_notes.to_unified({**HEADER, "STATE": state, "TRX_TOTALDUE": due}, LINES, GB).status == status
    )


def test_negative_invoices_are_read_as_credit_notes_and_positive_ones_are_not() -> None:
    invoice = {**HEADER, "MODULEKEY": "4.AR", "WHENDUE": "04/04/2024"}
    found = credit_notes.negative_invoice_to_unified(invoice, LINES, GB)
    assert found is not None and found.total_amount == Decimal(48) and found.credit_note_number == "CN-7"
    assert credit_notes.negative_invoice_to_unified({**invoice, "TRX_TOTALENTERED": "48"}, LINES, GB) is None
    spec = credit_notes.NEGATIVE_INVOICES_READ
    assert (spec.object, spec.line_object, spec.where) == (
        "ARINVOICE",
        "ARINVOICEITEM",
        Lt("TRX_TOTALENTERED", 0),
    )
    assert {s.object for s in credit_notes.READS} == {"ARADJUSTMENT", "ARINVOICE"}
    assert all(s.data_type == "creditNotes" for s in credit_notes.READS)


@pytest.mark.parametrize("facts", [US, GB], ids=["us", "gb-vat"])
def test_round_trip_keeps_the_mapped_fields(facts: Any) -> None:
    tax = {"taxRateRef": {"id": "99"}} if facts.has_vat else {}
    line = {"description": "Refund", "unitAmount": "40.5", "quantity": 1, "accountRef": {"id": "41"}, **tax}
    sent = credit_note(lineItems=[line], currency="EUR", currencyRate="1.1")
    plan = credit_notes.plan_create(sent, facts, operation_key="op")
    header, rows = stored_rows(plan.body, "aradjustmentitems", facts, number="CN-7")
    back = to_builtins(credit_notes.to_unified(header, rows, facts))
    want = to_builtins(sent)
    for key in ("creditNoteNumber", "issueDate", "currency", "currencyRate", "note", "status"):
        assert back[key] == want[key], key
    assert back["customerRef"]["id"] == want["customerRef"]["id"]
    got_line = back["lineItems"][0]
    assert (got_line["unitAmount"], got_line["description"], got_line["accountRef"]["id"]) == (
        Decimal("40.5"),
        "Refund",
        "41",
    )
    expected_tax = Decimal("8.10") if facts.has_vat else Decimal(0)
    assert got_line["taxAmount"] == expected_tax and back["totalAmount"] == Decimal("40.5") + expected_tax
