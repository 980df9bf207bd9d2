"""Bill credit notes: create_apadjustment (debit memo) plans, rules, reading APADJUSTMENT rows, round trip."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

import pytest

from connectors.intacct.mapping import bill_credit_notes as notes
from connectors.intacct.mapping.facts import TaxFact
from connectors.intacct.mapping.plan import WritePlan
from datamodel import BillCreditNote, decode_json, decode_json_untyped, encode_json, to_builtins

from ._ap_support import GB, US, element, example, fixture, order_problems, refusal, shared_tags

LINE = {"description": "Returned toner", "quantity": 1, "unitAmount": 300, "subTotal": 300}
LINE |= {
    "accountRef": {"id": "20"},
    "trackingCategoryRefs": [{"id": "LOCATION-200"}, {"id": "SUPPLIER-V0001"}],
}


def make(body: dict[str, Any] | None = None, **changes: Any) -> BillCreditNote:
    base: dict[str, Any] = {
        "supplierRef": {"id": "V0001"},
        "issueDate": "2021-09-24T00:00:00",
        "status": "Submitted",
        "totalAmount": 300,
        "totalDiscount": 0,
        "subTotal": 300,
        "totalTaxAmount": 0,
        "discountPercentage": 0,
        "note": "Credit for returns",
        "lineItems": [LINE],
    }
    base |= body or {}
    base |= changes
    return decode_json(json.dumps(base), BillCreditNote)


def vat_note() -> BillCreditNote:
    line = {**LINE, "taxAmount": 60, "taxRateRef": {"id": "81"}}
    return make(currency="USD", lineItems=[line], totalTaxAmount=60, totalAmount=360)


def test_create_apadjustment_in_the_xsd_order_as_a_debit_memo() -> None:
    plan = notes.plan_create(make(billCreditNoteNumber="ADJ-9", currency="GBP"), US, operation_key="op-3")
    assert (plan.function, plan.key_kind, plan.read_object) == ("create_apadjustment", "key", "APADJUSTMENT")
    actual = element(plan)
    expected = fixture("create-apadjustment-request.xml")[0]
    assert order_problems(expected, actual) == []
    assert shared_tags(expected, actual) == [
        "vendorid",
        "datecreated",
        "adjustmentno",
        "action",
        "description",
        "externalid",
        "basecurr",
        "currency",
        "exchratedate",
        "exchratetype",
        "apadjustmentitems",
    ]
    assert actual.findtext("exchratetype") == "Intacct Daily Rate"
    assert (actual.findtext("action"), actual.findtext("adjustmentno")) == ("Submit", "ADJ-9")
    line = actual.find("apadjustmentitems/lineitem")
    assert line is not None
    full_line = fixture("apadjustment-lineitem-all-dimensions.xml")
    assert order_problems(full_line, line) == []
    assert shared_tags(full_line, line) == ["amount", "memo", "locationid", "vendorid"]
    assert (line.findtext("glaccountno"), line.findtext("amount")) == ("6000", "-300")
    assert plan.lookup == {
        "VENDORID": "V0001",
        "WHENCREATED": "09/24/2021",
        "RECORDID": "ADJ-9",
        "DESCRIPTION": "Credit for returns",
    }
    assert (plan.number_field, plan.sent_number) == ("RECORDID", "ADJ-9")


def test_auto_numbered_adjustments_are_not_looked_up_by_number_and_drafts_stay_drafts() -> None:
    facts = dataclasses.replace(US, auto_numbering={"APADJUSTMENT": True})
    plan = notes.plan_create(
        make(billCreditNoteNumber="ADJ-9", status="Draft", note=None), facts, operation_key="o"
    )
    assert plan.lookup == {"VENDORID": "V0001", "WHENCREATED": "09/24/2021"}
    assert element(plan).findtext("action") == "Draft"


def test_vat_tax_entries_carry_the_debit_sign() -> None:
    actual = element(notes.plan_create(vat_note(), GB, operation_key="op"))
    assert actual.findtext("apadjustmentitems/lineitem/taxentries/taxentry/trx_tax") == "-60"
    assert (
        actual.findtext("apadjustmentitems/lineitem/taxentries/taxentry/detailid")
        == "UK Purchase Standard Rate"
    )
    assert actual.findtext("currency") == "USD"


@pytest.mark.parametrize(
    ("facts", "note", "field", "message"),
    [
        (US, make(supplierRef=None), "supplierRef.id", "Must be provided."),
        (
            US,
            make(lineItems=[{**LINE, "description": "d" * 1001}]),
            "lineItems[0].description",
            "1000 characters",
        ),
        (GB, make(), "lineItems[0].taxRateRef.id", "Must be provided on every line for a VAT or GST entity."),
        (
            US,
            make(lineItems=[{**LINE, "taxRateRef": {"id": "81"}}]),
            "lineItems[0].taxRateRef",
            "Is not supported",
        ),
        (US, make(status="Paid"), "status", "Must be one of: Draft, Submitted."),
        (US, make(lineItems=[]), "lineItems", "Must contain at least one line item."),
        (
            US,
            make(lineItems=[{**LINE, "unitAmount": -1}]),
            "lineItems[0].unitAmount",
            "Must not be negative.",
        ),
        (
            US,
            make(lineItems=[{**LINE, "accountRef": None}]),
            "lineItems[0].accountRef.id",
            "Must be provided.",
        ),
        (US, make(lineItems=[{**LINE, "accountRef": {"id": "11"}}]), "lineItems[0].accountRef.id", "bank"),
        (GB, make(lineItems=[{**LINE, "taxAmount": 5}]), "lineItems[0].taxRateRef", "when TaxAmount is set"),
        (
            GB,
            make(lineItems=[{**LINE, "taxAmount": -5, "taxRateRef": {"id": "81"}}]),
            "lineItems[0].taxAmount",
            "neg",
        ),
        (US, make(note="n" * 1001), "note", "no more than 1000 characters"),
        (US, make(currencyRate=1.1), "currency", "Must be provided if CurrencyRate is set."),
        (US, make(issueDate=None), "issueDate", "Must be provided."),
    ],
)
def test_rules_refuse_naming_the_field(facts: Any, note: BillCreditNote, field: str, message: str) -> None:
    assert any(
        f == field and message in m for f, m in refusal(notes.plan_create, note, facts, operation_key="o")
    )


def test_valid_notes_pass_and_contract_tracking_is_refused_by_the_mapping() -> None:
    assert isinstance(notes.plan_create(make(), US, operation_key="o"), WritePlan)
    assert isinstance(notes.plan_create(vat_note(), GB, operation_key="o"), WritePlan)
    contract = make(lineItems=[{**LINE, "trackingCategoryRefs": [{"id": "CONTRACT-K1"}]}])
    assert refusal(notes.plan_create, contract, US, operation_key="o") == [
        (
            "lineItems[0].trackingCategoryRefs[0].id",
            "CONTRACT tracking is not supported on an AP adjustment line.",
        )
    ]


def test_rows_shaped_like_intacct_read_as_codat_example() -> None:
    """APADJUSTMENT 3359 of Codat's example: a USD debit memo in a GBP entity, two taxed lines."""
    tax = TaxFact("47", "EC Purchase Goods Standard Rate Input", "20")
    facts = dataclasses.replace(GB, tax_details={"47": tax})
    header = {
        "RECORDNO": "3359",
        "RECORDID": "APADJ0001",
        "STATE": "Posted",
        "VENDORID": "3",
        "VENDORNAME": "ADP",
        "WHENCREATED": "09/20/2021",
        "DESCRIPTION": "",
        "BASECURR": "GBP",
        "CURRENCY": "USD",
        "EXCHANGE_RATE": "0.7283",
        "TRX_TOTALENTERED": "-12",
        "TRX_TOTALPAID": "0",
        "TRX_TOTALDUE": "-12",
        "WHENMODIFIED": "09/20/2021 13:50:16",
    }
    rows: list[dict[str, str]] = []
    for n in (1, 2):
        rows.append(
            {
                "RECORDNO": f"{n}0",
                "RECORDKEY": "3359",
                "LINE_NO": str(n),
                "LINEITEM": "T",
                "ACCOUNTKEY": "197",
                "ACCOUNTNO": "6220",
                "ACCOUNTTITLE": "Software and Licenses",
                "TRX_AMOUNT": "-5",
                "ENTRYDESCRIPTION": "No Description Provided",
                "LOCATIONID": "8",
                "LOCATIONNAME": "United Kingdom",
                "VENDORID": "3",
                "VENDORNAME": "ADP",
            }
        )
        rows.append({"RECORDNO": f"{n}1", "LINEITEM": "F", "PARENTENTRY": f"{n}0", "DETAILID": tax.detail_id})
        rows[-1]["TRX_AMOUNT"] = "-1"
    result = decode_json_untyped(encode_json(notes.to_unified(header, rows, facts)))
    expected = next(
        r for r in example("billCreditNotes-list-response-sage-intacct.json")["results"] if r["id"] == "3359"
    )
    expected.pop("modifiedDate")
    assert result.pop("metadata") == {"isDeleted": False}
    assert result == expected


def test_round_trip() -> None:
    sent_note = vat_note()
    body = notes.plan_create(sent_note, GB, operation_key="op").body
    item = body["apadjustmentitems"]["lineitem"][0]
    entry = item["taxentries"]["taxentry"]
    header = {
        "RECORDNO": "77",
        "VENDORID": body["vendorid"],
        "STATE": "Posted",
        "DESCRIPTION": body["description"],
    }
    header |= {
        "WHENCREATED": "09/24/2021",
        "BASECURR": "GBP",
        "CURRENCY": body["currency"],
        "EXCHANGE_RATE": "0.8",
    }
    header |= {"TRX_TOTALENTERED": str(item["amount"] + entry["trx_tax"]), "TRX_TOTALDUE": "-360"}
    line = {
        "RECORDNO": "1",
        "LINEITEM": "T",
        "ACCOUNTNO": item["glaccountno"],
        "TRX_AMOUNT": str(item["amount"]),
    }
    line |= {"ENTRYDESCRIPTION": item["memo"], "LOCATIONID": item["locationid"], "VENDORID": item["vendorid"]}
    tax_row = {"RECORDNO": "2", "LINEITEM": "F", "PARENTENTRY": "1", "DETAILID": entry["detailid"]}
    tax_row["TRX_AMOUNT"] = str(entry["trx_tax"])
    back = to_builtins(notes.to_unified(header, [line, tax_row], GB))
    sent = to_builtins(sent_note)
    for name in (
        "supplierRef",
        "issueDate",
        "currency",
        "status",
        "note",
        "subTotal",
        "totalTaxAmount",
        "totalAmount",
    ):
        assert back[name] == sent[name], name
    (back_line,) = back["lineItems"]
    (sent_line,) = sent["lineItems"]
    for name in ("description", "subTotal", "taxAmount", "accountRef", "trackingCategoryRefs"):
        got = back_line[name]
        want = sent_line[name]
        if name == "accountRef":
            got, want = got["id"], want["id"]
        if name == "trackingCategoryRefs":
            got, want = sorted(r["id"] for r in got), sorted(r["id"] for r in want)
        assert got == want, name
    assert back_line["taxRateRef"]["id"] == "81"
    assert back["remainingCredit"] == Decimal(360)
