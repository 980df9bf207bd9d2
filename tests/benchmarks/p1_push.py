"""P1: push N ten-line bills through the gateway vs ``sageintacctsdk`` creating them one by one.

Ours, end to end as a fintech sees it: a worker child is running (``worker_main`` at the default
concurrency, 200: batching needs 100 operations in hand to fill one request — Intacct's
functions-per-request limit — and another 100 to fill the next while the first is answered); the clock starts;
``CLIENTS`` concurrent HTTP clients ``POST …/push/bills`` every bill (each answered at once with a
``Pending`` push operation after validation); the benchmark polls the push history until no operation
is ``Pending``; the clock stops. Every operation must end ``Success``.

Reference: a ``reference.py push`` child creating the same bills with ``sdk.bills.post`` one at a time
(retrying after "API rate limit exceeded", which at 300 calls a minute is what bounds it), into its own
clone of DEMO so neither side spends the other's rate limit.

Calls are what the sandbox accepted for each company during each side's run (the API's validation
calls included for ours). Minimum possible: one request per 100 bills plus the sign-in.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import uuid
from collections import Counter
from typing import Any

import httpx

from datamodel import encode_json
from tests.benchmarks.bills import unified_bill
from tests.benchmarks.procs import Child
from tests.benchmarks.report import Measurement
from tests.benchmarks.stack import BenchStack, Linked, accepted_calls, functions_called, refused_calls

FUNCTIONS_PER_REQUEST = 100
#: The deployment default (``WORKER_CONCURRENCY``): one full request being answered, the next filling.
WORKER_CONCURRENCY = 2 * FUNCTIONS_PER_REQUEST
CLIENTS = 16
#: times a POST answered with a 5xx (or a lost connection) is sent again, with the same Idempotency-Key
RETRIES = 2
POLL_SECONDS = 0.2
TARGET = ">= 20x, calls <= 1.1 x minimum"


async def post_bills(
    stack: BenchStack, linked: Linked, bodies: list[bytes], clients: int = CLIENTS
) -> tuple[list[str], int]:
    """POST every body with ``clients`` concurrent clients: the push operation keys, in order, and how
    many POSTs were sent again after a 5xx or a lost connection.

    Every POST carries its own ``Idempotency-Key`` and a retry re-sends it, as a careful client does:
    the gateway then answers with the same operation instead of queueing the bill twice.
    """
    path = f"/companies/{linked.company_id}/connections/{linked.connection_id}/push/bills"
    keys: list[str] = [""] * len(bodies)
    retried = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(bodies)):
        queue.put_nowait(index)

    async def send(index: int) -> None:
        nonlocal retried
        headers = {"Content-Type": "application/json", "Idempotency-Key": f"bench-{uuid.uuid4()}"}
        for attempt in range(1, RETRIES + 2):
            try:
                response = await stack.api.post(path, content=bodies[index], headers=headers)
            except httpx.TransportError:
                if attempt > RETRIES:
                    raise
                retried += 1
                continue
            if response.status_code >= 500 and attempt <= RETRIES:
                retried += 1
                await asyncio.sleep(0.5 * attempt)
                continue
            if response.status_code != 200:
                raise RuntimeError(
                    f"push refused: {response.status_code} {response.text[:500]}\n"
                    f"gateway API log tail:\n{stack.log_tail('api')}"
                )
            answer = response.json()
            if answer.get("status") not in ("Pending", "Success"):
                raise RuntimeError(f"push not accepted: {json.dumps(answer)[:800]}")
            keys[index] = answer["pushOperationKey"]
            return

    async def client() -> None:
        while not queue.empty():
            await send(queue.get_nowait())

    await asyncio.gather(*(client() for _ in range(max(1, clients))))
    return keys, retried


async def count_status(stack: BenchStack, company_id: str, status: str) -> int:
    response = await stack.api.get(
        f"/companies/{company_id}/push", params={"page": 1, "pageSize": 1, "query": f"status={status}"}
    )
    response.raise_for_status()
    return int(response.json()["totalResults"])


async def wait_until_done(stack: BenchStack, linked: Linked, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while await count_status(stack, linked.company_id, "Pending"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"pushes still pending after {wait_seconds:.0f} s")
        await asyncio.sleep(POLL_SECONDS)


async def outcomes(stack: BenchStack, linked: Linked) -> tuple[Counter[str], str | None]:
    """Push operations of the company by status, and the validation of the first one that failed."""
    found: Counter[str] = Counter()
    failure: str | None = None
    page = 1
    while True:
        response = await stack.api.get(
            f"/companies/{linked.company_id}/push", params={"page": page, "pageSize": 1000}
        )
        response.raise_for_status()
        body = response.json()
        for operation in body["results"]:
            found[operation["status"]] += 1
            if operation["status"] != "Success" and failure is None:
                failure = json.dumps(operation.get("validation"))[:500]
        if page * 1000 >= body["totalResults"]:
            return found, failure
        page += 1


def bodies_for(run: str, n: int) -> list[bytes]:
    return [encode_json(unified_bill(run, i)) for i in range(n)]


async def ours(stack: BenchStack, linked: Linked, n: int, wait_seconds: float) -> dict[str, Any]:
    bodies = bodies_for("ours", n)
    worker = await stack.start_worker(concurrency=WORKER_CONCURRENCY)
    try:
        before = await stack.counters(linked.sandbox_company)
        started = time.perf_counter()
        _, retried = await post_bills(stack, linked, bodies)
        posted = time.perf_counter() - started
        await wait_until_done(stack, linked, wait_seconds)
        seconds = time.perf_counter() - started
        after = await stack.counters(linked.sandbox_company)
    finally:
        await stack.stop_child(worker)
    statuses, failure = await outcomes(stack, linked)
    return {
        "seconds": seconds,
        "posting_seconds": round(posted, 2),
        "posts_retried": retried,
        "statuses": dict(statuses),
        "first_failure": failure,
        "calls": accepted_calls(before, after),
        "rate_limited": refused_calls(before, after),
        "functions": functions_called(before, after),
    }


async def reference(stack: BenchStack, company: str, n: int, wait_seconds: float) -> dict[str, Any]:
    before = await stack.counters(company)
    child, line = await Child.start(
        "reference",
        "tests.benchmarks.reference",
        "push",
        f"--url={stack.sandbox_url}",
        f"--company={company}",
        f"--n={n}",
        "--run=ref",
        ready_timeout=wait_seconds,
    )
    await child.stop()
    after = await stack.counters(company)
    result: dict[str, Any] = json.loads(line)
    result["calls"] = accepted_calls(before, after)
    result["rate_limited_calls"] = refused_calls(before, after)
    result["functions"] = functions_called(before, after)
    return result


async def run_p1(
    stack: BenchStack, linked: Linked, reference_company: str, n: int, *, wait_seconds: float = 3600.0
) -> Measurement:
    mine = await ours(stack, linked, n, wait_seconds)
    theirs = await reference(stack, reference_company, n, wait_seconds)
    if mine["statuses"].get("Success") != n:
        raise AssertionError(f"P1: our pushes ended {mine['statuses']}: {mine['first_failure']}")
    if theirs["created"] != n:
        raise AssertionError(f"P1: the SDK created {theirs['created']} of {n} bills: {theirs['errors']}")
    return Measurement(
        key="P1",
        title=f"push {n:,} bills (10 lines each)",
        unit="s",
        ours=mine["seconds"],
        reference=theirs["seconds"],
        lower_is_better=True,
        target=TARGET,
        calls={"ours": mine["calls"], "reference": theirs["calls"]},
        minimum_calls=math.ceil(n / FUNCTIONS_PER_REQUEST) + 1,
        details={
            "bills": n,
            "http_clients": CLIENTS,
            "ours": {k: v for k, v in mine.items() if k not in ("seconds", "calls")},
            "reference": {k: v for k, v in theirs.items() if k not in ("seconds", "calls")},
        },
    )
