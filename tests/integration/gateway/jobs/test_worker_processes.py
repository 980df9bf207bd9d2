"""Workers in separate OS processes against one database: exactly-once draining, a SIGKILLed worker's
operations reclaimed after its lease expires, SIGTERM finishing or releasing the current work."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import shutil
import signal
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from gateway.jobs import NewOperation, OperationStatus, Worker, enqueue
from tests.integration.gateway.jobs.conftest import Company
from tests.integration.gateway.jobs.support import new_tag, recording_handler, wait_until
from tests.integration.gateway.jobs.test_worker import FAST, assert_exactly_once, status_counts

pytestmark = pytest.mark.asyncio

REPO = Path(__file__).resolve().parents[4]


class Child:
    """One ``worker_child`` process; its stderr goes to a file shown when the test fails."""

    def __init__(self, proc: asyncio.subprocess.Process, log: Path, worker_id: str) -> None:
        self.proc, self.log, self.id = proc, log, worker_id

    async def exit_code(self, within: float = 30.0) -> int:
        try:
            return await asyncio.wait_for(self.proc.wait(), within)
        except TimeoutError:
            raise AssertionError(f"child {self.id} did not exit:\n{self.log.read_text()[-3000:]}") from None


@contextlib.asynccontextmanager
async def children(
    database_url: str, kinds: list[str], count: int, **opts: Any
) -> AsyncIterator[list[Child]]:
    """Start ``count`` worker processes; any still running at the end is killed."""
    logdir = Path(tempfile.mkdtemp(prefix="gw-jobs-"))
    started: list[Child] = []
    try:
        for i in range(count):
            worker_id = f"child{i}-{new_tag()}"
            args = [sys.executable, "-m", "tests.integration.gateway.jobs.worker_child"]
            args += ["--dsn", database_url, "--id", worker_id]
            for kind in kinds:
                args += ["--kind", kind]
            for key, value in opts.items():
                args += [f"--{key}", str(value)]
            log = logdir / f"{worker_id}.log"
            with log.open("wb") as err:
                proc = await asyncio.create_subprocess_exec(
                    *args, cwd=REPO, stdout=asyncio.subprocess.DEVNULL, stderr=err
                )
            started.append(Child(proc, log, worker_id))
        yield started
    finally:
        for child in started:
            if child.proc.returncode is None:
                child.proc.kill()
                await child.proc.wait()
        shutil.rmtree(logdir, ignore_errors=True)


async def enqueue_n(db_pool: Any, company: Company, kind: str, n: int, **payload: Any) -> list[Any]:
    ids = []
    for i in range(n):
        new = NewOperation(tenant_id=company.tenant_id, kind=kind, payload={"n": i, **payload})
        ids.append((await enqueue(db_pool, new)).operation.id)
    return ids


async def started_by(db_pool: Any, worker: str) -> int:
    return int(await db_pool.fetchval("SELECT count(*) FROM jobs_test_starts WHERE worker = $1", worker))


async def test_two_processes_and_an_in_process_worker_drain_300_operations_exactly_once(
    db_pool, database_url, company
):
    tag = new_tag()
    kinds = [f"{tag}.push", f"{tag}.pull", f"{tag}.other"]
    ids = []
    for n in range(300):
        payload: dict[str, Any] = {"n": n, "sleep": 0.01 + (n % 3) * 0.01}
        if n % 25 == 7:
            payload["fail"] = True
        new = NewOperation(tenant_id=company.tenant_id, kind=kinds[n % 3], data_type=f"t{n}", payload=payload)
        ids.append((await enqueue(db_pool, new)).operation.id)
    async with children(database_url, kinds, 2, concurrency=3) as procs:
        for child in procs:
            await wait_until(functools.partial(_has_started, db_pool, child.id), within=60)
        local = Worker(
            db_pool,
            dict.fromkeys(kinds, recording_handler(db_pool, "local")),
            id="local",
            concurrency=3,
            **FAST,
        )
        task = asyncio.create_task(local.run())

        async def drained() -> bool:
            counts = await status_counts(db_pool, company)
            return counts.get("Success", 0) + counts.get("Failed", 0) == 300

        try:
            await wait_until(drained, within=120)
        finally:
            local.stop()
            await task
        for child in procs:
            child.proc.send_signal(signal.SIGTERM)
        assert [await child.exit_code() for child in procs] == [0, 0]
        per_worker = await assert_exactly_once(db_pool, ids)
        assert {child.id for child in procs} <= set(per_worker)
    assert await status_counts(db_pool, company) == {"Success": 288, "Failed": 12}


async def _has_started(db_pool: Any, worker: str) -> bool:
    return await started_by(db_pool, worker) > 0


async def test_operations_of_a_killed_worker_are_reclaimed_and_completed_by_another(
    db_pool, database_url, company
):
    kind = new_tag()
    ids = await enqueue_n(db_pool, company, kind, 3, hang=True)
    async with children(database_url, [kind], 1, concurrency=3, lease=2) as (child,):

        async def all_started() -> bool:
            return await started_by(db_pool, child.id) == 3

        await wait_until(all_started, within=60)
        child.proc.send_signal(signal.SIGKILL)
        assert await child.exit_code() == -signal.SIGKILL
    running = await db_pool.fetch(
        "SELECT status, lease_owner FROM operations WHERE id = ANY($1::uuid[])", ids
    )
    assert {(r["status"], r["lease_owner"]) for r in running} == {("Running", child.id)}

    rescuer = Worker(
        db_pool,
        {kind: recording_handler(db_pool, "rescuer", honour_hang=False)},
        id="rescuer",
        concurrency=3,
        **FAST,
    )
    task = asyncio.create_task(rescuer.run())

    async def all_done() -> bool:
        counts = await status_counts(db_pool, company)
        return counts.get("Success", 0) == 3

    try:
        await wait_until(all_done, within=60)
    finally:
        rescuer.stop()
        await task
    assert await assert_exactly_once(db_pool, ids) == {"rescuer": 3}
    rows = await db_pool.fetch(
        "SELECT attempts, lease_owner, result::text AS result FROM operations WHERE id = ANY($1::uuid[])", ids
    )
    assert all(r["attempts"] == 2 and r["lease_owner"] == "rescuer" for r in rows)
    starts = await db_pool.fetch(
        "SELECT worker, attempt FROM jobs_test_starts WHERE operation_id = ANY($1::uuid[])", ids
    )
    assert sorted((r["worker"], r["attempt"]) for r in starts) == [(child.id, 1)] * 3 + [("rescuer", 2)] * 3


async def test_sigterm_lets_the_current_operations_finish(db_pool, database_url, company):
    kind = new_tag()
    slow = await enqueue_n(db_pool, company, kind, 2, sleep=2.0)
    quick = await enqueue_n(db_pool, company, kind, 4)
    async with children(database_url, [kind], 1, concurrency=2, grace=30) as (child,):

        async def busy() -> bool:
            return await started_by(db_pool, child.id) == 2

        await wait_until(busy, within=60)
        child.proc.send_signal(signal.SIGTERM)
        assert await child.exit_code() == 0
    statuses = await db_pool.fetch(
        "SELECT id, status, attempts FROM operations WHERE id = ANY($1::uuid[])", slow + quick
    )
    by_id = {r["id"]: (r["status"], r["attempts"]) for r in statuses}
    assert [by_id[i] for i in slow] == [(OperationStatus.SUCCESS.value, 1)] * 2
    assert [by_id[i] for i in quick] == [(OperationStatus.PENDING.value, 0)] * 4
    await db_pool.execute("DELETE FROM operations WHERE id = ANY($1::uuid[])", quick)


async def test_sigterm_releases_what_cannot_finish_within_the_grace_period(db_pool, database_url, company):
    kind = new_tag()
    ids = await enqueue_n(db_pool, company, kind, 2, hang=True)
    async with children(database_url, [kind], 1, concurrency=2, grace=0.3) as (child,):

        async def busy() -> bool:
            return await started_by(db_pool, child.id) == 2

        await wait_until(busy, within=60)
        child.proc.send_signal(signal.SIGTERM)
        assert await child.exit_code() == 0
    rows = await db_pool.fetch(
        "SELECT status, attempts, lease_owner FROM operations WHERE id = ANY($1::uuid[])", ids
    )
    assert [(r["status"], r["attempts"], r["lease_owner"]) for r in rows] == [("Pending", 0, None)] * 2
    await db_pool.execute("DELETE FROM operations WHERE id = ANY($1::uuid[])", ids)
