"""Webhook consumers: register where a tenant's events go, list and delete them, read the delivery log.

Codat's consumer API (``POST/GET /webhooks``, ``DELETE /webhooks/{webhookId}``) plus the gateway's own
``GET /webhooks/{webhookId}`` and ``…/deliveries``. The signing secret is stored encrypted (the same
cipher as connection credentials) and shown only in the answer to the creation.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog

from gateway.connections.crypto import CredentialCipher
from gateway.errors import InvalidRequest, NotFound
from gateway.jobs.rows import Db
from gateway.paging import PageRequest
from gateway.push.views import utc_text
from gateway.records import build_links
from gateway.tenancy.schemas import TenantContext
from gateway.webhooks import signing
from gateway.webhooks.repository import WebhookRepository
from gateway.webhooks.schemas import (
    WebhookConsumer,
    WebhookConsumerPrototype,
    WebhookConsumers,
    WebhookDeliveries,
    WebhookDelivery,
)

log = structlog.get_logger(__name__)


def to_consumer(row: dict[str, Any], secret: str | None = None) -> WebhookConsumer:
    consumer = WebhookConsumer(
        id=str(row["id"]),
        url=row["url"],
        event_types=list(row["event_types"]),
        company_id=str(row["company_id"]) if row["company_id"] else None,
        disabled=row["disabled"],
    )
    if secret is not None:
        consumer.secret = secret
    return consumer


def _uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound(f"No {what} found with id {value}.") from None


class WebhookService:
    def __init__(self, pool: Db, cipher: CredentialCipher) -> None:
        self._pool = pool
        self._repo = WebhookRepository(pool)
        self._cipher = cipher

    async def create(self, tenant: TenantContext, body: WebhookConsumerPrototype) -> WebhookConsumer:
        company_id: uuid.UUID | None = None
        if body.company_id is not None:
            try:
                company_id = uuid.UUID(body.company_id)
            except ValueError:
                raise InvalidRequest.field(
                    "companyId", "must be the id (uuid) of one of your companies"
                ) from None
            owned = await self._pool.fetchval(
                "SELECT EXISTS (SELECT 1 FROM companies WHERE tenant_id = $1 AND id = $2)",
                tenant.tenant_id,
                company_id,
            )
            if not owned:
                raise InvalidRequest.field("companyId", f"No company found with id {company_id}.")
        secret = body.secret or signing.new_secret()
        row = await self._repo.insert_consumer(
            tenant.tenant_id,
            url=body.url,
            event_types=sorted(set(body.event_types)),
            company_id=company_id,
            disabled=body.disabled,
            secret=self._cipher.encrypt({"secret": secret}),
        )
        log.info("webhook.consumer_created", consumer_id=str(row["id"]), event_types=row["event_types"])
        return to_consumer(row, secret)

    async def list(self, tenant: TenantContext) -> WebhookConsumers:
        return WebhookConsumers(
            results=[to_consumer(r) for r in await self._repo.consumers(tenant.tenant_id)]
        )

    async def get(self, tenant: TenantContext, webhook_id: str) -> WebhookConsumer:
        row = await self._repo.consumer(tenant.tenant_id, _uuid(webhook_id, "webhook consumer"))
        if row is None:
            raise NotFound(f"No webhook consumer found with id {webhook_id}.")
        return to_consumer(row)

    async def delete(self, tenant: TenantContext, webhook_id: str) -> None:
        if not await self._repo.delete_consumer(tenant.tenant_id, _uuid(webhook_id, "webhook consumer")):
            raise NotFound(f"No webhook consumer found with id {webhook_id}.")
        log.info("webhook.consumer_deleted", consumer_id=webhook_id)

    async def deliveries(
        self, tenant: TenantContext, webhook_id: str, page: PageRequest
    ) -> WebhookDeliveries:
        consumer = await self.get(tenant, webhook_id)
        rows, total = await self._repo.deliveries(
            tenant.tenant_id, uuid.UUID(consumer.id), limit=page.page_size, offset=page.offset
        )
        return WebhookDeliveries(
            results=[
                WebhookDelivery(
                    id=str(r["id"]),
                    event_id=str(r["event_id"]),
                    event_type=r["event_type"],
                    attempt=r["attempt"],
                    succeeded=r["succeeded"],
                    status_code=r["status_code"],
                    error=r["error"],
                    duration_ms=r["duration_ms"],
                    attempted_on_utc=utc_text(r["attempted_at"]) or "",
                )
                for r in rows
            ],
            page_number=page.page,
            page_size=page.page_size,
            total_results=total,
            links=build_links(
                f"/webhooks/{consumer.id}/deliveries", page=page.page, page_size=page.page_size, total=total
            ),
        )
