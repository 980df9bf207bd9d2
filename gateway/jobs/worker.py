"""The worker loop: claim operations, run their handlers under a heartbeated lease, record outcomes.

One ``Worker`` runs up to ``concurrency`` operations at once. ``gateway serve`` runs one in-process;
``gateway worker`` processes run as many as the deployment wants, all against the same database.

How a handler's outcome is recorded:

* it returns a mapping (or None)            -> Success with that result
* it raises :class:`OperationFailed`        -> Failed with the given result and error (a business
                                               outcome, e.g. Intacct refused the bill), no retry
* it raises :class:`RetryLater`, or any
  exception with ``retryable = True``       -> back to Pending after a delay (the exception's
  (``ConnectorTransientError`` and          ``retry_after`` or exponential backoff) while attempts
  ``ConnectorOutcomeUnknown``)                 remain, then Failed
* any other exception                       -> Failed, the exception logged

Shutdown (SIGTERM): :meth:`Worker.stop` stops claiming, lets running operations finish within a grace
period, and releases the ones still running after it, so another worker picks them up at once instead
of waiting for their leases to expire.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

import asyncpg
import structlog

from gateway.connections.shared_cache import prune_connector_cache
from gateway.jobs import queue, schedules, sweeps
from gateway.jobs.limit_store import prune_limit_state
from gateway.jobs.models import Claimed, Lease, Operation, OperationStatus

log = structlog.get_logger(__name__)

Handler = Callable[[Operation], Awaitable[Mapping[str, Any] | None]]
"""Runs one operation. ``operation.attempts`` is 1 on the first run; the id is stable across runs."""


class OperationFailed(Exception):
    """Raised by a handler to finish the operation as Failed with a result (no retry)."""

    def __init__(
        self, message: str, *, result: Mapping[str, Any] | None = None, error: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.result = result
        self.error = dict(error) if error is not None else {"type": "OperationFailed", "message": message}


class RetryLater(Exception):
    """Raised by a handler to try the operation again after ``retry_after`` seconds."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def default_worker_id() -> str:
    """host:pid:random — unique per Worker, readable in ``lease_owner``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Claims and runs operations of the kinds in ``handlers`` until :meth:`stop` is called.

    ``lease_seconds`` is how long a claim survives without a heartbeat (heartbeats come every third
    of it); ``poll_seconds`` bounds the wait for new work when no notification arrives;
    ``maintenance_seconds`` is how often this worker also reclaims expired leases, times out overdue
    operations, fires due schedules and prunes stale Intacct limit rows (every worker does; the
    sweeps are safe to run concurrently).
    """

    def __init__(
        self,
        pool: asyncpg.Pool[asyncpg.Record],
        handlers: Mapping[str, Handler],
        *,
        id: str | None = None,
        concurrency: int = 4,
        lease_seconds: float = 30.0,
        poll_seconds: float = 1.0,
        maintenance_seconds: float = 5.0,
        fire_schedules: bool = True,
        listen: bool = True,
        retry_base_seconds: float = 5.0,
        retry_max_seconds: float = 600.0,
    ) -> None:
        if concurrency < 1 or lease_seconds <= 0:
            raise ValueError("concurrency and lease_seconds must be positive")
        if not handlers:
            raise ValueError("a worker needs at least one handler")
        self.pool = pool
        self.handlers = dict(handlers)
        self.id = id or default_worker_id()
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.maintenance_seconds = maintenance_seconds
        self.fire_schedules = fire_schedules
        self.listen = listen
        self.retry_base_seconds = retry_base_seconds
        self.retry_max_seconds = retry_max_seconds
        self.completed = 0
        self._active: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._grace: float | None = None
        self._log = log.bind(worker_id=self.id)
        self._successes = _Successes(pool)

    @property
    def active(self) -> int:
        """How many operations this worker is running right now."""
        return len(self._active)

    def stop(self, grace: float | None = 20.0) -> None:
        """Stop claiming; running operations get ``grace`` seconds (None: no limit) to finish, then
        are released. Safe to call from a signal handler and more than once."""
        if self._stopping:
            if grace is not None and grace <= 0:
                for task in list(self._active.values()):
                    task.cancel()  # a second, impatient stop: release everything now
            return
        self._grace = grace
        self._stopping = True
        self._wake.set()

    def wake(self) -> None:
        """Look for work now (an in-process enqueue can call this)."""
        self._wake.set()

    async def run(self) -> None:
        """Work until stopped; returns once every operation it claimed is finished or released."""
        self._log.info("worker.started", kinds=sorted(self.handlers), concurrency=self.concurrency)
        listener = await self._listen() if self.listen else None
        next_maintenance = 0.0
        loop = asyncio.get_running_loop()
        try:
            while not self._stopping:
                self._wake.clear()
                if loop.time() >= next_maintenance:
                    await self._maintain()
                    next_maintenance = loop.time() + self.maintenance_seconds
                free = self.concurrency - len(self._active)
                claimed = await self._claim(free) if free > 0 else []
                for item in claimed:
                    self._start(item)
                if self._stopping:
                    break
                # Slots full: a finishing task wakes us. Queue drained: poll (or a notification).
                timeout = max(next_maintenance - loop.time(), 0.0)
                if not (claimed and len(claimed) == free):
                    timeout = min(self.poll_seconds, timeout)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
        finally:
            await self._drain()
            if listener is not None:
                await self._unlisten(listener)
            self._log.info("worker.stopped", completed=self.completed)

    async def _claim(self, free: int) -> list[Claimed]:
        try:
            return await queue.claim(self.pool, self.id, self.handlers, self.lease_seconds, limit=free)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            self._log.warning("worker.claim_failed", error=str(exc))
            return []

    async def _maintain(self) -> None:
        try:
            await sweeps.reclaim_expired(self.pool)
            await sweeps.time_out_overdue(self.pool)
            if self.fire_schedules:
                await schedules.fire_due_schedules(self.pool)
            await prune_limit_state(self.pool)
            await prune_connector_cache(self.pool)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            self._log.warning("worker.maintenance_failed", error=str(exc))

    def _start(self, item: Claimed) -> None:
        task = asyncio.create_task(self._execute(item), name=f"operation-{item.operation.id}")
        self._active[item.operation.id] = task

        def done(finished: asyncio.Task[None]) -> None:
            self._active.pop(item.operation.id, None)
            self._wake.set()
            error = None if finished.cancelled() else finished.exception()
            if error is not None:
                self._log.error("operation.worker_error", operation_id=str(item.operation.id), exc_info=error)

        task.add_done_callback(done)

    async def _execute(self, item: Claimed) -> None:
        operation, lease = item.operation, item.lease
        bound = self._log.bind(operation_id=str(operation.id), kind=operation.kind, attempt=lease.attempt)
        handler = self.handlers[operation.kind]
        work = asyncio.create_task(_call(handler, operation))
        lost = asyncio.Event()
        keeper = asyncio.create_task(self._keep_lease(lease, work, lost))
        try:
            result = await work
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if lost.is_set() and (current is None or current.cancelling() == 0):
                bound.warning("operation.abandoned", reason="lease lost")
                return
            with contextlib.suppress(Exception):
                released = await queue.release(self.pool, lease)
                bound.info("operation.released", released=released)
            raise
        except Exception as exc:
            await self._record(self._record_error(operation, lease, exc, bound), bound)
        else:
            await self._record(self._record_success(lease, result, bound), bound)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper

    async def _record(self, write: Awaitable[None], bound: Any) -> None:
        """Write an outcome; if the database is unreachable the lease expires and the operation is
        reclaimed and re-run (a push re-sends the same controlid, which Intacct refuses as a duplicate)."""
        try:
            await write
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            bound.error("operation.outcome_not_recorded", error=str(exc))

    async def _record_success(self, lease: Lease, result: Mapping[str, Any] | None, bound: Any) -> None:
        done = await self._successes.record(lease, result)
        if not done:
            bound.warning("operation.result_dropped", reason="lease lost before completion")
            return
        self.completed += 1
        bound.info("operation.succeeded")

    async def _record_error(self, operation: Operation, lease: Lease, exc: Exception, bound: Any) -> None:
        if isinstance(exc, OperationFailed):
            done = await queue.complete(
                self.pool, lease, exc.result, status=OperationStatus.FAILED, error=exc.error
            )
            bound.info("operation.failed", error=str(exc), recorded=done is not None)
            return
        error = {"type": type(exc).__name__, "message": str(exc)}
        if getattr(exc, "retryable", False):
            delay = getattr(exc, "retry_after", None)
            if delay is None:
                delay = self._backoff(lease.attempt)
            after = await queue.fail(self.pool, lease, error, retry_at=timedelta(seconds=float(delay)))
            status = None if after is None else after.status
            bound.warning("operation.retry", error=str(exc), delay=delay, status=status)
            return
        bound.error("operation.crashed", exc_info=exc)
        await queue.fail(self.pool, lease, error)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter, capped."""
        ceiling = min(self.retry_max_seconds, self.retry_base_seconds * 2 ** max(attempt - 1, 0))
        return random.uniform(ceiling / 2, ceiling)

    async def _keep_lease(self, lease: Lease, work: asyncio.Task[Any], lost: asyncio.Event) -> None:
        """Heartbeat until the work ends; if the lease is gone, stop the work (someone else owns it)."""
        interval = self.lease_seconds / 3
        while not work.done():
            await asyncio.sleep(interval)
            try:
                alive = await queue.heartbeat(self.pool, lease, self.lease_seconds)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                self._log.warning(
                    "operation.heartbeat_failed", operation_id=str(lease.operation_id), error=str(exc)
                )
                continue
            if not alive and not work.done():
                lost.set()
                work.cancel()
                return

    async def _drain(self) -> None:
        """Give running operations the grace period, then cancel (and so release) the rest."""
        if not self._active:
            return
        tasks = list(self._active.values())
        self._log.info("worker.draining", running=len(tasks), grace=self._grace)
        _, pending = await asyncio.wait(tasks, timeout=self._grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _listen(self) -> asyncpg.pool.PoolConnectionProxy[asyncpg.Record] | None:
        """Hold one pooled connection that LISTENs for enqueue notifications (polling still runs)."""
        try:
            conn = await self.pool.acquire()
            await conn.add_listener(queue.NOTIFY_CHANNEL, self._notified)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            self._log.warning("worker.listen_failed", error=str(exc))
            return None
        return conn

    async def _unlisten(self, conn: asyncpg.pool.PoolConnectionProxy[asyncpg.Record]) -> None:
        with contextlib.suppress(Exception):
            await conn.remove_listener(queue.NOTIFY_CHANNEL, self._notified)
        with contextlib.suppress(Exception):
            await self.pool.release(conn)

    def _notified(self, *args: object) -> None:
        self._wake.set()


async def _call(handler: Handler, operation: Operation) -> Mapping[str, Any] | None:
    return await handler(operation)


class _Successes:
    """Writes the Success outcomes that arrive together in one statement.

    Why: a push batch finishes up to a hundred operations in the same moment, and one ``UPDATE`` per
    operation made recording outcomes a large share of a worker's time (and of PostgreSQL's). Whatever
    is recorded while a write is under way goes in the next one, so a lone outcome waits for nothing.
    """

    def __init__(self, db: Any) -> None:
        self._db = db
        self._waiting: list[tuple[Lease, Mapping[str, Any] | None, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, lease: Lease, result: Mapping[str, Any] | None) -> bool:
        """True when written; False when the lease no longer held (nothing written)."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        done.add_done_callback(_seen)
        self._waiting.append((lease, result, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return await asyncio.shield(done)

    async def _write(self) -> None:
        await asyncio.sleep(0)  # let the outcomes finishing in this same moment join
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                written = await queue.complete_many(self._db, [(lease, result) for lease, result, _ in batch])
            except BaseException as exc:
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            for lease, _, done in batch:
                if not done.done():
                    done.set_result(lease.operation_id in written)


def _seen(future: asyncio.Future[bool]) -> None:
    """Mark a write error as retrieved: a recorder cancelled while waiting never awaits it."""
    if not future.cancelled():
        future.exception()
