"""Sweeps every worker runs now and then: reclaim expired leases, time out overdue operations,
forget old idempotency keys.

Why any worker may run them at any time: each sweep is one statement that locks the rows it changes
with ``FOR UPDATE SKIP LOCKED`` and re-checks their state, so two workers sweeping at once split the
rows between them instead of doing anything twice. ``as_of`` replaces the database clock for tests
that need "later" without waiting.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import structlog

from gateway.jobs.rows import Db

log = structlog.get_logger(__name__)

_RECLAIM = """
WITH expired AS (
    SELECT id FROM operations
    WHERE status = 'Running' AND lease_expires_at < coalesce($2::timestamptz, now())
    ORDER BY lease_expires_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED
), decided AS (
    SELECT o.id, o.attempts < o.max_attempts AS again
    FROM operations AS o JOIN expired USING (id)
)
UPDATE operations AS o
SET status = CASE WHEN d.again THEN 'Pending' ELSE 'Failed' END,
    completed_at = CASE WHEN d.again THEN NULL ELSE now() END,
    error = CASE WHEN d.again THEN o.error ELSE jsonb_build_object(
        'type', 'LeaseExpired',
        'message', format('the worker running this operation stopped responding %s times', o.attempts)
    ) END,
    lease_owner = CASE WHEN d.again THEN NULL ELSE o.lease_owner END,
    lease_token = NULL, lease_expires_at = NULL, run_after = now()
FROM decided AS d
WHERE o.id = d.id
RETURNING o.id, o.status, o.lease_owner
"""

_TIME_OUT = """
WITH overdue AS (
    SELECT id FROM operations
    WHERE status IN ('Pending', 'Running') AND timeout_at <= coalesce($2::timestamptz, now())
    ORDER BY timeout_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED
)
UPDATE operations AS o
SET status = 'TimedOut', completed_at = now(), lease_token = NULL, lease_expires_at = NULL,
    error = jsonb_build_object(
        'type', 'TimedOut',
        'message', format('not finished within %s minutes', o.timeout_in_minutes)
    )
FROM overdue
WHERE o.id = overdue.id
RETURNING o.id
"""

_EXPIRE_KEYS = """
UPDATE operations SET idempotency_key = NULL
WHERE idempotency_key IS NOT NULL AND requested_at < coalesce($2::timestamptz, now()) - $1::interval
"""


async def reclaim_expired(db: Db, *, limit: int = 100, as_of: datetime | None = None) -> list[uuid.UUID]:
    """Put operations whose lease expired (their worker died or hung) back to Pending.

    An operation that has already used all its attempts this way becomes Failed instead, so a payload
    that kills every worker that touches it cannot loop forever. Returns the ids it changed.
    """
    rows = await db.fetch(_RECLAIM, limit, as_of)
    for row in rows:
        log.warning(
            "operation.lease_expired",
            operation_id=str(row["id"]),
            status=row["status"],
            lost_by=row["lease_owner"],
        )
    return [row["id"] for row in rows]


async def time_out_overdue(db: Db, *, limit: int = 500, as_of: datetime | None = None) -> list[uuid.UUID]:
    """Mark pending or running operations past their ``timeout_at`` as TimedOut.

    A worker still running one loses its lease with it: its next heartbeat fails and it stops. Like
    Codat, this only changes the status; a write that already reached Intacct stays there.
    """
    rows = await db.fetch(_TIME_OUT, limit, as_of)
    for row in rows:
        log.info("operation.timed_out", operation_id=str(row["id"]))
    return [row["id"] for row in rows]


async def expire_idempotency_keys(
    db: Db, *, older_than: timedelta = timedelta(minutes=90), as_of: datetime | None = None
) -> int:
    """Forget idempotency keys of operations requested before ``older_than`` ago (Codat: 90 minutes),
    so the unique index lets a client reuse the key afterwards. Returns how many keys were cleared.
    """
    status = await db.execute(_EXPIRE_KEYS, older_than, as_of)
    return int(status.rsplit(" ", 1)[-1])
