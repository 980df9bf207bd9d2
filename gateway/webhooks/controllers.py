"""``/webhooks``: Codat's webhook consumer routes, plus one consumer and its delivery log."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from gateway.errors import NotFound, error_responses
from gateway.paging import PageParam, PageRequest, PageSizeParam
from gateway.tenancy.schemas import TenantContext
from gateway.webhooks.schemas import (
    WebhookConsumer,
    WebhookConsumerPrototype,
    WebhookConsumers,
    WebhookDeliveries,
)
from gateway.webhooks.service import WebhookService

WebhookId = Annotated[str, Parameter(description="Unique identifier of a webhook consumer.")]


def provide_webhook_service(state: State) -> WebhookService:
    return WebhookService(state.pool, state.cipher)


class WebhookController(Controller):
    path = "/webhooks"
    tags = ["Webhooks"]
    dependencies = {"webhooks": Provide(provide_webhook_service, sync_to_thread=False)}

    @get(
        operation_id="list-webhook-consumers",
        summary="List webhook consumers",
        responses=error_responses(),
    )
    async def list_consumers(self, tenant: TenantContext, webhooks: WebhookService) -> WebhookConsumers:
        return await webhooks.list(tenant)

    @post(
        operation_id="create-webhook-consumer",
        summary="Create webhook consumer",
        description=(
            "Send events (e.g. `bills.write.successful`, `read.completed`; `*` or none for all) to `url`, "
            "signed with HMAC-SHA256 (headers webhook-id, webhook-timestamp, webhook-signature). The "
            "answer is the only time the signing `secret` is shown."
        ),
        status_code=200,
        responses=error_responses(),
    )
    async def create_consumer(
        self, tenant: TenantContext, webhooks: WebhookService, data: WebhookConsumerPrototype
    ) -> WebhookConsumer:
        return await webhooks.create(tenant, data)

    @get(
        "/{webhookId:str}",
        operation_id="get-webhook-consumer",
        summary="Get webhook consumer",
        responses=error_responses(NotFound),
    )
    async def get_consumer(
        self, tenant: TenantContext, webhooks: WebhookService, webhookId: WebhookId
    ) -> WebhookConsumer:
        return await webhooks.get(tenant, webhookId)

    @delete(
        "/{webhookId:str}",
        operation_id="delete-webhook-consumer",
        summary="Delete webhook consumer",
        responses=error_responses(NotFound),
    )
    async def delete_consumer(
        self, tenant: TenantContext, webhooks: WebhookService, webhookId: WebhookId
    ) -> None:
        await webhooks.delete(tenant, webhookId)

    @get(
        "/{webhookId:str}/deliveries",
        operation_id="list-webhook-deliveries",
        summary="List webhook deliveries",
        description="Every delivery attempt to this consumer, newest first.",
        responses=error_responses(NotFound),
    )
    async def list_deliveries(
        self,
        tenant: TenantContext,
        webhooks: WebhookService,
        webhookId: WebhookId,
        page: PageParam = 1,
        page_size: PageSizeParam = 100,
    ) -> WebhookDeliveries:
        return await webhooks.deliveries(tenant, webhookId, PageRequest(page, page_size))
