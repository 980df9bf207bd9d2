"""Shared fixtures: a throw-away PostgreSQL database per test run, a pool on it, the app and a client.

The database lives on ``TEST_DATABASE_URL``'s server when that is set (CI points it at the machine's
PostgreSQL), otherwise on an embedded server in a temporary directory. Every migration under
``gateway/store/migrations`` is applied once per run. Imports of gateway code stay inside fixtures so
that collecting a pure unit test does not pay for the app.
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

if TYPE_CHECKING:
    import asyncpg
    from litestar import Litestar

    from gateway.settings import Settings


@pytest.fixture(scope="session")
def database_server_url() -> Iterator[str]:
    """URL of a maintenance database on the server the tests may create databases on."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    from gateway.store import EmbeddedPostgres

    root = Path(tempfile.mkdtemp(prefix="gw-test-pg-"))
    server = EmbeddedPostgres(root / "pgdata", cleanup="delete")
    try:
        yield server.url
    finally:
        server.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_url(database_server_url: str) -> AsyncIterator[str]:
    """A fresh database with every migration applied, dropped at the end of the run."""
    from gateway.store import create_database, create_pool, drop_database, upgrade

    name = f"gw_test_{uuid.uuid4().hex[:12]}"
    url = await create_database(database_server_url, name)
    try:
        pool = await create_pool(url, min_size=1, max_size=2)
        try:
            await upgrade(pool)
        finally:
            await pool.close()
        yield url
    finally:
        await drop_database(database_server_url, name)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def db_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """An asyncpg pool on the run's database (all migrations applied)."""
    from gateway.store import create_pool

    pool = await create_pool(database_url, min_size=1, max_size=10)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    """Settings for an app on the test database; no env is read beyond the defaults."""
    from gateway.settings import Settings

    return Settings.for_tests(database_url=database_url)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    """The gateway app, started (lifespan run) once for the session.

    The lifespan is entered and left inside one background task: anyio cancel scopes inside
    Litestar's lifespan must be exited by the task that entered them, and pytest-asyncio runs fixture
    set-up and tear-down in different tasks.
    """
    from gateway.app import create_app

    application = create_app(settings)
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
        task.result()  # raises the start-up error
    try:
        yield application
    finally:
        stop.set()
        await task


@pytest_asyncio.fixture(loop_scope="session")
async def client(app: Litestar) -> AsyncIterator[Any]:
    """An httpx.AsyncClient speaking to the app in-process (no lifespan per test)."""
    import httpx

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # Litestar types its ASGI args narrowly
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@dataclass(frozen=True, slots=True)
class TenantHandle:
    """A tenant made for one test: its id, raw API key and the headers that authenticate as it."""

    tenant_id: uuid.UUID
    api_key: str
    headers: dict[str, str]

    def __iter__(self) -> Iterator[Any]:
        return iter((self.tenant_id, self.api_key, self.headers))


def basic_auth(api_key: str) -> dict[str, str]:
    """Codat's scheme: ``Authorization: Basic <base64(apiKey)>``."""
    return {"Authorization": "Basic " + base64.b64encode(api_key.encode()).decode()}


@pytest_asyncio.fixture(loop_scope="session")
async def tenant(db_pool: asyncpg.Pool) -> Callable[..., Awaitable[TenantHandle]]:
    """Factory: ``await tenant()`` or ``await tenant("name")`` -> (tenant_id, api_key, headers)."""
    from gateway.tenancy.repository import TenantRepository

    async def make(name: str | None = None) -> TenantHandle:
        repo = TenantRepository(db_pool)
        tenant_id, api_key = await repo.create_tenant(name or f"t-{uuid.uuid4().hex[:10]}")
        return TenantHandle(tenant_id=tenant_id, api_key=api_key, headers=basic_auth(api_key))

    return make
