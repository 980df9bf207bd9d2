"""A bad push body is refused with a message that names the field and where it is."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

import datamodel as dm
from datamodel.codec import decode_json
from tests.unit.datamodel._reference import EXAMPLES


def _invoice() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "invoices-push-request-sage-intacct.json").read_bytes())
    return data


def _decode(body: dict[str, Any], tp: Any = dm.Invoice) -> Any:
    return decode_json(json.dumps(body).encode(), tp)


def _error(body: dict[str, Any], tp: Any = dm.Invoice) -> str:
    with pytest.raises(msgspec.ValidationError) as info:
        _decode(body, tp)
    return str(info.value)


def test_the_unmodified_example_is_valid() -> None:
    assert _decode(_invoice()).customer_ref == dm.CustomerRef(id="1291", company_name="Stanley Test")


def test_unknown_top_level_field_is_named() -> None:
    body = _invoice() | {"invoiceNo": "X1"}
    assert _error(body) == "Object contains unknown field `invoiceNo`"


def test_unknown_nested_field_is_named_with_its_path() -> None:
    body = _invoice()
    body["lineItems"][0]["accountRef"]["code"] = "4000"
    assert _error(body) == "Object contains unknown field `code` - at `$.lineItems[0].accountRef`"


def test_snake_case_is_not_the_wire_name() -> None:
    body = _invoice()
    body["total_amount"] = body.pop("totalAmount")
    assert "unknown field `total_amount`" in _error(body)


def test_wrong_type_names_the_path() -> None:
    body = _invoice()
    body["lineItems"][0]["description"] = 5
    assert _error(body) == "Expected `str | null`, got `int` - at `$.lineItems[0].description`"


def test_money_must_be_a_number_not_a_boolean() -> None:
    body = _invoice()
    body["lineItems"][0]["unitAmount"] = True
    assert "at `$.lineItems[0].unitAmount`" in _error(body)


@pytest.mark.parametrize("field", ["issueDate", "status", "totalAmount", "totalTaxAmount", "amountDue"])
def test_codat_required_field_is_required(field: str) -> None:
    body = _invoice()
    del body[field]
    assert _error(body) == f"Object missing required field `{field}`"


def test_required_line_field_is_named_with_its_path() -> None:
    body = _invoice()
    del body["lineItems"][0]["quantity"]
    assert _error(body) == "Object missing required field `quantity` - at `$.lineItems[0]`"


def test_unknown_enum_value_is_refused() -> None:
    body = _invoice() | {"status": "Open"}  # a bill status, not an invoice status
    assert "at `$.status`" in _error(body)


def test_tracking_enums_differ_between_bill_and_invoice_lines() -> None:
    tracking = {"categoryRefs": [{"id": "DEPARTMENT-1"}], "isBilledTo": "Customer", "isRebilledTo": "Unknown"}
    bill_line = {"quantity": 1, "unitAmount": 1, "tracking": tracking}
    assert _decode(bill_line, dm.BillLineItem).tracking.is_billed_to is dm.BilledToType.CUSTOMER
    assert "at `$.tracking.isBilledTo`" in _error(bill_line, dm.InvoiceLineItem)


def test_withholding_tax_name_must_not_be_empty() -> None:
    body = _invoice()
    body["withholdingTax"] = [{"name": "", "amount": 1}]
    assert "at `$.withholdingTax[0].name`" in _error(body)


def test_minimal_bodies_decode() -> None:
    assert _decode({"date": "2022-01-01"}, dm.BillPayment).lines is dm.UNSET
    assert _decode({"status": "Active"}, dm.Supplier).supplier_name is dm.UNSET
    assert _decode({}, dm.JournalEntry).journal_lines is dm.UNSET
