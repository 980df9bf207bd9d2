"""Codat paging for the platform listings: ``page``/``pageSize``/``query``/``orderBy`` and ``_links``.

``self`` is the bare resource path; ``current``/``next``/``previous`` repeat the query string with the
page changed, the way Codat's responses do (``?page=2&pageSize=2`` then any ``query``/``orderBy``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar.params import Parameter

from datamodel.platform import HalRef, Links
from gateway.errors import InvalidRequest
from gateway.records import (
    And,
    Comparison,
    Node,
    Op,
    Or,
    OrderBy,
    QueryError,
    ValueKind,
    parse_order_by,
    parse_query,
)

MAX_PAGE_SIZE = 5000

PageParam = Annotated[int, Parameter(query="page", ge=1, default=1, description="Page number, from 1.")]
PageSizeParam = Annotated[
    int,
    Parameter(
        query="pageSize", ge=1, le=MAX_PAGE_SIZE, default=100, description="Results per page (max 5000)."
    ),
]
QueryParam = Annotated[
    str | None,
    Parameter(query="query", default=None, max_length=2048, description="Codat query language filter."),
]
OrderByParam = Annotated[
    str | None,
    Parameter(
        query="orderBy", default=None, max_length=200, description="Field to order by; '-' for descending."
    ),
]


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int
    page_size: int
    query: str | None = None
    order_by: str | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def parsed_query(self) -> Node | None:
        try:
            return parse_query(self.query)
        except QueryError as exc:
            raise InvalidRequest.field(exc.parameter, str(exc), "Query") from None

    def parsed_order_by(self) -> OrderBy | None:
        try:
            return parse_order_by(self.order_by)
        except QueryError as exc:
            raise InvalidRequest.field(exc.parameter, str(exc), "Query") from None

    def _href(self, path: str, page: int, extra: dict[str, str]) -> HalRef:
        params: dict[str, str] = {"page": str(page), "pageSize": str(self.page_size)}
        if self.query:
            params["query"] = self.query
        if self.order_by:
            params["orderBy"] = self.order_by
        params.update(extra)
        return HalRef(href=f"{path}?{urlencode(params)}")

    def links(self, path: str, total: int, extra: dict[str, str] | None = None) -> Links:
        """``_links`` for a page of ``total`` results at ``path``."""
        extra = extra or {}
        return Links(
            self_=HalRef(href=path),
            current=self._href(path, self.page, extra),
            next=self._href(path, self.page + 1, extra) if self.page * self.page_size < total else None,
            previous=self._href(path, self.page - 1, extra) if self.page > 1 else None,
        )


def _lookup(record: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = record
    for name in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value


def _compare(actual: Any, node: Comparison) -> bool:
    value, op = node.value, node.op
    if value.kind is ValueKind.NULL:
        return (actual is None) == (op is Op.EQ)
    if actual is None:
        return op is Op.NE
    text = str(actual).lower()
    if op is Op.CONTAINS:
        return value.text.lower() in text
    if op in (Op.EQ, Op.NE):
        equal = text == value.text.lower()
        if value.kind is ValueKind.NUMBER and isinstance(actual, int | float | Decimal):
            equal = Decimal(str(actual)) == value.number
        return equal if op is Op.EQ else not equal
    if (
        value.kind is ValueKind.NUMBER
        and isinstance(actual, int | float | Decimal)
        and value.number is not None
    ):
        left, right = Decimal(str(actual)), value.number
        return {Op.GT: left > right, Op.LT: left < right, Op.GE: left >= right, Op.LE: left <= right}[op]
    return False


def matches(node: Node | None, record: Mapping[str, Any]) -> bool:
    """Evaluate a parsed query against an in-memory record (small static listings only).

    Same reading as the SQL compiler for text, numbers and null; dates are not compared here
    because the in-memory listings have no date fields.
    """
    if node is None:
        return True
    if isinstance(node, And):
        return all(matches(child, record) for child in node.operands)
    if isinstance(node, Or):
        return any(matches(child, record) for child in node.operands)
    return _compare(_lookup(record, node.path), node)
