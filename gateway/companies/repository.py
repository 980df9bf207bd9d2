"""Companies in PostgreSQL; every statement is scoped by tenant_id."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import msgspec

from gateway.records import Compiler, Listing, Node, OrderBy, Params, in_order

COLUMNS = "id, tenant_id, name, description, tags, created_at, last_sync"
# What `query`/`orderBy` see: the company as the API shows it (dates compared on real columns).
_QUERYABLE = """
    SELECT id, created_at, last_sync, tags,
           jsonb_build_object('id', id::text, 'name', name, 'description', description, 'tags', tags) AS data
    FROM companies WHERE tenant_id = $1
"""
_COMPILER = Compiler(
    column="data", timestamp_columns={("created",): "created_at", ("lastSync",): "last_sync"}
)


_LISTING = Listing(_QUERYABLE, _COMPILER, "created_at ASC, id ASC")


def _decode(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["tags"] = msgspec.json.decode(row["tags"], type=dict[str, str])
    return out


def _json(value: Mapping[str, str]) -> str:
    return msgspec.json.encode(dict(value)).decode()


class CompanyRepository:
    def __init__(self, pool: Any) -> None:
        self._pool = pool

    async def insert(
        self, tenant_id: uuid.UUID, *, name: str, description: str | None, tags: Mapping[str, str]
    ) -> dict[str, Any]:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                f"INSERT INTO companies (id, tenant_id, name, description, tags) "
                f"VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING {COLUMNS}",
                uuid.uuid4(),
                tenant_id,
                name,
                description,
                _json(tags),
            )
        return _decode(row)

    async def get(self, tenant_id: uuid.UUID, company_id: uuid.UUID) -> dict[str, Any] | None:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                f"SELECT {COLUMNS} FROM companies WHERE tenant_id = $1 AND id = $2", tenant_id, company_id
            )
        return None if row is None else _decode(row)

    async def list_page(
        self,
        tenant_id: uuid.UUID,
        *,
        query: Node | None,
        order: OrderBy | None,
        tags: Mapping[str, str],
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        params = Params([tenant_id])
        filters = [f"tags @> {params.add(_json(tags))}::jsonb"] if tags else []
        async with self._pool.acquire() as conn:
            found, total = await _LISTING.page(conn, params, query, order, limit, offset, filters)
            ids = [r["id"] for r in found]
            rows = await conn.fetch(
                f"SELECT {COLUMNS} FROM companies WHERE tenant_id = $1 AND id = ANY($2::uuid[])",
                tenant_id,
                ids,
            )
        return in_order(ids, rows, _decode), total

    async def update(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, changes: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """Set the given columns (``name``, ``description``, ``tags``); an empty change reads the row."""
        casts = {"name": "text", "description": "text", "tags": "jsonb"}
        unknown = set(changes) - set(casts)
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        params = Params([tenant_id, company_id])
        sets = [
            f"{column} = {params.add(_json(value) if column == 'tags' else value)}::{casts[column]}"
            for column, value in changes.items()
        ] or ["name = name"]
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                f"UPDATE companies SET {', '.join(sets)} "
                f"WHERE tenant_id = $1 AND id = $2 RETURNING {COLUMNS}",
                *params.values,
            )
        return None if row is None else _decode(row)

    async def delete(self, tenant_id: uuid.UUID, company_id: uuid.UUID) -> bool:
        async with self._pool.acquire() as conn:
            status = await conn.execute(
                "DELETE FROM companies WHERE tenant_id = $1 AND id = $2", tenant_id, company_id
            )
        return bool(status == "DELETE 1")
