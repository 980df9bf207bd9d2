"""Printing records the way each read function does, plus the read-side error texts.

* ``query``       upper-case record element, selected fields flat (dotted names stay dotted).
* ``readByQuery`` lower-case record element, fields flat.
* ``read``        upper-case record element, dotted owned fields nested (``<DISPLAYCONTACT><EMAIL1>``),
                  owned lines nested under an upper-case plural wrapper of lower-case items.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from lxml import etree

from connectors.intacct.sandbox.registry import FunctionFailed, IntacctError
from connectors.intacct.sandbox.schema import spec_for


def flat_record(tag: str, pairs: Sequence[tuple[str, str]]) -> etree._Element:
    element = etree.Element(tag)
    for name, value in pairs:
        etree.SubElement(element, name.upper()).text = value
    return element


def flat_records(tag: str, names: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[etree._Element]:
    """``flat_record`` for many rows of the same fields: each row is a copy of one empty record (one C
    call) with its non-empty values filled in — the same bytes, several times faster on 2,000-row pages."""
    template = flat_record(tag, [(name, "") for name in names])
    for values in rows:
        element = copy.copy(template)  # lxml copies the whole subtree
        for index, value in enumerate(values):
            if value:
                element[index].text = value
        yield element


def nested_record(tag: str, pairs: Sequence[tuple[str, str]]) -> etree._Element:
    element = etree.Element(tag)
    groups: dict[str, etree._Element] = {}
    for name, value in pairs:
        parts = name.upper().split(".")
        parent = element
        for depth, part in enumerate(parts[:-1]):
            path = ".".join(parts[: depth + 1])
            group = groups.get(path)
            if group is None:
                group = groups[path] = etree.SubElement(parent, part)
            parent = group
        etree.SubElement(parent, parts[-1]).text = value
    return element


def plain_decimal(value: Decimal) -> str:
    """Intacct prints amounts without padding or exponent: ``4598.4``, ``205375``, ``-27.47``."""
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")


def split_list(text: str | None) -> list[str]:
    """``fields``/``keys`` values: comma separated, blanks dropped."""
    if not text:
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


def int_option(element: etree._Element, tag: str, default: int, low: int, high: int) -> int:
    text = (element.findtext(tag) or "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise FunctionFailed(request_error(f"{tag} must be a whole number, not {text!r}.")) from None
    if not low <= value <= high:
        raise FunctionFailed(
            IntacctError("XL03000003", "", f"{tag} must be between {low} and {high}; {value} was sent.", "")
        )
    return value


def object_of(element: etree._Element) -> str:
    obj = (element.findtext("object") or "").strip()
    if not obj:
        raise FunctionFailed(IntacctError("XL03000003", "", "The <object> element is required.", ""))
    return obj


# -- errors ---------------------------------------------------------------------------------------
def request_error(detail: str = "") -> IntacctError:
    """DL02000001: what Intacct answers for unknown fields, bad query text, bad date formats."""
    return IntacctError("DL02000001", "Error", "There was an error processing the request.", detail)


def object_not_found(obj: str) -> IntacctError:
    return IntacctError("Query Failed", "", f"Object definition {obj} not found", "")


def cannot_query(obj: str, fields: Sequence[str]) -> IntacctError:
    listed = ", ".join(f.upper() for f in fields)
    return IntacctError(
        "XL03000006", "", f"The following fields cannot be queried: [ {obj.lower()}: [{listed}] ]", ""
    )


def check_object(known: bool, obj: str) -> None:
    if not known:
        raise FunctionFailed(object_not_found(obj))


def canonical(obj: str) -> str:
    spec = spec_for(obj)
    return spec.name if spec is not None else obj.upper()
