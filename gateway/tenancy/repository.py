"""Tenants and API keys in PostgreSQL.

API keys are ``gwk_`` + 43 url-safe characters (256 random bits). Only their SHA-256 is stored: with
that much entropy a fast hash cannot be brute-forced, and a lookup stays one unique-index probe.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from gateway.tenancy.schemas import NewTenant, TenantContext

KEY_PREFIX = "gwk_"


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


class TenantExists(ValueError):
    """A tenant with this name already exists."""


class TenantRepository:
    def __init__(self, pool: Any) -> None:
        self._pool = pool

    async def create_tenant(self, name: str) -> tuple[uuid.UUID, str]:
        """Create tenant ``name`` with one API key; returns (tenant_id, api_key)."""
        created = await self.create(name)
        return created.tenant_id, created.api_key

    async def create(self, name: str) -> NewTenant:
        tenant_id = uuid.uuid4()
        async with self._pool.acquire() as conn, conn.transaction():
            inserted = await conn.fetchval(
                "INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id",
                tenant_id,
                name,
            )
            if inserted is None:
                raise TenantExists(f"a tenant named {name!r} already exists")
            api_key = await self._insert_key(conn, tenant_id, name="initial")
        return NewTenant(tenant_id=tenant_id, name=name, api_key=api_key)

    async def create_api_key(self, tenant_name: str, *, name: str | None = None) -> str:
        """Add a key to an existing tenant (rotation); raises LookupError for an unknown tenant."""
        async with self._pool.acquire() as conn:
            tenant_id = await conn.fetchval("SELECT id FROM tenants WHERE name = $1", tenant_name)
            if tenant_id is None:
                raise LookupError(f"no tenant named {tenant_name!r}")
            return await self._insert_key(conn, tenant_id, name=name)

    async def _insert_key(self, conn: Any, tenant_id: uuid.UUID, *, name: str | None) -> str:
        api_key = new_api_key()
        await conn.execute(
            "INSERT INTO api_keys (id, tenant_id, key_hash, key_prefix, name) VALUES ($1, $2, $3, $4, $5)",
            uuid.uuid4(),
            tenant_id,
            hash_key(api_key),
            api_key[:8],
            name,
        )
        return api_key

    async def revoke_api_key(self, api_key: str) -> bool:
        async with self._pool.acquire() as conn:
            status = await conn.execute(
                "UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1 AND revoked_at IS NULL",
                hash_key(api_key),
            )
        return bool(status.endswith(" 1"))

    async def authenticate(self, api_key: str) -> TenantContext | None:
        """The tenant owning an active ``api_key``, or None."""
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                """
                SELECT k.id AS key_id, t.id AS tenant_id, t.name
                FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
                WHERE k.key_hash = $1 AND k.revoked_at IS NULL
                """,
                hash_key(api_key),
            )
        if row is None:
            return None
        return TenantContext(tenant_id=row["tenant_id"], tenant_name=row["name"], api_key_id=row["key_id"])

    async def owns(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID | None
    ) -> bool:
        """Whether the tenant has this company (and, when given, this connection of that company)."""
        async with self._pool.acquire() as conn:
            if connection_id is None:
                found = await conn.fetchval(
                    "SELECT 1 FROM companies WHERE tenant_id = $1 AND id = $2", tenant_id, company_id
                )
            else:
                found = await conn.fetchval(
                    "SELECT 1 FROM connections WHERE tenant_id = $1 AND company_id = $2 AND id = $3",
                    tenant_id,
                    company_id,
                    connection_id,
                )
        return found is not None
