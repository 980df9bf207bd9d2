"""Per-company Intacct limits: calls per minute, concurrent requests, functions per request.

Intacct enforces its limits per company, whatever process the call comes from, so the state lives
behind a small ``LimitStore`` Protocol: the library ships ``InMemoryLimitStore`` (one process), the
gateway backs it with PostgreSQL so every worker shares it. The ``Limiter`` waits (``asyncio.sleep``)
rather than exceed a limit and reports every wait to a metrics hook.

Semantics a store must keep:

* ``try_acquire_slot(key, limit, lease_seconds)`` — grant one of ``limit`` concurrency slots and return
  its lease id, or ``None`` when all are taken. A lease not released within ``lease_seconds`` (a crashed
  worker) expires and frees its slot.
* ``release_slot(key, lease_id)`` — free the slot (unknown or expired leases are ignored).
* ``take_token(key, per_minute)`` — record one call and return ``0.0`` when fewer than ``per_minute``
  calls were recorded in the last 60 seconds; otherwise record nothing and return the seconds until the
  oldest of them leaves the window. No 60-second window ever holds more than ``per_minute`` calls.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Protocol, runtime_checkable

import msgspec
import structlog

log = structlog.get_logger(__name__)

WINDOW_SECONDS = 60.0


class LimitSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Connection settings, defaulting to Intacct's published limits."""

    calls_per_minute: int = msgspec.field(default=300)
    max_concurrent: int = msgspec.field(default=5)
    functions_per_request: int = msgspec.field(default=100)
    #: A slot held longer than this is considered abandoned (must exceed the HTTP read timeout).
    lease_seconds: float = 360.0

    def __post_init__(self) -> None:
        if self.calls_per_minute < 1 or self.max_concurrent < 1 or self.functions_per_request < 1:
            raise ValueError("Intacct limits must be at least 1")
        if self.lease_seconds <= 0:
            raise ValueError("lease_seconds must be positive")


@runtime_checkable
class LimitStore(Protocol):
    """Shared limit state (see the module docstring for the contract)."""

    async def try_acquire_slot(self, key: str, limit: int, lease_seconds: float) -> str | None: ...

    async def release_slot(self, key: str, lease_id: str) -> None: ...

    async def take_token(self, key: str, per_minute: int) -> float: ...


class InMemoryLimitStore:
    """``LimitStore`` for one process. ``clock`` is injectable (monotonic seconds) for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._leases: dict[str, dict[str, float]] = {}
        self._calls: dict[str, deque[float]] = {}

    async def try_acquire_slot(self, key: str, limit: int, lease_seconds: float) -> str | None:
        now = self._clock()
        leases = self._leases.setdefault(key, {})
        for lease_id, expires in list(leases.items()):
            if expires <= now:
                del leases[lease_id]
        if len(leases) >= limit:
            return None
        lease_id = uuid.uuid4().hex
        leases[lease_id] = now + lease_seconds
        return lease_id

    async def release_slot(self, key: str, lease_id: str) -> None:
        self._leases.get(key, {}).pop(lease_id, None)

    async def take_token(self, key: str, per_minute: int) -> float:
        now = self._clock()
        calls = self._calls.setdefault(key, deque())
        while calls and calls[0] <= now - WINDOW_SECONDS:
            calls.popleft()
        if len(calls) < per_minute:
            calls.append(now)
            return 0.0
        # The call that frees a token is the ``len - per_minute``-th oldest (0 when exactly full).
        return max(calls[len(calls) - per_minute] + WINDOW_SECONDS - now, 1e-3)

    def in_use(self, key: str) -> int:
        """Slots currently held (expired leases excluded) — for tests and metrics."""
        now = self._clock()
        return sum(1 for expires in self._leases.get(key, {}).values() if expires > now)


class LimitMetrics(Protocol):
    """Metrics hook: told how long a request waited for a limit (``kind`` = ``concurrency``/``rate``)."""

    def limit_wait(self, key: str, kind: str, seconds: float) -> None: ...


class WaitRecorder:
    """A ``LimitMetrics`` that keeps totals in memory (library default; handy in tests)."""

    def __init__(self) -> None:
        self.total: dict[str, float] = {"concurrency": 0.0, "rate": 0.0}
        self.waits: int = 0

    def limit_wait(self, key: str, kind: str, seconds: float) -> None:
        self.total[kind] = self.total.get(kind, 0.0) + seconds
        self.waits += 1


class Limiter:
    """Waits for a concurrency slot, then for a rate token, around each HTTP attempt.

    ``poll_interval`` bounds how often a full concurrency limit is re-checked (a store shared across
    processes cannot wake us up); it grows to ``max_poll_interval`` while the wait lasts.
    """

    def __init__(
        self,
        store: LimitStore,
        settings: LimitSettings,
        *,
        metrics: LimitMetrics | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        poll_interval: float = 0.05,
        max_poll_interval: float = 1.0,
    ) -> None:
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self._sleep = sleep
        self._clock = clock
        self._poll = poll_interval
        self._max_poll = max_poll_interval

    def _record(self, key: str, kind: str, started: float) -> None:
        waited = self._clock() - started
        if waited > 0:
            log.debug("intacct.limit_wait", key=key, kind=kind, seconds=round(waited, 3))
            if self.metrics is not None:
                self.metrics.limit_wait(key, kind, waited)

    async def _acquire(self, key: str) -> str:
        started = self._clock()
        interval = self._poll
        while True:
            lease = await self.store.try_acquire_slot(
                key, self.settings.max_concurrent, self.settings.lease_seconds
            )
            if lease is not None:
                self._record(key, "concurrency", started)
                return lease
            await self._sleep(interval)
            interval = min(interval * 2, self._max_poll)

    async def _token(self, key: str) -> None:
        started = self._clock()
        while True:
            wait = await self.store.take_token(key, self.settings.calls_per_minute)
            if wait <= 0:
                self._record(key, "rate", started)
                return
            await self._sleep(wait)

    @asynccontextmanager
    async def slot(self, key: str) -> AsyncIterator[None]:
        """Hold one concurrency slot and one rate token of company ``key`` for the block."""
        lease = await self._acquire(key)
        try:
            await self._token(key)
            yield
        finally:
            await asyncio.shield(self.store.release_slot(key, lease))


_default_store: InMemoryLimitStore | None = None


def default_limit_store() -> InMemoryLimitStore:
    """The process-wide in-memory store used when a client is given none."""
    global _default_store
    if _default_store is None:
        _default_store = InMemoryLimitStore()
    return _default_store
