"""The operations queue: enqueue, claim under a lease, and finish or give back what was claimed.

Guarantees, and where each one lives:

* No operation is lost: enqueue is one INSERT; a claimed row that its worker never finishes is put
  back by :func:`reclaim_expired` once its lease expires (see ``sweeps.py``).
* None runs twice at once: :func:`claim` takes rows with ``FOR UPDATE SKIP LOCKED`` and gives each
  claim a fresh ``lease_token``; every later write (heartbeat, complete, fail, release) is guarded by
  that token, so a worker whose lease was reclaimed or timed out can no longer touch the row and its
  heartbeat tells it to stop.
* A retry is recognisable upstream: the operation id never changes across attempts, and the push
  feature derives its Intacct ``controlid`` from it.

All timestamps come from the database clock (``now()``), never from the worker's, because workers run
on many machines.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import structlog

from gateway.jobs.models import (
    PULL,
    ActiveOperationExists,
    Claimed,
    EnqueueResult,
    Lease,
    NewOperation,
    Operation,
    OperationStatus,
)
from gateway.jobs.rows import Db, encode_json, returning, to_operation

log = structlog.get_logger(__name__)

NOTIFY_CHANNEL = "gateway_operations"
"""Channel on which enqueue announces new work, so idle workers need not wait for their next poll."""


def _insert(columns: str) -> str:
    """The enqueue statement, answering ``columns`` of the new row (alias ``o``) and notifying workers."""
    return f"""
WITH o AS (
    INSERT INTO operations (
        id, tenant_id, company_id, connection_id, kind, data_type, payload, idempotency_key,
        body_hash, max_attempts, run_after, timeout_in_minutes, timeout_at, schedule_id
    ) VALUES (
        $1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, now() + make_interval(secs => $11),
        $12, now() + make_interval(mins => $12), $13
    )
    ON CONFLICT DO NOTHING
    RETURNING *
)
SELECT {columns}, pg_notify('{NOTIFY_CHANNEL}', o.kind) AS notified FROM o
"""


_INSERT = _insert(returning("o"))

_CLAIM = f"""
WITH picked AS (
    SELECT id FROM operations
    WHERE status = 'Pending' AND run_after <= now()
      AND ($2::text[] IS NULL OR kind = ANY($2::text[]))
      AND (timeout_at IS NULL OR timeout_at > now())
    ORDER BY run_after, requested_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
)
UPDATE operations AS o
SET status = 'Running', attempts = o.attempts + 1, lease_owner = $1, lease_token = gen_random_uuid(),
    lease_expires_at = now() + make_interval(secs => $4), heartbeat_at = now(),
    started_at = coalesce(o.started_at, now())
FROM picked
WHERE o.id = picked.id
RETURNING {returning("o")}, o.lease_token
"""

_GUARD = "WHERE id = $1 AND lease_token = $2 AND status = 'Running'"

_HEARTBEAT = f"""
UPDATE operations SET lease_expires_at = now() + make_interval(secs => $3), heartbeat_at = now()
{_GUARD}
RETURNING lease_expires_at
"""

_COMPLETE = f"""
UPDATE operations
SET status = $3, result = $4::jsonb, error = $5::jsonb, completed_at = now(),
    lease_token = NULL, lease_expires_at = NULL
{_GUARD}
RETURNING {returning()}
"""

# The same for many leases at once: (id, token, result) triples, each guarded like _COMPLETE.
_COMPLETE_MANY = """
UPDATE operations AS o
SET status = 'Success', result = d.result::jsonb, error = NULL, completed_at = now(),
    lease_token = NULL, lease_expires_at = NULL
FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS d(id, token, result)
WHERE o.id = d.id AND o.lease_token = d.token AND o.status = 'Running'
RETURNING o.id
"""

# $4: retry wanted; $5: absolute retry time or NULL; $6: delay in seconds when $5 is NULL.
_RETRY = "($4::boolean AND attempts < max_attempts)"
_FAIL = f"""
UPDATE operations
SET status = CASE WHEN {_RETRY} THEN 'Pending' ELSE 'Failed' END,
    run_after = CASE WHEN {_RETRY}
                     THEN coalesce($5::timestamptz, now() + make_interval(secs => $6)) ELSE run_after END,
    completed_at = CASE WHEN {_RETRY} THEN NULL ELSE now() END,
    lease_owner = CASE WHEN {_RETRY} THEN NULL ELSE lease_owner END,
    error = $3::jsonb, lease_token = NULL, lease_expires_at = NULL
{_GUARD}
RETURNING {returning()}
"""

_RELEASE = f"""
UPDATE operations
SET status = 'Pending', attempts = greatest(attempts - 1, 0), run_after = now(),
    lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
{_GUARD}
RETURNING id
"""


def _insert_args(new: NewOperation, op_id: uuid.UUID) -> tuple[Any, ...]:
    if new.timeout_in_minutes is not None and new.timeout_in_minutes <= 0:
        raise ValueError("timeout_in_minutes must be positive")
    return (
        op_id,
        new.tenant_id,
        new.company_id,
        new.connection_id,
        new.kind,
        new.data_type,
        encode_json(new.payload),
        new.idempotency_key,
        new.body_hash,
        new.max_attempts,
        float(new.delay_seconds),
        new.timeout_in_minutes,
        new.schedule_id,
    )


async def enqueue_new(db: Db, new: NewOperation, columns: str) -> Any:
    """Insert an operation that cannot conflict (a fresh ``id``, no idempotency key, not a pull) and
    answer the caller's ``columns`` of it (SQL over alias ``o``), saving the caller a read of the row
    it just wrote. Returns the row, or None if the insert was refused after all."""
    if new.id is None or new.idempotency_key is not None or new.kind == PULL:
        raise ValueError("enqueue_new takes a fresh id and no idempotency key, and no pulls")
    row = await db.fetchrow(_insert(columns), *_insert_args(new, new.id))
    if row is not None:
        log.info("operation.enqueued", operation_id=str(new.id), kind=new.kind, data_type=new.data_type)
    return row


async def enqueue(db: Db, new: NewOperation) -> EnqueueResult:
    """Insert an operation, or return the existing one with the same idempotency key (or id).

    Raises :class:`ActiveOperationExists` for a pull while another pull of the same company and data
    type is pending or running: the partial unique index ``operations_one_active_pull_idx`` decides,
    so two gateways racing cannot both start one.
    """
    op_id = new.id or uuid.uuid4()
    args = _insert_args(new, op_id)
    # A conflicting row can vanish between our INSERT and our look-up (a pull finishing), so try again.
    for _ in range(5):
        row = await db.fetchrow(_INSERT, *args)
        if row is not None:
            operation = to_operation(row)
            log.info("operation.enqueued", operation_id=str(op_id), kind=new.kind, data_type=new.data_type)
            return EnqueueResult(operation=operation, created=True)
        existing = await _find_conflict(db, new, op_id)
        if isinstance(existing, EnqueueResult):
            return existing
    raise RuntimeError(f"could not enqueue operation {op_id}: conflicting row keeps changing")


async def _find_conflict(db: Db, new: NewOperation, op_id: uuid.UUID) -> EnqueueResult | None:
    """Which unique index refused the insert: same idempotency key, same id, or an active pull."""
    if new.idempotency_key is not None:
        row = await db.fetchrow(
            f"SELECT {returning()} FROM operations WHERE tenant_id = $1 AND idempotency_key = $2",
            new.tenant_id,
            new.idempotency_key,
        )
        if row is not None:
            return EnqueueResult(operation=to_operation(row), created=False)
    row = await db.fetchrow(f"SELECT {returning()} FROM operations WHERE id = $1", op_id)
    if row is not None:
        if row["tenant_id"] != new.tenant_id:
            raise ValueError(f"operation id {op_id} is already used")
        return EnqueueResult(operation=to_operation(row), created=False)
    if new.kind == PULL:
        row = await db.fetchrow(
            f"""SELECT {returning()} FROM operations
            WHERE tenant_id = $1 AND company_id IS NOT DISTINCT FROM $2 AND data_type IS NOT DISTINCT FROM $3
              AND kind = 'pull' AND status IN ('Pending', 'Running')""",
            new.tenant_id,
            new.company_id,
            new.data_type,
        )
        if row is not None:
            raise ActiveOperationExists(
                f"a pull of {new.data_type} is already in progress for this company", to_operation(row)
            )
    return None


async def claim(
    db: Db,
    worker_id: str,
    kinds: Iterable[str] | None,
    lease_seconds: float,
    *,
    limit: int = 1,
) -> list[Claimed]:
    """Take up to ``limit`` due operations of ``kinds`` (all kinds when None) for ``worker_id``.

    Rows another worker is claiming at the same moment are skipped, not waited for.
    """
    if lease_seconds <= 0 or limit <= 0:
        raise ValueError("lease_seconds and limit must be positive")
    kind_list = None if kinds is None else list(kinds)
    rows = await db.fetch(_CLAIM, worker_id, kind_list, limit, float(lease_seconds))
    claimed: list[Claimed] = []
    for row in rows:
        operation = to_operation(row)
        assert operation.lease_expires_at is not None
        lease = Lease(
            operation_id=operation.id,
            owner=worker_id,
            token=row["lease_token"],
            attempt=operation.attempts,
            expires_at=operation.lease_expires_at,
        )
        claimed.append(Claimed(operation=operation, lease=lease))
    return claimed


async def heartbeat(db: Db, lease: Lease, lease_seconds: float) -> bool:
    """Extend the lease; False means it is gone (reclaimed, timed out, finished) and work must stop."""
    expires = await db.fetchval(_HEARTBEAT, lease.operation_id, lease.token, float(lease_seconds))
    return expires is not None


async def complete(
    db: Db,
    lease: Lease,
    result: Mapping[str, Any] | None,
    *,
    status: OperationStatus = OperationStatus.SUCCESS,
    error: Mapping[str, Any] | None = None,
) -> Operation | None:
    """Finish the operation with ``status`` (Success, or Failed for an outcome the handler decided).

    Returns None when the lease no longer holds, in which case nothing was written.
    """
    if status not in (OperationStatus.SUCCESS, OperationStatus.FAILED):
        raise ValueError(f"complete() finishes with Success or Failed, not {status}")
    row = await db.fetchrow(
        _COMPLETE, lease.operation_id, lease.token, status.value, encode_json(result), encode_json(error)
    )
    return None if row is None else to_operation(row)


async def complete_many(db: Db, finished: Sequence[tuple[Lease, Mapping[str, Any] | None]]) -> set[uuid.UUID]:
    """Finish many operations as Success in one statement; the ids whose lease still held (the
    others were not written, as with :func:`complete`)."""
    if not finished:
        return set()
    rows = await db.fetch(
        _COMPLETE_MANY,
        [lease.operation_id for lease, _ in finished],
        [lease.token for lease, _ in finished],
        [encode_json(result) for _, result in finished],
    )
    return {row["id"] for row in rows}


async def fail(
    db: Db,
    lease: Lease,
    error: Mapping[str, Any] | str,
    retry_at: datetime | timedelta | None = None,
) -> Operation | None:
    """Record a failed attempt: back to Pending at ``retry_at`` (absolute, or a delay after the
    database's now) while attempts remain, otherwise Failed for good. None when the lease is lost.
    """
    detail = {"message": error} if isinstance(error, str) else dict(error)
    absolute = retry_at if isinstance(retry_at, datetime) else None
    delay = retry_at.total_seconds() if isinstance(retry_at, timedelta) else 0.0
    row = await db.fetchrow(
        _FAIL,
        lease.operation_id,
        lease.token,
        encode_json(detail),
        retry_at is not None,
        absolute,
        delay,
    )
    return None if row is None else to_operation(row)


async def release(db: Db, lease: Lease) -> bool:
    """Give a claimed operation back untouched (graceful shutdown); the attempt is not counted."""
    return await db.fetchval(_RELEASE, lease.operation_id, lease.token) is not None


async def get_operation(
    db: Db, operation_id: uuid.UUID, *, tenant_id: uuid.UUID | None = None
) -> Operation | None:
    """One operation by id, restricted to ``tenant_id`` when given (API reads always give it)."""
    row = await db.fetchrow(
        f"SELECT {returning()} FROM operations WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2)",
        operation_id,
        tenant_id,
    )
    return None if row is None else to_operation(row)
