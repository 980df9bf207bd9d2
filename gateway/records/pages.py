"""One page of stored records in one statement, without counting or skipping the whole set each time.

Codat pages by number (``page``/``pageSize``) and answers ``totalResults`` with every page. Done
directly, each request counts every matching record and walks past every record before its page:
tens of milliseconds of PostgreSQL time per request on 100,000 bills, repeated for every page. Both
answers stay true until the set of records changes, so this module learns them once per version of
the set (migration ``0008_record_sets.sql``: every write to a tenant's company's data type bumps the
version inside the writer's transaction) and keeps them per process:

* a census of one listing (its filter and order): the total, and the sort key of the record at every
  ``stride``-th position (``stride`` >= 100, at most ``MAX_MARKS`` marks);
* a page then starts at the nearest mark at or before its offset (an index range scan) and skips
  fewer than ``stride`` records, and its statement also reads the set's version in the same snapshot.
  When that version is the census's, the page and the census describe the same data, exactly — across
  processes and concurrent writers, because a version is never reused. Otherwise the census is taken
  again; a set still changing meanwhile is read the exact, slow way (count plus ``OFFSET``).

Orders by record id (the default) and by ``modifiedDate`` (a column, with its index) have marks; any
other ``orderBy`` still sorts per request, but its total is counted once per version too.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from gateway.records.query import Node, OrderBy
from gateway.records.sql import Compiler, Params, check_path

__all__ = ["MAX_MARKS", "MIN_STRIDE", "Census", "PageReader", "SetScope", "stride_for"]

MIN_STRIDE = 100
MAX_MARKS = 1000
MAX_CENSUSES = 128
#: What a page returns per record (the page's records aliased ``r``); ``data_text`` is ``data::text``
#: printed once per write (migration ``0009_records_json_text.sql``).
COLUMNS = "r.record_id, r.data_text AS data, r.modified_date, r.is_deleted, r.connection_id"
_PAGE_COLUMNS = "record_id, data_text, modified_date, is_deleted, connection_id"


def _joined(order: str) -> str:
    """The page's stored JSON as one JSON array in ``order`` (``[]`` for an empty page)."""
    return f"'[' || coalesce(string_agg(r.data_text, ',' ORDER BY {order}), '') || ']'"


def stride_for(total: int) -> int:
    """Positions between two marks: at least ``MIN_STRIDE``, and no more than ``MAX_MARKS`` marks."""
    return max(MIN_STRIDE, -(-total // MAX_MARKS))


@dataclass(frozen=True, slots=True)
class SetScope:
    """Whose records: a tenant's company's data type, optionally one connection's records only."""

    tenant_id: UUID
    company_id: UUID
    data_type: str
    connection_id: UUID | None = None

    def params(self) -> Params:
        """``$1``..``$3`` (``$4`` with a connection) in the order ``sql`` refers to them."""
        values: list[object] = [self.tenant_id, self.company_id, self.data_type]
        if self.connection_id is not None:
            values.append(self.connection_id)
        return Params(values)

    def sql(self) -> str:
        """The WHERE clause of the scope; the connection is left out, not ``$4 IS NULL``, when absent,
        so the default listing stays a range scan of the primary key."""
        base = "tenant_id = $1 AND company_id = $2 AND data_type = $3"
        return base if self.connection_id is None else f"{base} AND connection_id = $4"


_VERSION = (
    "coalesce((SELECT version FROM record_sets "
    "WHERE tenant_id = $1 AND company_id = $2 AND data_type = $3), 0)"
)


@dataclass(frozen=True, slots=True)
class _Seek:
    """An order a page can start from by key: its columns (ending with ``record_id``), and direction."""

    columns: tuple[str, ...]
    descending: bool

    def condition(self, mark: tuple[Any, ...], params: Params) -> str:
        """``columns`` at or after ``mark`` in this order. The mark's values are sub-selects so that the
        planner cannot see them: a custom plan then costs what the generic plan costs, and PostgreSQL
        settles on the generic plan instead of planning each page anew."""
        casts = {"record_id": "text"}
        keys = ", ".join(
            f"(SELECT {params.add(value)}::{casts.get(column, 'timestamptz')})"
            for column, value in zip(self.columns, mark, strict=True)
        )
        return f"({', '.join(self.columns)}) {'<=' if self.descending else '>='} ({keys})"


def _seek(order: OrderBy | None, compiler: Compiler) -> _Seek | None:
    if order is None:
        return _Seek(("record_id",), False)
    column = compiler.timestamp_columns.get(check_path(order.path))
    return None if column is None else _Seek((column, "record_id"), order.descending)


@dataclass(frozen=True, slots=True)
class Census:
    """What one listing of one version of a set looks like: its total and its marks."""

    version: int
    total: int
    stride: int
    #: Sort keys of the records at positions 0, stride, 2*stride ... (empty for orders without marks).
    marks: tuple[tuple[Any, ...], ...]


class _Listing:
    """One request's statement parts: the scope, its filter, its order, as SQL and parameters."""

    def __init__(self, scope: SetScope, node: Node | None, order: OrderBy | None, compiler: Compiler) -> None:
        params = scope.params()
        where = compiler.where(node, params) if node is not None else "TRUE"
        #: The parameters of the filter alone (the order's follow), for statements without the order.
        self.filter_params = list(params.values)
        self.order = compiler.order_by(order, params)
        self.where = f"{scope.sql()} AND {where}"
        self.params = params.values
        self.seek = _seek(order, compiler)
        self.key: Hashable = (
            scope,
            self.where,
            self.order,
            tuple((type(v), tuple(v) if isinstance(v, list) else v) for v in params.values),
        )

    def fresh(self) -> Params:
        return Params(list(self.params))


def _page_sql(
    listing: _Listing, params: Params, head: str, *, limit: int, offset: int, seek: str | None, joined: bool
) -> str:
    """One row per record of the page in page order after ``head`` (one row even for an empty page),
    or, ``joined``, one row: ``head`` and the page's JSON as one array (``results``).

    From a mark (``seek``), the page is one index range scan reading the records themselves: fewer
    than ``stride`` rows are skipped, and skipping a row prints nothing (``data_text`` is stored).
    ``LIMIT`` and ``OFFSET`` are then written as numbers, not parameters: PostgreSQL costs an unknown
    ``OFFSET`` as a tenth of the set, so a generic plan would always look worse than a custom one and
    every execution would be planned again (about as long as running it). Written out they take few
    values (the page size; an offset below the stride): each text is prepared once per connection and
    then runs on its generic plan.

    Without a mark, the ids of the page are found first and only their records read, so rows skipped
    by a large ``OFFSET`` are never fetched from the table.
    """
    if seek is not None:
        page = (
            f"(SELECT {_PAGE_COLUMNS} FROM records WHERE {listing.where}{seek} ORDER BY {listing.order} "
            f"LIMIT {int(limit)} OFFSET {int(offset)}) AS r"
        )
        order = listing.order  # seek orders name record_id and modified_date only: r's columns
        if joined:
            return f"SELECT {head}, {_joined(order)} AS results FROM {page}"
        return f"SELECT {head}, {COLUMNS} FROM (SELECT 1) AS one LEFT JOIN {page} ON TRUE ORDER BY {order}"
    bounds = f"LIMIT {params.add(limit)}::bigint OFFSET {params.add(offset)}::bigint"
    ids = f"SELECT record_id FROM records WHERE {listing.where} ORDER BY {listing.order} {bounds}"
    page = (
        f"unnest(ARRAY({ids})) WITH ORDINALITY AS p (id, pos) "
        "JOIN records AS r ON r.tenant_id = $1 AND r.company_id = $2 AND r.data_type = $3 "
        "AND r.record_id = p.id"
    )
    if joined:
        return f"SELECT {head}, {_joined('p.pos')} AS results FROM {page}"
    return f"SELECT {head}, {COLUMNS} FROM (SELECT 1) AS one LEFT JOIN ({page}) ON TRUE ORDER BY p.pos"


class PageReader:
    """Reads pages, keeping the censuses of the last ``MAX_CENSUSES`` listings of this process."""

    def __init__(self, capacity: int = MAX_CENSUSES) -> None:
        self._capacity = capacity
        self._censuses: OrderedDict[Hashable, Census] = OrderedDict()
        self._taking: dict[Hashable, asyncio.Future[Census]] = {}

    def clear(self) -> None:
        """Forget every census (they are only ever used after their version is checked)."""
        self._censuses.clear()

    async def rows(
        self,
        db: Any,
        scope: SetScope,
        node: Node | None,
        order: OrderBy | None,
        *,
        limit: int,
        offset: int,
        compiler: Compiler,
    ) -> tuple[list[Any], int]:
        """(rows of ``COLUMNS`` for the page, total matching records), both of one snapshot."""
        listing = _Listing(scope, node, order, compiler)
        rows, total = await self._read(db, listing, limit, offset, joined=False)
        return [row for row in rows if row["record_id"] is not None], total

    async def joined(
        self,
        db: Any,
        scope: SetScope,
        node: Node | None,
        order: OrderBy | None,
        *,
        limit: int,
        offset: int,
        compiler: Compiler,
    ) -> tuple[str, int]:
        """(the page's records as one JSON array, total matching records), both of one snapshot.

        PostgreSQL joins the stored JSON texts: one value crosses the wire instead of a row per record,
        and nothing is decoded, wrapped or re-encoded per record in Python.
        """
        listing = _Listing(scope, node, order, compiler)
        rows, total = await self._read(db, listing, limit, offset, joined=True)
        return str(rows[0]["results"]), total

    async def _read(
        self, db: Any, listing: _Listing, limit: int, offset: int, *, joined: bool
    ) -> tuple[Sequence[Any], int]:
        census = self._censuses.get(listing.key)
        if census is not None:
            self._censuses.move_to_end(listing.key)
            rows = await self._marked_page(db, listing, census, limit, offset, joined)
            if rows is not None:
                return rows, census.total
        census = await self._census(db, listing)
        rows = await self._marked_page(db, listing, census, limit, offset, joined)
        if rows is not None:
            return rows, census.total
        # The set changed again since the census: read it exactly, counting and skipping as it stands.
        params = listing.fresh()
        head = f"(SELECT count(*) FROM records WHERE {listing.where}) AS total"
        sql = _page_sql(listing, params, head, limit=limit, offset=offset, seek=None, joined=joined)
        rows = await db.fetch(sql, *params.values)
        return rows, int(rows[0]["total"])

    async def _marked_page(
        self, db: Any, listing: _Listing, census: Census, limit: int, offset: int, joined: bool
    ) -> Sequence[Any] | None:
        """The page read from the census's nearest mark, or None when the set is no longer that version."""
        params, seek = listing.fresh(), None
        if listing.seek is not None and census.marks:
            index = min(offset // census.stride, len(census.marks) - 1)
            seek = " AND " + listing.seek.condition(census.marks[index], params)
            offset -= index * census.stride
        head = f"{_VERSION} AS version"
        sql = _page_sql(listing, params, head, limit=limit, offset=offset, seek=seek, joined=joined)
        rows: Sequence[Any] = await db.fetch(sql, *params.values)
        return rows if rows[0]["version"] == census.version else None

    async def _census(self, db: Any, listing: _Listing) -> Census:
        """A new census of ``listing``, remembered; one at a time per listing in this process (the
        requests arriving meanwhile wait for it rather than each scanning the whole set)."""
        while (pending := self._taking.get(listing.key)) is not None:
            await asyncio.wait([pending])
            if not pending.cancelled() and pending.exception() is None:
                return pending.result()
        future: asyncio.Future[Census] = asyncio.get_running_loop().create_future()
        self._taking[listing.key] = future
        try:
            census = await _take_census(db, listing)
        except BaseException:
            future.cancel()  # the waiters take it themselves
            raise
        finally:
            del self._taking[listing.key]
        future.set_result(census)
        self._censuses[listing.key] = census
        self._censuses.move_to_end(listing.key)
        while len(self._censuses) > self._capacity:
            self._censuses.popitem(last=False)
        return census


async def _take_census(db: Any, listing: _Listing) -> Census:
    if listing.seek is None:
        row = await db.fetchrow(
            f"SELECT {_VERSION} AS version, (SELECT count(*) FROM records WHERE {listing.where}) AS total",
            *listing.filter_params,
        )
        return Census(version=row["version"], total=int(row["total"]), stride=MIN_STRIDE, marks=())
    params = listing.fresh()
    columns = ", ".join(listing.seek.columns)
    most = params.add(MAX_MARKS)
    stride = (
        f"greatest({params.add(MIN_STRIDE)}::bigint, (ranked.total + {most}::bigint - 1) / {most}::bigint)"
    )
    rows: Sequence[Any] = await db.fetch(
        f"WITH ranked AS (SELECT {columns}, row_number() OVER (ORDER BY {listing.order}) - 1 AS n, "
        f"count(*) OVER () AS total FROM records WHERE {listing.where}) "
        f"SELECT {_VERSION} AS version, ranked.* FROM (SELECT 1) AS one LEFT JOIN ranked "
        f"ON ranked.n % {stride} = 0 "
        "ORDER BY ranked.n",
        *params.values,
    )
    total = int(rows[0]["total"] or 0)
    marks = tuple(tuple(row[c] for c in listing.seek.columns) for row in rows if row["n"] is not None)
    return Census(version=rows[0]["version"], total=total, stride=stride_for(total), marks=marks)
