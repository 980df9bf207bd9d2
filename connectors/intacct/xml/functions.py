"""Builders for the function elements the client sends: sessions, reads, queries, generic writes.

Each builder returns the element that goes inside ``<function controlid="…">`` (see
``envelope.function_element``), with children in the order Intacct's SDKs write them (and the request
fixtures show). Limits of the XSD are checked here so a bad call fails before it costs an API call:
``readByQuery`` pagesize 1..1000, ``query`` pagesize 1..2000, ``read``/``readByName`` at most 100 keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from lxml import etree

from connectors.intacct.xml.tree import EMPTY, append, format_scalar, to_element

READ_BY_QUERY_MAX_PAGESIZE = 1000
QUERY_MAX_PAGESIZE = 2000
READ_MAX_KEYS = 100

AggregateFunction = Literal["avg", "min", "max", "sum", "count"]


@dataclass(frozen=True, slots=True)
class Aggregate:
    """An aggregate in ``<select>`` (``<sum>TOTALDUE</sum>``); plain fields act as the group-by."""

    function: AggregateFunction
    field: str


@dataclass(frozen=True, slots=True)
class Order:
    """One ``<order>`` of ``<orderby>``."""

    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class QueryOptions:
    """``<options>`` of ``query``: ``showprivate`` reaches private entity data from the top level."""

    case_insensitive: bool | None = None
    show_private: bool | None = None
    return_format: Literal["xml", "json", "csv"] | None = None


class FilterLike(Protocol):
    """What a filter node exposes (implemented by the AST in ``connectors.intacct.query``).

    ``tag`` is the XML operator (``equalto``, ``and`` ...); leaves carry ``field`` and ``values``,
    ``and``/``or`` carry ``children``.
    """

    @property
    def tag(self) -> str: ...

    @property
    def field(self) -> str | None: ...

    @property
    def values(self) -> tuple[Any, ...]: ...

    @property
    def children(self) -> Sequence[FilterLike]: ...


def get_api_session(location_id: str | None = None, *, top_level: bool = False) -> etree._Element:
    """``<getAPISession/>``; ``location_id`` asks for an entity session, ``top_level`` for the top level.

    An empty ``<locationid/>`` moves an entity session back to the top level; plain ``<getAPISession/>``
    keeps the entity of the credentials used to sign in.
    """
    element = etree.Element("getAPISession")
    if location_id:
        append(element, "locationid", location_id)
    elif top_level:
        append(element, "locationid", EMPTY)
    return element


def _fields_text(fields: str | Sequence[str]) -> str:
    if isinstance(fields, str):
        return fields or "*"
    return ",".join(fields) if fields else "*"


def read_by_query(
    object_name: str,
    query: str = "",
    *,
    fields: str | Sequence[str] = "*",
    pagesize: int = 100,
    docparid: str | None = None,
) -> etree._Element:
    """Legacy paged read; ``query`` is the SQL-like condition text (lxml escapes ``<`` and ``&``)."""
    if not 1 <= pagesize <= READ_BY_QUERY_MAX_PAGESIZE:
        raise ValueError(f"readByQuery pagesize must be 1..{READ_BY_QUERY_MAX_PAGESIZE}, got {pagesize}")
    return to_element(
        "readByQuery",
        {
            "object": object_name,
            "query": query if query else EMPTY,
            "fields": _fields_text(fields),
            "pagesize": pagesize,
            "returnFormat": "xml",
            "docparid": docparid,
        },
    )


def read_more(result_id: str) -> etree._Element:
    """Next page of a ``readByQuery`` cursor."""
    if not result_id:
        raise ValueError("readMore needs the resultId of a previous readByQuery")
    return to_element("readMore", {"resultId": result_id})


def _read_like(
    tag: str,
    object_name: str,
    keys: str | Iterable[str],
    fields: str | Sequence[str],
    docparid: str | None,
) -> etree._Element:
    key_list = [k.strip() for k in keys.split(",")] if isinstance(keys, str) else [str(k) for k in keys]
    key_list = [k for k in key_list if k]
    if len(key_list) > READ_MAX_KEYS:
        raise ValueError(f"{tag} takes at most {READ_MAX_KEYS} keys, got {len(key_list)}")
    return to_element(
        tag,
        {
            "object": object_name,
            "keys": ",".join(key_list) if key_list else EMPTY,
            "fields": _fields_text(fields),
            "returnFormat": "xml",
            "docparid": docparid,
        },
    )


def read(
    object_name: str,
    keys: str | Iterable[str],
    *,
    fields: str | Sequence[str] = "*",
    docparid: str | None = None,
) -> etree._Element:
    """Read records by ``RECORDNO`` (owned lines come back nested)."""
    return _read_like("read", object_name, keys, fields, docparid)


def read_by_name(
    object_name: str,
    keys: str | Iterable[str],
    *,
    fields: str | Sequence[str] = "*",
    docparid: str | None = None,
) -> etree._Element:
    """Read records by their name/ID field (``VENDORID``, ``LOCATIONID`` ...)."""
    return _read_like("readByName", object_name, keys, fields, docparid)


def filter_element(node: FilterLike) -> etree._Element:
    """One operator element of ``<filter>`` (recursively for ``and``/``or``)."""
    element = etree.Element(node.tag)
    if node.tag in ("and", "or"):
        if len(node.children) < 2:
            raise ValueError(f"<{node.tag}> needs at least two conditions")
        for child in node.children:
            element.append(filter_element(child))
        return element
    if not node.field:
        raise ValueError(f"<{node.tag}> needs a field")
    append(element, "field", node.field)
    for value in node.values:
        append(element, "value", format_scalar(value))
    return element


def query(
    object_name: str,
    select: Sequence[str | Aggregate],
    *,
    filter: FilterLike | None = None,
    orderby: Sequence[Order] = (),
    options: QueryOptions | None = None,
    pagesize: int | None = None,
    offset: int | None = None,
    docparid: str | None = None,
) -> etree._Element:
    """The ``query`` function (Intacct's newer read): named fields only, pagesize ≤ 2000, offset paging."""
    if not select:
        raise ValueError("query needs at least one selected field (Intacct has no select *)")
    if pagesize is not None and not 1 <= pagesize <= QUERY_MAX_PAGESIZE:
        raise ValueError(f"query pagesize must be 1..{QUERY_MAX_PAGESIZE}, got {pagesize}")
    if offset is not None and offset < 0:
        raise ValueError("query offset must be >= 0")
    element = etree.Element("query")
    select_el = etree.SubElement(element, "select")
    for item in select:
        if isinstance(item, Aggregate):
            append(select_el, item.function, item.field)
        else:
            append(select_el, "field", item)
    append(element, "object", object_name)
    append(element, "docparid", docparid)
    if filter is not None:
        etree.SubElement(element, "filter").append(filter_element(filter))
    if orderby:
        orderby_el = etree.SubElement(element, "orderby")
        for order in orderby:
            order_el = etree.SubElement(orderby_el, "order")
            append(order_el, "field", order.field)
            append(order_el, "descending" if order.descending else "ascending", EMPTY)
    if options is not None:
        opts = {
            "caseinsensitive": options.case_insensitive,
            "showprivate": options.show_private,
            "returnformat": options.return_format,
        }
        if any(v is not None for v in opts.values()):
            append(element, "options", opts)
    append(element, "pagesize", pagesize)
    append(element, "offset", offset)
    return element


def create(object_name: str, record: Mapping[str, Any]) -> etree._Element:
    """Generic ``<create><OBJECT>…</OBJECT></create>`` from a plain tree (see ``tree.py``)."""
    return to_element("create", {object_name: record})


def update(object_name: str, record: Mapping[str, Any]) -> etree._Element:
    """Generic ``<update><OBJECT>…</OBJECT></update>`` (the record names its ``RECORDNO`` or ID)."""
    return to_element("update", {object_name: record})


def delete(object_name: str, keys: str | Iterable[str]) -> etree._Element:
    """Generic ``<delete><object>…</object><keys>…</keys></delete>`` (keys are RECORDNOs)."""
    key_text = keys if isinstance(keys, str) else ",".join(str(k) for k in keys)
    return to_element("delete", {"object": object_name, "keys": key_text})


def legacy(name: str, body: Mapping[str, Any]) -> etree._Element:
    """Any object-specific function (``create_bill`` …) from an ordered plain tree."""
    return to_element(name, body)
