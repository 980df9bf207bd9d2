"""Codat's scalar rules: the four date forms, currency codes, ids, and the helpers around them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import msgspec
import pytest

import datamodel as dm
from datamodel.codec import decode_json, encode_json

FORMS = [
    ("2021-11-15T06:00:00Z", datetime(2021, 11, 15, 6, 0, tzinfo=UTC)),
    ("2021-11-15T01:00:00", datetime(2021, 11, 15, 1, 0)),
    ("2021-11-15T01:00:00-05:00", datetime(2021, 11, 15, 1, 0, tzinfo=timezone(timedelta(hours=-5)))),
    ("2022-10-23", datetime(2022, 10, 23)),
    ("2023-03-31T14:24:46.2780738Z", datetime(2023, 3, 31, 14, 24, 46, 278073, tzinfo=UTC)),
    ("2023-03-09T02:21:26.726327+00:00", datetime(2023, 3, 9, 2, 21, 26, 726327, tzinfo=UTC)),
    ("0001-01-01T00:00:00", datetime(1, 1, 1)),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_parse_codat_datetime_accepts_codat_forms(text: str, expected: datetime) -> None:
    assert dm.parse_codat_datetime(text) == expected
    assert dm.is_codat_datetime(text)


@pytest.mark.parametrize(("text", "_"), FORMS)
def test_datetime_fields_keep_the_original_string(text: str, _: datetime) -> None:
    payment = decode_json(b'{"date": "%s"}' % text.encode(), dm.Payment)
    assert payment.date == text
    assert encode_json(payment) == b'{"date":"%s"}' % text.encode()


def test_local_times_can_be_placed_in_a_zone() -> None:
    london = timezone(timedelta(hours=1))
    assert dm.parse_codat_datetime("2021-11-15T01:00:00", default_tz=london).utcoffset() == timedelta(hours=1)
    assert dm.parse_codat_datetime("2021-11-15T01:00:00Z", default_tz=london).utcoffset() == timedelta(0)


JUNK = ["yesterday", "2021-13-01", "2021-02-30", "20211115", "2021-11-15 06:00:00", "2021-11-15T25:00:00",
        "2021-11-15T06:00:00+5", "", "2021-W46", "15/11/2021"]  # fmt: skip


@pytest.mark.parametrize("text", JUNK)
def test_junk_dates_are_refused(text: str) -> None:
    assert not dm.is_codat_datetime(text)
    with pytest.raises(ValueError):
        dm.parse_codat_datetime(text)
    with pytest.raises(msgspec.ValidationError, match=r"\$\.date|`date`"):
        decode_json(b'{"date": "%s"}' % text.encode(), dm.Payment)


def test_format_codat_datetime() -> None:
    assert dm.format_codat_datetime(date(2021, 9, 20)) == "2021-09-20T00:00:00"
    assert dm.format_codat_datetime(datetime(2021, 9, 20, 13, 50, 16)) == "2021-09-20T13:50:16"
    aware = datetime(2021, 11, 15, 1, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert dm.format_codat_datetime(aware) == "2021-11-15T06:00:00Z"
    assert (
        dm.format_codat_datetime(datetime(2021, 1, 1, 0, 0, 0, 5, tzinfo=UTC))
        == "2021-01-01T00:00:00.000005Z"
    )
    for text, _ in FORMS[:3]:
        assert dm.parse_codat_datetime(dm.format_codat_datetime(dm.parse_codat_datetime(text))) == (
            dm.parse_codat_datetime(text)
        )


@pytest.mark.parametrize("code", ["gbp", "GB", "GBPX", "£", ""])
def test_currency_codes_must_be_three_capitals(code: str) -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.currency"):
        decode_json(b'{"date": "2022-01-01", "currency": "%s"}' % code.encode(), dm.Payment)


def test_supplier_default_currency_may_be_emptied() -> None:
    supplier = decode_json(b'{"status": "Active", "defaultCurrency": ""}', dm.Supplier)
    assert supplier.default_currency == ""
    kept = decode_json(b'{"status": "Active", "defaultCurrency": null}', dm.Supplier)
    assert (
        kept.default_currency is None and encode_json(kept) == b'{"defaultCurrency":null,"status":"Active"}'
    )


def test_reference_ids_must_not_be_empty() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.supplierRef\.id"):
        decode_json(b'{"date": "2022-01-01", "supplierRef": {"id": ""}}', dm.BillPayment)


def test_present_folds_unset_into_none() -> None:
    assert dm.present(dm.UNSET) is None
    assert dm.present(None) is None
    assert dm.present("x") == "x"
