"""``to_element``: the tree rules (order, lists, ``None``, ``EMPTY``, attributes, scalars) and the refusal
of text that Intacct's XML cannot carry, on every path the builder takes (plain strings, other scalars,
attributes, nested dicts and lists)."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from decimal import Decimal
from enum import StrEnum

import pytest
from lxml import etree

from connectors.errors import ConnectorRejectedError
from connectors.intacct.xml.tree import EMPTY, append, to_element


class _Kind(StrEnum):
    BILL = "bill"


def _xml(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode")


def test_children_in_order_with_lists_none_empty_and_attributes() -> None:
    tree = {
        "@key": "K1",
        "@skipped": None,
        "b": "2",
        "a": {"y": "1", "x": None},
        "none": None,
        "empty": EMPTY,
        "line": [{"n": "1"}, {"n": "2"}],
        "pair": ("p", "q"),
    }
    assert _xml(to_element("create", tree)) == (
        '<create key="K1"><b>2</b><a><y>1</y></a><empty/><line><n>1</n></line><line><n>2</n></line>'
        "<pair>p</pair><pair>q</pair></create>"
    )


def test_scalars_are_written_as_intacct_reads_them() -> None:
    tree = OrderedDict(  # any Mapping, not only dict
        [
            ("amount", Decimal("1E+2")),
            ("cents", Decimal("-0.50")),
            ("count", 3),
            ("flag", True),
            ("off", False),
            ("day", dt.date(2024, 6, 30)),
            ("at", dt.datetime(2024, 6, 30, 13, 5, 9)),
            ("kind", _Kind.BILL),
        ]
    )
    assert _xml(to_element("v", tree)) == (
        "<v><amount>100</amount><cents>-0.50</cents><count>3</count><flag>true</flag><off>false</off>"
        "<day>06/30/2024</day><at>06/30/2024 13:05:09</at><kind>bill</kind></v>"
    )
    assert _xml(to_element("v", "text")) == "<v>text</v>"
    assert _xml(to_element("v", None)) == "<v/>"


def test_text_is_escaped_and_non_ascii_kept() -> None:
    element = to_element("v", {"memo": "a < b & c > d é 😀", "@note": 'say "hi"'})
    assert element.findtext("memo") == "a < b & c > d é 😀"
    assert element.get("note") == 'say "hi"'


@pytest.mark.parametrize(
    ("tree", "field"),
    [
        ({"memo": "bad\x01text"}, "memo"),  # a plain str child
        ({"line": {"memo": "bad\x0btext"}}, "memo"),  # nested dict
        ({"line": [{"memo": "ok"}, {"memo": "bad\x00"}]}, "memo"),  # list of dicts
        ({"memo": ["ok", "bad\x1f"]}, "memo"),  # repeated leaf
        ({"@note": "bad\x02"}, "note"),  # attribute
        ({"memo": "half \ud800 surrogate"}, "memo"),
        ({"kind": _Kind.BILL, "memo": "bad\x07"}, "memo"),
    ],
)
def test_text_xml_cannot_carry_is_refused_naming_the_field(tree: dict[str, object], field: str) -> None:
    with pytest.raises(ConnectorRejectedError) as raised:
        to_element("create", tree)
    assert raised.value.issues[0].field == field
    assert "cannot carry" in raised.value.message


def test_root_text_and_append_refuse_it_too() -> None:
    with pytest.raises(ConnectorRejectedError):
        to_element("memo", "bad\x01")
    parent = etree.Element("p")
    with pytest.raises(ConnectorRejectedError):
        append(parent, "memo", "bad\x01")


def test_an_invalid_tag_is_a_programming_error_not_a_rejection() -> None:
    with pytest.raises(ValueError) as raised:
        to_element("create", {"not a tag": "x"})
    assert not isinstance(raised.value, ConnectorRejectedError)
