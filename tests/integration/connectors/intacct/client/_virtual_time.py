"""Virtual time shared by the client (limiter, session cache, retry sleeps) and the sandbox (its clock).

Minutes of rate limiting cannot be waited for in a test, and a merely "fast" clock would let time move
between the moment the client takes a rate token and the moment the sandbox counts the request, so the
two windows would disagree. Here time is discrete-event: a ``sleep`` registers its wake-up time and
parks; a driver task moves the clock to the earliest wake-up only when nothing else can run — no
coroutine is ready and no request is on the wire (``Recorder.in_flight``; the sandbox's own latency
is real time). So client and sandbox see the very same instant for every request, and a window of
60 virtual seconds is exact on both sides.

Readiness is read from the event loop's ready queue (``_ready``, a CPython asyncio detail): this is
test scaffolding, and the test skips if a loop without it is used.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import itertools
import math
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ._support import Recorder

START = dt.datetime(2024, 7, 1, 12, 0, 0)
_WIRE_POLL = 0.0005


class VirtualTime:
    """Integer microseconds since ``START``; every reader sees the same instant."""

    def __init__(self) -> None:
        self.micros = 0
        self._sleepers: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    # clocks in the three shapes the components take
    def monotonic(self) -> float:
        return self.micros / 1_000_000

    def wall(self) -> dt.datetime:
        """Naive UTC, like the sandbox's default clock."""
        return START + dt.timedelta(microseconds=self.micros)

    def wall_aware(self) -> dt.datetime:
        return self.wall().replace(tzinfo=dt.UTC)

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        wake = self.micros + max(1, math.ceil(seconds * 1_000_000))
        heapq.heappush(self._sleepers, (wake, next(self._order), future))
        await future

    @asynccontextmanager
    async def running(self, wire: Recorder) -> AsyncIterator[VirtualTime]:
        """Drive the clock while the block runs; ``wire`` tells when requests are in flight."""
        ready = getattr(asyncio.get_running_loop(), "_ready", None)
        if not isinstance(ready, deque):
            raise RuntimeError("virtual time needs CPython's asyncio event loop")
        driver = asyncio.create_task(self._drive(ready, wire))
        try:
            yield self
        finally:
            driver.cancel()
            await asyncio.gather(driver, return_exceptions=True)

    async def _drive(self, ready: deque[object], wire: Recorder) -> None:
        while True:
            await asyncio.sleep(0)
            if ready:
                continue  # someone can still run at this instant
            if wire.in_flight:
                await asyncio.sleep(_WIRE_POLL)  # real time passes while a request is on the wire
                continue
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)  # cancelled sleeper
            if not self._sleepers:
                await asyncio.sleep(_WIRE_POLL)
                continue
            wake, _, future = heapq.heappop(self._sleepers)
            self.micros = max(self.micros, wake)
            future.set_result(None)
