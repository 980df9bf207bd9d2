"""Issue 4, point 3: sessions expiring mid-run and Intacct's limits, under 20 concurrent coroutines.

The client's limiter, its session cache, its retry sleeps and the sandbox all read one virtual clock
(``_virtual_time``), so minutes of rate limiting pass in a few real seconds and both sides see the
same instant for every request. The sandbox enforces the same limits as the client is given (calls per
minute, 5 concurrent requests, 100 functions per request) and answers "rate limited" to any request
over them; it also expires every API session after a fixed number of uses.

Proven from the sandbox's counters: no request was ever refused for a limit (``rate_limited == 0``,
no oversized request), requests overlapped but never more than five at once, each session expiry
cost exactly one new sign-in (``logins == 1 + sessions_expired``) although many requests — some of
them queued at the limiter for minutes — still carried the expired session, and every call succeeded.
The client's own token log shows no 60-second window with more calls than allowed, and the virtual
time the run took shows the limiter really waited."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from connectors.intacct.client import Function, IntacctClient
from connectors.intacct.limits import InMemoryLimitStore, Limiter, LimitSettings
from connectors.intacct.query import Eq
from connectors.intacct.session import SessionCache
from connectors.intacct.xml import functions as fn
from connectors.intacct.xml.response import FunctionResult

from ._support import Harness
from ._virtual_time import VirtualTime

WORKERS = 20
EXPIRE_EVERY = 37  # a session serves 37 calls; the 38th finds it expired
LATENCY = 0.01  # real seconds per request in the sandbox, so that five requests overlap
BIG = 150  # functions in one execute() call: more than one request may carry


class TokenLog(InMemoryLimitStore):
    """The client's limit store, remembering when each rate token was granted (virtual seconds)."""

    def __init__(self, time: VirtualTime) -> None:
        super().__init__(clock=time.monotonic)
        self._time = time
        self.granted: list[float] = []

    async def take_token(self, key: str, per_minute: int) -> float:
        wait = await super().take_token(key, per_minute)
        if wait <= 0:
            self.granted.append(self._time.monotonic())
        return wait


@pytest_asyncio.fixture
async def world() -> AsyncIterator[tuple[Harness, VirtualTime]]:
    time = VirtualTime()
    harness = Harness(clock=time.wall)
    yield harness, time
    await harness.aclose()


def lookup(n: int) -> Function:
    return Function.read(fn.query("VENDOR", ["VENDORID", "NAME"], filter=Eq("VENDORID", f"V000{1 + n % 4}")))


async def worker(client: IntacctClient, index: int, calls: int) -> list[FunctionResult]:
    results: list[FunctionResult] = []
    for call in range(calls):
        if call == 0 and index % 5 == 0:
            results.extend(await client.execute([lookup(n) for n in range(BIG)]))
        else:
            results.extend(await client.execute([lookup(index + call)]))
    return results


@pytest.mark.asyncio
@pytest.mark.parametrize(("per_minute", "calls_each"), [(300, 20), (60, 10)])
async def test_concurrent_calls_survive_expiry_within_limits(
    world: tuple[Harness, VirtualTime], per_minute: int, calls_each: int
) -> None:
    harness, time = world
    demo = harness.demo
    demo.limits.configure({"calls_per_minute": per_minute, "max_concurrent": 5})
    demo.faults.configure({"expire_sessions_every": EXPIRE_EVERY, "latency_seconds": LATENCY})

    settings = LimitSettings(calls_per_minute=per_minute, max_concurrent=5, functions_per_request=100)
    tokens = TokenLog(time)
    limiter = Limiter(tokens, settings, sleep=time.sleep, clock=time.monotonic)
    sessions = SessionCache(now=time.wall_aware)
    client = harness.client(limiter=limiter, sleep=time.sleep, sessions=sessions)

    async with time.running(harness.recorder):
        outcomes = await asyncio.gather(*(worker(client, i, calls_each) for i in range(WORKERS)))

    results = [r for outcome in outcomes for r in outcome]
    big_calls = len(range(0, WORKERS, 5))
    assert len(results) == WORKERS * calls_each - big_calls + big_calls * BIG
    assert all(r.ok for r in results), [r.errors for r in results if not r.ok][:3]

    counters = demo.counters
    sent = len(harness.recorder.exchanges)
    seen = counters.as_dict()
    # limits: never refused, requests really overlapping but never more than 5, none over 100 functions
    assert counters.rate_limited == 0, seen
    assert 3 <= counters.max_concurrent <= 5, seen  # 5 on an idle machine; timing decides the floor
    assert counters.oversized_requests == 0, seen
    assert harness.recorder.max_functions == 100
    # the client's own log: one token per request sent, never more than allowed in any 60 s window
    assert len(tokens.granted) == sent
    granted = sorted(tokens.granted)
    assert all(later - first >= 60 for first, later in zip(granted, granted[per_minute:], strict=False))
    assert time.monotonic() >= 60 * ((sent - 1) // per_minute)  # the limiter really waited

    # sessions: every expiry answered by exactly one new sign-in, shared by all coroutines
    assert counters.sessions_expired >= 3, seen
    assert counters.logins == 1 + counters.sessions_expired, seen
    assert sessions.logins == counters.logins
    assert counters.by_function.get("getAPISession") == counters.logins
    refused = sum(b"<authentication><status>failure" in e.body for e in harness.recorder.exchanges)
    assert refused >= counters.sessions_expired  # later holders of an expired session were refused too
    print(
        f"per_minute={per_minute} requests={sent} virtual_seconds={time.monotonic():.1f} "
        f"logins={counters.logins} expired={counters.sessions_expired} refused={refused} "
        f"max_concurrent={counters.max_concurrent} rate_limited={counters.rate_limited}"
    )
