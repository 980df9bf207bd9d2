"""Plain-Python trees <-> lxml elements, the only bridge between mapping code and XML.

Mapping code (pure, no lxml) describes an Intacct function body as nested Python values; this module
turns that into elements in exactly the given order, and turns parsed elements back into dicts.

Tree rules (``to_element``):

* ``dict``      -> child elements in insertion order (Intacct's XSD is order-sensitive);
                   keys starting with ``@`` become attributes of the element itself.
* ``list``      -> the element repeated once per item (``{"lineitem": [a, b]}`` -> two ``<lineitem>``).
* ``None``      -> the element is omitted.
* ``EMPTY``     -> an empty element is written (``<glaccountno/>``) where Intacct wants one.
* ``bool``      -> ``true`` / ``false``.
* ``Decimal``/``int``/``str`` -> text (Decimals are written in plain notation, never exponent).
* ``date``      -> ``MM/DD/YYYY`` (generic object functions); use ``split_date`` for legacy
                   ``<year>/<month>/<day>`` blocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from lxml import etree

from connectors.errors import ConnectorRejectedError, FieldIssue


class _Empty:
    __slots__ = ()

    def __repr__(self) -> str:
        return "EMPTY"


EMPTY: Final = _Empty()


def format_decimal(value: Decimal) -> str:
    """Plain notation (``1E+2`` -> ``100``) without changing the value's precision."""
    text = format(value, "f")
    return text


def format_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%m/%d/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%m/%d/%Y")
    return str(value)


def split_date(value: dt.date) -> dict[str, str]:
    """Legacy functions (``create_bill`` ...) take dates as ``<year>``, ``<month>``, ``<day>``."""
    return {"year": f"{value.year:04d}", "month": f"{value.month:02d}", "day": f"{value.day:02d}"}


def _unsendable(name: str) -> ConnectorRejectedError:
    """Control characters (other than tab and newlines) and unpaired surrogates have no place in XML."""
    message = (
        f"The value for {name} contains a character that Intacct's XML cannot carry "
        "(a control character or an unpaired surrogate); remove it and send again"
    )
    return ConnectorRejectedError(message, issues=[FieldIssue(field=name, message=message)])


_SubElement: Final = etree.SubElement


def _set_text(element: etree._Element, text: str) -> None:
    try:
        element.text = text
    except (ValueError, UnicodeEncodeError):
        raise _unsendable(str(element.tag)) from None


def _fill_mapping(element: etree._Element, value: Mapping[str, Any]) -> None:
    """Children (and ``@`` attributes) of ``element``: the hot loop of every request body.

    Plain ``str``, ``Decimal`` and ``dict`` children (nearly all of a mapping's tree) are built here
    directly; anything else goes through ``append``, which handles every value the tree rules allow.
    """
    for key, child in value.items():
        if child is None:
            continue
        if key.startswith("@"):
            try:
                element.set(key[1:], format_scalar(child))
            except (ValueError, UnicodeEncodeError):
                raise _unsendable(key[1:]) from None
            continue
        kind = type(child)
        if kind is str:
            _set_text(_SubElement(element, key), child)
        elif kind is Decimal:
            _SubElement(element, key).text = format_decimal(child)
        elif kind is dict:
            _fill_mapping(_SubElement(element, key), child)
        else:
            append(element, key, child)


def _fill(element: etree._Element, value: Any) -> None:
    if value is EMPTY or value is None:
        return
    if type(value) is dict or isinstance(value, Mapping):
        _fill_mapping(element, value)
        return
    _set_text(element, format_scalar(value))


def append(parent: etree._Element, tag: str, value: Any) -> None:
    """Append ``tag`` built from ``value`` to ``parent`` (lists repeat the tag, ``None`` omits it)."""
    if value is None:
        return
    if isinstance(value, list | tuple):
        for item in value:
            append(parent, tag, item)
        return
    child = _SubElement(parent, tag)
    _fill(child, value)


def to_element(tag: str, value: Any) -> etree._Element:
    """Build one element named ``tag`` from a tree value."""
    element = etree.Element(tag)
    _fill(element, value)
    return element


def _name(key: str | bytes) -> str:
    """Attribute names as ``str`` (lxml's stubs allow bytes)."""
    return key.decode("utf-8") if isinstance(key, bytes) else key


def from_element(element: etree._Element) -> Any:
    """Element -> ``str`` for a leaf, ``dict`` otherwise; repeated child tags become lists.

    Attributes are kept under ``@name`` keys. An empty leaf becomes ``""``.
    """
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        if element.attrib:
            out: dict[str, Any] = {f"@{_name(k)}": v for k, v in element.attrib.items()}
            if element.text and element.text.strip():
                out["#text"] = element.text
            return out
        return element.text or ""
    result: dict[str, Any] = {f"@{_name(k)}": v for k, v in element.attrib.items()}
    for child in children:
        tag = str(child.tag)
        value = from_element(child)
        if tag in result:
            existing = result[tag]
            if isinstance(existing, list) and getattr(existing, "_repeated", False):
                existing.append(value)
            else:
                repeated = _Repeated([existing, value])
                result[tag] = repeated
        else:
            result[tag] = value
    return result


class _Repeated(list[Any]):
    """A list built from repeated tags (distinguishes it from a value that is itself a list)."""

    _repeated = True


def as_list(value: Any) -> list[Any]:
    """A child that may appear once or many times, always as a list (absent -> ``[]``)."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return list(value)
    return [value]
