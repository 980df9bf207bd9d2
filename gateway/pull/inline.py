"""Run one queued operation here and now, under a lease, as a worker would (``gateway pull``).

Why not a ``Worker``: a worker takes whatever is due; the CLI (and tests) want *this* operation, with
its progress shown as it goes. The row is claimed by id with the same lease rules as ``queue.claim``,
heartbeated while the handler runs, and its outcome recorded exactly as ``Worker`` records it, so
other workers and the sweeps see nothing unusual.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from gateway.jobs import queue
from gateway.jobs.models import Lease, Operation, OperationStatus
from gateway.jobs.rows import Db, returning, to_operation
from gateway.jobs.worker import Handler, OperationFailed

_CLAIM_ONE = f"""
UPDATE operations AS o
SET status = 'Running', attempts = o.attempts + 1, lease_owner = $2, lease_token = gen_random_uuid(),
    lease_expires_at = now() + make_interval(secs => $3), heartbeat_at = now(),
    started_at = coalesce(o.started_at, now())
WHERE o.id = $1 AND o.status = 'Pending' AND (o.timeout_at IS NULL OR o.timeout_at > now())
RETURNING {returning("o")}, o.lease_token
"""


async def claim_one(
    db: Db, operation_id: uuid.UUID, owner: str, lease_seconds: float
) -> tuple[Operation, Lease] | None:
    """Claim a pending operation by id; None when it is not pending (running elsewhere, finished)."""
    row = await db.fetchrow(_CLAIM_ONE, operation_id, owner, float(lease_seconds))
    if row is None:
        return None
    operation = to_operation(row)
    assert operation.lease_expires_at is not None
    lease = Lease(
        operation_id=operation.id,
        owner=owner,
        token=row["lease_token"],
        attempt=operation.attempts,
        expires_at=operation.lease_expires_at,
    )
    return operation, lease


async def _keep_alive(db: Db, lease: Lease, lease_seconds: float) -> None:
    while True:
        await asyncio.sleep(lease_seconds / 3)
        if not await queue.heartbeat(db, lease, lease_seconds):
            return


async def run_operation(
    db: Db, handler: Handler, operation_id: uuid.UUID, *, lease_seconds: float = 60.0
) -> Operation | None:
    """Claim ``operation_id``, run ``handler`` on it, record the outcome; returns the final row.

    None when the operation was not pending. A retryable failure puts it back to Pending after the
    exception's ``retry_after`` (or at once) for any worker to pick up, as ``Worker`` would.
    """
    owner = f"{socket.gethostname()}:{os.getpid()}:inline"
    claimed = await claim_one(db, operation_id, owner, lease_seconds)
    if claimed is None:
        return None
    operation, lease = claimed
    keeper = asyncio.create_task(_keep_alive(db, lease, lease_seconds))
    try:
        result: Mapping[str, Any] | None = await handler(operation)
    except asyncio.CancelledError:  # interrupted (Ctrl-C): give it back for a worker to run
        with contextlib.suppress(Exception):
            await queue.release(db, lease)
        raise
    except OperationFailed as exc:
        return await queue.complete(db, lease, exc.result, status=OperationStatus.FAILED, error=exc.error)
    except Exception as exc:
        error = {"type": type(exc).__name__, "message": str(exc)}
        retry = None
        if getattr(exc, "retryable", False):
            retry = timedelta(seconds=float(getattr(exc, "retry_after", None) or 0))
        return await queue.fail(db, lease, error, retry_at=retry)
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
    return await queue.complete(db, lease, result)
