"""Value types of the operations queue: what is enqueued, what a worker claims, and its lease.

Why Structs and not asyncpg records: the queue is used by the push and pull features and by the
worker, and they should not depend on column spelling. ``Operation`` is a frozen snapshot of one row;
the authority is always the database row, guarded by the ``Lease`` a worker holds.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec


class OperationStatus(enum.StrEnum):
    """Codat's push-operation status values; pulls use the same lifecycle in the store."""

    PENDING = "Pending"
    RUNNING = "Running"
    SUCCESS = "Success"
    FAILED = "Failed"
    TIMED_OUT = "TimedOut"

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset({OperationStatus.SUCCESS, OperationStatus.FAILED, OperationStatus.TIMED_OUT})

PUSH = "push"
PULL = "pull"


class NewOperation(msgspec.Struct, kw_only=True, frozen=True):
    """What a feature asks the queue to run.

    ``id`` may be given by the caller (the push feature returns it as ``pushOperationKey`` before the
    row is visible to anyone); otherwise the queue makes one. ``idempotency_key`` makes ``enqueue``
    return the existing operation instead of a second one. ``timeout_in_minutes`` is Codat's query
    parameter: an operation not finished by then becomes ``TimedOut``.
    """

    tenant_id: UUID
    kind: str
    company_id: UUID | None = None
    connection_id: UUID | None = None
    data_type: str | None = None
    payload: Mapping[str, Any] = msgspec.field(default_factory=dict)
    id: UUID | None = None
    idempotency_key: str | None = None
    body_hash: str | None = None
    timeout_in_minutes: int | None = None
    max_attempts: int = 5
    delay_seconds: float = 0.0
    schedule_id: UUID | None = None


class Operation(msgspec.Struct, kw_only=True, frozen=True):
    """One row of ``operations`` as read at some instant."""

    id: UUID
    tenant_id: UUID
    company_id: UUID | None
    connection_id: UUID | None
    kind: str
    data_type: str | None
    status: OperationStatus
    payload: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    idempotency_key: str | None
    body_hash: str | None
    attempts: int
    max_attempts: int
    lease_owner: str | None
    lease_expires_at: datetime | None
    heartbeat_at: datetime | None
    run_after: datetime
    timeout_in_minutes: int | None
    timeout_at: datetime | None
    schedule_id: UUID | None
    requested_at: datetime
    started_at: datetime | None
    completed_at: datetime | None


class Lease(msgspec.Struct, kw_only=True, frozen=True):
    """Proof that one worker holds one operation; every guarded write checks ``token``.

    ``attempt`` is the operation's attempt number for this claim (1 for the first run). A push uses
    the operation id, not the attempt, for its Intacct controlid, so every attempt sends the same one.
    """

    operation_id: UUID
    owner: str
    token: UUID
    attempt: int
    expires_at: datetime


class Claimed(msgspec.Struct, kw_only=True, frozen=True):
    """An operation together with the lease under which the claimer may run it."""

    operation: Operation
    lease: Lease


class EnqueueResult(msgspec.Struct, kw_only=True, frozen=True):
    """``created`` is False when an operation with the same idempotency key already existed."""

    operation: Operation
    created: bool


class ActiveOperationExists(Exception):
    """A pull for this company and data type is already pending or running (Codat's
    ``DatasetAlreadyInProgressException``). ``operation`` is the one in flight, when it could be read.
    """

    def __init__(self, message: str, operation: Operation | None) -> None:
        super().__init__(message)
        self.operation = operation
