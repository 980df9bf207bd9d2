"""The ``SharedCache`` connectors get from the gateway: rows of ``connector_cache``, one connection each.

Why PostgreSQL: it is the one component every gateway process shares (API, push and pull workers), and
what a connector caches there — Intacct company facts — would otherwise be fetched by each process
separately, every fetch a request against the company's call budget. The cache is an optimisation, so
it never fails a caller: an unreachable database reads as a miss and a write that cannot be made is
skipped (logged). Expired rows are ignored on read and deleted by the workers' maintenance sweep.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import asyncpg
import structlog

if TYPE_CHECKING:
    from gateway.jobs.rows import Db

log = structlog.get_logger(__name__)

_GET = """
SELECT value FROM connector_cache
WHERE tenant_id = $1 AND connection_id = $2 AND cache_key = $3 AND expires_at > clock_timestamp()
"""
_PUT = """
INSERT INTO connector_cache (tenant_id, connection_id, cache_key, value, expires_at)
SELECT $1, $2, $3, $4, clock_timestamp() + make_interval(secs => $5)
WHERE EXISTS (SELECT 1 FROM connections WHERE tenant_id = $1 AND id = $2)
ON CONFLICT (tenant_id, connection_id, cache_key)
DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
"""
_PRUNE = "DELETE FROM connector_cache WHERE expires_at <= clock_timestamp()"
_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


class ConnectionCache:
    """``connectors.base.SharedCache`` for one connection of one tenant."""

    def __init__(self, db: Db, tenant_id: uuid.UUID, connection_id: uuid.UUID) -> None:
        self._db = db
        self._scope = (tenant_id, connection_id)

    async def get(self, key: str) -> bytes | None:
        try:
            value: bytes | None = await self._db.fetchval(_GET, *self._scope, key)
        except _ERRORS as exc:
            log.warning("connector_cache.read_failed", error=type(exc).__name__)
            return None
        return value

    async def put(self, key: str, value: bytes, ttl_seconds: float) -> None:
        if ttl_seconds <= 0:
            return
        try:
            await self._db.execute(_PUT, *self._scope, key, value, float(ttl_seconds))
        except _ERRORS as exc:
            log.warning("connector_cache.write_failed", error=type(exc).__name__)


async def prune_connector_cache(db: Db) -> int:
    """Delete expired entries (run with the workers' other sweeps); returns how many."""
    status: str = await db.execute(_PRUNE)
    return int(status.rsplit(" ", 1)[-1])
