"""The records feature's entry points for controllers: one list page, one record.

Controllers pass the raw query-string values; everything about Codat's paging rules (``page`` from 1,
``pageSize`` 1..5000 defaulting to 100, ``query`` and ``orderBy`` syntax) is checked here and reported
as ``InvalidParameter``/``QueryError`` (HTTP 400) naming the parameter.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from gateway.records.errors import InvalidParameter
from gateway.records.repository import Database, RecordsRepository
from gateway.records.schemas import RecordsPage, build_page

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 5000
MAX_PAGE = 2**31 - 1  # Codat's page is an int32


def check_paging(page: int, page_size: int) -> None:
    """Raise ``InvalidParameter`` unless 1 <= page <= 2^31-1 and 1 <= pageSize <= 5000."""
    if not 1 <= page <= MAX_PAGE:
        raise InvalidParameter(f"page must be between 1 and {MAX_PAGE}, got {page}", parameter="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidParameter(
            f"pageSize must be between 1 and {MAX_PAGE_SIZE}, got {page_size}", parameter="pageSize"
        )


async def list_page(
    db: Database,
    tenant_id: UUID,
    company_id: UUID,
    data_type: str,
    *,
    path: str,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    query: str | None = None,
    order_by: str | None = None,
    connection_id: UUID | None = None,
) -> RecordsPage:
    """Codat's list response for ``data_type``; ``path`` is the request path used in ``_links``."""
    check_paging(page, page_size)
    results, total = await RecordsRepository(db).list_json(
        tenant_id,
        company_id,
        data_type,
        page=page,
        page_size=page_size,
        query=query,
        order_by=order_by,
        connection_id=connection_id,
    )
    return build_page(
        path,
        results,
        page=page,
        page_size=page_size,
        total=total,
        query=query,
        order_by=order_by,
    )


async def get_record(
    db: Database, tenant_id: UUID, company_id: UUID, data_type: str, record_id: str
) -> msgspec.Raw | None:
    """One record's JSON as stored, or None when this tenant's company has no such record."""
    row = await RecordsRepository(db).get(tenant_id, company_id, data_type, record_id)
    return None if row is None else row.raw
