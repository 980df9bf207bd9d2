"""Money survives the wire exactly: JSON numbers in, ``Decimal`` in memory, JSON numbers out."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

import datamodel as dm
from datamodel.codec import convert, decode_json, decode_json_untyped, encode_json, to_builtins


def _line(**amounts: str) -> bytes:
    body = ", ".join(f'"{k}": {v}' for k, v in amounts.items())
    return ("{" + body + "}").encode()


def test_json_numbers_decode_to_exact_decimals() -> None:
    line = decode_json(_line(quantity="0.1", unitAmount="0.2", subTotal="0.30"), dm.BillLineItem)
    assert line.quantity == Decimal("0.1") and line.unit_amount == Decimal("0.2")
    assert line.quantity + line.unit_amount == Decimal("0.3")  # 0.1 + 0.2 != 0.3 in floats
    assert line.sub_total == Decimal("0.30") and str(line.sub_total) == "0.30"


def test_decimals_encode_as_json_numbers_with_their_digits() -> None:
    line = dm.BillLineItem(quantity=Decimal("0.1") + Decimal("0.2"), unit_amount=Decimal("1.10"))
    assert encode_json(line) == b'{"quantity":0.3,"unitAmount":1.10}'


@pytest.mark.parametrize(
    "text", ["12345678901234567890.123456789012345678901", "1E-30", "-0.000001", "7267.2", "100"]
)
def test_large_and_small_numbers_are_exact(text: str) -> None:
    line = decode_json(_line(quantity=text, unitAmount="1"), dm.BillLineItem)
    assert line.quantity == Decimal(text)
    assert Decimal(decode_json_untyped(encode_json(line))["quantity"]) == Decimal(text)


def test_amount_sent_as_string_is_accepted_as_decimal() -> None:
    assert decode_json(_line(quantity='"2.50"', unitAmount="1"), dm.BillLineItem).quantity == Decimal("2.50")


@pytest.mark.parametrize("bad", ['"NaN"', '"Infinity"', '"-Infinity"', '"sNaN"'])
def test_non_finite_money_is_refused_with_its_name_and_path(bad: str) -> None:
    body = b'{"issueDate": "2023-01-01", "status": "Open", "subTotal": 1, "taxAmount": 0, "totalAmount": 1,'
    body += b' "lineItems": [' + _line(quantity="1", unitAmount=bad) + b"]}"
    with pytest.raises(msgspec.ValidationError) as info:
        decode_json(body, dm.Bill)
    assert "`unitAmount` must be a finite number" in str(info.value)
    assert "$.lineItems[0]" in str(info.value)


def test_non_finite_money_cannot_be_constructed_either() -> None:
    with pytest.raises(ValueError, match="netAmount"):
        dm.JournalLine(net_amount=Decimal("NaN"))


def test_untyped_values_decode_numbers_as_decimal() -> None:
    value = decode_json_untyped(b'{"a": 0.1, "b": [1, 2.5e3], "c": {"d": 1.10}}')
    assert value == {"a": Decimal("0.1"), "b": [1, Decimal("2.5E+3")], "c": {"d": Decimal("1.10")}}
    assert isinstance(value["b"][0], int)


def test_supplemental_data_content_keeps_decimals() -> None:
    data = decode_json(b'{"content": {"custom": {"rate": 0.07, "tags": ["x"]}}}', dm.SupplementalData)
    assert isinstance(data.content, dict)
    assert data.content["custom"]["rate"] == Decimal("0.07")
    assert encode_json(data) == b'{"content":{"custom":{"rate":0.07,"tags":["x"]}}}'


def test_to_builtins_and_convert_round_trip_with_decimals() -> None:
    payment = dm.Payment(date="2022-03-12T00:00:00", total_amount=Decimal("0.30"), note=None)
    tree = to_builtins(payment)
    assert tree == {"date": "2022-03-12T00:00:00", "totalAmount": Decimal("0.30"), "note": None}
    assert convert(tree, dm.Payment) == payment
    assert convert({"date": "2022-03-12", "totalAmount": 0.1}, dm.Payment).total_amount == Decimal("0.1")


def test_decoding_a_generic_alias_works() -> None:
    lines = decode_json(b'[{"amount": 1.5}]', list[dm.PaymentLine])
    assert lines == [dm.PaymentLine(amount=Decimal("1.5"))]
