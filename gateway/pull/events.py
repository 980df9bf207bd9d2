"""The ``read.completed`` webhook of a finished pull (Codat's event, codat.md §6).

Delivery (consumers, signatures, retries) belongs to the webhooks feature; this module only builds the
Codat-shaped payload and hands it to ``gateway.webhooks.events.emit_event``. A failure to emit never
fails the pull: the data is in the store either way, and the event is a notification about it.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec
import structlog

from datamodel.enums import DatasetStatus
from datamodel.types import format_codat_datetime
from datamodel.webhooks import (
    CompanyReference,
    CompanyReferenceLinks,
    ReadCompletedDataType,
    ReadCompletedIssue,
    ReadCompletedPayload,
)
from gateway.jobs.rows import Db

log = structlog.get_logger(__name__)

READ_COMPLETED = "read.completed"
Emitter = Callable[..., Awaitable[Any]]


def _emitter() -> Emitter | None:
    """The webhooks feature's ``emit_event``, or None while that feature is not installed."""
    try:
        module = importlib.import_module("gateway.webhooks.events")
    except ImportError:
        return None
    emit: Emitter | None = getattr(module, "emit_event", None)
    return emit


async def company_reference(
    db: Db, tenant_id: uuid.UUID, company_id: uuid.UUID, base_url: str
) -> CompanyReference:
    row = await db.fetchrow(
        "SELECT name, description, tags::text AS tags FROM companies WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        company_id,
    )
    if row is None:
        return CompanyReference(id=str(company_id))
    tags = msgspec.json.decode(row["tags"]) if row["tags"] else None
    return CompanyReference(
        id=str(company_id),
        name=row["name"],
        description=row["description"],
        links=CompanyReferenceLinks(portal=f"{base_url}/companies/{company_id}"),
        tags=tags or None,
    )


async def emit_read_completed(
    db: Db,
    *,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    connection_id: uuid.UUID | None,
    dataset: str,
    status: DatasetStatus,
    records_modified: bool,
    modified_since: datetime | None,
    message: str | None = None,
    base_url: str = "",
) -> uuid.UUID | None:
    """Send ``read.completed`` for one pulled data type; returns the event id, None if not sent."""
    emit = _emitter()
    if emit is None:
        return None
    issues = [ReadCompletedIssue(type=status.value, message=message)] if message else []
    payload = ReadCompletedPayload(
        reference_company=await company_reference(db, tenant_id, company_id, base_url),
        modified_from_date=format_codat_datetime(modified_since) if modified_since else None,
        data_types=[
            ReadCompletedDataType(
                connection_id=str(connection_id) if connection_id else None,
                data_type=dataset,
                records_modified=records_modified,
                status=status,
                issues=issues,
            )
        ],
    )
    try:
        event_id: uuid.UUID | None = await emit(
            db, tenant_id=tenant_id, event_type=READ_COMPLETED, payload=payload, company_id=company_id
        )
    except Exception as exc:  # the pull succeeded or failed on its own; the event is secondary
        log.warning("pull.webhook_failed", error=str(exc), data_type=dataset)
        return None
    return event_id
