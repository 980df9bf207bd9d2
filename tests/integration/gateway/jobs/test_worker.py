"""Workers in one process: draining a mixed queue exactly once, outcome recording, lease loss,
graceful stop (finish or release)."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from gateway.jobs import (
    NewOperation,
    Operation,
    OperationStatus,
    RetryLater,
    Worker,
    enqueue,
    time_out_overdue,
)
from tests.integration.gateway.jobs.conftest import Company
from tests.integration.gateway.jobs.support import load, new_tag, recording_handler, wait_until

pytestmark = pytest.mark.asyncio

FAST: dict[str, Any] = {"poll_seconds": 0.05, "maintenance_seconds": 0.2, "fire_schedules": False}


async def enqueue_mixed(db_pool: Any, company: Company, kinds: list[str], count: int) -> list[Any]:
    """``count`` operations spread over ``kinds``; some take a little time, some fail for good."""
    rng = random.Random(7)
    ids = []
    for n in range(count):
        payload: dict[str, Any] = {"n": n}
        if rng.random() < 0.2:
            payload["sleep"] = rng.choice([0.005, 0.02])
        if n % 10 == 3:
            payload["fail"] = True
        new = NewOperation(
            tenant_id=company.tenant_id,
            company_id=company.company_id,
            kind=kinds[n % len(kinds)],
            data_type=f"type{n}",
            payload=payload,
        )
        ids.append((await enqueue(db_pool, new)).operation.id)
    return ids


async def status_counts(db_pool: Any, company: Company) -> dict[str, int]:
    rows = await db_pool.fetch(
        "SELECT status, count(*) AS n FROM operations WHERE tenant_id = $1 GROUP BY status", company.tenant_id
    )
    return {r["status"]: r["n"] for r in rows}


async def assert_exactly_once(db_pool: Any, ids: list[Any]) -> dict[str, int]:
    rows = await db_pool.fetch(
        "SELECT operation_id, count(*) AS n, min(worker) AS worker FROM jobs_test_runs"
        " WHERE operation_id = ANY($1::uuid[]) GROUP BY operation_id",
        ids,
    )
    runs = {r["operation_id"]: r["n"] for r in rows}
    assert set(runs) == set(ids), "some operations never ran"
    assert all(n == 1 for n in runs.values()), {k: v for k, v in runs.items() if v != 1}
    per_worker: dict[str, int] = {}
    for r in rows:
        per_worker[r["worker"]] = per_worker.get(r["worker"], 0) + 1
    return per_worker


async def test_workers_in_one_process_drain_300_mixed_operations_exactly_once(db_pool, company):
    tag = new_tag()
    kinds = [f"{tag}.push", f"{tag}.pull", f"{tag}.other"]
    ids = await enqueue_mixed(db_pool, company, kinds, 300)
    workers = [
        Worker(
            db_pool,
            dict.fromkeys(kinds, recording_handler(db_pool, f"w{i}")),
            id=f"w{i}",
            concurrency=3,
            **FAST,
        )
        for i in range(3)
    ]
    runs = [asyncio.create_task(w.run()) for w in workers]

    async def drained() -> bool:
        counts = await status_counts(db_pool, company)
        return counts.get("Success", 0) + counts.get("Failed", 0) == 300

    try:
        await wait_until(drained, within=90)
    finally:
        for w in workers:
            w.stop()
        await asyncio.gather(*runs)
    assert await status_counts(db_pool, company) == {"Success": 270, "Failed": 30}
    per_worker = await assert_exactly_once(db_pool, ids)
    assert len(per_worker) >= 2, per_worker  # the work really was shared
    attempts = await db_pool.fetchval(
        "SELECT max(attempts) FROM operations WHERE tenant_id = $1", company.tenant_id
    )
    assert attempts == 1
    failed = await db_pool.fetchrow(
        "SELECT result::text, error::text FROM operations WHERE tenant_id = $1 AND status = 'Failed' LIMIT 1",
        company.tenant_id,
    )
    assert "refused on purpose" in failed["error"] and '"worker"' in failed["result"]


async def run_one(db_pool: Any, company: Company, handler: Any, **kw: Any) -> Operation:
    """Enqueue one operation of a fresh kind, let a worker process it to a final state, return it."""
    kind = new_tag()
    op_id = (
        await enqueue(db_pool, NewOperation(tenant_id=company.tenant_id, kind=kind, max_attempts=3, **kw))
    ).operation.id
    worker = Worker(db_pool, {kind: handler}, concurrency=1, retry_base_seconds=0.01, **FAST)
    task = asyncio.create_task(worker.run())

    async def final() -> bool:
        return (await load(db_pool, op_id)).status.is_final

    try:
        await wait_until(final, within=30)
    finally:
        worker.stop()
        await task
    op = await load(db_pool, op_id)
    assert op is not None
    return op


async def test_handler_result_becomes_the_operation_result(db_pool, company):
    async def handler(op: Operation) -> dict[str, Any]:
        return {"echo": op.payload["x"], "attempt": op.attempts}

    op = await run_one(db_pool, company, handler, payload={"x": "1.10"})
    assert op.status is OperationStatus.SUCCESS and op.result == {"echo": "1.10", "attempt": 1}


async def test_retryable_errors_are_retried_with_the_same_operation_id(db_pool, company):
    seen: list[tuple[Any, int]] = []

    class Transient(Exception):
        retryable = True
        retry_after = 0.0

    async def handler(op: Operation) -> dict[str, Any]:
        seen.append((op.id, op.attempts))
        if op.attempts == 1:
            raise Transient("502 from upstream")
        if op.attempts == 2:
            raise RetryLater("throttled", retry_after=0.0)
        return {"ok": True}

    op = await run_one(db_pool, company, handler)
    assert op.status is OperationStatus.SUCCESS and op.attempts == 3
    assert [a for _, a in seen] == [1, 2, 3] and len({i for i, _ in seen}) == 1


async def test_retryable_errors_fail_when_attempts_run_out(db_pool, company):
    async def handler(op: Operation) -> dict[str, Any]:
        raise RetryLater("still throttled", retry_after=0.0)

    op = await run_one(db_pool, company, handler)
    assert op.status is OperationStatus.FAILED and op.attempts == 3
    assert op.error == {"type": "RetryLater", "message": "still throttled"}


async def test_unexpected_errors_fail_at_once(db_pool, company):
    async def handler(op: Operation) -> dict[str, Any]:
        raise KeyError("boom")

    op = await run_one(db_pool, company, handler)
    assert (
        op.status is OperationStatus.FAILED
        and op.attempts == 1
        and op.error == {"type": "KeyError", "message": "'boom'"}
    )


async def test_a_worker_that_loses_its_lease_stops_the_handler(db_pool, company):
    kind = new_tag()
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def handler(op: Operation) -> dict[str, Any]:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return {}

    new = NewOperation(tenant_id=company.tenant_id, kind=kind, timeout_in_minutes=1)
    op_id = (await enqueue(db_pool, new)).operation.id
    worker = Worker(db_pool, {kind: handler}, concurrency=1, lease_seconds=0.6, **FAST)
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.wait_for(started.wait(), 10)
        await db_pool.execute("UPDATE operations SET timeout_at = now() WHERE id = $1", op_id)
        assert op_id in await time_out_overdue(db_pool)
        await asyncio.wait_for(cancelled.wait(), 10)
    finally:
        worker.stop()
        await task
    op = await load(db_pool, op_id)
    assert op.status is OperationStatus.TIMED_OUT and op.result is None


async def test_stop_lets_the_running_operation_finish(db_pool, company):
    kind = new_tag()
    started, go_on = asyncio.Event(), asyncio.Event()

    async def handler(op: Operation) -> dict[str, Any]:
        started.set()
        await go_on.wait()
        return {"finished": True}

    first = (await enqueue(db_pool, NewOperation(tenant_id=company.tenant_id, kind=kind))).operation.id
    second = (await enqueue(db_pool, NewOperation(tenant_id=company.tenant_id, kind=kind))).operation.id
    worker = Worker(db_pool, {kind: handler}, concurrency=1, **FAST)
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(started.wait(), 10)
    worker.stop(grace=30)
    go_on.set()
    await asyncio.wait_for(task, 30)
    statuses = {
        (await load(db_pool, first)).status,
        (await load(db_pool, second)).status,
    }
    # The one it was running finished; the other was never claimed after stop().
    assert statuses == {OperationStatus.SUCCESS, OperationStatus.PENDING}


async def test_stop_releases_what_does_not_finish_within_the_grace_period(db_pool, company):
    kind = new_tag()
    started = asyncio.Event()

    async def handler(op: Operation) -> dict[str, Any]:
        started.set()
        await asyncio.sleep(3600)
        return {}

    op_id = (await enqueue(db_pool, NewOperation(tenant_id=company.tenant_id, kind=kind))).operation.id
    worker = Worker(db_pool, {kind: handler}, concurrency=1, **FAST)
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(started.wait(), 10)
    worker.stop(grace=0.1)
    await asyncio.wait_for(task, 30)
    op = await load(db_pool, op_id)
    assert op.status is OperationStatus.PENDING and op.attempts == 0 and op.lease_owner is None
    assert worker.active == 0


async def test_an_idle_worker_is_woken_by_the_enqueue_notification(db_pool, company):
    kind = new_tag()
    ran = asyncio.Event()

    async def handler(op: Operation) -> dict[str, Any]:
        ran.set()
        return {}

    # Polling and sweeps every 10 minutes: only the NOTIFY sent by enqueue can wake this worker in time.
    worker = Worker(db_pool, {kind: handler}, poll_seconds=600, maintenance_seconds=600, fire_schedules=False)
    task = asyncio.create_task(worker.run())
    try:
        await wait_until(_listening(db_pool), within=10)
        await enqueue(db_pool, NewOperation(tenant_id=company.tenant_id, kind=kind))
        await asyncio.wait_for(ran.wait(), 30)
    finally:
        worker.stop()
        await asyncio.wait_for(task, 30)


def _listening(db_pool: Any) -> Any:
    async def check() -> bool:
        channels = await db_pool.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN %gateway_operations%'"
        )
        return bool(channels)

    return check
