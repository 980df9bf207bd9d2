"""P5: push throughput with two worker processes vs one, over two Intacct companies.

Scale-out is the gateway's promise (DESIGN.md §4: add worker processes; Intacct's limits are per company
and shared through PostgreSQL). Two gateway companies are linked to two sandbox companies (clones of
DEMO). For each round the pushes are queued first through the API — N ten-line bills, half per company —
with no worker running; then the workers (``worker_main --hold``, all built and connected) are told to
go at the same moment, and the clock runs until no push operation of either company is ``Pending``.

``reference`` is the throughput of one worker, ``ours`` that of two (bills per second), so ``ratio`` is
the speed-up. Each round queues its own bills and starts fresh workers (each pays its own sign-in and
company facts); both rounds use the same two companies, whose calls stay far below the rate limit.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from tests.benchmarks.p1_push import POLL_SECONDS, WORKER_CONCURRENCY, bodies_for, count_status, post_bills
from tests.benchmarks.procs import Child
from tests.benchmarks.report import Measurement
from tests.benchmarks.stack import BenchStack, Linked, accepted_calls, functions_called

TARGET = ">= 1.8x"


async def _drain(stack: BenchStack, companies: list[Linked], wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        pending = [await count_status(stack, linked.company_id, "Pending") for linked in companies]
        if not any(pending):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"pushes still pending after {wait_seconds:.0f} s: {pending}")
        await asyncio.sleep(POLL_SECONDS)


async def _round(
    stack: BenchStack, companies: list[Linked], n: int, workers: int, wait_seconds: float
) -> dict[str, Any]:
    run = f"p5w{workers}"
    retried = 0
    for index, linked in enumerate(companies):
        share = n // len(companies) + (1 if index < n % len(companies) else 0)
        bodies = bodies_for(f"{run}c{index}", share)
        retried += (await post_bills(stack, linked, bodies))[1]
    before = [await stack.counters(linked.sandbox_company) for linked in companies]
    crew: list[Child] = list(
        await asyncio.gather(
            *(stack.start_worker(concurrency=WORKER_CONCURRENCY, hold=True) for _ in range(workers))
        )
    )
    try:
        started = time.perf_counter()
        await asyncio.gather(*(worker.send_line("go") for worker in crew))
        await _drain(stack, companies, wait_seconds)
        seconds = time.perf_counter() - started
    finally:
        for worker in crew:
            await stack.stop_child(worker)
    after = [await stack.counters(linked.sandbox_company) for linked in companies]
    failed = sum([await count_status(stack, linked.company_id, "Failed") for linked in companies])
    functions: Counter[str] = Counter()
    for b, a in zip(before, after, strict=True):
        functions.update(functions_called(b, a))
    return {
        "seconds": seconds,
        "bills_per_second": n / seconds,
        "failed_total": failed,
        "posts_retried": retried,
        "calls": sum(accepted_calls(b, a) for b, a in zip(before, after, strict=True)),
        "functions": dict(sorted(functions.items())),
    }


async def run_p5(
    stack: BenchStack, companies: list[Linked], n: int, *, wait_seconds: float = 1800.0
) -> Measurement:
    if len(companies) < 2:
        raise ValueError("P5 needs two or more linked companies")
    one = await _round(stack, companies, n, 1, wait_seconds)
    two = await _round(stack, companies, n, 2, wait_seconds)
    if one["failed_total"] or two["failed_total"]:
        raise AssertionError(f"P5: pushes failed (1 worker: {one['failed_total']}, 2: {two['failed_total']})")
    return Measurement(
        key="P5",
        title=f"push throughput, 2 workers vs 1 ({n:,} bills, {len(companies)} companies)",
        unit="bills/s",
        ours=two["bills_per_second"],
        reference=one["bills_per_second"],
        lower_is_better=False,
        target=TARGET,
        calls={"ours": two["calls"], "reference": one["calls"]},
        details={
            "bills_per_round": n,
            "companies": [linked.sandbox_company for linked in companies],
            "worker_concurrency": WORKER_CONCURRENCY,
            "two_workers": {k: two[k] for k in ("seconds", "functions", "posts_retried")},
            "one_worker": {k: one[k] for k in ("seconds", "functions", "posts_retried")},
        },
    )
