"""Group the pushes a worker is running for one Intacct company into one ``connector.push`` call.

Why: Intacct counts calls per company (300 a minute) and takes up to 100 functions per request, so 50
bills sent as 50 requests cost 50 calls where one would do. The worker claims several operations at
once and runs each in its own task; each task hands its ``PushRequest`` to the batcher and waits.

How a batch forms (group commit, as databases do with their log writes):

* the first request for a key opens a batch and a short window (``window`` seconds); a batch goes out
  when its window has passed or it holds ``max_size`` requests, whichever comes first;
* a due batch that is not full waits while a call for its key is running, and keeps taking requests
  meanwhile: under a burst each call carries what arrived during the previous one, while a lone push
  still waits only ``window``. A full batch goes at once, up to ``max_in_flight`` calls per key, so a
  worker with plenty of work sends the next request while the previous one is being answered.

Each waiting task gets its own outcome back. A task that is cancelled while waiting (lease lost,
shutdown) does not cancel the shared call: the call runs in its own task, because the other operations
in it still want their answers.
"""

from __future__ import annotations

import asyncio
from collections import deque
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
    #: The window has passed (or the batch is full): it goes as soon as the key has a free call.
    due: bool = False


@dataclass(slots=True)
class _Lane:
    """The batches of one key: waiting ones oldest first (the last takes new requests) and calls running."""

    waiting: deque[_Batch] = field(default_factory=deque)
    running: int = 0


class PushBatcher(Generic[K]):
    """``submit(key, context, request)`` -> that request's ``PushOutcome``.

    ``send(context, requests)`` does the actual call (the context of the first request of a batch is
    used: it names the connection). It must return one outcome per request, in order; an exception
    from it is raised in every task of the batch.
    """

    def __init__(
        self, send: Send, *, window: float = 0.05, max_size: int = 100, max_in_flight: int = 2
    ) -> None:
        if max_size < 1 or window < 0 or max_in_flight < 1:
            raise ValueError("max_size and max_in_flight must be >= 1 and window >= 0")
        self._send = send
        self._window = window
        self._max_size = max_size
        self._max_in_flight = max_in_flight
        self._lanes: dict[K, _Lane] = {}
        self._running: set[asyncio.Task[None]] = set()
        self.calls = 0
        #: Requests per call, in the order the calls went out (for tests and metrics).
        self.sizes: list[int] = []

    async def submit(self, key: K, context: Any, request: PushRequest) -> PushOutcome:
        loop = asyncio.get_running_loop()
        lane = self._lanes.setdefault(key, _Lane())
        batch = lane.waiting[-1] if lane.waiting else None
        if batch is None or len(batch.requests) >= self._max_size:
            batch = _Batch(context=context)
            lane.waiting.append(batch)
            batch.timer = loop.call_later(self._window, self._due, key, batch)
        waiter: asyncio.Future[PushOutcome] = loop.create_future()
        waiter.add_done_callback(_retrieve)
        batch.requests.append(request)
        batch.waiters.append(waiter)
        if len(batch.requests) >= self._max_size:
            self._due(key, batch)
        return await asyncio.shield(waiter)

    def _due(self, key: K, batch: _Batch) -> None:
        batch.due = True
        if batch.timer is not None:
            batch.timer.cancel()
            batch.timer = None
        self._dispatch(key)

    def _dispatch(self, key: K) -> None:
        """Start the key's due batches, oldest first, while it has free calls."""
        lane = self._lanes.get(key)
        if lane is None:
            return
        while lane.waiting and lane.waiting[0].due and lane.running < self._max_in_flight:
            if lane.running and len(lane.waiting[0].requests) < self._max_size:
                break  # not full: it gathers more while the running call lasts
            batch = lane.waiting.popleft()
            lane.running += 1
            task = asyncio.get_running_loop().create_task(self._run(key, lane, batch))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        if not lane.waiting and lane.running == 0:
            del self._lanes[key]

    async def _run(self, key: K, lane: _Lane, batch: _Batch) -> None:
        self.calls += 1
        self.sizes.append(len(batch.requests))
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
        finally:
            lane.running -= 1
            self._dispatch(key)
        by_key = {outcome.operation_key: outcome for outcome in outcomes}
        for request, waiter, outcome in zip(batch.requests, batch.waiters, outcomes, strict=True):
            if waiter.done():
                continue
            waiter.set_result(by_key.get(request.operation_key, outcome))

    async def aclose(self) -> None:
        """Wait for calls already under way (nothing new is accepted by a closing worker anyway)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)


def _retrieve(future: asyncio.Future[PushOutcome]) -> None:
    """Mark an exception as seen: a waiter whose task was cancelled (lease lost) never awaits it, and
    its error is already reported to the tasks that do."""
    if not future.cancelled():
        future.exception()
