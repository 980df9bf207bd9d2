"""Structural JSON comparison for round-trip tests.

``json_diff(expected, actual)`` lists every difference between two parsed JSON values, with its path:
a missing or extra key, a changed string, a list of another length, a type change. Numbers compare by
``Decimal`` value (``1`` equals ``1.0``, as both are the same JSON number to Codat), but a boolean never
equals a number (in Python ``True == 1``, which would hide a real change) and ``null`` never equals an
absent key. Parse both sides with ``load`` so no float rounding gets in the way.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def load(data: bytes | str) -> Any:
    """Parse JSON with every number as ``Decimal``."""
    return json.loads(data, parse_float=Decimal, parse_int=Decimal)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"not a JSON value: {value!r}")


def json_diff(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Every difference between ``expected`` and ``actual``; empty when they are the same JSON value."""
    kind = _kind(expected)
    if kind != _kind(actual):
        return [f"{path}: expected {kind} {expected!r}, got {_kind(actual)} {actual!r}"]
    if kind == "object":
        diffs: list[str] = []
        for key in expected.keys() - actual.keys():
            diffs.append(f"{path}.{key}: missing (expected {expected[key]!r})")
        for key in actual.keys() - expected.keys():
            diffs.append(f"{path}.{key}: unexpected (got {actual[key]!r})")
        for key in expected.keys() & actual.keys():
            diffs.extend(json_diff(expected[key], actual[key], f"{path}.{key}"))
        return sorted(diffs)
    if kind == "array":
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} items, got {len(actual)}"]
        out: list[str] = []
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            out.extend(json_diff(left, right, f"{path}[{index}]"))
        return out
    if kind == "number":
        if Decimal(expected) != Decimal(actual):
            return [f"{path}: expected {expected}, got {actual}"]
        return []
    if expected != actual:
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []
