"""Idempotency under concurrency: 20 POSTs racing with the same ``Idempotency-Key`` create one operation.

Codat's contract: the same key and body is the same operation; a request arriving while the first one
is still being created is 409 ("still being processed"). So every answer is either 200 with THE
operation or 409, there is exactly one operation row, and after the worker exactly one bill in Intacct.
A second round races 20 different keys for the same body: 20 operations, 20 bills (keys, not bodies,
decide).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest

from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import PushEnv
from tests.reliability import world
from tests.reliability.figures import record

pytestmark = pytest.mark.asyncio(loop_scope="session")

RACERS = 20


async def push_operations(env: PushEnv, company_id: str) -> int:
    count: int = await env.pool.fetchval(
        "SELECT count(*) FROM operations WHERE company_id = $1 AND kind = 'push'", uuid.UUID(company_id)
    )
    return count


def bills_with(env: PushEnv, reference: str) -> int:
    return len([row for row in env.demo.rows("APBILL") if row.get("DOCNUMBER") == reference])


async def test_twenty_concurrent_posts_with_one_key_create_one_operation(env: PushEnv) -> None:
    owner = await world.new_tenant(env, "idem")
    linked = await world.link(env, owner)
    tag = uuid.uuid4().hex[:8]
    key = str(uuid.uuid4())
    start = asyncio.Event()

    async def racer() -> tuple[int, str | None]:
        await start.wait()
        response = await env.push(linked, "bills", b.bill(tag), headers={"Idempotency-Key": key})
        body = response.json()
        answer = body.get("pushOperationKey") if response.status_code == 200 else body.get("error")
        return response.status_code, answer

    tasks = [asyncio.create_task(racer()) for _ in range(RACERS)]
    await asyncio.sleep(0)
    start.set()
    answers = await asyncio.gather(*tasks)
    statuses = Counter(status for status, _ in answers)
    assert set(statuses) <= {200, 409}, answers
    assert statuses[200] >= 1
    keys = {str(value) for status, value in answers if status == 200}
    assert len(keys) == 1, keys
    assert all("still being processed" in str(value) for status, value in answers if status == 409)
    assert await push_operations(env, linked.company_id) == 1

    async with env.worker():
        final = await world.wait(env, linked, keys.pop())
    assert final["status"] == "Success", final
    assert bills_with(env, f"B-{tag}") == 1
    # after the race, a replay answers the same operation, as it is now
    replay = await env.push(linked, "bills", b.bill(tag), headers={"Idempotency-Key": key})
    assert replay.status_code == 200 and replay.json()["pushOperationKey"] == final["pushOperationKey"]
    record("idempotency", f"{RACERS} racing POSTs, one key", f"{dict(statuses)} -> 1 operation, 1 bill")


async def test_twenty_concurrent_posts_with_distinct_keys_are_twenty_operations(env: PushEnv) -> None:
    owner = await world.new_tenant(env, "idem2")
    linked = await world.link(env, owner)
    tag = uuid.uuid4().hex[:8]
    answers = await asyncio.gather(
        *(
            env.push(linked, "bills", b.bill(tag), headers={"Idempotency-Key": str(uuid.uuid4())})
            for _ in range(RACERS)
        )
    )
    assert [a.status_code for a in answers] == [200] * RACERS
    assert len({a.json()["pushOperationKey"] for a in answers}) == RACERS
    assert await push_operations(env, linked.company_id) == RACERS
    async with env.worker():
        finals = [await world.wait(env, linked, a.json()["pushOperationKey"]) for a in answers]
    assert [f["status"] for f in finals] == ["Success"] * RACERS
    assert bills_with(env, f"B-{tag}") == RACERS
