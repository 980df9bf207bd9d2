"""PostgreSQL-backed ``LimitStore``: Intacct's per-company limits shared by every gateway process.

Why the database: Intacct counts calls and concurrent requests per company, whichever worker makes
them, and PostgreSQL is the only component all workers share. Each operation is one call of a SQL
function from migration 0003 (``intacct_try_acquire_slot``, ``intacct_take_token``) that serialises on
a per-key advisory lock inside its own statement, so there is one round trip per check and no lock is
held between calls. Slots carry an expiry: a worker killed while holding one frees it when the lease
runs out. The contract (semantics and the in-memory twin) is ``connectors.intacct.limits``.
"""

from __future__ import annotations

import structlog

from gateway.jobs.rows import Db

log = structlog.get_logger(__name__)

_PRUNE = """
WITH slots AS (
    DELETE FROM intacct_limit_slots WHERE expires_at <= clock_timestamp() RETURNING 1
), calls AS (
    DELETE FROM intacct_limit_calls WHERE called_at <= clock_timestamp() - interval '60 seconds' RETURNING 1
)
SELECT (SELECT count(*) FROM slots) + (SELECT count(*) FROM calls)
"""


class PostgresLimitStore:
    """Implements ``connectors.intacct.limits.LimitStore`` on the gateway's pool."""

    def __init__(self, db: Db) -> None:
        self._db = db

    async def try_acquire_slot(self, key: str, limit: int, lease_seconds: float) -> str | None:
        """One of ``limit`` concurrency slots of ``key`` for at most ``lease_seconds``, or None if full."""
        if limit < 1 or lease_seconds <= 0:
            raise ValueError("limit and lease_seconds must be positive")
        slot: str | None = await self._db.fetchval(
            "SELECT intacct_try_acquire_slot($1, $2, $3)", key, limit, float(lease_seconds)
        )
        return slot

    async def release_slot(self, key: str, lease_id: str) -> None:
        """Free a slot; an unknown or already expired one is ignored."""
        await self._db.execute(
            "DELETE FROM intacct_limit_slots WHERE limit_key = $1 AND slot_id = $2", key, lease_id
        )

    async def take_token(self, key: str, per_minute: int) -> float:
        """0.0 and the call recorded, or the seconds until the 60-second window has room (nothing
        recorded)."""
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        wait = await self._db.fetchval("SELECT intacct_take_token($1, $2)", key, per_minute)
        return float(wait)

    async def in_use(self, key: str) -> int:
        """Slots of ``key`` held right now (for tests and metrics)."""
        held = await self._db.fetchval(
            "SELECT count(*) FROM intacct_limit_slots"
            " WHERE limit_key = $1 AND expires_at > clock_timestamp()",
            key,
        )
        return int(held)


async def prune_limit_state(db: Db) -> int:
    """Delete expired slots and calls older than the window for every key (keys that went quiet keep
    their rows otherwise). Workers run it with their other sweeps; returns the rows removed."""
    removed = await db.fetchval(_PRUNE)
    return int(removed)
