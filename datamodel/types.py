"""Scalar types of the unified model, as ``Annotated`` aliases that msgspec validates while decoding.

Why aliases instead of bare ``str``/``Decimal``: the constraint travels with the type, so every field that
holds a currency code rejects ``"gbp"`` with a path-naming error, and the OpenAPI schema gets the pattern.

* ``Money`` — amounts, rates and percentages. Always ``Decimal``: a JSON number such as ``0.1`` decodes to
  ``Decimal("0.1")`` exactly (msgspec reads the number's text, never a float), and the codec encodes it back
  as a JSON number, as Codat does. Non-finite values are refused by the model base (``_checked.py``)
  because ``NaN`` has no JSON spelling.
* ``DateTime`` — Codat's date-time *string*. Codat sends four forms (UTC ``Z``, unqualified local time, an
  offset, a bare date); the original text is kept so a record round-trips byte for byte, and
  ``parse_codat_datetime`` turns it into a ``datetime`` when a caller needs to compute with it.
* ``present`` collapses ``UNSET`` (field absent) to ``None`` for code that does not care about the difference
  between "absent" and "explicitly null".
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Annotated, Final, TypeVar

from msgspec import UNSET, Meta, UnsetType

__all__ = [
    "UNSET",
    "CurrencyCode",
    "CurrencyCodeOrEmpty",
    "DateTime",
    "Id",
    "Money",
    "NonEmptyStr",
    "UnsetType",
    "format_codat_datetime",
    "is_codat_datetime",
    "parse_codat_datetime",
    "present",
]

T = TypeVar("T")

DATETIME_PATTERN: Final = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?)?$"
)
_DATETIME_RE: Final = re.compile(DATETIME_PATTERN)

#: The ``Meta`` object of ``DateTime``; ``_checked`` recognises DateTime fields by its identity.
DATETIME_META: Final = Meta(
    pattern=DATETIME_PATTERN,
    description="ISO 8601 date or date-time: UTC (…Z), local (no zone), with an offset, or a bare date",
    examples=["2021-11-15T06:00:00Z", "2021-11-15T01:00:00", "2021-11-15T01:00:00-05:00", "2022-10-23"],
)

Money = Annotated[
    Decimal,
    Meta(
        description="Decimal amount, sent as a JSON number",
        extra_json_schema={"type": "number", "format": "decimal"},
    ),
]
CurrencyCode = Annotated[str, Meta(pattern="^[A-Z]{3}$", description="ISO 4217 currency code")]
#: Supplier/customer ``defaultCurrency`` on update: ``""`` means "clear it" (codat.md §7.1).
CurrencyCodeOrEmpty = Annotated[
    str, Meta(pattern="^(?:[A-Z]{3})?$", description="ISO 4217 currency code, or empty to clear")
]
DateTime = Annotated[str, DATETIME_META]
Id = Annotated[str, Meta(min_length=1, description="Identifier of a record in the source platform")]
NonEmptyStr = Annotated[str, Meta(min_length=1)]


def is_codat_datetime(value: str) -> bool:
    """True when ``value`` is one of Codat's date forms *and* names a real calendar instant."""
    try:
        parse_codat_datetime(value)
    except ValueError:
        return False
    return True


def parse_codat_datetime(value: str, *, default_tz: tzinfo | None = None) -> datetime:
    """Parse a Codat ``DateTime`` string.

    ``Z`` and offsets give an aware ``datetime``; unqualified times and bare dates are local to the business
    (codat.md §1.1), so they come back naive unless ``default_tz`` says which zone that local time is in.
    Raises ``ValueError`` for anything else (``"yesterday"``, ``"2021-02-30"``, ``"20211115"``).
    """
    if not _DATETIME_RE.match(value):
        raise ValueError(f"{value!r} is not an ISO 8601 date or date-time")
    text = value
    if "." in text:
        # Codat (.NET) sends up to 7 fractional digits; datetime keeps microseconds, so drop the rest.
        head, _, tail = text.partition(".")
        digits = len(tail) - len(tail.lstrip("0123456789"))
        text = head + "." + tail[: min(digits, 6)] + tail[digits:]
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None and default_tz is not None:
        parsed = parsed.replace(tzinfo=default_tz)
    return parsed


def format_codat_datetime(value: datetime | date) -> str:
    """Render a ``date``/``datetime`` the way Codat writes it.

    A ``date`` becomes local midnight (``2021-09-20T00:00:00``, as in the Intacct examples); a naive
    ``datetime`` stays unqualified; an aware one is written in UTC with ``Z``.
    """
    if not isinstance(value, datetime):
        return f"{value.isoformat()}T00:00:00"
    if value.tzinfo is None or value.utcoffset() is None:
        return value.isoformat(timespec="seconds" if not value.microsecond else "microseconds")
    utc = value.astimezone(UTC).replace(tzinfo=None)
    spec = "seconds" if not utc.microsecond else "microseconds"
    return utc.isoformat(timespec=spec) + "Z"


def present(value: T | UnsetType | None) -> T | None:
    """``value`` with ``UNSET`` (absent on the wire) folded into ``None``."""
    return None if isinstance(value, UnsetType) else value
