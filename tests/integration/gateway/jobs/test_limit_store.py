"""The PostgreSQL LimitStore keeps the connector's contract across separate pools (as separate
processes would): concurrency never above the limit, expired slots freed, no 60-second window with more
calls than allowed, and the connector's Limiter works on top of it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from connectors.intacct.limits import Limiter, LimitSettings, LimitStore
from gateway.jobs import PostgresLimitStore, prune_limit_state
from gateway.store import create_pool

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture(loop_scope="session")
async def second_pool(database_url: str) -> AsyncIterator[Any]:
    """Another pool on the same database, standing in for another worker process."""
    pool = await create_pool(database_url, min_size=1, max_size=6)
    yield pool
    await pool.close()


def new_key() -> str:
    return f"COMPANY-{uuid.uuid4().hex[:8]}"


async def test_it_is_a_limit_store(db_pool):
    assert isinstance(PostgresLimitStore(db_pool), LimitStore)


async def test_slots_are_shared_across_pools_and_released(db_pool, second_pool):
    key = new_key()
    a, b = PostgresLimitStore(db_pool), PostgresLimitStore(second_pool)
    grants = await asyncio.gather(*(s.try_acquire_slot(key, 3, 60) for s in [a, b] * 5))
    held = [g for g in grants if g is not None]
    assert len(held) == 3 and len(set(held)) == 3
    assert await a.in_use(key) == 3 and await b.try_acquire_slot(key, 3, 60) is None
    assert await a.try_acquire_slot(new_key(), 3, 60) is not None  # other companies are independent
    await b.release_slot(key, held[0])
    await b.release_slot(key, "not-a-slot")
    assert await a.in_use(key) == 2
    assert await a.try_acquire_slot(key, 3, 60) is not None
    assert await a.try_acquire_slot(key, 3, 60) is None


async def test_a_slot_whose_holder_died_expires(db_pool):
    key = new_key()
    store = PostgresLimitStore(db_pool)
    dead = await store.try_acquire_slot(key, 1, 60)
    assert dead is not None and await store.try_acquire_slot(key, 1, 60) is None
    await db_pool.execute(
        "UPDATE intacct_limit_slots SET expires_at = now() - interval '1 second' WHERE slot_id = $1", dead
    )
    assert await store.in_use(key) == 0
    assert await store.try_acquire_slot(key, 1, 60) is not None


async def test_rate_never_exceeds_the_per_minute_limit(db_pool, second_pool):
    key = new_key()
    stores = [PostgresLimitStore(db_pool), PostgresLimitStore(second_pool)]
    waits = await asyncio.gather(*(stores[i % 2].take_token(key, 7) for i in range(20)))
    assert sum(1 for w in waits if w == 0.0) == 7
    assert all(0.0 < w <= 60.0 for w in waits if w != 0.0)
    recorded = await db_pool.fetchval("SELECT count(*) FROM intacct_limit_calls WHERE limit_key = $1", key)
    assert recorded == 7
    # Once the oldest calls leave the window, exactly that many new calls fit.
    await db_pool.execute(
        """UPDATE intacct_limit_calls SET called_at = called_at - interval '61 seconds'
           WHERE ctid IN (SELECT ctid FROM intacct_limit_calls WHERE limit_key = $1
                          ORDER BY called_at LIMIT 2)""",
        key,
    )
    more = [await stores[0].take_token(key, 7) for _ in range(3)]
    assert [w == 0.0 for w in more] == [True, True, False]


async def test_the_wait_names_when_the_oldest_call_leaves_the_window(db_pool):
    key = new_key()
    store = PostgresLimitStore(db_pool)
    assert await store.take_token(key, 1) == 0.0
    await db_pool.execute(
        "UPDATE intacct_limit_calls SET called_at = clock_timestamp() - interval '50 seconds'"
        " WHERE limit_key = $1",
        key,
    )
    wait = await store.take_token(key, 1)
    assert 0.0 < wait <= 10.0


async def test_prune_removes_only_stale_rows(db_pool):
    key = new_key()
    store = PostgresLimitStore(db_pool)
    await store.take_token(key, 10)
    await store.take_token(key, 10)
    slot = await store.try_acquire_slot(key, 2, 60)
    assert slot is not None
    await db_pool.execute(
        "UPDATE intacct_limit_calls SET called_at = called_at - interval '2 minutes' WHERE limit_key = $1",
        key,
    )
    assert await prune_limit_state(db_pool) >= 2
    assert await db_pool.fetchval("SELECT count(*) FROM intacct_limit_calls WHERE limit_key = $1", key) == 0
    assert await store.in_use(key) == 1
    await store.release_slot(key, slot)


async def test_the_connector_limiter_keeps_concurrency_under_the_limit(db_pool, second_pool):
    key = new_key()
    settings = LimitSettings(max_concurrent=2, calls_per_minute=300)
    limiters = [
        Limiter(PostgresLimitStore(pool), settings, poll_interval=0.01, max_poll_interval=0.05)
        for pool in (db_pool, second_pool)
    ]
    running = peak = done = 0

    async def call(limiter: Limiter) -> None:
        nonlocal running, peak, done
        async with limiter.slot(key):
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.02)
            running -= 1
            done += 1

    await asyncio.gather(*(call(limiters[i % 2]) for i in range(12)))
    assert done == 12 and 1 <= peak <= 2
    assert await PostgresLimitStore(db_pool).in_use(key) == 0
