"""Value typing and the ISO 8601 grammar shared with the SQL function records_timestamptz."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.records.values import DATETIME_PATTERN, InvalidDate, ValueKind, classify, parse_datetime

MIGRATION = Path(__file__).resolve().parents[4] / "gateway" / "store" / "migrations" / "0002_records.sql"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-10-23", datetime(2022, 10, 23, tzinfo=UTC)),
        ("2021-11-15T06:00:00Z", datetime(2021, 11, 15, 6, tzinfo=UTC)),
        ("2021-11-15T01:00:00", datetime(2021, 11, 15, 1, tzinfo=UTC)),
        ("2021-11-15T01:00:00-05:00", datetime(2021, 11, 15, 6, tzinfo=UTC)),
        ("2021-11-15T07:30:00+0530", datetime(2021, 11, 15, 2, tzinfo=UTC)),
        ("2021-11-15T07:00+05", datetime(2021, 11, 15, 2, tzinfo=UTC)),
        ("2021-11-15 01:02", datetime(2021, 11, 15, 1, 2, tzinfo=UTC)),
        ("2021-09-17T23:59:59.999", datetime(2021, 9, 17, 23, 59, 59, 999000, tzinfo=UTC)),
        ("2022-11-14T11:18:37.2798351Z", datetime(2022, 11, 14, 11, 18, 37, 279835, tzinfo=UTC)),
        ("2021-12-31T23:59:59.9999996Z", datetime(2022, 1, 1, tzinfo=UTC)),
        ("2020-02-29", datetime(2020, 2, 29, tzinfo=UTC)),
        ("not a date", None),
        ("2021-1-5", None),
        ("20211105", None),
        ("2021-11-15T01:00:00 ", None),
        ("2021-11-15\n", None),
    ],
)
def test_parse_datetime_accepts_every_codat_form(text: str, expected: datetime | None) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2021-02-29", "2021-04-31", "0000-01-01", "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"],
)
def test_impossible_dates_raise(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_datetime(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("null", ValueKind.NULL),
        ("Null", ValueKind.NULL),
        ("true", ValueKind.BOOLEAN),
        ("FALSE", ValueKind.BOOLEAN),
        ("12", ValueKind.NUMBER),
        ("-0.5", ValueKind.NUMBER),
        (".5", ValueKind.NUMBER),
        ("1e3", ValueKind.NUMBER),
        ("1e9999", ValueKind.STRING),  # exponent too large for PostgreSQL numeric: text
        ("NaN", ValueKind.STRING),
        ("Infinity", ValueKind.STRING),
        ("2021", ValueKind.NUMBER),
        ("2021-01-28", ValueKind.DATE),
        ("GBP", ValueKind.STRING),
        ("12 apples", ValueKind.STRING),
        ("١٢", ValueKind.STRING),  # non-ASCII digits are not numbers
    ],
)
def test_classify(text: str, kind: ValueKind) -> None:
    assert classify(text).kind is kind


def test_number_keeps_exact_digits() -> None:
    assert classify("0.10").number == Decimal("0.10")


def test_date_shaped_junk_is_an_error_not_a_string() -> None:
    with pytest.raises(InvalidDate):
        classify("2021-02-30")


def test_sql_function_uses_the_same_pattern() -> None:
    sql = MIGRATION.read_text(encoding="utf-8")
    assert f"regexp_match(value, '{DATETIME_PATTERN}')" in sql
