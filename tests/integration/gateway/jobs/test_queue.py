"""The queue's promises on PostgreSQL: idempotent enqueue, disjoint claims, lease-guarded writes,
retries, release, reclaim after lease expiry, timeouts, one active pull per company and type."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import asyncpg
import pytest

from gateway.jobs import (
    PULL,
    ActiveOperationExists,
    NewOperation,
    OperationStatus,
    claim,
    complete,
    complete_many,
    enqueue,
    enqueue_new,
    expire_idempotency_keys,
    fail,
    get_operation,
    heartbeat,
    reclaim_expired,
    release,
    time_out_overdue,
)
from tests.integration.gateway.jobs.conftest import Company, make_company
from tests.integration.gateway.jobs.support import load, new_tag, wait_until

pytestmark = pytest.mark.asyncio


def new_op(company: Company, kind: str, **kw: object) -> NewOperation:
    return NewOperation(
        tenant_id=company.tenant_id,
        company_id=company.company_id,
        connection_id=company.connection_id,
        kind=kind,
        **kw,  # type: ignore[arg-type]
    )


async def test_enqueue_stores_a_pending_operation(db_pool, company):
    kind = new_tag()
    res = await enqueue(db_pool, new_op(company, kind, data_type="bills", payload={"amount": "12.50"}))
    op = res.operation
    assert res.created
    assert op.status is OperationStatus.PENDING
    assert op.payload == {"amount": "12.50"}
    assert (op.attempts, op.lease_owner, op.timeout_at, op.result) == (0, None, None, None)
    assert await get_operation(db_pool, op.id, tenant_id=company.tenant_id) == op
    assert await get_operation(db_pool, op.id, tenant_id=uuid.uuid4()) is None


async def test_enqueue_is_idempotent_on_key_per_tenant(db_pool, company):
    kind = new_tag()
    first = await enqueue(db_pool, new_op(company, kind, idempotency_key="k-1", body_hash="h1"))
    again = await enqueue(db_pool, new_op(company, kind, idempotency_key="k-1", body_hash="h2"))
    assert again.created is False
    assert again.operation.id == first.operation.id
    assert again.operation.body_hash == "h1"  # the push feature compares hashes to answer 422
    other = await make_company(db_pool)
    try:
        theirs = await enqueue(db_pool, new_op(other, kind, idempotency_key="k-1"))
        assert theirs.created and theirs.operation.id != first.operation.id
    finally:
        await db_pool.execute("DELETE FROM tenants WHERE id = $1", other.tenant_id)


async def test_expired_idempotency_keys_can_be_reused(db_pool, company):
    kind = new_tag()
    first = await enqueue(db_pool, new_op(company, kind, idempotency_key="k-old"))
    await db_pool.execute(
        "UPDATE operations SET requested_at = now() - interval '91 minutes' WHERE id = $1", first.operation.id
    )
    assert await expire_idempotency_keys(db_pool) >= 1
    second = await enqueue(db_pool, new_op(company, kind, idempotency_key="k-old"))
    assert second.created and second.operation.id != first.operation.id


async def test_concurrent_claims_never_share_an_operation(db_pool, company):
    kind = new_tag()
    ids = {(await enqueue(db_pool, new_op(company, kind))).operation.id for _ in range(12)}
    batches = await asyncio.gather(*(claim(db_pool, f"w{i}", [kind], 30, limit=2) for i in range(10)))
    claimed = [c.operation.id for batch in batches for c in batch]
    assert len(claimed) == len(set(claimed)) == 12
    assert set(claimed) == ids
    for batch in batches:
        for c in batch:
            assert c.operation.status is OperationStatus.RUNNING
            assert c.operation.lease_owner == c.lease.owner
            assert c.lease.attempt == 1
            assert await complete(db_pool, c.lease, {"ok": True}) is not None


async def test_claim_only_takes_requested_kinds_and_due_rows(db_pool, company):
    kind, other = new_tag(), new_tag()
    later = await enqueue(db_pool, new_op(company, kind, delay_seconds=3600))
    foreign = await enqueue(db_pool, new_op(company, other))
    assert await claim(db_pool, "w", [kind], 30, limit=5) == []
    got = await claim(db_pool, "w", [other], 30, limit=5)
    assert [c.operation.id for c in got] == [foreign.operation.id]
    await complete(db_pool, got[0].lease, None)
    assert (await load(db_pool, later.operation.id)).status is OperationStatus.PENDING


async def test_writes_are_guarded_by_the_lease(db_pool, company):
    kind = new_tag()
    await enqueue(db_pool, new_op(company, kind))
    (c,) = await claim(db_pool, "w1", [kind], 30)
    forged = type(c.lease)(
        operation_id=c.lease.operation_id,
        owner="w1",
        token=uuid.uuid4(),
        attempt=1,
        expires_at=c.lease.expires_at,
    )
    assert await heartbeat(db_pool, forged, 30) is False
    assert await complete(db_pool, forged, {"x": 1}) is None
    assert await fail(db_pool, forged, "nope") is None
    assert await release(db_pool, forged) is False
    assert await heartbeat(db_pool, c.lease, 30) is True
    done = await complete(db_pool, c.lease, {"x": 2})
    assert done is not None and done.status is OperationStatus.SUCCESS and done.result == {"x": 2}
    assert done.completed_at is not None
    assert await complete(db_pool, c.lease, {"x": 3}) is None  # finished rows are final
    assert await heartbeat(db_pool, c.lease, 30) is False


async def test_complete_many_writes_each_held_lease_in_one_statement(db_pool, company):
    kind = new_tag()
    for _ in range(3):
        await enqueue(db_pool, new_op(company, kind))
    a, b, c = await claim(db_pool, "w", [kind], 30, limit=3)
    forged = type(b.lease)(
        operation_id=b.lease.operation_id,
        owner="w",
        token=uuid.uuid4(),
        attempt=1,
        expires_at=b.lease.expires_at,
    )
    written = await complete_many(db_pool, [(a.lease, {"n": 1}), (forged, {"n": 2}), (c.lease, None)])
    assert written == {a.operation.id, c.operation.id}
    done_a, still_b, done_c = [await load(db_pool, x.operation.id) for x in (a, b, c)]
    assert done_a.status is OperationStatus.SUCCESS and done_a.result == {"n": 1} and done_a.completed_at
    assert done_c.status is OperationStatus.SUCCESS and done_c.result is None
    assert still_b.status is OperationStatus.RUNNING  # a forged token writes nothing
    assert await complete_many(db_pool, [(a.lease, {"n": 3})]) == set()  # finished rows are final
    assert await complete_many(db_pool, []) == set()
    await complete(db_pool, b.lease, None)


async def test_enqueue_new_answers_the_callers_columns_of_the_new_row(db_pool, company):
    kind = new_tag()
    fresh = new_op(company, kind, id=uuid.uuid4(), payload={"n": 1})
    row = await enqueue_new(db_pool, fresh, "o.id, o.status, o.payload ->> 'n' AS n")
    assert (row["id"], row["status"], row["n"]) == (fresh.id, "Pending", "1")
    assert (await load(db_pool, fresh.id)).status is OperationStatus.PENDING
    assert await enqueue_new(db_pool, fresh, "o.id") is None  # the id exists: nothing inserted
    for refused in (
        new_op(company, kind),  # no id of its own
        new_op(company, kind, id=uuid.uuid4(), idempotency_key="k"),
        new_op(company, PULL, id=uuid.uuid4(), data_type="bills"),
    ):
        with pytest.raises(ValueError):
            await enqueue_new(db_pool, refused, "o.id")
    (c,) = await claim(db_pool, "w", [kind], 30)
    await complete(db_pool, c.lease, None)


async def test_complete_can_record_a_business_failure(db_pool, company):
    kind = new_tag()
    await enqueue(db_pool, new_op(company, kind))
    (c,) = await claim(db_pool, "w1", [kind], 30)
    done = await complete(
        db_pool, c.lease, {"validation": {"errors": [1]}}, status=OperationStatus.FAILED, error={"m": "x"}
    )
    assert done is not None and done.status is OperationStatus.FAILED and done.error == {"m": "x"}
    with pytest.raises(ValueError):
        await complete(db_pool, c.lease, None, status=OperationStatus.PENDING)


async def test_fail_retries_until_attempts_run_out(db_pool, company):
    kind = new_tag()
    res = await enqueue(db_pool, new_op(company, kind, max_attempts=2))
    (c,) = await claim(db_pool, "w1", [kind], 30)
    after = await fail(db_pool, c.lease, "upstream busy", retry_at=timedelta(hours=1))
    assert after is not None and after.status is OperationStatus.PENDING
    assert after.error == {"message": "upstream busy"} and after.lease_owner is None
    assert await claim(db_pool, "w1", [kind], 30) == []  # not before retry_at
    await db_pool.execute("UPDATE operations SET run_after = now() WHERE id = $1", res.operation.id)
    (c2,) = await claim(db_pool, "w2", [kind], 30)
    assert c2.operation.id == res.operation.id and c2.lease.attempt == 2
    final = await fail(db_pool, c2.lease, {"type": "X", "message": "still busy"}, retry_at=timedelta(0))
    assert final is not None and final.status is OperationStatus.FAILED and final.completed_at is not None


async def test_fail_without_retry_is_final(db_pool, company):
    kind = new_tag()
    await enqueue(db_pool, new_op(company, kind))
    (c,) = await claim(db_pool, "w1", [kind], 30)
    final = await fail(db_pool, c.lease, "bad payload")
    assert final is not None and final.status is OperationStatus.FAILED
    assert final.lease_owner == "w1"  # who ran it last stays visible


async def test_release_gives_the_operation_back_without_counting_an_attempt(db_pool, company):
    kind = new_tag()
    res = await enqueue(db_pool, new_op(company, kind))
    (c,) = await claim(db_pool, "w1", [kind], 30)
    assert await release(db_pool, c.lease) is True
    op = await load(db_pool, res.operation.id)
    assert op.status is OperationStatus.PENDING and op.attempts == 0 and op.lease_owner is None
    (c2,) = await claim(db_pool, "w2", [kind], 30)
    assert c2.lease.attempt == 1 and c2.lease.token != c.lease.token
    assert await complete(db_pool, c.lease, None) is None
    assert await complete(db_pool, c2.lease, None) is not None


async def test_expired_lease_is_reclaimed_and_the_old_holder_locked_out(db_pool, company):
    kind = new_tag()
    res = await enqueue(db_pool, new_op(company, kind))
    (c,) = await claim(db_pool, "dead-worker", [kind], 0.3)
    reclaimed: list[uuid.UUID] = []

    async def swept() -> bool:
        reclaimed.extend(await reclaim_expired(db_pool))
        return res.operation.id in reclaimed

    await wait_until(swept, within=10)
    op = await load(db_pool, res.operation.id)
    assert op.status is OperationStatus.PENDING and op.lease_owner is None and op.attempts == 1
    (c2,) = await claim(db_pool, "live-worker", [kind], 30)
    assert c2.lease.attempt == 2
    assert await heartbeat(db_pool, c.lease, 30) is False
    assert await complete(db_pool, c.lease, {"by": "dead"}) is None
    done = await complete(db_pool, c2.lease, {"by": "live"})
    assert done is not None and done.result == {"by": "live"} and done.attempts == 2


async def test_reclaim_fails_an_operation_that_keeps_losing_its_worker(db_pool, company):
    kind = new_tag()
    res = await enqueue(db_pool, new_op(company, kind, max_attempts=1))
    await claim(db_pool, "dead-worker", [kind], 30)
    await db_pool.execute(
        "UPDATE operations SET lease_expires_at = now() - interval '1 second' WHERE id = $1", res.operation.id
    )
    assert res.operation.id in await reclaim_expired(db_pool)
    op = await load(db_pool, res.operation.id)
    assert op.status is OperationStatus.FAILED and (op.error or {}).get("type") == "LeaseExpired"


async def test_overdue_operations_time_out_and_are_never_claimed(db_pool, company):
    kind = new_tag()
    pending = await enqueue(db_pool, new_op(company, kind, timeout_in_minutes=5))
    assert pending.operation.timeout_in_minutes == 5
    assert pending.operation.timeout_at is not None
    running = await enqueue(db_pool, new_op(company, kind, timeout_in_minutes=5, delay_seconds=0))
    fresh = await enqueue(db_pool, new_op(company, kind, timeout_in_minutes=5))
    await db_pool.execute(
        "UPDATE operations SET timeout_at = now() - interval '1 second' WHERE id = $1", pending.operation.id
    )
    # Only `running` and `fresh` are claimable; the overdue one is skipped even before the sweep.
    got = await claim(db_pool, "w1", [kind], 30, limit=5)
    assert {c.operation.id for c in got} == {running.operation.id, fresh.operation.id}
    lease = next(c.lease for c in got if c.operation.id == running.operation.id)
    await db_pool.execute(
        "UPDATE operations SET timeout_at = now() - interval '1 second' WHERE id = $1", running.operation.id
    )
    timed_out = await time_out_overdue(db_pool)
    assert {pending.operation.id, running.operation.id} <= set(timed_out)
    assert fresh.operation.id not in timed_out
    for op_id in (pending.operation.id, running.operation.id):
        op = await load(db_pool, op_id)
        assert op.status is OperationStatus.TIMED_OUT and op.completed_at is not None
    assert await heartbeat(db_pool, lease, 30) is False
    assert await complete(db_pool, lease, {"late": True}) is None
    with pytest.raises(ValueError):
        await enqueue(db_pool, new_op(company, kind, timeout_in_minutes=0))


async def test_one_active_pull_per_company_and_data_type(db_pool, company):
    first = await enqueue(db_pool, new_op(company, PULL, data_type="suppliers"))
    with pytest.raises(ActiveOperationExists) as refused:
        await enqueue(db_pool, new_op(company, PULL, data_type="suppliers"))
    assert refused.value.operation is not None and refused.value.operation.id == first.operation.id
    other_type = await enqueue(db_pool, new_op(company, PULL, data_type="accounts"))
    assert other_type.created
    # The database itself refuses a second active pull, whatever the code does.
    with pytest.raises(asyncpg.UniqueViolationError):
        await db_pool.execute(
            "INSERT INTO operations (id, tenant_id, company_id, kind, data_type)"
            " VALUES ($1, $2, $3, 'pull', $4)",
            uuid.uuid4(),
            company.tenant_id,
            company.company_id,
            "suppliers",
        )
    got = await claim(db_pool, "w1", [PULL], 30, limit=10)
    mine = [c for c in got if c.operation.tenant_id == company.tenant_id]
    for c in mine:
        await complete(db_pool, c.lease, None)
    for c in got:
        if c.operation.tenant_id != company.tenant_id:
            await release(db_pool, c.lease)
    again = await enqueue(db_pool, new_op(company, PULL, data_type="suppliers"))
    assert again.created and again.operation.id != first.operation.id


async def test_concurrent_pull_requests_create_one_operation(db_pool, company):
    attempts = [new_op(company, PULL, data_type="bills") for _ in range(8)]
    outcomes = await asyncio.gather(*(enqueue(db_pool, a) for a in attempts), return_exceptions=True)
    created = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, ActiveOperationExists)]
    assert len(created) == 1 and len(refused) == 7
    count = await db_pool.fetchval(
        "SELECT count(*) FROM operations WHERE tenant_id = $1 AND kind = 'pull' AND data_type = 'bills'",
        company.tenant_id,
    )
    assert count == 1
