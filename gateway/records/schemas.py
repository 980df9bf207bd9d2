"""Codat's list envelope for stored records, with ``_links`` built the way Codat builds them.

``self`` is the bare resource path; ``current``, ``next`` and ``previous`` repeat the path with the
query string that reproduces that page (``?page=2&pageSize=100`` plus ``query``/``orderBy`` when the
request had them, URL-encoded). ``next`` appears while records remain after this page, ``previous``
from page 2 on. Results are embedded as the stored JSON text (``msgspec.Raw``): no decode/encode round
trip, and amounts keep their exact digits. The whole array is one ``Raw`` (the store joins a page's
records itself), so encoding a page copies its bytes once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from urllib.parse import quote, urlencode

import msgspec
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import KwargDefinition

from datamodel.common import HalRef, Links


class RecordsPage(msgspec.Struct, kw_only=True):
    """``results``, ``pageNumber``, ``pageSize``, ``totalResults``, ``_links`` — Codat's field order."""

    #: The JSON array of the page's records, as stored (described as the array it is).
    results: Annotated[
        msgspec.Raw, KwargDefinition(schema_extra={"type": OpenAPIType.ARRAY, "items": Schema()})
    ]
    page_number: int = msgspec.field(name="pageNumber")
    page_size: int = msgspec.field(name="pageSize")
    total_results: int = msgspec.field(name="totalResults")
    links: Links = msgspec.field(name="_links")


def page_href(path: str, *, page: int, page_size: int, query: str | None, order_by: str | None) -> str:
    """``path`` with the query string of one page; blank ``query``/``orderBy`` are left out."""
    has_query, has_order = bool(query and query.strip()), bool(order_by and order_by.strip())
    if not (has_query or has_order):  # numbers need no encoding; three of these per list response
        return f"{path}?page={int(page)}&pageSize={int(page_size)}"
    params: list[tuple[str, str | int]] = [("page", page), ("pageSize", page_size)]
    if has_query:
        params.append(("query", query or ""))
    if has_order:
        params.append(("orderBy", order_by or ""))
    return f"{path}?{urlencode(params, quote_via=quote)}"


def build_links(
    path: str,
    *,
    page: int,
    page_size: int,
    total: int,
    query: str | None = None,
    order_by: str | None = None,
) -> Links:
    """``_links`` for page ``page`` of ``total`` results."""

    def href(number: int) -> HalRef:
        return HalRef(href=page_href(path, page=number, page_size=page_size, query=query, order_by=order_by))

    return Links(
        self_=HalRef(href=path),
        current=href(page),
        next=href(page + 1) if page * page_size < total else None,
        previous=href(page - 1) if page > 1 else None,
    )


def build_page(
    path: str,
    results: msgspec.Raw | Sequence[msgspec.Raw],
    *,
    page: int,
    page_size: int,
    total: int,
    query: str | None = None,
    order_by: str | None = None,
) -> RecordsPage:
    """The envelope for one page of ``results`` (one JSON array, or each record's JSON)."""
    if not isinstance(results, msgspec.Raw):
        results = msgspec.Raw(b"[" + b",".join(bytes(r) for r in results) + b"]")
    return RecordsPage(
        results=results,
        page_number=page,
        page_size=page_size,
        total_results=total,
        links=build_links(path, page=page, page_size=page_size, total=total, query=query, order_by=order_by),
    )
