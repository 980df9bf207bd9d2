"""Per-company limits with a fake clock: concurrency and rate are never exceeded, waits are reported."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from connectors.intacct.client import Function, IntacctClient
from connectors.intacct.limits import (
    InMemoryLimitStore,
    Limiter,
    LimitSettings,
    LimitStore,
    WaitRecorder,
    default_limit_store,
)
from connectors.intacct.session import SessionCache
from connectors.intacct.transport import IntacctTransport, RetryPolicy
from connectors.intacct.xml import functions as fn
from tests.unit.connectors.intacct._support import Call, FakeIntacct, FakeSleep, credentials, result


class FakeClock:
    """Monotonic time that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


KEY = "intacct:demo"


def test_settings_defaults_are_intacct_published_limits() -> None:
    settings = LimitSettings()
    assert (settings.calls_per_minute, settings.max_concurrent, settings.functions_per_request) == (
        300,
        5,
        100,
    )
    with pytest.raises(ValueError):
        LimitSettings(max_concurrent=0)
    assert isinstance(InMemoryLimitStore(), LimitStore)
    assert default_limit_store() is default_limit_store()


@pytest.mark.asyncio
async def test_concurrency_never_above_the_limit() -> None:
    clock = FakeClock()
    store = InMemoryLimitStore(clock)
    limiter = Limiter(store, LimitSettings(max_concurrent=3), sleep=clock.sleep, clock=clock)
    active = peak = 0

    async def work() -> None:
        nonlocal active, peak
        async with limiter.slot(KEY):
            active += 1
            peak = max(peak, active)
            assert store.in_use(KEY) <= 3
            for _ in range(3):
                await asyncio.sleep(0)
            active -= 1

    await asyncio.gather(*(work() for _ in range(20)))
    assert peak == 3
    assert store.in_use(KEY) == 0


@pytest.mark.asyncio
async def test_rate_never_above_calls_per_minute_in_any_window() -> None:
    clock = FakeClock()
    metrics = WaitRecorder()
    limiter = Limiter(
        InMemoryLimitStore(clock),
        LimitSettings(calls_per_minute=10, max_concurrent=4),
        sleep=clock.sleep,
        clock=clock,
        metrics=metrics,
    )
    granted: list[float] = []

    async def call() -> None:
        async with limiter.slot(KEY):
            granted.append(clock.now)

    await asyncio.gather(*(call() for _ in range(35)))
    assert len(granted) == 35
    for t in granted:
        in_window = [g for g in granted if t - 60 < g <= t]
        assert len(in_window) <= 10
    assert max(granted) - min(granted) >= 180  # 35 calls at 10/min need three more minutes
    assert metrics.total["rate"] > 0 and metrics.waits > 0


@pytest.mark.asyncio
async def test_abandoned_lease_expires() -> None:
    clock = FakeClock()
    store = InMemoryLimitStore(clock)
    assert await store.try_acquire_slot(KEY, 1, 10) is not None
    assert await store.try_acquire_slot(KEY, 1, 10) is None
    clock.now += 10.5
    lease = await store.try_acquire_slot(KEY, 1, 10)
    assert lease is not None
    await store.release_slot(KEY, lease)
    await store.release_slot(KEY, "unknown")  # ignored
    assert store.in_use(KEY) == 0


@pytest.mark.asyncio
async def test_take_token_reports_when_the_next_one_is_free() -> None:
    clock = FakeClock()
    store = InMemoryLimitStore(clock)
    assert [await store.take_token(KEY, 2) for _ in range(2)] == [0.0, 0.0]
    clock.now += 15
    assert await store.take_token(KEY, 2) == pytest.approx(45.0)
    clock.now += 45
    assert await store.take_token(KEY, 2) == 0.0
    assert await store.take_token("intacct:other", 2) == 0.0  # per company


@pytest.mark.asyncio
async def test_two_clients_of_one_company_share_the_concurrency_limit() -> None:
    fake = FakeIntacct()
    in_flight = peak = 0

    async def slow_read(call: Call):  # type: ignore[no-untyped-def]
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(5):
            await asyncio.sleep(0)
        in_flight -= 1
        return result(call, data={"listtype": "X", "count": 0})

    fake.on("readMore", slow_read)
    store = InMemoryLimitStore()
    settings = LimitSettings(max_concurrent=2)
    sessions = SessionCache()
    sleep = FakeSleep()
    waits = WaitRecorder()

    def client() -> IntacctClient:
        http = IntacctTransport(
            httpx.AsyncClient(transport=httpx.MockTransport(fake)),
            retry=RetryPolicy(base_delay=0.001),
            sleep=sleep,
        )
        limiter = Limiter(store, settings, sleep=sleep, metrics=waits)
        return IntacctClient(
            credentials(), limits=settings, session_cache=sessions, http=http, limiter=limiter
        )

    first, second = client(), client()
    await asyncio.gather(
        *(c.execute_one(Function.read(fn.read_more(f"r{i}"))) for i in range(12) for c in (first, second))
    )
    assert peak == 2
    assert waits.total["concurrency"] > 0
    assert store.in_use(credentials().limit_key) == 0
