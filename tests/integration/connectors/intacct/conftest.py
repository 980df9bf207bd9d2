"""The Intacct connector against the sandbox: a fresh seeded ``DEMO`` company per test, reached through
the real client over ``SandboxTransport`` (in-process httpx, no sockets)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio

from connectors.base import ConnectorContext
from connectors.intacct import InMemoryLimitStore, IntacctConnector, RetryPolicy, SessionCache
from connectors.intacct.sandbox import CompanyState, SandboxState, SandboxTransport, create_app

ENDPOINT = "https://sandbox.test/ia/xml/xmlgw.phtml"
CREDENTIALS = {
    "senderId": "demo-sender",
    "senderPassword": "demo-sender-pw",
    "companyId": "DEMO",
    "userId": "demo-user",
    "userPassword": "demo-user-pw",
    "endpointUrl": ENDPOINT,
}

Factory = Callable[..., IntacctConnector]


class Clock:
    """The sandbox's clock, moved by the test (no waiting, no timing assertions)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    """Starts at the real time: the client checks session expiry (sessiontimeout) against its own clock."""
    return Clock(dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))


@pytest.fixture
def state(clock: Clock) -> SandboxState:
    return SandboxState.demo(clock=clock)


@pytest.fixture
def company(state: SandboxState) -> CompanyState:
    return state.company("DEMO")


class Recording(httpx.AsyncBaseTransport):
    """Keeps the body of every request the client sends (to count what went in which request)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(await request.aread())
        return await self.inner.handle_async_request(request)

    def requests_with(self, fragment: bytes) -> int:
        return sum(fragment in body for body in self.bodies)


@pytest.fixture
def sent(state: SandboxState) -> Recording:
    return Recording(SandboxTransport(create_app(state)))


@pytest_asyncio.fixture
async def http(sent: Recording) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=sent) as client:
        yield client


@pytest.fixture
def connect(http: httpx.AsyncClient) -> Factory:
    """``connect(entity="200", **settings)``: a connector on its own sessions and limits (fast retries)."""

    def build(entity: str | None = "100", **settings: Any) -> IntacctConnector:
        credentials = {**CREDENTIALS, **({"entityId": entity} if entity else {})}
        return IntacctConnector(
            credentials,
            settings=settings,
            context=ConnectorContext(http_client=http, limit_store=InMemoryLimitStore()),
            session_cache=SessionCache(),
            retry=RetryPolicy(max_retries=2, base_delay=0.001, max_delay=0.002),
        )

    return build


@pytest.fixture
def us(connect: Factory) -> IntacctConnector:
    """Entity 100: USD base currency, no tax solution."""
    return connect("100")


@pytest.fixture
def uk(connect: Factory) -> IntacctConnector:
    """Entity 200: GBP base currency, VAT (tax solution ``United Kingdom - VAT``)."""
    return connect("200")
