"""Fixtures of the pull tests: a gateway wired to an in-process Intacct sandbox, and a tenant that is
deleted afterwards (with its companies, pulls and schedules), so no test leaves due work behind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from tests.integration.gateway.pull.sandbox_gateway import SandboxGateway, sandbox_gateway


@pytest_asyncio.fixture(loop_scope="session")
async def gw(settings: Any) -> AsyncIterator[SandboxGateway]:
    """A fresh sandbox (seeded DEMO) and a gateway app that reaches it, per test."""
    async with sandbox_gateway(settings) as started:
        yield started


@pytest_asyncio.fixture(loop_scope="session")
async def owner(tenant: Any, db_pool: Any) -> AsyncIterator[Any]:
    """A tenant for one test; deleted at the end (everything it owns cascades)."""
    made = await tenant()
    yield made
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", made.tenant_id)
