"""Webhook consumers, events and deliveries in PostgreSQL (migration 0004); always tenant-scoped."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec

from gateway.jobs.rows import Db

_CONSUMER = "id, tenant_id, url, event_types, company_id, disabled, created_at"


class WebhookRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def insert_consumer(
        self,
        tenant_id: uuid.UUID,
        *,
        url: str,
        event_types: Sequence[str],
        company_id: uuid.UUID | None,
        disabled: bool,
        secret: bytes,
    ) -> dict[str, Any]:
        row = await self._db.fetchrow(
            f"""INSERT INTO webhook_consumers (id, tenant_id, url, event_types, company_id, disabled, secret)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {_CONSUMER}""",
            uuid.uuid4(),
            tenant_id,
            url,
            list(event_types),
            company_id,
            disabled,
            secret,
        )
        assert row is not None
        return dict(row)

    async def consumers(self, tenant_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = await self._db.fetch(
            f"SELECT {_CONSUMER} FROM webhook_consumers WHERE tenant_id = $1 ORDER BY created_at, id",
            tenant_id,
        )
        return [dict(r) for r in rows]

    async def consumer(
        self, tenant_id: uuid.UUID, consumer_id: uuid.UUID, *, with_secret: bool = False
    ) -> dict[str, Any] | None:
        extra = ", secret" if with_secret else ""
        row = await self._db.fetchrow(
            f"SELECT {_CONSUMER}{extra} FROM webhook_consumers WHERE tenant_id = $1 AND id = $2",
            tenant_id,
            consumer_id,
        )
        return None if row is None else dict(row)

    async def delete_consumer(self, tenant_id: uuid.UUID, consumer_id: uuid.UUID) -> bool:
        status = await self._db.execute(
            "DELETE FROM webhook_consumers WHERE tenant_id = $1 AND id = $2", tenant_id, consumer_id
        )
        return bool(status == "DELETE 1")

    async def insert_event(
        self,
        tenant_id: uuid.UUID,
        *,
        event_type: str,
        payload: bytes | None,
        company_id: uuid.UUID | None = None,
        operation_id: uuid.UUID | None = None,
    ) -> tuple[uuid.UUID, int]:
        """Store an event and queue its deliveries; (event id, deliveries queued)."""
        event_id = uuid.uuid4()
        queued = await self._db.fetchval(
            """WITH ev AS (
                   INSERT INTO webhook_events (id, tenant_id, company_id, event_type, operation_id, payload)
                   VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
               )
               SELECT webhook_fan_out(id) FROM ev""",
            event_id,
            tenant_id,
            company_id,
            event_type,
            operation_id,
            None if payload is None else payload.decode(),
        )
        return event_id, int(queued or 0)

    async def event(self, tenant_id: uuid.UUID, event_id: uuid.UUID) -> dict[str, Any] | None:
        row = await self._db.fetchrow(
            """SELECT id, tenant_id, company_id, event_type, operation_id, payload,
                   generated_at
            FROM webhook_events WHERE tenant_id = $1 AND id = $2""",
            tenant_id,
            event_id,
        )
        return None if row is None else dict(row)

    async def has_listeners(self, tenant_id: uuid.UUID) -> bool:
        return bool(
            await self._db.fetchval(
                "SELECT EXISTS (SELECT 1 FROM webhook_consumers WHERE tenant_id = $1 AND NOT disabled)",
                tenant_id,
            )
        )

    async def record_delivery(
        self,
        tenant_id: uuid.UUID,
        *,
        consumer_id: uuid.UUID,
        event_id: uuid.UUID,
        event_type: str,
        attempt: int,
        succeeded: bool,
        status_code: int | None,
        error: str | None,
        duration_ms: int,
    ) -> None:
        await self._db.execute(
            """INSERT INTO webhook_deliveries
                   (tenant_id, consumer_id, event_id, event_type, attempt, succeeded, status_code, error,
                    duration_ms)
               SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
               WHERE EXISTS (SELECT 1 FROM webhook_consumers WHERE tenant_id = $1 AND id = $2)""",
            tenant_id,
            consumer_id,
            event_id,
            event_type,
            attempt,
            succeeded,
            status_code,
            None if error is None else error[:2000],
            duration_ms,
        )

    async def deliveries(
        self, tenant_id: uuid.UUID, consumer_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        total = await self._db.fetchval(
            "SELECT count(*) FROM webhook_deliveries WHERE tenant_id = $1 AND consumer_id = $2",
            tenant_id,
            consumer_id,
        )
        rows = await self._db.fetch(
            """SELECT id, event_id, event_type, attempt, succeeded, status_code, error, duration_ms,
                   attempted_at
            FROM webhook_deliveries WHERE tenant_id = $1 AND consumer_id = $2
            ORDER BY attempted_at DESC, id DESC LIMIT $3 OFFSET $4""",
            tenant_id,
            consumer_id,
            limit,
            offset,
        )
        return [dict(r) for r in rows], int(total)

    async def company_reference(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID | None
    ) -> dict[str, Any] | None:
        """Codat's ``referenceCompany`` of an event."""
        if company_id is None:
            return None
        row = await self._db.fetchrow(
            "SELECT id, name, description, tags::text AS tags FROM companies "
            "WHERE tenant_id = $1 AND id = $2",
            tenant_id,
            company_id,
        )
        if row is None:
            return {"id": str(company_id)}
        reference: dict[str, Any] = {"id": str(row["id"]), "name": row["name"]}
        if row["description"]:
            reference["description"] = row["description"]
        tags = msgspec.json.decode(row["tags"]) if row["tags"] else {}
        if tags:
            reference["tags"] = tags
        return reference
