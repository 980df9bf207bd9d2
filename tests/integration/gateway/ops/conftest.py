"""Fixtures of the operations-surface tests: a throw-away database, an app started on it, scraping."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest_asyncio
from litestar import Litestar
from prometheus_client.parser import text_string_to_metric_families


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """``app`` with its lifespan run in one task (see tests/conftest.py) and a client on it."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    finally:
        stop.set()
        await task


@pytest_asyncio.fixture(loop_scope="session")
async def empty_database(database_server_url: str) -> AsyncIterator[str]:
    """A database of its own with NO migrations applied (dropped afterwards)."""
    from gateway.store import create_database, drop_database

    name = f"gw_ops_{uuid.uuid4().hex[:12]}"
    url = await create_database(database_server_url, name)
    try:
        yield url
    finally:
        await drop_database(database_server_url, name)


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse_samples(text: str) -> Samples:
    """``{(sample name, sorted labels): value}`` of a Prometheus text exposition."""
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = float(sample.value)
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0.0 when the series does not exist (yet)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest_asyncio.fixture(loop_scope="session")
async def scrape(client: Any) -> Callable[[], Awaitable[Samples]]:
    """``await scrape()``: GET /metrics of the session app (no credentials), parsed."""

    async def get() -> Samples:
        response = await client.get("/metrics")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        return parse_samples(response.text)

    return get
