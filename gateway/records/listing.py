"""One page of a query over a ``WITH q AS (...)`` view: the SQL every platform listing (companies,
connections, push and pull history) runs, so ``query``/``orderBy``/paging mean the same everywhere.

The view is a SELECT whose first parameters are already in ``params`` (the tenant, the company ...). The
request's filter and order are compiled into further parameters; nothing from the request is spliced
into SQL text (see ``records.sql``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from gateway.records.query import Node, OrderBy
from gateway.records.sql import Compiler, Params

__all__ = ["Listing", "in_order"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing's view (a SELECT whose first parameters the caller puts in ``params``), the compiler
    for its JSONB column and the order used when the request names no ``orderBy``."""

    view: str
    compiler: Compiler
    default_order: str
    #: What a page returns: the ids (the caller fetches the full rows) or the view's data.
    select: str = "id"

    async def page(
        self,
        db: Any,
        params: Params,
        query: Node | None,
        order: OrderBy | None,
        limit: int,
        offset: int,
        filters: Sequence[str] = (),
    ) -> tuple[list[Any], int]:
        """(rows of ``select`` for the page, total matching rows).

        ``filters`` are further WHERE clauses the caller compiled into ``params``; a requested order is
        tie-broken by ``id`` so pages are stable.
        """
        where = " AND ".join([self.compiler.where(query, params) if query is not None else "TRUE", *filters])
        where_args = list(params.values)
        order_sql = self.compiler.order_by(order, params, tiebreak="id") if order else self.default_order
        limit_ph, offset_ph = params.add(limit), params.add(offset)
        total = await db.fetchval(
            f"WITH q AS ({self.view}) SELECT count(*) FROM q WHERE {where}", *where_args
        )
        rows = await db.fetch(
            f"WITH q AS ({self.view}) SELECT {self.select} FROM q WHERE {where} "
            f"ORDER BY {order_sql} LIMIT {limit_ph}::bigint OFFSET {offset_ph}::bigint",
            *params.values,
        )
        return list(rows), int(total)


def in_order(ids: Iterable[Hashable], rows: Iterable[Any], decode: Callable[[Any], T]) -> list[T]:
    """``rows`` (fetched by id, in any order) decoded and put back in the page's ``ids`` order."""
    by_id = {row["id"]: decode(row) for row in rows}
    return [by_id[i] for i in ids if i in by_id]
