"""Connections in PostgreSQL; every statement is scoped by tenant_id and company_id."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from gateway.records import Compiler, Listing, Node, OrderBy, Params, in_order

COLUMNS = (
    "id, tenant_id, company_id, integration_key, status, connection_info, data_connection_errors, "
    "created_at, updated_at, last_sync, credentials IS NOT NULL AS has_credentials"
)
# What `query`/`orderBy` see: the connection as the API shows it (dates compared on real columns).
_QUERYABLE = """
    SELECT id, created_at, last_sync,
           jsonb_build_object(
               'id', id::text, 'status', status, 'integrationKey', integration_key,
               'platformName', $3::jsonb ->> integration_key, 'sourceType', 'Accounting',
               'connectionInfo', connection_info
           ) AS data
    FROM connections WHERE tenant_id = $1 AND company_id = $2
"""
_COMPILER = Compiler(
    column="data", timestamp_columns={("created",): "created_at", ("lastSync",): "last_sync"}
)
_LISTING = Listing(_QUERYABLE, _COMPILER, "created_at ASC, id ASC")


def _decode_row(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["connection_info"] = msgspec.json.decode(row["connection_info"])
    out["data_connection_errors"] = msgspec.json.decode(row["data_connection_errors"])
    return out


class ConnectionRepository:
    def __init__(self, pool: Any) -> None:
        self._pool = pool

    async def insert(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, integration_key: str
    ) -> dict[str, Any]:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                f"INSERT INTO connections (id, tenant_id, company_id, integration_key) "
                f"VALUES ($1, $2, $3, $4) RETURNING {COLUMNS}",
                uuid.uuid4(),
                tenant_id,
                company_id,
                integration_key,
            )
        return _decode_row(row)

    async def get(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID
    ) -> dict[str, Any] | None:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                f"SELECT {COLUMNS} FROM connections WHERE tenant_id = $1 AND company_id = $2 AND id = $3",
                tenant_id,
                company_id,
                connection_id,
            )
        return None if row is None else _decode_row(row)

    async def list_page(
        self,
        tenant_id: uuid.UUID,
        company_id: uuid.UUID,
        *,
        platform_names: Mapping[str, str],
        query: Node | None,
        order: OrderBy | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        params = Params([tenant_id, company_id, msgspec.json.encode(dict(platform_names)).decode()])
        async with self._pool.acquire() as conn:
            found, total = await _LISTING.page(conn, params, query, order, limit, offset)
            ids = [r["id"] for r in found]
            rows = await conn.fetch(
                f"SELECT {COLUMNS} FROM connections WHERE tenant_id = $1 AND id = ANY($2::uuid[])",
                tenant_id,
                ids,
            )
        return in_order(ids, rows, _decode_row), total

    async def for_companies(
        self, tenant_id: uuid.UUID, company_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[dict[str, Any]]]:
        """Connections of several companies at once (a page of companies shows their connections)."""
        out: dict[uuid.UUID, list[dict[str, Any]]] = {cid: [] for cid in company_ids}
        if not company_ids:
            return out
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT {COLUMNS} FROM connections WHERE tenant_id = $1 AND company_id = ANY($2::uuid[]) "
                "ORDER BY created_at, id",
                tenant_id,
                list(company_ids),
            )
        for row in rows:
            out.setdefault(row["company_id"], []).append(_decode_row(row))
        return out

    async def update(
        self,
        tenant_id: uuid.UUID,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        *,
        status: str | None = None,
        credentials: bytes | None = None,
        connection_info: Mapping[str, str] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any] | None:
        """Change any of status, credentials, connectionInfo, dataConnectionErrors; None leaves a column."""
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                f"""
                UPDATE connections SET
                    status = coalesce($4, status),
                    credentials = coalesce($5, credentials),
                    connection_info = coalesce($6::jsonb, connection_info),
                    data_connection_errors = coalesce($7::jsonb, data_connection_errors),
                    updated_at = now()
                WHERE tenant_id = $1 AND company_id = $2 AND id = $3
                RETURNING {COLUMNS}
                """,
                tenant_id,
                company_id,
                connection_id,
                status,
                credentials,
                None if connection_info is None else msgspec.json.encode(dict(connection_info)).decode(),
                None if errors is None else msgspec.json.encode(errors).decode(),
            )
        return None if row is None else _decode_row(row)

    async def credentials(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID
    ) -> bytes | None:
        async with self._pool.acquire() as conn:
            token = await conn.fetchval(
                "SELECT credentials FROM connections WHERE tenant_id = $1 AND company_id = $2 AND id = $3",
                tenant_id,
                company_id,
                connection_id,
            )
        return None if token is None else bytes(token)

    async def delete(self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID) -> bool:
        async with self._pool.acquire() as conn:
            status = await conn.execute(
                "DELETE FROM connections WHERE tenant_id = $1 AND company_id = $2 AND id = $3",
                tenant_id,
                company_id,
                connection_id,
            )
        return bool(status == "DELETE 1")
