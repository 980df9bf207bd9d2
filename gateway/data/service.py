"""Reading pulled records for the data routes: one page, one record, the company info object.

Everything here reads the records store only; nothing calls the accounting platform. Paging rules and
query errors come from ``gateway.records`` (HTTP 400 naming the parameter and the position).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import msgspec

from gateway.data.catalog import COMPANY_INFO, COMPANY_INFO_RECORD_ID, DataTypeSpec
from gateway.errors import NotFound
from gateway.records import RecordsPage, RecordsRepository, list_page

_DECODER = msgspec.json.Decoder(float_hook=Decimal)
_ENCODER = msgspec.json.Encoder(decimal_format="number")
#: Store-owned fields that Codat's company info does not have.
_NOT_IN_COMPANY_INFO = ("id", "modifiedDate", "metadata")


def data_path(spec: DataTypeSpec, company_id: uuid.UUID, connection_id: uuid.UUID | None) -> str:
    """The resource path for ``_links`` (``/companies/{id}[/connections/{id}]/data/{type}``)."""
    base = f"/companies/{company_id}"
    if connection_id is not None:
        base += f"/connections/{connection_id}"
    return f"{base}/data/{spec.path}"


async def list_records(
    pool: Any,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    spec: DataTypeSpec,
    connection_id: uuid.UUID | None,
    page: int,
    page_size: int,
    query: str | None,
    order_by: str | None,
) -> RecordsPage:
    return await list_page(
        pool,
        tenant_id,
        company_id,
        spec.name,
        path=data_path(spec, company_id, connection_id),
        page=page,
        page_size=page_size,
        query=query,
        order_by=order_by,
        connection_id=connection_id,
    )


async def get_one(
    pool: Any,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    spec: DataTypeSpec,
    record_id: str,
    connection_id: uuid.UUID | None,
) -> msgspec.Raw:
    """One stored record (deleted ones too, flagged, as Codat keeps them); NotFound otherwise."""
    row = await RecordsRepository(pool).get(tenant_id, company_id, spec.name, record_id)
    if row is None or (connection_id is not None and row.connection_id != connection_id):
        raise NotFound(f"No {spec.singular} found with id {record_id}.")
    return row.raw


async def company_info(pool: Any, tenant_id: uuid.UUID, company_id: uuid.UUID) -> msgspec.Raw:
    """The company info object, without the fields the store adds to every record."""
    row = await RecordsRepository(pool).get(tenant_id, company_id, COMPANY_INFO.name, COMPANY_INFO_RECORD_ID)
    if row is None:
        raise NotFound(
            "Company info has not been pulled yet: POST /companies/{companyId}/data/info to pull it."
        )
    data = _DECODER.decode(row.json)
    for key in _NOT_IN_COMPANY_INFO:
        data.pop(key, None)
    return msgspec.Raw(_ENCODER.encode(data))
