"""Structural XML comparison for tests: order-sensitive, whitespace-insensitive.

Intacct's SDK tests compare documents this way: element names, attributes, child order and text must
match; indentation, the XML declaration's encoding and surrounding whitespace in text do not matter.
"""

from __future__ import annotations

from lxml import etree

from connectors.intacct.xml.parse import parse_xml

XmlLike = bytes | str | etree._Element


def _element(value: XmlLike) -> etree._Element:
    if isinstance(value, etree._Element):
        return value
    data = value.encode("utf-8") if isinstance(value, str) else value
    return parse_xml(data)


def _text(value: str | None) -> str:
    return (value or "").strip()


def _attrs(element: etree._Element) -> dict[str, str]:
    return {str(k): str(v) for k, v in element.attrib.items()}


def _path(element: etree._Element) -> str:
    parts: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        parent = node.getparent()
        tag = str(node.tag)
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            if len(same) > 1:
                tag = f"{tag}[{same.index(node) + 1}]"
        parts.append(tag)
        node = parent
    return "/" + "/".join(reversed(parts))


def xml_differences(expected: XmlLike, actual: XmlLike) -> list[str]:
    """Every structural difference, as readable lines (empty when the documents are equal)."""
    diffs: list[str] = []

    def compare(a: etree._Element, b: etree._Element) -> None:
        where = _path(b)
        if a.tag != b.tag:
            diffs.append(f"{where}: tag {a.tag!r} expected, got {b.tag!r}")
            return
        if _attrs(a) != _attrs(b):
            diffs.append(f"{where}: attributes {_attrs(a)} expected, got {_attrs(b)}")
        a_children = [c for c in a if isinstance(c.tag, str)]
        b_children = [c for c in b if isinstance(c.tag, str)]
        if not a_children and not b_children and _text(a.text) != _text(b.text):
            diffs.append(f"{where}: text {_text(a.text)!r} expected, got {_text(b.text)!r}")
        if [c.tag for c in a_children] != [c.tag for c in b_children]:
            diffs.append(
                f"{where}: children {[c.tag for c in a_children]} expected, got {[c.tag for c in b_children]}"
            )
            return
        for child_a, child_b in zip(a_children, b_children, strict=True):
            compare(child_a, child_b)

    compare(_element(expected), _element(actual))
    return diffs


def assert_xml_equal(expected: XmlLike, actual: XmlLike) -> None:
    """Fail with every difference listed when the two documents differ structurally."""
    diffs = xml_differences(expected, actual)
    if diffs:
        raise AssertionError("XML documents differ:\n  " + "\n  ".join(diffs))
