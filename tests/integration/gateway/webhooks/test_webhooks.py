"""Webhook consumers and deliveries: Codat's write events reach a real endpoint on 127.0.0.1, signed,
retried with backoff when the endpoint fails, and every attempt is in the delivery log."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from datamodel import WriteWebhookEvent, decode_json
from gateway.jobs import sweeps
from gateway.webhooks import signing
from gateway.webhooks.events import emit_event
from gateway.webhooks.schemas import WebhookConsumer, WebhookDeliveries
from tests.integration.gateway.helpers import error_fields
from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import Linked, PushEnv
from tests.integration.gateway.webhooks.receiver import Received, receiver

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def subscribe(env: PushEnv, linked: Linked, url: str, **body: Any) -> WebhookConsumer:
    response = await env.client.post("/webhooks", json={"url": url, **body}, headers=linked.headers)
    assert response.status_code == 200, response.text
    return decode_json(response.content, WebhookConsumer)


def verified(delivery: Received, secret: str) -> WriteWebhookEvent:
    assert signing.verify(secret, delivery.headers, delivery.body, now=int(time.time()))
    assert not signing.verify(secret, delivery.headers, delivery.body + b" ", now=int(time.time()))
    assert delivery.headers["content-type"] == "application/json"
    return decode_json(delivery.body, WriteWebhookEvent)


async def test_write_events_are_delivered_signed_with_codats_body(env: PushEnv) -> None:
    linked = await env.link()
    async with receiver() as endpoint:
        consumer = await subscribe(
            env, linked, endpoint.url, eventTypes=["bills.write.successful", "bills.write.unsuccessful"]
        )
        assert isinstance(consumer.secret, str) and consumer.secret.startswith("whsec_")
        ok = (await env.push(linked, "bills", b.bill(uuid.uuid4().hex[:8]))).json()
        refused = (
            await env.push(linked, "bills", {k: v for k, v in b.bill("x").items() if k != "supplierRef"})
        ).json()
        async with env.worker():
            done = await env.wait(linked, ok["pushOperationKey"])
            deliveries = await endpoint.wait_for(2)
    events = {event.payload.id: event for event in (verified(d, consumer.secret) for d in deliveries)}
    success, failure = events[ok["pushOperationKey"]], events[refused["pushOperationKey"]]
    assert success.event_type == "bills.write.successful" and failure.event_type == "bills.write.unsuccessful"
    assert success.payload.status == "Success" and failure.payload.status == "Failed"
    assert success.payload.type == "Create"
    assert (
        success.payload.record is not None
        and success.payload.record.id == done["changes"][0]["recordRef"]["id"]
    )
    assert failure.payload.record is None
    assert success.payload.connection_id == linked.connection_id
    assert (
        success.payload.reference_company is not None
        and success.payload.reference_company.id == linked.company_id
    )
    assert success.payload.reference_company.name and success.payload.reference_company.name.startswith(
        "Push Co"
    )
    assert success.payload.completed_on_date == done["completedOnUtc"]
    assert {d.headers["webhook-id"] for d in deliveries} == {success.id, failure.id}

    listed = (await env.client.get("/webhooks", headers=linked.headers)).json()
    assert [c["id"] for c in listed["results"]] == [consumer.id]
    assert "secret" not in listed["results"][0]  # shown once, at creation
    log = decode_json(
        (await env.client.get(f"/webhooks/{consumer.id}/deliveries", headers=linked.headers)).content,
        WebhookDeliveries,
    )
    assert log.total_results == 2 and all(d.succeeded and d.status_code == 200 for d in log.results)


async def test_a_failing_endpoint_is_retried_with_backoff_and_every_attempt_is_logged(env: PushEnv) -> None:
    linked = await env.link()
    async with receiver(statuses=[500, 503]) as endpoint:
        consumer = await subscribe(env, linked, endpoint.url)  # no eventTypes: everything
        pushed = (await env.push(linked, "bills", b.bill(uuid.uuid4().hex[:8]))).json()
        async with env.worker():
            await env.wait(linked, pushed["pushOperationKey"])
            attempts = await endpoint.wait_for(3)
    assert len({a.headers["webhook-id"] for a in attempts}) == 1  # one event, re-sent
    assert len({a.headers["webhook-timestamp"] for a in attempts}) >= 1
    assert all(verified(a, str(consumer.secret)).payload.status == "Success" for a in attempts)
    log = (await env.client.get(f"/webhooks/{consumer.id}/deliveries", headers=linked.headers)).json()
    assert [(d["attempt"], d["succeeded"], d["statusCode"]) for d in log["results"]] == [
        (3, True, 200),
        (2, False, 503),
        (1, False, 500),
    ]
    assert "HTTP 500" in log["results"][2]["error"]


async def test_consumers_only_get_what_they_subscribed_to(env: PushEnv) -> None:
    linked = await env.link()
    other_company = (
        await env.client.post("/companies", json={"name": "Elsewhere"}, headers=linked.headers)
    ).json()
    async with (
        receiver() as wanted,
        receiver() as invoices_only,
        receiver() as other_only,
        receiver() as disabled,
    ):
        await subscribe(
            env, linked, wanted.url, eventTypes=["bills.write.successful"], companyId=linked.company_id
        )
        await subscribe(env, linked, invoices_only.url, eventTypes=["invoices.write.successful"])
        await subscribe(env, linked, other_only.url, companyId=other_company["id"])
        await subscribe(env, linked, disabled.url, disabled=True)
        pushed = (await env.push(linked, "bills", b.bill(uuid.uuid4().hex[:8]))).json()
        async with env.worker():
            await env.wait(linked, pushed["pushOperationKey"])
            await wanted.wait_for(1)
    assert invoices_only.received == other_only.received == disabled.received == []


async def test_timed_out_pushes_and_other_features_events_are_delivered(env: PushEnv) -> None:
    linked = await env.link()
    tenant_id = await env.pool.fetchval(
        "SELECT tenant_id FROM companies WHERE id = $1", uuid.UUID(linked.company_id)
    )
    async with receiver() as endpoint:
        consumer = await subscribe(
            env, linked, endpoint.url, eventTypes=["bills.write.unsuccessful", "read.completed"]
        )
        response = await env.push(linked, "bills", b.bill("late"), params={"timeoutInMinutes": 1})
        await sweeps.time_out_overdue(env.pool, as_of=datetime.now(UTC) + timedelta(minutes=5))
        payload = {
            "dataTypes": [{"dataType": "bills", "status": "Complete", "connectionId": linked.connection_id}]
        }
        event_id = await emit_event(
            env.pool,
            tenant_id=tenant_id,
            event_type="read.completed",
            payload=payload,
            company_id=uuid.UUID(linked.company_id),
        )
        assert event_id is not None
        async with env.worker():
            deliveries = await endpoint.wait_for(2)
    bodies = {d.headers["webhook-id"]: decode_json(d.body, dict[str, Any]) for d in deliveries}
    assert bodies[str(event_id)]["eventType"] == "read.completed"
    assert bodies[str(event_id)]["payload"] == payload
    timed_out = next(body for body in bodies.values() if body["eventType"] == "bills.write.unsuccessful")
    assert timed_out["payload"]["status"] == "TimedOut"
    assert timed_out["payload"]["id"] == response.json()["pushOperationKey"]
    for delivery in deliveries:
        assert signing.verify(str(consumer.secret), delivery.headers, delivery.body, now=int(time.time()))


async def test_nobody_listening_stores_nothing(env: PushEnv) -> None:
    linked = await env.link()
    tenant_id = await env.pool.fetchval(
        "SELECT tenant_id FROM companies WHERE id = $1", uuid.UUID(linked.company_id)
    )
    assert (
        await emit_event(
            env.pool, tenant_id=tenant_id, event_type="read.completed", payload={"dataTypes": []}
        )
        is None
    )
    await env.push(linked, "bills", {k: v for k, v in b.bill("x").items() if k != "supplierRef"})
    events = await env.pool.fetchval("SELECT count(*) FROM webhook_events WHERE tenant_id = $1", tenant_id)
    assert events == 0


async def test_consumer_routes_check_their_input_and_owner(env: PushEnv) -> None:
    linked = await env.link()
    stranger = await env.link()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "https://example.com/x", "eventTypes": ["not an event"]}, "eventTypes"),
        ({"url": "https://example.com/x", "companyId": stranger.company_id}, "companyId"),
        ({"url": "https://example.com/x", "secret": "plain"}, "secret"),
        ({"eventTypes": ["*"]}, "url"),
    ]
    for body, field in cases:
        response = await env.client.post("/webhooks", json=body, headers=linked.headers)
        assert response.status_code == 400, (body, response.text)
        assert any(field in f for f in error_fields(response)), (field, response.text)
    own_secret = signing.new_secret()
    created = await subscribe(env, linked, "https://example.com/hook", secret=own_secret, eventTypes=["*"])
    assert created.secret == own_secret
    path = f"/webhooks/{created.id}"
    assert (await env.client.get(path, headers=stranger.headers)).status_code == 404
    assert (await env.client.delete(path, headers=stranger.headers)).status_code == 404
    assert (await env.client.get(f"{path}/deliveries", headers=stranger.headers)).status_code == 404
    assert (await env.client.get(path, headers=linked.headers)).json()["eventTypes"] == ["*"]
    assert (await env.client.delete(path, headers=linked.headers)).status_code == 204
    assert (await env.client.get(path, headers=linked.headers)).status_code == 404
    assert (await env.client.delete("/webhooks/not-a-uuid", headers=linked.headers)).status_code == 404


async def test_attachment_uploads_report_upload_attachment_with_its_id(env: PushEnv) -> None:
    linked = await env.link()
    created = (await env.push(linked, "bills", b.bill(uuid.uuid4().hex[:8]))).json()
    async with env.worker():
        bill_id = (await env.wait(linked, created["pushOperationKey"]))["changes"][0]["recordRef"]["id"]
    async with receiver() as endpoint:
        consumer = await subscribe(env, linked, endpoint.url, eventTypes=["bills.write.successful"])
        response = await env.client.post(
            f"{linked.base}/push/bills/{bill_id}/attachments",
            files={"file": ("receipt.txt", b"paid", "text/plain")},
            headers=linked.headers,
        )
        async with env.worker():
            done = await env.wait(linked, response.json()["pushOperationKey"])
            [delivery] = await endpoint.wait_for(1)
    event = verified(delivery, str(consumer.secret))
    assert event.payload.type == "UploadAttachment"
    assert event.payload.attachment_id == done["changes"][0]["attachmentId"]
    assert event.payload.record is not None and event.payload.record.id == bill_id
