"""Load: 200 concurrent clients for 60 s against list and push routes of ``gateway serve`` on loopback.

The company is linked to the sandbox and pulled first (so lists have pages to serve), then the worker
stops: the API alone is measured. Each client loops over list routes (bills, suppliers, invoices, push
history) and, one request in four, a bill push. Every answer must be 2xx (0 errors, 0 exceptions), and
the API process's resident memory must stay flat: after the first quarter of the run (pools, caches and
allocator arenas warmed up) it may not grow by more than ``GROWTH_LIMIT_MB``. The figures (requests,
rate, latency percentiles, RSS over time) are reported.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

import httpx
import pytest

from tests.integration.gateway.push import bodies as b
from tests.reliability.figures import record
from tests.reliability.stack import Stack

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.reliability]

CLIENTS = 200
SECONDS = 60.0
GROWTH_LIMIT_MB = 40.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def test_two_hundred_clients_for_a_minute_no_errors_flat_memory() -> None:
    async with Stack.start() as stack:
        async with stack.api_client() as setup:
            remote = await stack.link(setup, "DEMO")
            worker = await stack.start_worker(concurrency=8)
            await stack.settle(within=180)
            worker.stop()
            stack.workers.remove(worker)
            assert stack.api is not None
            api_proc = stack.api

        company = f"/companies/{remote.company_id}"
        reads = [
            f"{company}/data/bills?page=1&pageSize=100",
            f"{company}/data/suppliers?page=1&pageSize=50&orderBy=-name",
            f"{company}/data/invoices?page=1&pageSize=100&query=amountDue%3E0",
            f"{company}/push?page=1&pageSize=20",
        ]
        statuses: Counter[int] = Counter()
        failures: Counter[str] = Counter()
        latencies: list[float] = []
        by_route: dict[str, list[float]] = {}
        rss: list[tuple[float, float]] = []
        started = time.monotonic()
        deadline = started + SECONDS

        async def client(number: int, http: httpx.AsyncClient) -> None:
            turn = number
            while time.monotonic() < deadline:
                turn += 1
                begun = time.monotonic()
                try:
                    if turn % 4 == 0:  # one request in four is a push, the others cycle over the lists
                        tag = f"L{uuid.uuid4().hex[:8]}"
                        response = await http.post(f"{remote.base}/push/bills", json=b.bill(tag))
                    else:
                        response = await http.get(reads[(turn // 4) % len(reads)])
                except httpx.HTTPError as exc:
                    failures[type(exc).__name__] += 1
                    continue
                latencies.append(time.monotonic() - begun)
                route = "POST push" if turn % 4 == 0 else reads[(turn // 4) % len(reads)].split("?")[0]
                route = route.replace(company, "").replace(remote.base, "")
                by_route.setdefault(route, []).append(latencies[-1])
                statuses[response.status_code] += 1
                if response.status_code >= 300:
                    failures[f"HTTP {response.status_code}: {response.text[:120]}"] += 1

        async def sample() -> None:
            while time.monotonic() < deadline:
                rss.append((time.monotonic() - started, api_proc.rss_mb()))
                await asyncio.sleep(1.0)

        async with stack.api_client(connections=CLIENTS, timeout=60.0) as http:
            sampler = asyncio.create_task(sample())
            await asyncio.gather(*(client(n, http) for n in range(CLIENTS)))
            await sampler
        elapsed = time.monotonic() - started
        assert api_proc.alive, stack.tails()
        upstream = await stack.sandbox_admin("DEMO", "counters")

    total = sum(statuses.values())
    assert failures == Counter(), failures.most_common(5)
    assert total > 0
    warm = [mb for at, mb in rss if at >= SECONDS / 4]
    baseline, end, peak = warm[0], warm[-1], max(mb for _, mb in rss)
    assert end - baseline < GROWTH_LIMIT_MB, rss
    record(
        "load (200 clients, 60 s, lists + pushes)",
        "requests / errors",
        f"{total} / 0 ({total / elapsed:.0f} req/s)",
    )
    record(
        "load (200 clients, 60 s, lists + pushes)",
        "latency p50 / p95 / p99",
        " / ".join(f"{percentile(latencies, q) * 1000:.0f} ms" for q in (0.5, 0.95, 0.99)),
    )
    record(
        "load (200 clients, 60 s, lists + pushes)",
        "API RSS at 15 s / end / peak",
        f"{baseline:.0f} / {end:.0f} / {peak:.0f} MB (growth {end - baseline:+.1f} MB)",
    )
    record("load (200 clients, 60 s, lists + pushes)", "answers by status", dict(statuses))
    record(
        "load (200 clients, 60 s, lists + pushes)", "Intacct calls made by the API", upstream["by_function"]
    )
    for route, values in sorted(by_route.items()):
        record(
            "load (200 clients, 60 s, lists + pushes)",
            f"{route}: requests, p50 / p99",
            f"{len(values)}, {percentile(values, 0.5) * 1000:.0f} / {percentile(values, 0.99) * 1000:.0f} ms",
        )
