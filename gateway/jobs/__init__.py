"""Operations queue, workers, leases, schedules and the shared Intacct limit state.

Public surface (re-exported here; see each module for the why):

* ``queue``      enqueue / claim / heartbeat / complete(_many) / fail / release / get_operation
* ``sweeps``     reclaim_expired / time_out_overdue / expire_idempotency_keys
* ``worker``     Worker, Handler, OperationFailed, RetryLater
* ``runner``     install_signal_handlers / run_until_signalled / run_worker_process (``gateway worker``)
* ``schedules``  Schedule, fire_due_schedules, ensure_default_schedules (suppliers, accounts hourly)
* ``limit_store`` PostgresLimitStore (connectors.intacct.limits.LimitStore on PostgreSQL)
"""

from __future__ import annotations

from gateway.jobs.limit_store import PostgresLimitStore, prune_limit_state
from gateway.jobs.models import (
    PULL,
    PUSH,
    ActiveOperationExists,
    Claimed,
    EnqueueResult,
    Lease,
    NewOperation,
    Operation,
    OperationStatus,
)
from gateway.jobs.queue import (
    claim,
    complete,
    complete_many,
    enqueue,
    enqueue_new,
    fail,
    get_operation,
    heartbeat,
    release,
)
from gateway.jobs.runner import install_signal_handlers, run_until_signalled, run_worker_process
from gateway.jobs.schedules import (
    DEFAULT_SCHEDULES,
    Fired,
    Schedule,
    ensure_default_schedules,
    fire_due_schedules,
    list_schedules,
    set_schedule_enabled,
    upsert_schedule,
)
from gateway.jobs.sweeps import expire_idempotency_keys, reclaim_expired, time_out_overdue
from gateway.jobs.worker import Handler, OperationFailed, RetryLater, Worker

__all__ = [
    "DEFAULT_SCHEDULES",
    "PULL",
    "PUSH",
    "ActiveOperationExists",
    "Claimed",
    "EnqueueResult",
    "Fired",
    "Handler",
    "Lease",
    "NewOperation",
    "Operation",
    "OperationFailed",
    "OperationStatus",
    "PostgresLimitStore",
    "RetryLater",
    "Schedule",
    "Worker",
    "claim",
    "complete",
    "complete_many",
    "enqueue",
    "enqueue_new",
    "ensure_default_schedules",
    "expire_idempotency_keys",
    "fail",
    "fire_due_schedules",
    "get_operation",
    "heartbeat",
    "install_signal_handlers",
    "list_schedules",
    "prune_limit_state",
    "reclaim_expired",
    "release",
    "run_until_signalled",
    "run_worker_process",
    "set_schedule_enabled",
    "time_out_overdue",
    "upsert_schedule",
]
