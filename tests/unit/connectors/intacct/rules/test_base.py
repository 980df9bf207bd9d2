"""Record walking shared by every rule table: ``values_at``, ``lines``, ``as_decimal``."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

import pytest

from connectors.intacct.rules._base import as_decimal, lines, values_at

RECORD = {
    "reference": "R1",
    "supplierRef": {"id": "V1"},
    "note": None,
    "lineItems": [
        {
            "accountRef": {"id": "6000"},
            "trackingCategoryRefs": [{"id": "DEPARTMENT-1"}, {"id": "LOCATION-2"}],
        },
        {"accountRef": None, "trackingCategoryRefs": []},
        "not a line",
        OrderedDict([("accountRef", OrderedDict([("id", "6100")]))]),
    ],
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("reference", [("reference", "R1")]),
        ("missing", [("missing", None)]),
        ("supplierRef.id", [("supplierRef.id", "V1")]),
        ("note.id", [("note.id", None)]),  # below an absent value: the path, with None
        ("reference.id", [("reference.id", None)]),  # below a scalar
        ("lineItems", [("lineItems", RECORD["lineItems"])]),  # a list at the leaf is the value
        (
            "lineItems.accountRef.id",
            [
                ("lineItems[0].accountRef.id", "6000"),
                ("lineItems[1].accountRef.id", None),
                ("lineItems[2].accountRef", None),
                ("lineItems[3].accountRef.id", "6100"),
            ],
        ),
        (
            "lineItems.trackingCategoryRefs.id",
            [
                ("lineItems[0].trackingCategoryRefs[0].id", "DEPARTMENT-1"),
                ("lineItems[0].trackingCategoryRefs[1].id", "LOCATION-2"),
                ("lineItems[2].trackingCategoryRefs", None),  # an empty list of line 1 gives nothing
                ("lineItems[3].trackingCategoryRefs.id", None),
            ],
        ),
    ],
)
def test_values_at_every_concrete_path_in_order(path: str, expected: list[tuple[str, object]]) -> None:
    assert list(values_at(RECORD, path)) == expected


def test_lines_keeps_mappings_only() -> None:
    assert lines(RECORD) == [RECORD["lineItems"][0], RECORD["lineItems"][1], RECORD["lineItems"][3]]
    assert lines({"lineItems": None}) == [] and lines({"lineItems": {"a": 1}}) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.50"), Decimal("1.50")),
        (Decimal("-0"), Decimal("-0")),
        (3, Decimal(3)),
        (0.1, Decimal("0.1")),
        ("2.5", Decimal("2.5")),
        ("junk", None),
        (None, None),
        (True, None),
    ],
)
def test_as_decimal(value: object, expected: Decimal | None) -> None:
    found = as_decimal(value)
    assert found == expected and str(found) == str(expected)
