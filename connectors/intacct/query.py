"""Reading many records: a filter AST, ``query`` pages fetched concurrently, ``readByQuery`` cursors.

Filters are written as Python values and serialised to either form Intacct understands::

    flt = And(Eq("STATE", "Posted"), Ge("WHENMODIFIED", since))   # -> <filter><and>…</and></filter>
    to_query_string(flt)  # -> "(STATE = 'Posted' AND WHENMODIFIED >= '06/30/2024 12:00:00')"

``query_pages`` asks for the first page, learns ``totalcount`` from it, then fetches the remaining
offsets concurrently (at most ``concurrency`` requests in flight, which the per-company limiter caps
again) and yields each page as it arrives, so memory stays bounded by the window. ``read_by_query_pages``
follows a ``readByQuery`` ``resultId`` with ``readMore`` for legacy objects (sequential by nature).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from connectors.errors import ConnectorProtocolError
from connectors.intacct.xml import functions as fn
from connectors.intacct.xml.functions import Aggregate, Order, QueryOptions
from connectors.intacct.xml.response import FunctionResult
from connectors.intacct.xml.tree import format_scalar

if TYPE_CHECKING:
    from connectors.intacct.client import IntacctClient

Record = dict[str, Any]
Value = str | int | Decimal | bool | dt.date | dt.datetime


# --- the filter AST ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Compare:
    """A comparison of one field with one value."""

    tag: ClassVar[str] = ""
    symbol: ClassVar[str] = ""
    field: str
    value: Value

    @property
    def values(self) -> tuple[Any, ...]:
        return (self.value,)

    @property
    def children(self) -> Sequence[Filter]:
        return ()


class Eq(_Compare):
    tag, symbol = "equalto", "="


class Ne(_Compare):
    tag, symbol = "notequalto", "!="


class Lt(_Compare):
    tag, symbol = "lessthan", "<"


class Le(_Compare):
    tag, symbol = "lessthanorequalto", "<="


class Gt(_Compare):
    tag, symbol = "greaterthan", ">"


class Ge(_Compare):
    tag, symbol = "greaterthanorequalto", ">="


class Like(_Compare):
    """``%`` matches any run of characters, ``_`` one character (no implicit substring match)."""

    tag, symbol = "like", "like"


class NotLike(_Compare):
    tag, symbol = "notlike", "not like"


@dataclass(frozen=True, slots=True, init=False)
class In:
    """``field`` equal to one of ``values`` (1 to 1000 of them)."""

    tag: ClassVar[str] = "in"
    keyword: ClassVar[str] = "IN"
    field: str
    values: tuple[Value, ...]

    def __init__(self, field: str, values: Sequence[Value]) -> None:
        if not 1 <= len(values) <= 1000:
            raise ValueError("in/notin take 1 to 1000 values")
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "values", tuple(values))

    @property
    def children(self) -> Sequence[Filter]:
        return ()


class NotIn(In):
    tag = "notin"
    keyword = "NOT IN"


@dataclass(frozen=True, slots=True)
class Between:
    tag: ClassVar[str] = "between"
    field: str
    low: Value
    high: Value

    @property
    def values(self) -> tuple[Any, ...]:
        return (self.low, self.high)

    @property
    def children(self) -> Sequence[Filter]:
        return ()


@dataclass(frozen=True, slots=True)
class IsNull:
    tag: ClassVar[str] = "isnull"
    keyword: ClassVar[str] = "IS NULL"
    field: str

    @property
    def values(self) -> tuple[Any, ...]:
        return ()

    @property
    def children(self) -> Sequence[Filter]:
        return ()


class IsNotNull(IsNull):
    tag = "isnotnull"
    keyword = "IS NOT NULL"


@dataclass(frozen=True, slots=True, init=False)
class And:
    """All conditions hold. One condition collapses to itself when serialised."""

    tag: ClassVar[str] = "and"
    children: tuple[Filter, ...]

    def __init__(self, *children: Filter) -> None:
        if not children:
            raise ValueError(f"{type(self).__name__} needs at least one condition")
        object.__setattr__(self, "children", tuple(children))

    @property
    def field(self) -> str | None:
        return None

    @property
    def values(self) -> tuple[Any, ...]:
        return ()


class Or(And):
    """At least one condition holds."""

    tag = "or"


Filter = _Compare | In | Between | IsNull | And


def simplify(node: Filter) -> Filter:
    """Collapse one-child ``And``/``Or`` (Intacct wants at least two children in ``and``/``or``)."""
    if isinstance(node, And):
        children = tuple(simplify(c) for c in node.children)
        if len(children) == 1:
            return children[0]
        return type(node)(*children)
    return node


def modified_since(moment: dt.datetime, field: str = "WHENMODIFIED") -> Ge:
    """Incremental reads: records changed at or after ``moment``.

    Intacct compares ``MM/DD/YYYY HH:MM:SS`` values without a zone; an aware ``moment`` is converted
    to UTC first (the caller picks the zone matching the company's settings when it matters).
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return Ge(field, moment.replace(microsecond=0))


def _literal(value: Value) -> str:
    if isinstance(value, bool):
        return "'true'" if value else "'false'"
    if isinstance(value, int | Decimal):
        return format_scalar(value)
    text = format_scalar(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def to_query_string(node: Filter) -> str:
    """The ``readByQuery`` text form (quotes escaped with backslashes, numbers bare, dates quoted)."""
    node = simplify(node)
    if isinstance(node, And):
        joiner = " AND " if node.tag == "and" else " OR "
        return "(" + joiner.join(to_query_string(c) for c in node.children) + ")"
    if isinstance(node, In):
        return f"{node.field} {node.keyword} (" + ",".join(_literal(v) for v in node.values) + ")"
    if isinstance(node, IsNull):
        return f"{node.field} {node.keyword}"
    if isinstance(node, Between):
        return f"({node.field} >= {_literal(node.low)} AND {node.field} <= {_literal(node.high)})"
    if isinstance(node, Ne):
        return f"NOT {node.field} = {_literal(node.value)}"
    return f"{node.field} {node.symbol} {_literal(node.value)}"


# --- paging --------------------------------------------------------------------------------------------


def _data_of(result: FunctionResult) -> tuple[list[Record], int | None, int | None]:
    data = result.data
    if data is None:
        raise ConnectorProtocolError(f"Intacct's {result.function or 'query'} result has no <data> block")
    return data.records, data.totalcount, data.numremaining


class QueryPage(list[Record]):
    """A page of ``query`` rows that also carries the ``totalcount`` Intacct reported for the query.

    A plain list to every caller that only iterates; readers that want progress or a completeness
    check read ``total`` (``None`` when Intacct did not say).
    """

    total: int | None = None


def page_of(records: list[Record], total: int | None) -> QueryPage:
    """``records`` as a ``QueryPage`` carrying Intacct's ``total`` for the whole query."""
    page = QueryPage(records)
    page.total = total
    return page


async def query_pages(
    client: IntacctClient,
    object_name: str,
    fields: Sequence[str | Aggregate],
    *,
    filter: Filter | None = None,
    orderby: Sequence[Order] = (),
    options: QueryOptions | None = None,
    pagesize: int = fn.QUERY_MAX_PAGESIZE,
    docparid: str | None = None,
    concurrency: int | None = None,
) -> AsyncGenerator[QueryPage, None]:
    """Yield pages of ``query`` results; after the first, pages arrive in completion order."""
    flt = simplify(filter) if filter is not None else None
    window = max(1, concurrency or client.limits.max_concurrent)

    async def fetch(offset: int) -> tuple[int, list[Record], int | None, int | None]:
        element = fn.query(
            object_name,
            fields,
            filter=flt,
            orderby=orderby,
            options=options,
            pagesize=pagesize,
            offset=offset,
            docparid=docparid,
        )
        result = await client.execute_one(client.read_function(element))
        records, total, remaining = _data_of(result)
        return offset, records, total, remaining

    _, first, total, remaining = await fetch(0)
    yield page_of(first, total)
    if not remaining:
        return
    total = total if total is not None else len(first) + remaining
    pending_offsets = list(range(pagesize, total, pagesize))
    in_flight: set[asyncio.Task[tuple[int, list[Record], int | None, int | None]]] = set()
    last_offset, last_remaining = 0, remaining
    try:
        while pending_offsets or in_flight:
            while pending_offsets and len(in_flight) < window:
                in_flight.add(asyncio.create_task(fetch(pending_offsets.pop(0))))
            done, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                offset, records, _, page_remaining = task.result()
                if offset >= last_offset:
                    last_offset, last_remaining = offset, page_remaining or 0
                if records:
                    yield page_of(records, total)
        # Rows added while paging: continue sequentially past the end the first page announced.
        offset = last_offset
        while last_remaining:
            offset += pagesize
            _, records, _, page_remaining = await fetch(offset)
            last_remaining = page_remaining or 0
            if not records:
                break
            yield page_of(records, total)
    finally:
        for task in in_flight:
            task.cancel()
        if in_flight:
            await asyncio.gather(*in_flight, return_exceptions=True)


async def read_by_query_pages(
    client: IntacctClient,
    object_name: str,
    query: Filter | str | None = None,
    *,
    fields: str | Sequence[str] = "*",
    pagesize: int = fn.READ_BY_QUERY_MAX_PAGESIZE,
    docparid: str | None = None,
) -> AsyncGenerator[list[Record], None]:
    """Yield pages of a ``readByQuery`` and its ``readMore`` continuations until none remain."""
    text = query if isinstance(query, str) else (to_query_string(query) if query is not None else "")
    element = fn.read_by_query(object_name, text, fields=fields, pagesize=pagesize, docparid=docparid)
    result = await client.execute_one(client.read_function(element))
    records, _, remaining = _data_of(result)
    yield records
    result_id = result.data.result_id if result.data is not None else None
    while remaining:
        if not result_id:
            raise ConnectorProtocolError("Intacct announced more rows but sent no resultId to read them")
        result = await client.execute_one(client.read_function(fn.read_more(result_id)))
        records, _, remaining = _data_of(result)
        if result.data is not None and result.data.result_id:
            result_id = result.data.result_id
        if not records and remaining:
            raise ConnectorProtocolError("Intacct's readMore returned no rows but announced more")
        yield records
