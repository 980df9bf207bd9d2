"""``CheckedModel``: the base of every unified-model Struct, adding the checks msgspec cannot express.

msgspec validates types, patterns and lengths while decoding, but two rules of Codat's wire need code:

* money must be finite. A ``Decimal`` field also accepts the JSON string ``"NaN"`` or ``"Infinity"``, and
  such a value would later encode as a bare ``NaN`` token, which is not JSON at all;
* a ``DateTime`` must name a real instant (the pattern lets ``2021-02-30`` through).

``__post_init__`` runs after decoding, after ``msgspec.convert`` and after direct construction, so a mapper
that builds a record with ``Decimal("NaN")`` fails at once instead of producing an unreadable response.
msgspec turns the ``ValueError`` into a ``ValidationError`` carrying the path of the offending object, and
the message names the field by its wire name, e.g. ``unitAmount must be a finite number, got 'NaN' - at
`$.lineItems[0]```. Which fields to check is worked out once per class and cached.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar

import msgspec

from datamodel._base import Model
from datamodel.types import DATETIME_META, parse_codat_datetime

_MONEY = "money"
_DATETIME = "datetime"


def _kinds(tp: Any) -> set[str]:
    """Which checks a field annotation calls for, looking through unions and ``Annotated``."""
    found: set[str] = set()
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *extras = typing.get_args(tp)
        if any(extra is DATETIME_META for extra in extras):
            found.add(_DATETIME)
        found |= _kinds(base)
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            found |= _kinds(arg)
    elif tp is Decimal:
        found.add(_MONEY)
    return found


@lru_cache(maxsize=8192)
def _datetime_problem(value: str) -> str | None:
    """Why ``value`` is not a real Codat date-time, or None. Cached: a pulled page of two thousand
    records repeats the same few dates, and parsing each again was a tenth of a pull's CPU."""
    try:
        parse_codat_datetime(value)
    except ValueError as exc:
        return str(exc)
    return None


class CheckedModel(Model, kw_only=True):
    """Strict camelCase Struct (see ``Model``) whose money is finite and whose dates are real dates."""

    _plans: ClassVar[dict[type, tuple[tuple[str, str, frozenset[str]], ...]]] = {}

    def __post_init__(self) -> None:
        cls = type(self)
        plan = CheckedModel._plans.get(cls)
        if plan is None:
            plan = tuple(
                (f.name, f.encode_name, frozenset(found))
                for f in msgspec.structs.fields(cls)
                if (found := _kinds(f.type))
            )
            CheckedModel._plans[cls] = plan
        for name, wire_name, kinds in plan:
            value = getattr(self, name)
            if isinstance(value, Decimal):
                if _MONEY in kinds and not value.is_finite():
                    raise ValueError(f"`{wire_name}` must be a finite number, got {str(value)!r}")
            elif isinstance(value, str) and _DATETIME in kinds:
                problem = _datetime_problem(value)
                if problem is not None:
                    raise ValueError(f"`{wire_name}` is not a valid date-time: {problem}")
