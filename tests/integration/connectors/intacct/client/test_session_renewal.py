"""The session rule behind point 3, made deterministic: a request that waited long enough for its
renewed session to expire as well renews again, while a session refused before it ever worked is a
credentials problem.

A hook in front of the sandbox expires sessions at exact moments of one request's life, and lets a
second client use the renewed session in between (as the other coroutines of a busy worker do).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import pytest_asyncio

from connectors.errors import ConnectorConfigError
from connectors.intacct.client import Function, IntacctClient
from connectors.intacct.sandbox import SandboxTransport
from connectors.intacct.xml import functions as fn

from ._support import Harness

Hook = Callable[[int], Awaitable[None]]


class Hooked(httpx.AsyncBaseTransport):
    """Calls ``hook(n)`` before forwarding the n-th session request (1-based) made while it is set."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.hook: Hook | None = None
        self.session_requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        if b"<sessionid>" in body and self.hook is not None:
            self.session_requests += 1
            await self.hook(self.session_requests)
        return await self.inner.handle_async_request(request)


@pytest_asyncio.fixture
async def setup() -> AsyncIterator[tuple[Harness, Hooked]]:
    harness = Harness()
    hooked = Hooked(SandboxTransport(harness.app))
    harness.recorder.inner = hooked
    yield harness, hooked
    await harness.aclose()


def expire_all(harness: Harness) -> None:
    harness.state.sessions.clear()


def read() -> Function:
    return Function.read(fn.read_by_query("CLASS", "CLASSID = 'C100'"))


@pytest.mark.asyncio
async def test_renewed_session_expiring_before_the_retry_is_renewed_again(
    setup: tuple[Harness, Hooked],
) -> None:
    harness, hooked = setup
    mine, other = harness.client(), harness.client()  # one worker: shared session cache and limits
    assert (await mine.execute([read()]))[0].ok  # S1 opened and proven

    async def hook(n: int) -> None:
        if n == 1:  # my request goes out with S1, which has just expired
            expire_all(harness)
        elif n == 2:  # my retry, with S2; meanwhile another call used S2, then S2 expired too
            await run_other(other)
            expire_all(harness)

    async def run_other(client: IntacctClient) -> None:
        hooked.hook = None
        assert (await client.execute([read()]))[0].ok
        hooked.hook = hook

    hooked.hook = hook
    (result,) = await mine.execute([read()])
    assert result.ok
    counters = harness.demo.counters
    assert counters.logins == 3  # S1, S2 (after the first expiry), S3 (after the second)
    assert harness.sessions.logins == 3


@pytest.mark.asyncio
async def test_a_session_refused_before_it_ever_worked_is_a_credentials_problem(
    setup: tuple[Harness, Hooked],
) -> None:
    harness, hooked = setup
    client = harness.client()
    assert (await client.execute([read()]))[0].ok

    async def hook(n: int) -> None:
        expire_all(harness)  # every session is refused, including the one just opened

    hooked.hook = hook
    with pytest.raises(ConnectorConfigError):
        await client.execute([read()])
    assert harness.demo.counters.logins == 2  # one renewal, then the refusal is reported, no loop
