"""Scheduled syncs: one row per company and data type, fired by any worker into a pull operation.

Why it cannot overlap: firing is one statement. It locks the due schedule rows with ``FOR UPDATE SKIP
LOCKED`` (a second worker firing at the same moment skips them, and sees the advanced ``next_run_at``
afterwards), and inserts the pull with ``ON CONFLICT ... DO NOTHING`` against the partial unique index
that allows one pending or running pull per company and data type. A schedule whose previous pull is
still in flight just moves on to its next slot. Missed slots (all workers down) are not replayed: the
schedule fires once and jumps to the next slot after now, keeping its original cadence.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

import msgspec
import structlog

from gateway.jobs.rows import Db

log = structlog.get_logger(__name__)

DEFAULT_SCHEDULES: Mapping[str, timedelta] = {
    "suppliers": timedelta(hours=1),
    "accounts": timedelta(hours=1),
}
"""What a newly linked company gets unless the tenant changes it."""

_COLUMNS = (
    "id, tenant_id, company_id, connection_id, data_type, interval_seconds, next_run_at, enabled, "
    "last_fired_at, last_operation_id"
)


class Schedule(msgspec.Struct, kw_only=True, frozen=True):
    """A periodic pull of ``data_type`` for one company."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    company_id: uuid.UUID
    connection_id: uuid.UUID | None
    data_type: str
    interval_seconds: int
    next_run_at: datetime
    enabled: bool
    last_fired_at: datetime | None
    last_operation_id: uuid.UUID | None


class Fired(msgspec.Struct, kw_only=True, frozen=True):
    """One due schedule handled by :func:`fire_due_schedules`; ``operation_id`` is None when a pull
    for that company and data type was already pending or running."""

    schedule_id: uuid.UUID
    tenant_id: uuid.UUID
    company_id: uuid.UUID
    data_type: str
    operation_id: uuid.UUID | None
    next_run_at: datetime


_UPSERT = f"""
INSERT INTO sync_schedules (tenant_id, company_id, connection_id, data_type, interval_seconds, enabled,
                            next_run_at)
VALUES ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now()))
ON CONFLICT (tenant_id, company_id, data_type) DO {{action}}
RETURNING {_COLUMNS}
"""
_REPLACE = """UPDATE SET connection_id = EXCLUDED.connection_id, interval_seconds = EXCLUDED.interval_seconds,
    enabled = EXCLUDED.enabled, next_run_at = CASE WHEN $7::timestamptz IS NULL
        THEN sync_schedules.next_run_at ELSE EXCLUDED.next_run_at END"""

_FIRE = """
WITH clock AS (
    SELECT coalesce($2::timestamptz, now()) AS t
), due AS (
    SELECT s.id, s.tenant_id, s.company_id, s.connection_id, s.data_type, s.interval_seconds, s.next_run_at
    FROM sync_schedules AS s, clock
    WHERE s.enabled AND s.next_run_at <= clock.t
    ORDER BY s.next_run_at
    LIMIT $1
    FOR UPDATE OF s SKIP LOCKED
), ins AS (
    INSERT INTO operations (id, tenant_id, company_id, connection_id, kind, data_type, payload, schedule_id)
    SELECT gen_random_uuid(), tenant_id, company_id, connection_id, 'pull', data_type,
           jsonb_build_object('trigger', 'schedule'), id
    FROM due
    ON CONFLICT (tenant_id, company_id, data_type)
        WHERE kind = 'pull' AND status IN ('Pending', 'Running') DO NOTHING
    RETURNING id, schedule_id
), upd AS (
    UPDATE sync_schedules AS s
    SET next_run_at = due.next_run_at + make_interval(secs => (
            (floor(extract(epoch FROM (clock.t - due.next_run_at)) / due.interval_seconds) + 1)
            * due.interval_seconds)::float8),
        last_fired_at = clock.t,
        last_operation_id = coalesce(ins.id, s.last_operation_id)
    FROM clock, due LEFT JOIN ins ON ins.schedule_id = due.id
    WHERE s.id = due.id
    RETURNING s.id, s.next_run_at
), notified AS (
    SELECT pg_notify('gateway_operations', 'pull') FROM ins LIMIT 1
)
SELECT due.id AS schedule_id, due.tenant_id, due.company_id, due.data_type, ins.id AS operation_id,
       upd.next_run_at, (SELECT count(*) FROM notified) AS notified
FROM due JOIN upd ON upd.id = due.id LEFT JOIN ins ON ins.schedule_id = due.id
"""


async def upsert_schedule(
    db: Db,
    *,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    data_type: str,
    interval: timedelta,
    connection_id: uuid.UUID | None = None,
    enabled: bool = True,
    next_run_at: datetime | None = None,
) -> Schedule:
    """Create or replace the schedule of ``data_type`` for a company.

    ``next_run_at`` None keeps an existing schedule's next slot (or starts now for a new one).
    """
    row = await db.fetchrow(
        _UPSERT.format(action=_REPLACE),
        tenant_id,
        company_id,
        connection_id,
        data_type,
        _seconds(interval),
        enabled,
        next_run_at,
    )
    assert row is not None
    return msgspec.convert(dict(row.items()), Schedule)


async def ensure_default_schedules(
    db: Db,
    *,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    connection_id: uuid.UUID | None,
    defaults: Mapping[str, timedelta] = DEFAULT_SCHEDULES,
) -> list[Schedule]:
    """Add the default schedules a company lacks (call when a connection is linked); never changes
    a schedule the tenant already has. Returns the schedules it created."""
    created: list[Schedule] = []
    for data_type, interval in defaults.items():
        row = await db.fetchrow(
            _UPSERT.format(action="NOTHING"),
            tenant_id,
            company_id,
            connection_id,
            data_type,
            _seconds(interval),
            True,
            None,
        )
        if row is not None:
            created.append(msgspec.convert(dict(row.items()), Schedule))
    return created


async def list_schedules(db: Db, *, tenant_id: uuid.UUID, company_id: uuid.UUID) -> list[Schedule]:
    """The company's schedules, by data type."""
    rows = await db.fetch(
        f"SELECT {_COLUMNS} FROM sync_schedules WHERE tenant_id = $1 AND company_id = $2 ORDER BY data_type",
        tenant_id,
        company_id,
    )
    return [msgspec.convert(dict(row.items()), Schedule) for row in rows]


async def set_schedule_enabled(
    db: Db, *, tenant_id: uuid.UUID, company_id: uuid.UUID, data_type: str, enabled: bool
) -> bool:
    """Pause or resume one schedule; False when the company has none for ``data_type``."""
    status = await db.execute(
        "UPDATE sync_schedules SET enabled = $4 WHERE tenant_id = $1 AND company_id = $2 AND data_type = $3",
        tenant_id,
        company_id,
        data_type,
        enabled,
    )
    return status != "UPDATE 0"


async def fire_due_schedules(db: Db, *, limit: int = 100, as_of: datetime | None = None) -> list[Fired]:
    """Enqueue a pull for every due schedule (at most ``limit``) and advance each to its next slot."""
    rows = await db.fetch(_FIRE, limit, as_of)
    fired = [
        Fired(
            schedule_id=row["schedule_id"],
            tenant_id=row["tenant_id"],
            company_id=row["company_id"],
            data_type=row["data_type"],
            operation_id=row["operation_id"],
            next_run_at=row["next_run_at"],
        )
        for row in rows
    ]
    for item in fired:
        log.info(
            "schedule.fired",
            schedule_id=str(item.schedule_id),
            data_type=item.data_type,
            operation_id=None if item.operation_id is None else str(item.operation_id),
            skipped=item.operation_id is None,
        )
    return fired


def _seconds(interval: timedelta) -> int:
    seconds = int(interval.total_seconds())
    if seconds < 60:
        raise ValueError("a sync schedule runs at most once a minute")
    return seconds
