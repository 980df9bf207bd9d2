"""Which handler runs which kind of operation: the one map every worker of a deployment uses.

Keep ``build_handlers`` a plain dict literal: each feature adds one line for its kind. ``gateway
worker`` and ``gateway serve``'s in-process worker (``in_process_worker`` below, added by
``GatewayCore`` when ``settings.sync.in_process_worker`` is on) both build their handlers here, so a
kind handled by one is handled by the other.

Handlers get everything they need at build time (the pool, a connector provider), because a
``Handler`` receives only the ``Operation``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import structlog

from gateway.connections.crypto import CredentialCipher
from gateway.connections.factory import ConnectorProvider
from gateway.jobs.models import PULL, PUSH
from gateway.jobs.worker import Handler, Worker
from gateway.pull.handler import PullHandler
from gateway.push.connectors import ConnectorCache
from gateway.push.handler import PushHandler
from gateway.webhooks.delivery import WEBHOOK, WebhookHandler

if TYPE_CHECKING:
    from litestar import Litestar

    from gateway.settings import Settings

log = structlog.get_logger(__name__)

#: How long a worker reuses a connection's connector (and what it learnt about the company).
CONNECTOR_CACHE_SECONDS = 300.0


def build_handlers(
    pool: Any, settings: Settings, *, http_client: Any = None, metrics: Any = None
) -> dict[str, Handler]:
    """``{kind: handler}`` for a worker on ``pool``; ``http_client`` reaches the platform (tests inject
    the sandbox's), ``metrics`` is the connector metrics hook."""
    provider = ConnectorProvider(
        pool,
        CredentialCipher.from_settings(settings.security),
        allow_endpoint_override=settings.security.allow_endpoint_override,
        http_client=http_client,
        metrics=metrics,
        cache_seconds=CONNECTOR_CACHE_SECONDS,
    )
    return {
        PULL: PullHandler(pool, provider, base_url=settings.http.base_url),
        PUSH: PushHandler(
            pool,
            ConnectorCache(provider),
            window=settings.push.batch_window_seconds,
            in_flight=settings.push.batch_in_flight,
        ),
        WEBHOOK: WebhookHandler(pool, provider.cipher, timeout=settings.push.webhook_timeout_seconds),
    }


@asynccontextmanager
async def in_process_worker(app: Litestar) -> AsyncIterator[None]:
    """Lifespan: one worker beside the API (``gateway serve``), stopped before the pool closes."""
    state = app.state
    settings: Settings = state.settings
    handlers = build_handlers(
        state.pool,
        settings,
        http_client=getattr(state, "connector_http_client", None),
        metrics=getattr(state, "connector_metrics", None),
    )
    worker = Worker(state.pool, handlers, concurrency=settings.sync.worker_concurrency)
    task = asyncio.create_task(worker.run(), name="in-process-worker")
    state.worker = worker
    try:
        yield
    finally:
        worker.stop(grace=10.0)
        try:
            await task
        except Exception as exc:  # never let a worker failure hide the app's own shutdown
            log.error("worker.in_process_failed", error=str(exc))
