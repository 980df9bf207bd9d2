"""Issue 4, point 2: writes survive answers lost after the commit, and none is written twice.

The sandbox commits each request and then, 20% of the time each, answers HTTP 524 or cuts the
connection in the middle of the answer. Our client creates bills in batches with ``IntacctClient.execute``:
each bill has its own deterministic function ``controlid`` and goes out with ``uniqueid=true``. A lost
answer makes the client re-send the same bytes; the sandbox refuses the controlids it already executed,
and the client hands each refusal to the bill's resolver, which looks the bill up by its ``RECORDID``.

Proven by counting in the sandbox: exactly N bills (and N lines) exist, the sandbox executed exactly N
creates, every call got a successful result carrying the RECORDNO of its own bill, and every refused
duplicate was answered by a look-up — never by a second write. Once in-process (500 bills) and once over
real loopback sockets served by uvicorn (100 bills), where the dropped connections are real.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
import pytest_asyncio
from lxml import etree

from connectors.intacct.client import DuplicateResolver, Function, IntacctClient
from connectors.intacct.errors import IntacctDuplicateError
from connectors.intacct.limits import LimitSettings
from connectors.intacct.query import Eq
from connectors.intacct.sandbox import SandboxState
from connectors.intacct.transport import RetryPolicy
from connectors.intacct.xml import functions as fn
from connectors.intacct.xml.response import FunctionResult

from ._support import Harness, served

#: Many requests per run, so that several of them lose their answer (P(no fault in 20) ~ 1e-4).
BATCH = 25
LOOPBACK_BATCH = 5
FAULTS = {"seed": 4, "http_524_after_commit_rate": 0.2, "drop_after_commit_rate": 0.2}
#: A lost answer is re-sent at once; enough attempts that a run of six 36% failures cannot end the test.
PATIENT = RetryPolicy(max_retries=12, base_delay=0.0, max_delay=0.0)
#: This test is about idempotency: the limits must not slow it down (they have their own test).
UNLIMITED = LimitSettings(calls_per_minute=100_000, max_concurrent=5)


def recordid(run: str, n: int) -> str:
    return f"{run}-{n:04d}"


def bill(run: str, n: int) -> etree._Element:
    return fn.create(
        "APBILL",
        {
            "WHENCREATED": dt.date(2024, 6, 30),
            "VENDORID": "V0001",
            "RECORDID": recordid(run, n),
            "WHENDUE": dt.date(2024, 7, 30),
            "APBILLITEMS": {
                "APBILLITEM": [
                    {"ACCOUNTNO": "6000", "TRX_AMOUNT": Decimal("10.00") + n, "ENTRYDESCRIPTION": f"line {n}"}
                ]
            },
        },
    )


class LookUp:
    """Duplicate resolvers: find the bill a refused create made, by its RECORDID (counted)."""

    def __init__(self, client: IntacctClient) -> None:
        self.client = client
        self.calls = 0

    def resolver(self, number: str) -> DuplicateResolver:
        async def resolve(error: IntacctDuplicateError) -> FunctionResult:
            self.calls += 1
            query = fn.query("APBILL", ["RECORDNO", "RECORDID"], filter=Eq("RECORDID", number))
            (found,) = await self.client.execute([Function.read(query)])
            (record,) = found.raise_for_status().records
            assert error.controlid is not None
            return FunctionResult.resolved(
                error.controlid,
                "create",
                key=str(record["RECORDNO"]),
                records=[{"RECORDNO": record["RECORDNO"]}],
            )

        return resolve


async def create_bills(
    client: IntacctClient, run: str, count: int, size: int = BATCH
) -> tuple[list[FunctionResult], LookUp]:
    look_up = LookUp(client)

    async def batch(start: int) -> list[FunctionResult]:
        functions = [
            Function.write(
                bill(run, n), f"issue4:{run}:bill:{n}", on_duplicate=look_up.resolver(recordid(run, n))
            )
            for n in range(start, min(start + size, count))
        ]
        return await client.execute(functions)

    batches = await asyncio.gather(*(batch(start) for start in range(0, count, size)))
    return [result for results in batches for result in results], look_up


def check(state: SandboxState, run: str, count: int, results: list[FunctionResult], look_up: LookUp) -> None:
    demo = state.company("DEMO")
    rows = [r for r in demo.rows("APBILL") if str(r.get("RECORDID", "")).startswith(f"{run}-")]
    by_number = {r["RECORDID"]: r["RECORDNO"] for r in rows}
    assert len(rows) == count  # exactly N bills: nothing lost, nothing doubled
    assert len(by_number) == count
    bill_keys = {str(r["RECORDNO"]) for r in rows}
    lines = [r for r in demo.rows("APBILLITEM") if str(r.get("RECORDKEY")) in bill_keys]
    assert len(lines) == count

    counters = demo.counters
    assert counters.by_function.get("create:APBILL") == count  # each create executed once, never re-run
    assert counters.faults.get("http_524_after_commit", 0) > 0
    assert counters.faults.get("drop_after_commit", 0) > 0

    assert len(results) == count
    assert all(r.ok for r in results), [r.errors for r in results if not r.ok][:3]
    for n, result in enumerate(results):  # each call's result names its own bill
        assert str(result.records[0]["RECORDNO"]) == by_number[recordid(run, n)]
    resolved = sum(r.resolved_duplicate for r in results)
    assert resolved == look_up.calls > 0  # every refused duplicate was answered by a look-up
    assert counters.duplicates_refused >= look_up.calls


@pytest_asyncio.fixture
async def faulty() -> AsyncIterator[Harness]:
    h = Harness()
    h.demo.faults.configure(FAULTS)
    h.demo.limits.calls_per_minute = UNLIMITED.calls_per_minute
    yield h
    await h.aclose()


@pytest.mark.asyncio
async def test_500_creates_through_524_and_dropped_connections(faulty: Harness) -> None:
    client = faulty.client(limits=UNLIMITED, retry=PATIENT)
    results, look_up = await create_bills(client, "K4", 500)
    check(faulty.state, "K4", 500, results, look_up)
    assert faulty.recorder.max_functions == BATCH
    errors = {e.error for e in faulty.recorder.exchanges if e.error}
    assert errors == {"RemoteProtocolError"}  # the in-process drop looks like a real one to httpx


@pytest.mark.asyncio
async def test_100_creates_over_loopback_sockets() -> None:
    state = SandboxState.demo()
    state.company("DEMO").faults.configure(FAULTS)
    state.company("DEMO").limits.calls_per_minute = UNLIMITED.calls_per_minute
    async with served(state) as url:
        harness = Harness(state, inner=httpx.AsyncHTTPTransport(), endpoint=url)
        try:
            client = harness.client(limits=UNLIMITED, retry=PATIENT)
            results, look_up = await create_bills(client, "K4NET", 100, LOOPBACK_BATCH)
        finally:
            await harness.aclose()
    check(state, "K4NET", 100, results, look_up)
    statuses = {e.status for e in harness.recorder.exchanges}
    assert 524 in statuses
    assert any(e.error for e in harness.recorder.exchanges)  # connections really cut by the server
