"""Fixtures for the compatibility tests: one real gateway process, shared by every client under test.

The gateway runs on a database of its own (created on ``TEST_DATABASE_URL``'s server, or the embedded
one the root conftest starts), never on the run's shared test database: its in-process worker would
otherwise claim operations queued by in-process tests.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.integration.compat.server import GatewayProcess


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def compat_database_url(database_server_url: str) -> AsyncIterator[str]:
    """An empty database for the gateway process; it applies the migrations itself at start-up."""
    from gateway.store import create_database, drop_database

    name = f"gw_compat_{uuid.uuid4().hex[:12]}"
    url = await create_database(database_server_url, name)
    try:
        yield url
    finally:
        await drop_database(database_server_url, name)


@pytest.fixture(scope="session")
def compat_gateway(
    compat_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GatewayProcess]:
    """``gateway serve --sandbox`` on a free port, stopped at the end of the session."""
    workdir: Path = tmp_path_factory.mktemp("compat-gateway")
    with GatewayProcess(database_url=compat_database_url, workdir=workdir) as gateway:
        yield gateway
