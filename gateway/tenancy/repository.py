"""Tenants and API keys in PostgreSQL.

API keys are ``gwk_`` + 43 url-safe characters (256 random bits). Only their SHA-256 is stored: with
that much entropy a fast hash cannot be brute-forced, and a lookup stays one unique-index probe.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from gateway.tenancy.schemas import Access, NewTenant, TenantContext

KEY_PREFIX = "gwk_"
# The key's tenant and its ownership of the request's company/connection in one round trip: the guard
# runs before every API request, and a statement per question was a third of a small read's time.
_ACCESS = """
SELECT k.id AS key_id, t.id AS tenant_id, t.name,
       ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM companies c WHERE c.tenant_id = t.id AND c.id = $2))
           AS owns_company,
       ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM connections n
                                    WHERE n.tenant_id = t.id AND n.company_id = $2 AND n.id = $3))
           AS owns_connection
FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
WHERE k.key_hash = $1 AND k.revoked_at IS NULL
"""


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

    async def access(
        self, api_key: str, company_id: uuid.UUID | None, connection_id: uuid.UUID | None
    ) -> Access | None:
        """What an active ``api_key`` may reach (None for an unknown or revoked key): its tenant, and
        whether that tenant has ``company_id`` and ``connection_id`` of that company (each True when
        not asked about). Nothing is cached: a revoked key fails on its next request, in every process.
        """
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(_ACCESS, hash_key(api_key), company_id, connection_id)
        if row is None:
            return None
        tenant = TenantContext(tenant_id=row["tenant_id"], tenant_name=row["name"], api_key_id=row["key_id"])
        return Access(tenant=tenant, owns_company=row["owns_company"], owns_connection=row["owns_connection"])
