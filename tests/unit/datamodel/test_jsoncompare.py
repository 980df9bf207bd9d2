"""The comparison helper must be able to fail, or the round-trip tests prove nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.unit.datamodel._jsoncompare import json_diff, load

BASE = '{"a": 1, "b": {"c": [1.50, "x", true, null]}, "d": null}'


def test_identical_values_have_no_difference() -> None:
    assert json_diff(load(BASE), load(BASE)) == []


def test_numbers_compare_by_value() -> None:
    assert json_diff(load('{"a": 1, "b": 0.10}'), load('{"a": 1.0, "b": 0.1}')) == []
    assert json_diff(load('{"a": 1e2}'), load('{"a": 100}')) == []


@pytest.mark.parametrize(
    ("changed", "fragment"),
    [
        ('{"b": {"c": [1.50, "x", true, null]}, "d": null}', "$.a: missing"),
        ('{"a": 1, "b": {"c": [1.50, "x", true, null]}, "d": null, "e": 0}', "$.e: unexpected"),
        ('{"a": 1, "b": {"c": [1.50, "x", true, null]}}', "$.d: missing"),
        ('{"a": 1, "b": {"c": [1.51, "x", true, null]}, "d": null}', "$.b.c[0]: expected 1.50, got 1.51"),
        ('{"a": 1, "b": {"c": [1.50, "y", true, null]}, "d": null}', "$.b.c[1]"),
        ('{"a": 1, "b": {"c": [1.50, "x", 1, null]}, "d": null}', "expected boolean"),
        ('{"a": true, "b": {"c": [1.50, "x", true, null]}, "d": null}', "expected number"),
        ('{"a": "1", "b": {"c": [1.50, "x", true, null]}, "d": null}', "expected number"),
        ('{"a": 1, "b": {"c": [1.50, "x", true]}, "d": null}', "expected 4 items, got 3"),
        ('{"a": 1, "b": {"c": [1.50, "x", true, 0]}, "d": null}', "expected null"),
        ('{"a": 1, "b": {"c": [1.50, "x", true, null]}, "d": []}', "$.d: expected null"),
    ],
)
def test_every_kind_of_change_is_reported(changed: str, fragment: str) -> None:
    diffs = json_diff(load(BASE), load(changed))
    assert diffs, "a changed document must not compare equal"
    assert any(fragment in d for d in diffs), diffs


def test_load_gives_decimals_only() -> None:
    value = load('{"x": 0.1, "y": 3}')
    assert value == {"x": Decimal("0.1"), "y": Decimal(3)}
    assert all(isinstance(v, Decimal) for v in value.values())
