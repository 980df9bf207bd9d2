"""assert_xml_equal: structural, whitespace-insensitive, order-sensitive, with readable differences."""

from __future__ import annotations

import pytest
from lxml import etree

from connectors.testing.xml import assert_xml_equal, xml_differences


def test_whitespace_and_declaration_do_not_matter() -> None:
    pretty = b'<?xml version="1.0" encoding="iso-8859-1"?>\n<a x="1">\n  <b> text </b>\n  <c/>\n</a>'
    compact = '<a x="1"><b>text</b><c></c></a>'
    assert_xml_equal(pretty, compact)
    assert_xml_equal(etree.fromstring(compact), compact)


@pytest.mark.parametrize(
    ("actual", "fragment"),
    [
        ('<a x="1"><b>other</b><c/></a>', "/a/b: text"),
        ('<a x="2"><b>text</b><c/></a>', "/a: attributes"),
        ('<a x="1"><c/><b>text</b></a>', "children"),
        ('<z x="1"/>', "tag 'a' expected"),
        ('<a x="1"><b>text</b></a>', "children"),
    ],
)
def test_differences_are_reported(actual: str, fragment: str) -> None:
    expected = '<a x="1"><b>text</b><c/></a>'
    diffs = xml_differences(expected, actual)
    assert diffs and any(fragment in d for d in diffs)
    with pytest.raises(AssertionError):
        assert_xml_equal(expected, actual)


def test_repeated_siblings_are_located() -> None:
    diffs = xml_differences("<a><b>1</b><b>2</b></a>", "<a><b>1</b><b>3</b></a>")
    assert diffs == ["/a/b[2]: text '2' expected, got '3'"]
