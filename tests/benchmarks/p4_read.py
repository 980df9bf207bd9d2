"""P4: ``GET …/data/bills?pageSize=100`` from PostgreSQL under 32 concurrent clients vs the app's floor.

Ours is the public list route reading the bills the pull stored: tenant lookup from the API key, the
records query on PostgreSQL, the page envelope. The floor is ``GET /bench/floor`` in the same app
instance (``api_main``): the bytes of a real page of that route, serialized before the run, sent through
the same middleware — what an answer costs when the route does no work at all.

Each of ``clients`` tasks (one keep-alive connection each, a minimal HTTP/1.1 client so the client's own
parsing does not compete with the server for the CPUs) sends ``requests_per_client`` requests back
to back, walking the pages of the data set so no two consecutive requests read the same rows; a warm-up
round comes first. Latencies are wall times per request measured in the client; the figures are p99
(``ours``/``reference``) with p50 and requests per second in ``details``. ``ratio`` = floor p99 / our
p99, so the target "p99 <= 2x floor" is a ratio >= 0.5.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from typing import Any

import httpx

from tests.benchmarks.report import Measurement
from tests.benchmarks.stack import BenchStack, Linked

CLIENTS = 32
PAGE_SIZE = 100
TARGET = "p99 <= 2x floor (ratio >= 0.5)"


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of a non-empty sample."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


class _Connection:
    """One keep-alive HTTP/1.1 connection with the least client work possible.

    httpx parses every answer in Python; at 32 clients fetching ~90 KB pages on a small machine that
    cost lands on the same CPUs as the server and would be measured as server latency. This reads the
    status line, the headers and ``Content-Length`` bytes, nothing else.
    """

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        request = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.extra}\r\n"
        self.writer.write(request.encode("latin-1"))
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise RuntimeError(f"GET {path}: answer without Content-Length")
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()


async def _hammer(
    stack: BenchStack, paths: list[str], clients: int, per_client: int
) -> tuple[list[float], float]:
    """Latencies (seconds) of ``clients`` x ``per_client`` requests over ``paths``, and the wall time."""
    url = httpx.URL(stack.api_url)
    headers = {"Authorization": stack.api.headers["Authorization"]}
    connections = [_Connection(url.host, url.port or 80, headers) for _ in range(clients)]
    latencies: list[float] = []

    async def client(number: int) -> None:
        connection = connections[number]
        for i in range(per_client):
            path = paths[(number * per_client + i) % len(paths)]
            started = time.perf_counter()
            status, body = await connection.get(path)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"GET {path} -> {status}: {body[:300]!r}")

    try:
        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        wall = time.perf_counter() - started
    finally:
        for connection in connections:
            await connection.close()
    return latencies, wall


def _summary(latencies: list[float], wall: float) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2),
        "requests_per_second": round(len(latencies) / wall, 1),
    }


async def run_p4(
    stack: BenchStack, linked: Linked, *, clients: int = CLIENTS, requests_per_client: int = 50
) -> Measurement:
    """``linked`` must already hold pulled bills (P2 leaves them in the store)."""
    base = f"/companies/{linked.company_id}/data/bills"
    first = await stack.api.get(base, params={"page": 1, "pageSize": PAGE_SIZE})
    first.raise_for_status()
    total = int(first.json()["totalResults"])
    if total == 0:
        raise AssertionError("P4 needs bills in the store")
    stack.floor_file.write_bytes(first.content)
    pages = max(1, min(math.ceil(total / PAGE_SIZE), 1000))
    data_paths = [f"{base}?page={page}&pageSize={PAGE_SIZE}" for page in range(1, pages + 1)]
    floor_paths = ["/bench/floor"]
    # warm-up: connections, caches, the floor's file read
    await _hammer(stack, data_paths, clients, 2)
    await _hammer(stack, floor_paths, clients, 2)
    ours, ours_wall = await _hammer(stack, data_paths, clients, requests_per_client)
    floor, floor_wall = await _hammer(stack, floor_paths, clients, requests_per_client)
    mine, theirs = _summary(ours, ours_wall), _summary(floor, floor_wall)
    details: dict[str, Any] = {
        "clients": clients,
        "requests_per_client": requests_per_client,
        "page_size": PAGE_SIZE,
        "bills_in_store": total,
        "pages_walked": pages,
        "response_bytes": len(first.content),
        "ours": mine,
        "floor": theirs,
    }
    return Measurement(
        key="P4",
        title=f"GET data/bills pageSize={PAGE_SIZE}, {clients} clients",
        unit="ms p99",
        ours=mine["p99_ms"],
        reference=theirs["p99_ms"],
        lower_is_better=True,
        target=TARGET,
        details=details,
    )
