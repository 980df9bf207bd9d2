"""The worker side of pushes: batching per company, crash safety, retries, timeouts, warnings."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from connectors.base import PushOutcome, PushRequest
from gateway.jobs import PUSH, queue, sweeps
from gateway.push.connectors import ConnectorCache
from gateway.push.handler import PushHandler
from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import Linked, PushEnv

pytestmark = pytest.mark.asyncio(loop_scope="session")


def bills_with(env: PushEnv, reference: str) -> list[dict[str, Any]]:
    return [row for row in env.demo.rows("APBILL") if row.get("DOCNUMBER") == reference]


async def pending_push(env: PushEnv, linked: Linked, body: dict[str, Any], **params: Any) -> str:
    response = await env.push(linked, "bills", body, params=params)
    assert response.status_code == 200 and response.json()["status"] == "Pending", response.text
    key: str = response.json()["pushOperationKey"]
    return key


def handler(env: PushEnv, **options: Any) -> PushHandler:
    provider = env.handlers()[PUSH]._connectors._opener  # the production provider, on the sandbox
    return PushHandler(env.pool, ConnectorCache(provider), **options)


async def test_pushes_of_one_company_go_out_in_one_call(env: PushEnv) -> None:
    linked = await env.link()
    tag = uuid.uuid4().hex[:6]
    keys = [await pending_push(env, linked, b.bill(f"{tag}-{n}")) for n in range(5)]
    batching = handler(env, window=0.5)
    requests_before = env.demo.counters.http_requests
    async with env.worker({PUSH: batching}):
        done = [await env.wait(linked, key) for key in keys]
    assert [op["status"] for op in done] == ["Success"] * 5
    assert batching.batcher.calls == 1  # five operations, one connector.push
    assert len({op["changes"][0]["recordRef"]["id"] for op in done}) == 5
    for n in range(5):
        assert len(bills_with(env, f"B-{tag}-{n}")) == 1
    # facts are loaded once and the five bills travel together: far fewer HTTP calls than bills x calls
    assert env.demo.counters.http_requests - requests_before < 10


async def test_a_worker_dying_after_sending_never_writes_twice(env: PushEnv) -> None:
    """Kill the worker after connector.push returned but before the outcome is saved; the re-run (same
    operation key -> same Intacct controlid) finds the bill instead of creating a second one."""
    linked = await env.link()
    tag = uuid.uuid4().hex[:8]
    key = await pending_push(env, linked, b.bill(tag))

    dying = handler(env, window=0.0)
    sent, release = asyncio.Event(), asyncio.Event()
    real_send = dying._send

    async def send_then_die(ref: Any, requests: Sequence[PushRequest]) -> Sequence[PushOutcome]:
        await real_send(ref, requests)  # Intacct has the bill ...
        sent.set()
        await release.wait()  # the process "dies" here: the outcome is never returned
        raise RuntimeError("worker process killed")

    dying._send = send_then_die  # type: ignore[method-assign]
    dying._batcher._send = send_then_die
    [claimed] = await queue.claim(env.pool, "doomed-worker", [PUSH], lease_seconds=1.0)
    assert str(claimed.operation.id) == key
    task = asyncio.create_task(dying(claimed.operation))
    await asyncio.wait_for(sent.wait(), 20)
    task.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(bills_with(env, f"B-{tag}")) == 1  # written upstream ...
    assert (await env.operation(linked, key))["status"] == "Pending"  # ... but not recorded here

    # The lease runs out; the sweeper puts it back and a healthy worker runs it again.
    reclaimed = await sweeps.reclaim_expired(env.pool, as_of=datetime.now(UTC) + timedelta(seconds=5))
    assert claimed.operation.id in reclaimed
    async with env.worker():
        final = await env.wait(linked, key)
    assert final["status"] == "Success", (final.get("errorMessage"), final.get("validation"))
    assert len(bills_with(env, f"B-{tag}")) == 1
    assert final["changes"][0]["recordRef"]["id"] == str(bills_with(env, f"B-{tag}")[0]["RECORDNO"])
    attempts = await env.pool.fetchval("SELECT attempts FROM operations WHERE id = $1", uuid.UUID(key))
    assert attempts == 2


async def test_an_unavailable_platform_is_retried_with_the_same_operation(env: PushEnv) -> None:
    """A retryable outcome (Intacct down, outcome unknown) puts the operation back in the queue; the next
    attempt sends the same operation key."""
    linked = await env.link()
    tag = uuid.uuid4().hex[:8]
    key = await pending_push(env, linked, b.bill(tag))
    flaky = handler(env, window=0.0)
    real_send = flaky._send
    seen: list[list[str]] = []

    async def unavailable_once(ref: Any, requests: Sequence[PushRequest]) -> Sequence[PushOutcome]:
        seen.append([r.operation_key for r in requests])
        if len(seen) == 1:
            return [
                PushOutcome(
                    operation_key=r.operation_key,
                    ok=False,
                    retryable=True,
                    status_code=503,
                    message="The Service is Temporarily Off-line",
                )
                for r in requests
            ]
        return await real_send(ref, requests)

    flaky._batcher._send = unavailable_once
    async with env.worker({PUSH: flaky}):
        final = await env.wait(linked, key)
    assert final["status"] == "Success", (final.get("errorMessage"), final.get("validation"))
    assert seen == [[key], [key]]
    assert len(bills_with(env, f"B-{tag}")) == 1
    row = await env.pool.fetchrow("SELECT attempts, error FROM operations WHERE id = $1", uuid.UUID(key))
    assert row["attempts"] == 2


async def test_retries_that_run_out_fail_with_503(env: PushEnv) -> None:
    linked = await env.link()
    key = await pending_push(env, linked, b.bill(uuid.uuid4().hex[:8]))
    await env.pool.execute("UPDATE operations SET max_attempts = 2 WHERE id = $1", uuid.UUID(key))
    down = handler(env, window=0.0)

    async def always_down(ref: Any, requests: Sequence[PushRequest]) -> Sequence[PushOutcome]:
        return [
            PushOutcome(operation_key=r.operation_key, ok=False, retryable=True, message="down")
            for r in requests
        ]

    down._batcher._send = always_down
    async with env.worker({PUSH: down}):
        final = await env.wait(linked, key)
    assert final["status"] == "Failed" and final["statusCode"] == 503, final
    assert "down" in final["errorMessage"]


async def test_timed_out_operations_say_so_and_are_not_run(env: PushEnv) -> None:
    linked = await env.link()
    tag = uuid.uuid4().hex[:8]
    key = await pending_push(env, linked, b.bill(tag), timeoutInMinutes=1)
    assert (await env.operation(linked, key))["timeoutInMinutes"] == 1
    await sweeps.time_out_overdue(env.pool, as_of=datetime.now(UTC) + timedelta(minutes=2))
    timed_out = await env.operation(linked, key)
    assert timed_out["status"] == "TimedOut" and timed_out["statusCode"] == 504
    assert "1 minutes" in timed_out["errorMessage"]
    async with env.worker():
        await asyncio.sleep(0.3)
    assert bills_with(env, f"B-{tag}") == []


async def test_an_unapproved_bill_payment_succeeds_with_the_warning(env: PushEnv) -> None:
    env.demo.config.ap_payment_approval = True
    linked = await env.link(settings={"apPaymentApproval": True})
    tag = uuid.uuid4().hex[:8]
    async with env.worker():
        created = await env.wait(linked, await pending_push(env, linked, b.bill(tag)))
        bill_id = created["changes"][0]["recordRef"]["id"]
        response = await env.push(linked, "billPayments", b.bill_payment(tag, bill_id))
        final = await env.wait(linked, response.json()["pushOperationKey"])
    assert final["status"] == "Success", (final.get("errorMessage"), final.get("validation"))
    warnings = final["validation"]["warnings"]
    assert any("approval" in w["message"] and "next" in w["message"] for w in warnings), warnings
    payment = env.demo.get("APPYMT", int(final["changes"][0]["recordRef"]["id"]))
    assert payment["STATE"] == "Submitted"


async def test_refusals_from_intacct_fail_the_operation_with_what_to_fix(env: PushEnv) -> None:
    linked = await env.link()
    tag = uuid.uuid4().hex[:8]
    key = await pending_push(env, linked, b.bill(tag, supplierRef={"id": "V9999"}))
    async with env.worker():
        final = await env.wait(linked, key)
    assert final["status"] == "Failed" and final["statusCode"] == 400, final
    assert final["validation"]["errors"], final
    assert final["errorMessage"]
    assert bills_with(env, f"B-{tag}") == []
