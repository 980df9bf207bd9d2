"""``connections.settings`` (migration 0004), scoped by tenant and company like every connection query."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from gateway.jobs.rows import Db


class ConnectionSettingsRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def get(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID
    ) -> dict[str, Any] | None:
        """The stored settings, or None when there is no such connection."""
        raw = await self._db.fetchval(
            "SELECT settings::text FROM connections WHERE tenant_id = $1 AND company_id = $2 AND id = $3",
            tenant_id,
            company_id,
            connection_id,
        )
        return None if raw is None else dict(msgspec.json.decode(raw))

    async def replace(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID, settings: dict[str, Any]
    ) -> dict[str, Any] | None:
        """Store ``settings`` whole; bumps ``updated_at`` so cached connectors are rebuilt with them."""
        raw = await self._db.fetchval(
            """UPDATE connections SET settings = $4::jsonb, updated_at = now()
            WHERE tenant_id = $1 AND company_id = $2 AND id = $3 RETURNING settings::text""",
            tenant_id,
            company_id,
            connection_id,
            msgspec.json.encode(settings).decode(),
        )
        return None if raw is None else dict(msgspec.json.decode(raw))
