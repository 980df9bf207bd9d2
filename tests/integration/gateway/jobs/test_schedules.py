"""Scheduled syncs: defaults, firing into pull operations, no overlap under concurrency, cadence."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from gateway.jobs import (
    DEFAULT_SCHEDULES,
    PULL,
    NewOperation,
    Operation,
    OperationStatus,
    Worker,
    claim,
    complete,
    enqueue,
    ensure_default_schedules,
    fire_due_schedules,
    list_schedules,
    set_schedule_enabled,
    upsert_schedule,
)
from tests.integration.gateway.jobs.conftest import Company, make_company
from tests.integration.gateway.jobs.support import load, wait_until

pytestmark = pytest.mark.asyncio

HOUR = timedelta(hours=1)


async def db_now(db_pool: Any) -> datetime:
    now: datetime = await db_pool.fetchval("SELECT now()")
    return now


async def active_pulls(db_pool: Any, company: Company, data_type: str) -> list[Any]:
    rows: list[Any] = await db_pool.fetch(
        "SELECT id, schedule_id, connection_id, payload::text AS payload FROM operations"
        " WHERE tenant_id = $1 AND kind = 'pull' AND data_type = $2 AND status IN ('Pending', 'Running')",
        company.tenant_id,
        data_type,
    )
    return rows


async def test_default_schedules_are_suppliers_and_accounts_hourly(db_pool, company):
    ids = {"tenant_id": company.tenant_id, "company_id": company.company_id}
    created = await ensure_default_schedules(db_pool, connection_id=company.connection_id, **ids)
    assert {(s.data_type, s.interval_seconds, s.enabled) for s in created} == {
        ("suppliers", 3600, True),
        ("accounts", 3600, True),
    }
    assert set(DEFAULT_SCHEDULES) == {"suppliers", "accounts"}
    await upsert_schedule(db_pool, data_type="suppliers", interval=timedelta(hours=6), **ids)
    # Defaults never overwrite what the tenant chose.
    assert await ensure_default_schedules(db_pool, connection_id=company.connection_id, **ids) == []
    listed = {s.data_type: s.interval_seconds for s in await list_schedules(db_pool, **ids)}
    assert listed == {"accounts": 3600, "suppliers": 6 * 3600}
    with pytest.raises(ValueError):
        await upsert_schedule(db_pool, data_type="bills", interval=timedelta(seconds=10), **ids)


async def test_concurrent_firing_creates_one_pull_and_advances_the_schedule(db_pool, company):
    now = await db_now(db_pool)
    schedule = await upsert_schedule(
        db_pool,
        tenant_id=company.tenant_id,
        company_id=company.company_id,
        connection_id=company.connection_id,
        data_type="suppliers",
        interval=HOUR,
        next_run_at=now - timedelta(minutes=150),  # two and a half slots missed
    )
    results = await asyncio.gather(*(fire_due_schedules(db_pool) for _ in range(6)))
    mine = [f for batch in results for f in batch if f.schedule_id == schedule.id]
    assert len(mine) == 1 and mine[0].operation_id is not None
    pulls = await active_pulls(db_pool, company, "suppliers")
    assert [(p["id"], p["schedule_id"], p["connection_id"]) for p in pulls] == [
        (mine[0].operation_id, schedule.id, company.connection_id)
    ]
    assert '"trigger": "schedule"' in pulls[0]["payload"]
    # Missed slots are not replayed: the next slot is the first one after now, on the original grid.
    (after,) = await list_schedules(db_pool, tenant_id=company.tenant_id, company_id=company.company_id)
    assert after.next_run_at == schedule.next_run_at + 3 * HOUR
    assert after.last_operation_id == mine[0].operation_id
    assert [f for f in await fire_due_schedules(db_pool) if f.schedule_id == schedule.id] == []


async def test_a_schedule_does_not_start_a_pull_while_one_is_in_flight(db_pool, company):
    now = await db_now(db_pool)
    schedule = await upsert_schedule(
        db_pool,
        tenant_id=company.tenant_id,
        company_id=company.company_id,
        data_type="accounts",
        interval=HOUR,
        next_run_at=now - timedelta(minutes=1),
    )
    new = NewOperation(
        tenant_id=company.tenant_id, company_id=company.company_id, kind=PULL, data_type="accounts"
    )
    manual = await enqueue(db_pool, new)
    (fired,) = [f for f in await fire_due_schedules(db_pool) if f.schedule_id == schedule.id]
    assert fired.operation_id is None and fired.next_run_at > now
    assert [p["id"] for p in await active_pulls(db_pool, company, "accounts")] == [manual.operation.id]
    # Once the pull is done, the next slot fires a new one.
    # (Other tests may have left pulls queued in this database: claim until this tenant's is found.)
    while got := await claim(db_pool, "w", [PULL], 30, limit=500):
        mine = [c for c in got if c.operation.tenant_id == company.tenant_id]
        for c in mine:
            await complete(db_pool, c.lease, {"records": 0})
        if mine:
            break
    later = fired.next_run_at + timedelta(seconds=1)
    (again,) = [f for f in await fire_due_schedules(db_pool, as_of=later) if f.schedule_id == schedule.id]
    assert again.operation_id is not None and again.operation_id != manual.operation.id


async def test_many_firers_and_many_schedules_give_one_pull_each(db_pool, company):
    others = [await make_company(db_pool) for _ in range(4)]
    companies = [company, *others]
    now = await db_now(db_pool)
    try:
        schedule_ids = set()
        for c in companies:
            for data_type in ("suppliers", "accounts", "bills"):
                s = await upsert_schedule(
                    db_pool,
                    tenant_id=c.tenant_id,
                    company_id=c.company_id,
                    data_type=data_type,
                    interval=HOUR,
                    next_run_at=now - timedelta(seconds=5),
                )
                schedule_ids.add(s.id)
        batches = await asyncio.gather(*(fire_due_schedules(db_pool, limit=4) for _ in range(10)))
        fired = [f for batch in batches for f in batch if f.schedule_id in schedule_ids]
        assert sorted(f.schedule_id for f in fired) == sorted(schedule_ids)
        count = await db_pool.fetchval(
            "SELECT count(*) FROM operations WHERE schedule_id = ANY($1::uuid[])", list(schedule_ids)
        )
        assert count == 15
    finally:
        for c in others:
            await db_pool.execute("DELETE FROM tenants WHERE id = $1", c.tenant_id)


async def test_disabled_schedules_do_not_fire(db_pool, company):
    now = await db_now(db_pool)
    ids = {"tenant_id": company.tenant_id, "company_id": company.company_id}
    schedule = await upsert_schedule(
        db_pool, data_type="customers", interval=HOUR, next_run_at=now - timedelta(seconds=1), **ids
    )
    assert await set_schedule_enabled(db_pool, data_type="customers", enabled=False, **ids)
    assert not await set_schedule_enabled(db_pool, data_type="invoices", enabled=False, **ids)
    assert [f for f in await fire_due_schedules(db_pool) if f.schedule_id == schedule.id] == []


async def test_workers_fire_schedules_and_run_the_pulls(db_pool, company):
    now = await db_now(db_pool)
    ids = {"tenant_id": company.tenant_id, "company_id": company.company_id}
    await ensure_default_schedules(db_pool, connection_id=company.connection_id, **ids)
    await db_pool.execute(
        "UPDATE sync_schedules SET next_run_at = $2 WHERE tenant_id = $1", company.tenant_id, now
    )
    pulled: list[Operation] = []

    async def pull(op: Operation) -> dict[str, Any]:
        pulled.append(op)
        return {"records": 0}

    workers = [
        Worker(db_pool, {PULL: pull}, concurrency=2, poll_seconds=0.05, maintenance_seconds=0.1)
        for _ in range(3)
    ]
    tasks = [asyncio.create_task(w.run()) for w in workers]

    async def both_pulled() -> bool:
        mine = {op.data_type for op in pulled if op.tenant_id == company.tenant_id}
        return mine == {"suppliers", "accounts"}

    try:
        await wait_until(both_pulled, within=30)
    finally:
        for w in workers:
            w.stop()
        await asyncio.gather(*tasks)
    mine = [op for op in pulled if op.tenant_id == company.tenant_id]
    assert len(mine) == 2
    for op in mine:
        final = await load(db_pool, op.id)
        assert final.status is OperationStatus.SUCCESS and final.schedule_id is not None
