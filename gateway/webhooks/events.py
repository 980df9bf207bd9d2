"""Emitting webhook events, and building the body each one is delivered with.

Write events (``{dataType}.write.successful|unsuccessful``) are emitted by the database itself when a
push operation becomes final (trigger in migration 0004), so they need no call from Python. Other
features emit theirs with :func:`emit_event` (the pull feature's ``read.completed``), in the same
transaction as the change they report when they pass a connection that is inside one.

Body shape (codat.md §6): ``{id, eventType, generatedDate, payload}``; a write event's payload is
``{id: pushOperationKey, type, referenceCompany, connectionId, requestedOnDate, completedOnDate,
status, record: {id}, attachmentId}``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import msgspec

from datamodel import decode_json_untyped, encode_json
from gateway.jobs.rows import Db
from gateway.push.repository import PushRepository
from gateway.push.views import utc_text
from gateway.webhooks.repository import WebhookRepository


async def emit_event(
    db: Db,
    *,
    tenant_id: uuid.UUID,
    event_type: str,
    payload: Mapping[str, Any] | msgspec.Struct,
    company_id: uuid.UUID | None = None,
) -> uuid.UUID | None:
    """Queue ``event_type`` for every consumer of the tenant that wants it; the event id, or None when
    no consumer is listening (nothing is stored then)."""
    repo = WebhookRepository(db)
    if not await repo.has_listeners(tenant_id):
        return None
    event_id, _ = await repo.insert_event(
        tenant_id, event_type=event_type, payload=encode_json(payload), company_id=company_id
    )
    return event_id


async def write_payload(db: Db, event: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of a push write event, from the (final) push operation it reports."""
    tenant_id: uuid.UUID = event["tenant_id"]
    operation_id: uuid.UUID = event["operation_id"]
    row = await PushRepository(db).get(tenant_id, None, operation_id)
    reference = await WebhookRepository(db).company_reference(tenant_id, event["company_id"])
    payload: dict[str, Any] = {"id": str(operation_id)}
    if row is None:  # the company (and so the operation) was deleted since
        payload.update(type="Create", status="Failed")
        return payload
    write_type = await db.fetchval(
        "SELECT payload ->> 'type' FROM operations WHERE id = $1 AND tenant_id = $2", operation_id, tenant_id
    )
    payload["type"] = write_type or "Create"
    if reference is not None:
        payload["referenceCompany"] = reference
    if row.get("connection_id"):
        payload["connectionId"] = str(row["connection_id"])
    payload["requestedOnDate"] = utc_text(row["requested_at"])
    if row.get("completed_at") is not None:
        payload["completedOnDate"] = utc_text(row["completed_at"])
    payload["status"] = row["api_status"]
    changes = decode_json_untyped(row["changes"]) if row.get("changes") else None
    first = changes[0] if isinstance(changes, list) and changes and isinstance(changes[0], Mapping) else {}
    record_id = (first.get("recordRef") or {}).get("id") if isinstance(first, Mapping) else None
    if row["api_status"] == "Success" and record_id is not None:
        payload["record"] = {"id": str(record_id)}
    if payload["type"] == "UploadAttachment":
        payload["attachmentId"] = first.get("attachmentId") if isinstance(first, Mapping) else None
    return payload


async def event_body(db: Db, event: Mapping[str, Any]) -> bytes:
    """The JSON body delivered for ``event`` (the same bytes on every attempt)."""
    if event["payload"] is not None:
        payload: Any = msgspec.Raw(event["payload"].encode())
    else:
        payload = await write_payload(db, event)
    body = {
        "id": str(event["id"]),
        "eventType": event["event_type"],
        "generatedDate": utc_text(event["generated_at"]),
        "payload": payload,
    }
    return encode_json(body)
