"""The real ``IntacctClient`` wired to the sandbox: in-process or over loopback, with a wire recorder.

``Recorder`` wraps any httpx transport and keeps every exchange (request bytes, status, decoded answer
or the transport error), counts the functions per request and the requests on the wire, so tests can
compare what the client sent and received with the fixtures. ``Harness`` owns one sandbox state, its
app and a client factory whose process-wide parts (session cache, limit store) are private to the
test, so tests never share sessions or limits through the library defaults.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from lxml import etree

from connectors.intacct.client import IntacctClient
from connectors.intacct.config import IntacctCredentials
from connectors.intacct.limits import InMemoryLimitStore, Limiter, LimitSettings
from connectors.intacct.sandbox import SandboxState, SandboxTransport, create_app, make_server
from connectors.intacct.sandbox.seed import SENDER_ID, SENDER_PASSWORD, USER_ID, USER_PASSWORD
from connectors.intacct.sandbox.state import Clock, CompanyState
from connectors.intacct.session import SessionCache
from connectors.intacct.transport import IntacctTransport, RetryPolicy
from connectors.intacct.xml.parse import parse_xml

REPO = Path(__file__).resolve().parents[5]
REFERENCE = REPO / ".." / "shared" / "reference"
FIXTURES = REFERENCE / "intacct-fixtures"
URL = "http://sandbox.test/ia/xml/xmlgw.phtml"
COMPANY = "DEMO"

#: Retries without waiting: the backoff itself is unit-tested; here only its safety matters.
NO_WAIT = RetryPolicy(max_retries=5, base_delay=0.0, max_delay=0.0)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_element(name: str) -> etree._Element:
    return parse_xml(fixture_bytes(name))


def demo_credentials(endpoint: str = URL, **overrides: Any) -> IntacctCredentials:
    """The seeded ``DEMO`` company's Web Services credentials (DESIGN.md §5)."""
    values: dict[str, Any] = {
        "sender_id": SENDER_ID,
        "sender_password": SENDER_PASSWORD,
        "company_id": COMPANY,
        "user_id": USER_ID,
        "user_password": USER_PASSWORD,
        "entity_id": None,
        "endpoint_url": endpoint,
    }
    values.update(overrides)
    return IntacctCredentials(**values)


@dataclass
class Exchange:
    """One HTTP attempt as the client's transport saw it."""

    url: str
    request: bytes
    status: int | None = None
    body: bytes = b""
    content_type: str = ""
    error: str | None = None

    @property
    def request_root(self) -> etree._Element:
        return parse_xml(self.request)

    @property
    def function_count(self) -> int:
        return len(self.request_root.findall("operation/content/function"))


@dataclass
class Recorder(httpx.AsyncBaseTransport):
    """Records every exchange passing through ``inner`` (the sandbox, in-process or over sockets)."""

    inner: httpx.AsyncBaseTransport
    exchanges: list[Exchange] = field(default_factory=list)
    in_flight: int = 0
    max_functions: int = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        exchange = Exchange(url=str(request.url), request=body)
        self.exchanges.append(exchange)
        self.max_functions = max(self.max_functions, exchange.function_count)
        self.in_flight += 1
        try:
            response = await self.inner.handle_async_request(request)
            content = await response.aread()
        except Exception as exc:
            exchange.error = type(exc).__name__
            raise
        finally:
            self.in_flight -= 1
        exchange.status = response.status_code
        exchange.body = content
        exchange.content_type = response.headers.get("content-type", "")
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()

    @property
    def last(self) -> Exchange:
        assert self.exchanges, "the client sent nothing"
        return self.exchanges[-1]


class Harness:
    """One sandbox (seeded ``DEMO``), its recorder and a factory of real clients pointed at it."""

    def __init__(
        self,
        state: SandboxState | None = None,
        *,
        clock: Clock | None = None,
        inner: httpx.AsyncBaseTransport | None = None,
        endpoint: str = URL,
    ) -> None:
        self.state = state if state is not None else SandboxState.demo(clock=clock)
        self.app = create_app(self.state)
        self.recorder = Recorder(inner if inner is not None else SandboxTransport(self.app))
        self.http = httpx.AsyncClient(transport=self.recorder)
        self.endpoint = endpoint
        self.sessions = SessionCache()
        self.limit_store = InMemoryLimitStore()

    @property
    def demo(self) -> CompanyState:
        return self.state.company(COMPANY)

    def client(
        self,
        credentials: IntacctCredentials | None = None,
        *,
        limits: LimitSettings | None = None,
        limiter: Limiter | None = None,
        retry: RetryPolicy = NO_WAIT,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        sessions: SessionCache | None = None,
    ) -> IntacctClient:
        transport = IntacctTransport(self.http, retry=retry, sleep=sleep or _yield)
        return IntacctClient(
            credentials or demo_credentials(self.endpoint),
            limits=limits,
            limiter=limiter,
            limit_store=None if limiter is not None else self.limit_store,
            session_cache=sessions or self.sessions,
            http=transport,
        )

    async def aclose(self) -> None:
        await self.http.aclose()


async def _yield(_seconds: float) -> None:
    await asyncio.sleep(0)


@asynccontextmanager
async def served(state: SandboxState) -> AsyncIterator[str]:
    """The sandbox served by uvicorn on 127.0.0.1 (a free port); yields its XML gateway URL."""
    server = make_server("127.0.0.1", 0, state)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(1000):  # uvicorn exposes a flag, not an event
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        if task.done():
            task.result()
        assert server.started, "uvicorn did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml"
    finally:
        server.should_exit = True
        await task
