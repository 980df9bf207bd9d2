"""Group the pushes a worker is running for one Intacct company into one ``connector.push`` call.

Why: Intacct counts calls per company (300 a minute) and takes up to 100 functions per request, so 50
bills sent as 50 requests cost 50 calls where one would do. The worker claims several operations at
once and runs each in its own task; each task hands its ``PushRequest`` to the batcher and waits. The
first request for a key opens a short window (``window`` seconds); everything that arrives for the
same key within it — or until ``max_size`` requests — goes out in one ``connector.push`` call, and
each waiting task gets its own outcome back.

A task that is cancelled while waiting (lease lost, shutdown) does not cancel the shared call: the
call runs in its own task, because the other operations in it still want their answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import structlog

from connectors.base import PushOutcome, PushRequest

log = structlog.get_logger(__name__)

K = TypeVar("K", bound=Hashable)
Send = Callable[[Any, Sequence[PushRequest]], Awaitable[Sequence[PushOutcome]]]


@dataclass(slots=True)
class _Batch:
    context: Any
    requests: list[PushRequest] = field(default_factory=list)
    waiters: list[asyncio.Future[PushOutcome]] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


class PushBatcher(Generic[K]):
    """``submit(key, context, request)`` -> that request's ``PushOutcome``.

    ``send(context, requests)`` does the actual call (the context of the first request of a batch is
    used: it names the connection). It must return one outcome per request, in order; an exception
    from it is raised in every task of the batch.
    """

    def __init__(self, send: Send, *, window: float = 0.05, max_size: int = 100) -> None:
        if max_size < 1 or window < 0:
            raise ValueError("max_size must be >= 1 and window >= 0")
        self._send = send
        self._window = window
        self._max_size = max_size
        self._open: dict[K, _Batch] = {}
        self._running: set[asyncio.Task[None]] = set()
        self.calls = 0

    async def submit(self, key: K, context: Any, request: PushRequest) -> PushOutcome:
        loop = asyncio.get_running_loop()
        batch = self._open.get(key)
        if batch is None:
            batch = _Batch(context=context)
            self._open[key] = batch
            batch.timer = loop.call_later(self._window, self._flush, key, batch)
        waiter: asyncio.Future[PushOutcome] = loop.create_future()
        waiter.add_done_callback(_retrieve)
        batch.requests.append(request)
        batch.waiters.append(waiter)
        if len(batch.requests) >= self._max_size:
            self._flush(key, batch)
        return await asyncio.shield(waiter)

    def _flush(self, key: K, batch: _Batch) -> None:
        if self._open.get(key) is batch:
            del self._open[key]
        if batch.timer is not None:
            batch.timer.cancel()
            batch.timer = None
        task = asyncio.get_running_loop().create_task(self._run(batch))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, batch: _Batch) -> None:
        self.calls += 1
        try:
            outcomes = list(await self._send(batch.context, batch.requests))
            if len(outcomes) != len(batch.requests):
                raise RuntimeError(
                    f"connector returned {len(outcomes)} outcomes for {len(batch.requests)} requests"
                )
        except BaseException as exc:  # every waiter learns what went wrong
            for waiter in batch.waiters:
                if not waiter.done():
                    waiter.set_exception(exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        by_key = {outcome.operation_key: outcome for outcome in outcomes}
        for request, waiter, outcome in zip(batch.requests, batch.waiters, outcomes, strict=True):
            if waiter.done():
                continue
            waiter.set_result(by_key.get(request.operation_key, outcome))

    async def aclose(self) -> None:
        """Wait for calls already under way (nothing new is accepted by a closing worker anyway)."""
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)


def _retrieve(future: asyncio.Future[PushOutcome]) -> None:
    """Mark an exception as seen: a waiter whose task was cancelled (lease lost) never awaits it, and
    its error is already reported to the tasks that do."""
    if not future.cancelled():
        future.exception()
