"""Every Codat example body decodes into its type and re-encodes to the same JSON value.

"The same" is checked by ``json_diff`` (numbers by value, ``null`` distinct from absent, booleans distinct
from numbers); ``test_jsoncompare.py`` proves that helper fails on every kind of change, and the tests at the
bottom prove the round trip itself fails when the model drops or alters a field.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest

import datamodel as dm
from datamodel.codec import decode_json, encode_json
from tests.unit.datamodel._jsoncompare import json_diff, load
from tests.unit.datamodel._reference import EXAMPLES

TYPES: dict[str, Any] = {
    "accounts-list-response-sage-intacct.json": dm.Accounts,
    "billCreditNotes-list-response-sage-intacct.json": dm.BillCreditNotes,
    "billCreditNotes-push-request-sage-intacct.json": dm.BillCreditNote,
    "billPayments-list-response-sage-intacct.json": dm.BillPayments,
    "billPayments-push-request-sage-intacct.json": dm.BillPayment,
    "bills-list-response-sage-intacct.json": dm.Bills,
    "bills-push-request-xero.json": dm.Bill,
    "companyInfo-response.json": dm.CompanyInfo,
    "creditNotes-list-response.json": dm.CreditNotes,
    "creditNotes-push-request-quickbooks-desktop.json": dm.CreditNote,
    "dataStatus-response.json": dm.DataStatuses,
    "directIncomes-push-request-sage-intacct.json": dm.DirectIncome,
    "directIncomes-push-response-sage-intacct.json": dm.PushOperation[dm.DirectIncome],
    "error-response-400.json": dm.ErrorMessage,
    "invoices-list-response.json": dm.Invoices,
    "invoices-push-request-quickbooks-online.json": dm.Invoice,
    "invoices-push-request-sage-intacct.json": dm.Invoice,
    "journalEntries-push-request-sage-intacct.json": dm.JournalEntry,
    "paymentMethods-list-response-sage-intacct.json": dm.PaymentMethods,
    "payments-list-response.json": dm.Payments,
    "payments-push-request-sage-intacct.json": dm.Payment,
    "payments-push-response-sage-intacct.json": dm.PushOperation[dm.Payment],
    "pullOperations-list-response.json": dm.PullOperations,
    "suppliers-list-response-sage-intacct.json": dm.Suppliers,
    "suppliers-push-request-sage-intacct.json": dm.Supplier,
    "taxRates-list-response-sage-intacct.json": dm.TaxRates,
    "trackingCategories-list-response-sage-intacct.json": dm.TrackingCategories,
    "webhook-dataType-write-successful.json": dm.WriteWebhookEvent,
    "webhook-dataType-write-unsuccessful.json": dm.WriteWebhookEvent,
    "webhook-read-completed.json": dm.ReadCompletedWebhookEvent,
}
# Company/Connection/Integration shapes belong to datamodel/platform.py (the gateway's).
NOT_OURS = {"connection-response.json"}


def _type_for(name: str) -> Any:
    return dm.PushOption if name.startswith("options-") else TYPES[name]


ALL_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("*.json") if p.name not in NOT_OURS)


def _round_trip(raw: bytes, tp: Any) -> list[str]:
    return json_diff(load(raw), load(encode_json(decode_json(raw, tp))))


def test_every_example_file_has_a_type() -> None:
    assert len(ALL_EXAMPLES) >= 40
    for name in ALL_EXAMPLES:
        assert _type_for(name) is not None, name
    assert set(TYPES) <= set(ALL_EXAMPLES)


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_example_round_trips(name: str) -> None:
    raw = (EXAMPLES / name).read_bytes()
    assert _round_trip(raw, _type_for(name)) == []


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_example_decodes_without_floats(name: str) -> None:
    decoded = decode_json((EXAMPLES / name).read_bytes(), _type_for(name))
    seen: list[Any] = []

    def walk(value: Any) -> None:
        seen.append(value)
        if isinstance(value, msgspec.Struct):
            for field in msgspec.structs.fields(value):
                walk(getattr(value, field.name))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(decoded)
    assert not [v for v in seen if isinstance(v, float)]


def test_explicit_null_survives_while_absent_stays_absent() -> None:
    raw = (EXAMPLES / "invoices-push-request-sage-intacct.json").read_bytes()
    invoice = decode_json(raw, dm.Invoice)
    assert invoice.sub_total is None  # "subTotal": null in the example
    assert invoice.currency_rate == Decimal(40)
    assert invoice.invoice_number == "IN9923"
    encoded = load(encode_json(invoice))
    assert encoded["subTotal"] is None
    assert "paidOnDate" in encoded and "id" not in encoded


def test_untyped_push_operation_keeps_data_exact() -> None:
    raw = (EXAMPLES / "directIncomes-push-response-sage-intacct.json").read_bytes()
    op = decode_json(raw, dm.PushOperation)
    assert isinstance(op.data, dict)
    assert op.data["lineItems"][0]["unitAmount"] == Decimal("9.99")
    assert isinstance(op.data["totalAmount"], Decimal)
    assert _round_trip(raw, dm.PushOperation) == []


# --- the round trip must be able to fail ------------------------------------------------------------


class LossyBillPayment(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=True):
    """A model that forgot ``note`` and ``paymentMethodRef`` and ignores unknown fields."""

    id: str | None = None
    date: str
    total_amount: Decimal | None = None


def test_round_trip_fails_when_the_model_drops_a_field() -> None:
    raw = (EXAMPLES / "billPayments-push-request-sage-intacct.json").read_bytes()
    diffs = _round_trip(raw, LossyBillPayment)
    assert any("paymentMethodRef: missing" in d for d in diffs), diffs


def test_round_trip_fails_when_a_value_changes() -> None:
    raw = (EXAMPLES / "bills-push-request-xero.json").read_bytes()
    bill = decode_json(raw, dm.Bill)
    assert isinstance(bill.line_items, list)
    altered = msgspec.structs.replace(bill, tax_amount=bill.tax_amount + Decimal("0.01"), note=dm.UNSET)
    diffs = json_diff(load(raw), load(encode_json(altered)))
    assert diffs == ["$.taxAmount: expected 1211.2, got 1211.21"]
    dropped = msgspec.structs.replace(bill, purchase_order_refs=dm.UNSET)
    assert json_diff(load(raw), load(encode_json(dropped))) == ["$.purchaseOrderRefs: missing (expected [])"]


def test_examples_directory_is_where_the_tests_say() -> None:
    assert Path(EXAMPLES).is_dir()
