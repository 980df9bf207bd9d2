"""Delivering one webhook event to one consumer: the worker handler for kind ``webhook``.

Each (event, consumer) pair is its own queued operation, so a consumer that is down is retried with
the worker's exponential backoff (``RetryLater``) up to the operation's ``max_attempts`` (8) without
re-sending to the consumers that already have it. Every attempt is logged in ``webhook_deliveries``.
A 2xx answer is success; anything else — another status, a timeout, a refused connection, a redirect
(not followed: the URL is what the tenant registered) — is a failed attempt.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any

import httpx
import structlog

from gateway.connections.crypto import CredentialCipher, CredentialsUnreadable
from gateway.jobs import Operation, RetryLater
from gateway.jobs.rows import Db
from gateway.webhooks import signing
from gateway.webhooks.events import event_body
from gateway.webhooks.repository import WebhookRepository

log = structlog.get_logger(__name__)

USER_AGENT = "intacct-gateway-webhooks/1"
WEBHOOK = "webhook"
"""Operation kind of one delivery (queued by ``webhook_fan_out`` in migration 0004)."""


class WebhookHandler:
    """``await handler(operation)`` for operations of kind ``webhook``."""

    def __init__(
        self,
        pool: Db,
        cipher: CredentialCipher,
        *,
        timeout: float = 10.0,
        http_client: httpx.AsyncClient | None = None,
        clock: Any = time.time,
    ) -> None:
        self._pool = pool
        self._cipher = cipher
        self._timeout = timeout
        self._client = http_client
        self._owns_client = http_client is None
        self._clock = clock

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(follow_redirects=False, headers={"user-agent": USER_AGENT})
        return self._client

    async def __call__(self, operation: Operation) -> Mapping[str, Any]:
        repo = WebhookRepository(self._pool)
        event_id = uuid.UUID(str(operation.payload["eventId"]))
        consumer_id = uuid.UUID(str(operation.payload["consumerId"]))
        consumer = await repo.consumer(operation.tenant_id, consumer_id, with_secret=True)
        if consumer is None or consumer["disabled"]:
            return {"skipped": "the consumer was deleted or disabled"}
        event = await repo.event(operation.tenant_id, event_id)
        if event is None:
            return {"skipped": "the event no longer exists"}
        try:
            secret = self._cipher.decrypt(bytes(consumer["secret"]))["secret"]
        except (CredentialsUnreadable, KeyError):
            return {"skipped": "the consumer's secret cannot be read with the configured key"}
        body = await event_body(self._pool, event)
        headers = {"content-type": "application/json"}
        headers.update(signing.headers(secret, str(event_id), int(self._clock()), body))
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            response = await self._http().post(
                consumer["url"], content=body, headers=headers, timeout=self._timeout
            )
            status = response.status_code
            if not 200 <= status < 300:
                error = f"the consumer answered HTTP {status}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        duration = int((time.monotonic() - started) * 1000)
        succeeded = error is None
        await repo.record_delivery(
            operation.tenant_id,
            consumer_id=consumer_id,
            event_id=event_id,
            event_type=event["event_type"],
            attempt=operation.attempts,
            succeeded=succeeded,
            status_code=status,
            error=error,
            duration_ms=duration,
        )
        log.info(
            "webhook.delivery",
            event_id=str(event_id),
            consumer_id=str(consumer_id),
            event_type=event["event_type"],
            attempt=operation.attempts,
            status_code=status,
            succeeded=succeeded,
        )
        if not succeeded:
            raise RetryLater(f"webhook delivery failed: {error}")
        return {"statusCode": status, "eventId": str(event_id)}

    async def aclose(self) -> None:
        if self._owns_client and self._client is not None:
            await self._client.aclose()
            self._client = None
