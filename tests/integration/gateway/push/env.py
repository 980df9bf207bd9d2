"""A gateway wired to an in-process Intacct sandbox, with a worker that runs pushes and webhooks.

Each test gets a fresh seeded sandbox (``DEMO``) and its own app instance on the session's test
database, with ``app.state.connector_http_client`` on ``SandboxTransport`` — the real connector, client
and XML go over it. ``PushEnv.worker()`` runs a real ``Worker`` with the production handler map
(``build_handlers``), restricted to the push and webhook kinds, with fast polling and retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from connectors.intacct.sandbox import SandboxState, SandboxTransport, create_app
from gateway.jobs import PUSH, Worker
from gateway.jobs.handlers import build_handlers
from gateway.settings import PushSettings, Settings
from gateway.webhooks.delivery import WEBHOOK
from tests.conftest import basic_auth
from tests.integration.gateway.helpers import DEMO_AUTH, make_company, make_connection

SANDBOX_URL = "https://sandbox.test/ia/xml/xmlgw.phtml"
FAST_LIMITS = {"callsPerMinute": 100_000}
FINAL = frozenset({"Success", "Failed", "TimedOut"})


@dataclass
class Linked:
    """A tenant's company and connection linked to the sandbox's DEMO company (entity 100 by default)."""

    headers: dict[str, str]
    company_id: str
    connection_id: str

    @property
    def base(self) -> str:
        return f"/companies/{self.company_id}/connections/{self.connection_id}"


@dataclass
class PushEnv:
    app: Any
    client: httpx.AsyncClient
    sandbox: SandboxState
    sandbox_http: httpx.AsyncClient
    settings: Settings
    tenants: list[uuid.UUID] = field(default_factory=list)
    #: When this test's environment was made: operations queued before it belong to earlier tests.
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def pool(self) -> Any:
        return self.app.state.pool

    async def cleanup(self) -> None:
        """Drop the operations this test's tenants left queued, so no later test's worker runs them."""
        if self.tenants:
            await self.pool.execute(
                "DELETE FROM operations "
                "WHERE tenant_id = ANY($1::uuid[]) AND status IN ('Pending', 'Running')",
                self.tenants,
            )

    @property
    def demo(self) -> Any:
        return self.sandbox.company("DEMO")

    async def link(
        self, *, entity: str | None = "100", settings: dict[str, Any] | None = None, fast_limits: bool = True
    ) -> Linked:
        from gateway.tenancy.repository import TenantRepository

        tenant_id, api_key = await TenantRepository(self.pool).create_tenant(f"push-{uuid.uuid4().hex[:10]}")
        self.tenants.append(tenant_id)
        headers = basic_auth(api_key)
        company = await make_company(self.client, headers, f"Push Co {uuid.uuid4().hex[:6]}")
        connection = await make_connection(self.client, headers, company["id"])
        if fast_limits:
            # Every test of the run talks to the sandbox's DEMO company, and Intacct's per-company call
            # rate (300 a minute) is counted in the shared test database: consecutive tests would wait on
            # each other's calls. The limiter has its own tests; here the connection raises the rate
            # before it is linked, so the link check is not throttled either.
            put = await self.client.put(
                f"/companies/{company['id']}/connections/{connection['id']}/settings",
                json={**FAST_LIMITS, **(settings or {})},
                headers=headers,
            )
            assert put.status_code == 200, put.text
            settings = None
        auth = {**DEMO_AUTH, "endpointUrl": SANDBOX_URL, **({"entityId": entity} if entity else {})}
        response = await self.client.put(
            f"/companies/{company['id']}/connections/{connection['id']}/authorization",
            json=auth,
            headers=headers,
        )
        assert response.status_code == 200, response.text
        linked = Linked(headers, company["id"], connection["id"])
        if settings is not None:
            put = await self.client.put(f"{linked.base}/settings", json=settings, headers=headers)
            assert put.status_code == 200, put.text
        return linked

    def handlers(self, kinds: Iterable[str] = (PUSH, WEBHOOK), **overrides: Any) -> dict[str, Any]:
        handlers = build_handlers(self.pool, self.settings, http_client=self.sandbox_http)
        handlers.update(overrides)
        return {kind: handler for kind, handler in handlers.items() if kind in set(kinds) | set(overrides)}

    @asynccontextmanager
    async def worker(self, handlers: dict[str, Any] | None = None, **options: Any) -> AsyncIterator[Worker]:
        """A worker running in the background for the block (stopped and drained after it)."""
        config: dict[str, Any] = {
            "concurrency": 8,
            "lease_seconds": 10.0,
            "poll_seconds": 0.05,
            "maintenance_seconds": 0.2,
            "fire_schedules": False,
            "retry_base_seconds": 0.05,
            "retry_max_seconds": 0.2,
        }
        config.update(options)
        handlers = handlers or self.handlers()
        # The database is shared by the whole run: operations that other test modules left queued
        # (pushes posted without a worker, webhook retries) would be claimed by this worker too, and
        # run against this test's sandbox. Only this test's tenants' operations are ours to run.
        await self.pool.execute(
            "DELETE FROM operations WHERE kind = ANY($1::text[]) AND status IN ('Pending', 'Running') "
            "AND requested_at < $2 AND NOT (tenant_id = ANY($3::uuid[]))",
            list(handlers),
            self.created,
            self.tenants,
        )
        worker = Worker(self.pool, handlers, **config)
        task = asyncio.create_task(worker.run())
        try:
            yield worker
        finally:
            worker.stop(grace=10.0)
            await task
            for handler in handlers.values():
                close = getattr(handler, "aclose", None)
                if close is not None:
                    with contextlib.suppress(Exception):
                        await close()

    async def push(
        self, linked: Linked, path: str, body: Any = None, *, method: str = "POST", **kwargs: Any
    ) -> httpx.Response:
        return await self.client.request(
            method,
            f"{linked.base}/push/{path}",
            json=body,
            headers={**linked.headers, **kwargs.pop("headers", {})},
            **kwargs,
        )

    async def operation(self, linked: Linked, key: str) -> dict[str, Any]:
        response = await self.client.get(f"/companies/{linked.company_id}/push/{key}", headers=linked.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def wait(
        self, linked: Linked, key: str, *, statuses: frozenset[str] = FINAL, limit: float = 30.0
    ) -> dict[str, Any]:
        """Poll the push operation until its status is one of ``statuses`` (bounded wait)."""
        deadline = time.monotonic() + limit
        while True:
            body = await self.operation(linked, key)
            if body["status"] in statuses:
                return body
            assert time.monotonic() < deadline, f"push {key} still {body['status']} after {limit}s"
            await asyncio.sleep(0.05)


class SwitchableTransport(httpx.AsyncBaseTransport):
    """Sends to whichever sandbox is current, so one app can serve many tests, each on a fresh one."""

    def __init__(self, target: httpx.AsyncBaseTransport) -> None:
        self.target = target

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.target.handle_async_request(request)


@dataclass
class Gateway:
    """A started app whose connectors reach ``switch.target``."""

    app: Any
    client: httpx.AsyncClient
    sandbox_http: httpx.AsyncClient
    switch: SwitchableTransport
    settings: Settings

    def fresh(self) -> PushEnv:
        """A new seeded sandbox behind the same app."""
        state = SandboxState.demo()
        self.switch.target = SandboxTransport(create_app(state))
        return PushEnv(self.app, self.client, state, self.sandbox_http, self.settings)


@asynccontextmanager
async def gateway(settings: Settings, **push: Any) -> AsyncIterator[Gateway]:
    """Start an app (lifespan in its own task, as tests/conftest.py does) wired to a switchable sandbox."""
    from gateway.app import create_app as create_gateway

    settings = replace(settings, push=replace(PushSettings(batch_window_seconds=0.05), **push))
    switch = SwitchableTransport(SandboxTransport(create_app(SandboxState.demo())))
    sandbox_http = httpx.AsyncClient(transport=switch, timeout=30.0)
    application = create_gateway(settings)
    application.state.connector_http_client = sandbox_http
    started, stop = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        async with application.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()
    transport = httpx.ASGITransport(app=application)  # type: ignore[arg-type]  # Litestar types ASGI narrowly  # type: ignore[arg-type]  # Litestar types ASGI narrowly
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Gateway(application, client, sandbox_http, switch, settings)
    finally:
        stop.set()
        await task
        await sandbox_http.aclose()


@asynccontextmanager
async def push_env(settings: Settings, **push: Any) -> AsyncIterator[PushEnv]:
    """A gateway of its own (other push settings) on a fresh sandbox."""
    async with gateway(settings, **push) as started:
        env = started.fresh()
        try:
            yield env
        finally:
            await env.cleanup()
