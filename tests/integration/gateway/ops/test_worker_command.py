"""`gateway worker` as a process: it runs operations, serves its own metrics, and on SIGTERM stops
claiming, lets the running operation finish, and exits 0 (what k8s and compose send on a rollout)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from gateway.jobs import NewOperation, enqueue
from gateway.store import create_pool, upgrade
from tests.integration.gateway.ops.conftest import parse_samples, value
from tests.integration.gateway.ops.worker_main import KIND

REPO = Path(__file__).resolve().parents[4]
CHILD = Path(__file__).with_name("worker_main.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"GATEWAY_ENV", "PORT", "HOST"}}
    env.update(PYTHONPATH=str(REPO), DATABASE_URL=database_url, LOG_FORMAT="json", LOG_LEVEL="INFO", **extra)
    return env


@pytest_asyncio.fixture(loop_scope="session")
async def store(empty_database: str) -> AsyncIterator[tuple[str, Any, uuid.UUID]]:
    """(url, pool, tenant id) on a database of this test only: a worker also fires due schedules."""
    from gateway.tenancy.repository import TenantRepository

    pool = await create_pool(empty_database, min_size=1, max_size=4)
    try:
        await upgrade(pool)
        tenant_id, _ = await TenantRepository(pool).create_tenant("worker-cli")
        yield empty_database, pool, tenant_id
    finally:
        await pool.close()


async def wait_for_line(stream: asyncio.StreamReader, needle: str, seen: list[str]) -> None:
    while True:
        raw = await asyncio.wait_for(stream.readline(), timeout=60)
        if not raw:
            raise AssertionError("the worker exited early:\n" + "".join(seen))
        line = raw.decode(errors="replace")
        seen.append(line)
        if needle in line:
            return


async def statuses(pool: Any, ids: list[uuid.UUID]) -> list[str]:
    rows = await pool.fetch("SELECT id, status FROM operations WHERE id = ANY($1::uuid[])", ids)
    by_id = {r["id"]: r["status"] for r in rows}
    return [by_id[i] for i in ids]


async def wait_for_status(pool: Any, ids: list[uuid.UUID], wanted: str) -> None:
    for _ in range(600):
        if all(s == wanted for s in await statuses(pool, ids)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"operations did not reach {wanted}: {await statuses(pool, ids)}")


@pytest.mark.asyncio(loop_scope="session")
async def test_worker_runs_operations_serves_metrics_and_drains_on_sigterm(
    store: tuple[str, Any, uuid.UUID],
) -> None:
    url, pool, tenant_id = store
    metrics_port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        "worker",
        "--concurrency",
        "2",
        "--grace",
        "15",
        "--metrics-port",
        str(metrics_port),
        "--metrics-host",
        "127.0.0.1",
        env=child_env(url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        await wait_for_line(proc.stdout, f"running {KIND}", seen)
        quick = [
            (await enqueue(pool, NewOperation(tenant_id=tenant_id, kind=KIND))).operation.id for _ in range(3)
        ]
        await wait_for_status(pool, quick, "Success")

        async with httpx.AsyncClient() as http:
            response = await http.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10)
        samples = parse_samples(response.text)
        assert value(samples, "gateway_worker_operations_total", kind=KIND, outcome="success") == 3
        assert value(samples, "gateway_worker_operation_duration_seconds_count", kind=KIND) == 3

        slow = (
            await enqueue(pool, NewOperation(tenant_id=tenant_id, kind=KIND, payload={"sleep": 1.0}))
        ).operation.id
        await wait_for_status(pool, [slow], "Running")
        proc.send_signal(signal.SIGTERM)
        # Stopped claiming: an operation enqueued now stays Pending for the next worker.
        late = (await enqueue(pool, NewOperation(tenant_id=tenant_id, kind=KIND))).operation.id
        returncode = await asyncio.wait_for(proc.wait(), timeout=60)
        rest = await proc.stdout.read()
        seen.append(rest.decode(errors="replace"))
        assert returncode == 0, "".join(seen)
        assert await statuses(pool, [slow, late]) == ["Success", "Pending"]
        assert "worker.signal" in "".join(seen) and "SIGTERM" in "".join(seen)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


@pytest.mark.asyncio(loop_scope="session")
async def test_worker_without_handlers_refuses_to_start(store: tuple[str, Any, uuid.UUID]) -> None:
    url, _, _ = store
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        "worker",
        env=child_env(url, WORKER_TEST_NO_HANDLERS="1"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 1, (out, err)
    assert b"no operation handlers" in err
