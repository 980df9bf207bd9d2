"""Codat's Idempotency-Key: replay, 422 for another request, 409 while the first is being created."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from gateway.push.connectors import load_connection
from gateway.push.controllers import connector_cache
from tests.integration.gateway.helpers import error_body
from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import Linked, PushEnv

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def pushes(env: PushEnv, linked: Linked) -> int:
    count: int = await env.pool.fetchval(
        "SELECT count(*) FROM operations WHERE company_id = $1 AND kind = 'push'",
        uuid.UUID(linked.company_id),
    )
    return count


async def test_same_key_and_body_is_the_same_operation_and_one_bill(env: PushEnv) -> None:
    linked = await env.link()
    key = str(uuid.uuid4())
    tag = uuid.uuid4().hex[:8]
    first = await env.push(linked, "bills", b.bill(tag), headers={"Idempotency-Key": key})
    second = await env.push(linked, "bills", b.bill(tag), headers={"Idempotency-Key": key})
    assert first.status_code == second.status_code == 200
    assert first.json()["pushOperationKey"] == second.json()["pushOperationKey"]
    assert await pushes(env, linked) == 1
    async with env.worker():
        final = await env.wait(linked, first.json()["pushOperationKey"])
    third = await env.push(linked, "bills", b.bill(tag), headers={"Idempotency-Key": key})
    assert third.json()["pushOperationKey"] == final["pushOperationKey"]
    assert third.json()["status"] == "Success"  # a replay answers the operation as it is now
    assert len([r for r in env.demo.rows("APBILL") if r.get("DOCNUMBER") == f"B-{tag}"]) == 1


async def test_same_key_with_another_request_is_422(env: PushEnv) -> None:
    linked = await env.link()
    key = str(uuid.uuid4())
    assert (
        await env.push(linked, "bills", b.bill("one"), headers={"Idempotency-Key": key})
    ).status_code == 200
    other_body = await env.push(linked, "bills", b.bill("two"), headers={"Idempotency-Key": key})
    other_type = await env.push(linked, "invoices", b.invoice("one"), headers={"Idempotency-Key": key})
    for response in (other_body, other_type):
        assert response.status_code == 422, response.text
        assert "Idempotency-Key" in error_body(response).error
    assert await pushes(env, linked) == 1
    # Keys belong to a tenant: another tenant may use the same key for its own request.
    stranger = await env.link()
    assert (
        await env.push(stranger, "bills", b.bill("two"), headers={"Idempotency-Key": key})
    ).status_code == 200


async def test_same_key_while_the_first_request_is_still_being_created_is_409(env: PushEnv) -> None:
    linked = await env.link()
    tenant_id = await env.pool.fetchval(
        "SELECT tenant_id FROM companies WHERE id = $1", uuid.UUID(linked.company_id)
    )
    ref = await load_connection(
        env.pool, tenant_id, uuid.UUID(linked.company_id), uuid.UUID(linked.connection_id)
    )
    connector = await connector_cache(env.app.state).get(ref)
    entered, release = asyncio.Event(), asyncio.Event()
    real_validate = connector.validate

    async def slow_validate(request: Any) -> Any:
        entered.set()
        await release.wait()
        return await real_validate(request)

    connector.validate = slow_validate
    key = str(uuid.uuid4())
    try:
        first = asyncio.create_task(
            env.push(linked, "bills", b.bill("slow"), headers={"Idempotency-Key": key})
        )
        await asyncio.wait_for(entered.wait(), 10)
        racing = await env.push(linked, "bills", b.bill("slow"), headers={"Idempotency-Key": key})
        assert racing.status_code == 409, racing.text
        assert "still being processed" in error_body(racing).error
        release.set()
        assert (await first).status_code == 200
    finally:
        release.set()
        connector.validate = real_validate
    again = await env.push(linked, "bills", b.bill("slow"), headers={"Idempotency-Key": key})
    assert (
        again.status_code == 200
        and again.json()["pushOperationKey"] == (await first).json()["pushOperationKey"]
    )


async def test_a_request_that_failed_gives_its_key_back(env: PushEnv) -> None:
    linked = await env.link()
    key = str(uuid.uuid4())
    bad = await env.push(linked, "bills", {**b.bill("x"), "colour": "red"}, headers={"Idempotency-Key": key})
    assert bad.status_code == 400
    good = await env.push(linked, "bills", b.bill("x"), headers={"Idempotency-Key": key})
    assert good.status_code == 200, good.text


async def test_a_refused_push_replays_as_the_same_failed_operation(env: PushEnv) -> None:
    linked = await env.link()
    key = str(uuid.uuid4())
    body = {k: v for k, v in b.bill("r").items() if k != "supplierRef"}
    first = await env.push(linked, "bills", body, headers={"Idempotency-Key": key})
    second = await env.push(linked, "bills", body, headers={"Idempotency-Key": key})
    assert first.json()["status"] == second.json()["status"] == "Failed"
    assert first.json()["pushOperationKey"] == second.json()["pushOperationKey"]


async def test_keys_are_forgotten_after_the_window(env: PushEnv) -> None:
    linked = await env.link()
    key = str(uuid.uuid4())
    first = await env.push(linked, "bills", b.bill("old"), headers={"Idempotency-Key": key})
    await env.pool.execute(
        "UPDATE push_idempotency_keys SET created_at = now() - interval '91 minutes' WHERE key = $1", key
    )
    reused = await env.push(linked, "bills", b.bill("new"), headers={"Idempotency-Key": key})
    assert reused.status_code == 200
    assert reused.json()["pushOperationKey"] != first.json()["pushOperationKey"]


async def test_malformed_keys_are_refused(env: PushEnv) -> None:
    linked = await env.link()
    response = await env.push(linked, "bills", b.bill("k"), headers={"Idempotency-Key": "k" * 256})
    assert response.status_code == 400
    assert "Idempotency-Key" in {item["itemId"] for item in response.json()["validation"]["errors"]}


async def test_a_key_whose_creator_died_is_taken_over(env: PushEnv) -> None:
    """A request that reserved a key and died before creating its operation does not block the key
    for ever: after a few minutes the same request creates the operation it had reserved."""
    from gateway.push.idempotency import IdempotencyKeys

    linked = await env.link()
    tenant_id = await env.pool.fetchval(
        "SELECT tenant_id FROM companies WHERE id = $1", uuid.UUID(linked.company_id)
    )
    keys = IdempotencyKeys(env.pool)
    reserved = await keys.claim(tenant_id, "died-key", "hash-1", uuid.uuid4())
    assert reserved.created
    with pytest.raises(Exception, match="still being processed"):
        await keys.claim(tenant_id, "died-key", "hash-1", uuid.uuid4())
    await env.pool.execute(
        "UPDATE push_idempotency_keys SET created_at = now() - interval '6 minutes' WHERE key = 'died-key'"
    )
    taken = await keys.claim(tenant_id, "died-key", "hash-1", uuid.uuid4())
    assert taken.created and taken.operation_id == reserved.operation_id
