"""Many functions per request: planning the requests, and a ``Batcher`` that coroutines submit to.

``uniqueid`` is a request-level switch while idempotency is per function, so writes (``uniqueid=true``)
and reads (``uniqueid=false``) never share a request. Each request holds at most the company's
``functions_per_request``. A ``transaction=True`` group must fit in one request (atomicity cannot span
two), and holds writes only.

``Batcher`` collects functions submitted by many coroutines and sends them together when the batch is
full or ``max_delay`` after the first one arrived; each submitter gets its own ``FunctionResult``
(or the exception that failed the whole request).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from connectors.intacct.client import Function, IntacctClient
    from connectors.intacct.xml.response import FunctionResult

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class PlannedRequest:
    """Indexes into the caller's function list, all of the same kind, sent together."""

    indexes: tuple[int, ...]
    uniqueid: bool
    transaction: bool


def plan_requests(
    functions: Sequence[Function], *, per_request: int, transaction: bool = False
) -> list[PlannedRequest]:
    """Split ``functions`` into requests: writes apart from reads, at most ``per_request`` each."""
    if per_request < 1:
        raise ValueError("per_request must be at least 1")
    controlids = [f.controlid for f in functions]
    if len(set(controlids)) != len(controlids):
        raise ValueError("function controlids must be unique within one call")
    if transaction:
        if any(not f.is_write for f in functions):
            raise ValueError("a transaction groups writes only")
        if len(functions) > per_request:
            raise ValueError(
                f"a transaction of {len(functions)} functions exceeds the {per_request} functions Intacct "
                "accepts in one request; split it into smaller atomic groups"
            )
        return (
            [PlannedRequest(tuple(range(len(functions))), uniqueid=True, transaction=True)]
            if functions
            else []
        )
    plans: list[PlannedRequest] = []
    for is_write in (True, False):
        indexes = [i for i, f in enumerate(functions) if f.is_write is is_write]
        for start in range(0, len(indexes), per_request):
            chunk = tuple(indexes[start : start + per_request])
            plans.append(PlannedRequest(chunk, uniqueid=is_write, transaction=False))
    return plans


async def execute_many(
    client: IntacctClient, functions: Sequence[Function], *, transaction: bool = False
) -> list[FunctionResult]:
    """Run any number of functions in as few requests as the limits allow; results in input order."""
    return await client.execute(functions, transaction=transaction)


class Batcher:
    """Coalesce functions submitted concurrently into shared requests.

    ``async with Batcher(client) as batcher: result = await batcher.submit(function)``. Writes and reads
    may be mixed: ``client.execute`` splits them. A request-level failure (authentication, transport)
    is raised to every submitter of that batch; a function-level failure only to its own submitter
    when it calls ``raise_for_status`` on its result.
    """

    def __init__(
        self, client: IntacctClient, *, max_size: int | None = None, max_delay: float = 0.02
    ) -> None:
        self._client = client
        self.max_size = max_size or client.limits.functions_per_request
        self.max_delay = max_delay
        self._pending: list[tuple[Function, asyncio.Future[FunctionResult]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    async def __aenter__(self) -> Batcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def submit(self, function: Function) -> FunctionResult:
        """Queue ``function`` and wait for its own result."""
        if self._closed:
            raise RuntimeError("the batcher is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[FunctionResult] = loop.create_future()
        self._pending.append((function, future))
        if len(self._pending) >= self.max_size:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.max_delay, self._flush)
        return await future

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if not batch:
            return
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, batch: list[tuple[Function, asyncio.Future[FunctionResult]]]) -> None:
        log.debug("intacct.batch_flush", size=len(batch))
        try:
            results = await self._client.execute([function for function, _ in batch])
        except BaseException as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def flush(self) -> None:
        """Send what is queued now and wait until every sent batch has been answered."""
        self._flush()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        self._closed = True
        await self.flush()
