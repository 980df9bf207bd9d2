"""Typing of unquoted query values and the one ISO 8601 grammar shared by Python and SQL.

Codat's query values are unquoted (``currency=GBP``, ``dueDate>2021-01-28``, ``totalAmount>100``), so a
value's type is decided by how it looks: ``null``, ``true``/``false``, a decimal number, an ISO date or
datetime, and otherwise text. Dates come in every form Codat emits — bare dates, UTC ``Z``, offsets and
zone-less local times — and are normalised to an aware UTC instant. A zone-less value is read as UTC:
the store has no business time zone, and reading stored values and query values the same way is what
keeps comparisons consistent.

``DATETIME_PATTERN`` is written once here and used by the SQL function ``records_timestamptz`` in
migration ``0002_records.sql`` (a test checks the two copies agree), so a stored string and a query
value that look alike always normalise to the same instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

# Groups: year, month, day, hour, minute, second, fraction (with dot), zone (Z or +hh[:mm]).
# Hours stop at 23, seconds at 59 and offsets at 15:59, so that every match is also valid input
# for PostgreSQL; day-of-month validity is checked separately (here by datetime, in SQL by make_date).
DATETIME_PATTERN = (
    r"^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"(?:[T ]([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(\.[0-9]{1,9})?)?"
    r"(Z|[+-](?:0[0-9]|1[0-5])(?::?[0-5][0-9])?)?)?$"
)
_DATETIME = re.compile(DATETIME_PATTERN)
# Anything that starts like a date is meant as one: a malformed date is an error, not a string.
_LOOKS_LIKE_DATE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[T ])")
# Plain decimal numbers only (no NaN/Infinity, exponent capped so PostgreSQL's numeric cannot overflow).
NUMBER_PATTERN = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$"
_NUMBER = re.compile(NUMBER_PATTERN)


class ValueKind(StrEnum):
    """What a query value is compared as."""

    NULL = "null"
    BOOLEAN = "boolean"
    NUMBER = "number"
    DATE = "date"
    STRING = "string"


@dataclass(frozen=True, slots=True)
class Value:
    """A typed query value; ``text`` is always the value as written (used for text comparisons)."""

    kind: ValueKind
    text: str
    number: Decimal | None = None
    instant: datetime | None = None
    boolean: bool | None = None


class InvalidDate(ValueError):
    """A value shaped like an ISO date that is not a real date (``2021-02-30``, ``2021-13-01``)."""


def parse_datetime(text: str) -> datetime | None:
    """The UTC instant of an ISO 8601 date/datetime in any of Codat's forms, or None if not one.

    Raises ``InvalidDate`` when ``text`` matches the grammar but names no real date (Feb 30, year 0).
    Fractions beyond microseconds are rounded, as PostgreSQL does.
    """
    match = _DATETIME.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micros = 0
    if fraction:
        micros = int((Decimal(fraction) * 1_000_000).to_integral_value(ROUND_HALF_EVEN))
    try:
        naive = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        aware = naive.replace(tzinfo=_zone(zone)) + timedelta(microseconds=micros)
        return aware.astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # Feb 30, year 0, or beyond year 9999 once in UTC
        raise InvalidDate(str(exc)) from exc


def _zone(zone: str | None) -> timezone:
    if zone is None or zone == "Z":
        return UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def looks_like_date(text: str) -> bool:
    """True when ``text`` starts like ``YYYY-M-D``: the writer meant a date, valid or not."""
    return _LOOKS_LIKE_DATE.match(text) is not None


def classify(text: str) -> Value:
    """Type an unquoted value: null, boolean, number, date, else string.

    Raises ``InvalidDate`` for date-shaped values that are not dates, so ``dueDate>2021-02-30`` is
    reported instead of silently matching nothing.
    """
    lowered = text.lower()
    if lowered == "null":
        return Value(ValueKind.NULL, text)
    if lowered in ("true", "false"):
        return Value(ValueKind.BOOLEAN, text, boolean=lowered == "true")
    if _NUMBER.fullmatch(text):
        return Value(ValueKind.NUMBER, text, number=Decimal(text))
    if looks_like_date(text):
        instant = parse_datetime(text)
        if instant is None:
            raise InvalidDate(f"{text!r} is not an ISO 8601 date or datetime")
        return Value(ValueKind.DATE, text, instant=instant)
    return Value(ValueKind.STRING, text)


def text_value(text: str) -> Value:
    """A value that is text whatever it looks like (quoted values, the operand of ``~``)."""
    return Value(ValueKind.STRING, text)
