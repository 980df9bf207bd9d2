"""P2: pull N bills from Intacct into the gateway's store vs ``sageintacctsdk``'s ``bills.get_all()``.

Ours: a worker child (``worker_main``, idle and settled first) and ``POST …/data/queue/bills`` through the
API; the clock runs from that POST until the pull operation (``GET …/data/history/{id}``) is completed,
i.e. every bill is mapped and upserted in PostgreSQL. The worker's memory is read from ``/proc``: peak
resident size during the pull (``VmHWM`` after a ``clear_refs`` reset, and a 50 ms ``VmRSS`` poll) minus
its resident size when idle. The stored count is checked through ``GET …/data/bills``.

Reference: a ``reference.py pull`` child, from sign-in to the list of rows in memory, with its own
memory growth measured the same way. Both read the same bulk company; calls are what the sandbox counted
for that company during each side's run. Minimum possible calls: one ``query`` page of 2000 per 2000
bills plus the sign-in.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any

from tests.benchmarks.procs import Child, RssSampler, peak_mb, reset_peak, rss_mb
from tests.benchmarks.report import Measurement
from tests.benchmarks.stack import BenchStack, Linked, accepted_calls, functions_called, refused_calls

PAGE = 2000
TARGET = ">= 3x, calls <= minimum + 1, worker peak RSS growth <= 150 MB"
POLL_SECONDS = 0.1


async def wait_for_pull(
    stack: BenchStack, company_id: str, dataset_id: str, wait_seconds: float
) -> dict[str, Any]:
    deadline = time.monotonic() + wait_seconds
    while True:
        response = await stack.api.get(f"/companies/{company_id}/data/history/{dataset_id}")
        response.raise_for_status()
        pull: dict[str, Any] = response.json()
        if pull.get("isCompleted") or pull.get("isErrored"):
            return pull
        if time.monotonic() > deadline:
            raise TimeoutError(f"pull {dataset_id} still {pull.get('status')} after {wait_seconds:.0f} s")
        await asyncio.sleep(POLL_SECONDS)


async def stored_count(stack: BenchStack, company_id: str) -> int:
    response = await stack.api.get(f"/companies/{company_id}/data/bills", params={"page": 1, "pageSize": 1})
    response.raise_for_status()
    return int(response.json()["totalResults"])


async def ours(stack: BenchStack, linked: Linked, wait_seconds: float) -> dict[str, Any]:
    worker = await stack.start_worker(concurrency=4, pool_size=8)
    try:
        await asyncio.sleep(1.0)  # let start-up allocations settle before the idle reading
        reset_peak(worker.pid)
        idle = rss_mb(worker.pid)
        before = await stack.counters(linked.sandbox_company)
        async with RssSampler(worker.pid) as sampler:
            started = time.perf_counter()
            response = await stack.api.post(f"/companies/{linked.company_id}/data/queue/bills")
            response.raise_for_status()
            pull = await wait_for_pull(stack, linked.company_id, response.json()["id"], wait_seconds)
            seconds = time.perf_counter() - started
        peak = max(peak_mb(worker.pid), sampler.peak)
        after = await stack.counters(linked.sandbox_company)
    finally:
        await stack.stop_child(worker)
    return {
        "seconds": seconds,
        "status": pull.get("status"),
        "records": await stored_count(stack, linked.company_id),
        "calls": accepted_calls(before, after),
        "rate_limited": refused_calls(before, after),
        "functions": functions_called(before, after),
        "idle_rss_mb": round(idle, 1),
        "rss_growth_mb": max(peak - idle, 0.0),
    }


async def reference(stack: BenchStack, company: str, wait_seconds: float) -> dict[str, Any]:
    before = await stack.counters(company)
    child, line = await Child.start(
        "reference",
        "tests.benchmarks.reference",
        "pull",
        f"--url={stack.sandbox_url}",
        f"--company={company}",
        ready_timeout=wait_seconds,
    )
    await child.stop()
    after = await stack.counters(company)
    result: dict[str, Any] = json.loads(line)
    result["calls"] = accepted_calls(before, after)
    result["rate_limited"] = refused_calls(before, after)
    result["functions"] = functions_called(before, after)
    return result


async def run_p2(stack: BenchStack, linked: Linked, n: int, *, wait_seconds: float = 1800.0) -> Measurement:
    """``linked`` must name the sandbox company seeded with ``n`` bulk bills."""
    mine = await ours(stack, linked, wait_seconds)
    theirs = await reference(stack, linked.sandbox_company, wait_seconds)
    if mine["status"] != "Complete" or mine["records"] != n:
        raise AssertionError(
            f"P2: our pull ended {mine['status']} with {mine['records']} of {n} bills stored"
        )
    if theirs["records"] != n:
        raise AssertionError(f"P2: the SDK read {theirs['records']} of {n} bills")
    return Measurement(
        key="P2",
        title=f"pull {n:,} bills into the store",
        unit="s",
        ours=mine["seconds"],
        reference=theirs["seconds"],
        lower_is_better=True,
        target=TARGET,
        calls={"ours": mine["calls"], "reference": theirs["calls"]},
        minimum_calls=math.ceil(n / PAGE) + 1,
        peak_rss_mb={"ours": mine["rss_growth_mb"], "reference": theirs["rss_growth_mb"]},
        details={
            "bills": n,
            "ours": {k: v for k, v in mine.items() if k not in ("seconds", "calls", "rss_growth_mb")},
            "reference": {k: v for k, v in theirs.items() if k not in ("seconds", "calls", "rss_growth_mb")},
        },
    )
