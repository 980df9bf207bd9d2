"""The connector cache in PostgreSQL: per connection, expiring, pruned, and never failing its caller."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from gateway.connections.shared_cache import ConnectionCache, prune_connector_cache
from tests.integration.gateway.jobs.conftest import make_company


@pytest.mark.asyncio(loop_scope="session")
async def test_entries_belong_to_one_connection_and_expire(db_pool: Any) -> None:
    mine, theirs = await make_company(db_pool), await make_company(db_pool)
    cache = ConnectionCache(db_pool, mine.tenant_id, mine.connection_id)
    other = ConnectionCache(db_pool, theirs.tenant_id, theirs.connection_id)
    wrong_tenant = ConnectionCache(db_pool, theirs.tenant_id, mine.connection_id)
    await cache.put("facts", b"\x00mine", 60)
    assert await cache.get("facts") == b"\x00mine"
    assert await other.get("facts") is None and await wrong_tenant.get("facts") is None
    await cache.put("facts", b"newer", 60)
    assert await cache.get("facts") == b"newer"

    await cache.put("short", b"x", 0.2)
    await asyncio.sleep(0.3)
    assert await cache.get("short") is None
    assert await prune_connector_cache(db_pool) >= 1
    assert await cache.get("facts") == b"newer"  # not expired: kept

    await wrong_tenant.put("facts", b"stray", 60)  # no such connection for that tenant: not stored
    assert await wrong_tenant.get("facts") is None

    await db_pool.execute("DELETE FROM connections WHERE id = $1", mine.connection_id)
    assert await cache.get("facts") is None  # gone with its connection
    for company in (mine, theirs):
        await db_pool.execute("DELETE FROM tenants WHERE id = $1", company.tenant_id)


@pytest.mark.asyncio(loop_scope="session")
async def test_an_unreachable_store_is_a_miss_not_an_error(db_pool: Any) -> None:
    class Broken:
        async def fetchval(self, *args: Any) -> Any:
            raise OSError("connection refused")

        async def execute(self, *args: Any) -> Any:
            raise OSError("connection refused")

    cache = ConnectionCache(Broken(), uuid.uuid4(), uuid.uuid4())  # type: ignore[arg-type]
    assert await cache.get("facts") is None
    await cache.put("facts", b"x", 60)
