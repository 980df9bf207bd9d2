"""``GatewayCore``: the one plugin that turns a bare Litestar app into the gateway.

It wires, in one place: the routes (public probes, the tenant-guarded API router), dependency
providers, the single exception handler, request-id/logging middleware, the request size limit,
the OpenAPI document served at ``/schema``, the store lifespan (pool, embedded PostgreSQL,
migrations) and, with ``--sandbox``, the Intacct sandbox mounted at ``/sandbox/intacct``.

A new feature adds its controller to ``API_ROUTE_HANDLERS`` (guarded, tenant-scoped) or
``PUBLIC_ROUTE_HANDLERS``; nothing else changes.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any, cast

import structlog
from litestar import Router
from litestar.config.app import AppConfig
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.handlers import asgi
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme, Server, Tag
from litestar.plugins import InitPluginProtocol

import gateway
from gateway import deps
from gateway.attachments.controllers import attachments_router
from gateway.companies.controllers import CompanyController
from gateway.connection_settings.controllers import ConnectionSettingsController
from gateway.connections.controllers import ConnectionController
from gateway.connections.crypto import CredentialCipher
from gateway.data.controllers import DATA_ROUTE_HANDLERS
from gateway.errors import render_error
from gateway.health import live, ready
from gateway.integrations.controllers import IntegrationController, integration_logo
from gateway.jobs.handlers import in_process_worker
from gateway.logging import RequestContextMiddleware
from gateway.metrics import PrometheusMiddleware, connector_metrics, metrics_endpoint, record_unmatched
from gateway.openapi_types import DecimalAsNumber
from gateway.options.controllers import OptionsController
from gateway.passthrough.controllers import PassthroughController
from gateway.pull.controllers import PullController
from gateway.push.controllers import push_router
from gateway.settings import Settings
from gateway.store import create_pool, start_embedded, upgrade
from gateway.tenancy.guards import provide_tenant, require_tenant
from gateway.webhooks.controllers import WebhookController

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.types import ControllerRouterHandler, Receive, Scope, Send

log = structlog.get_logger(__name__)

API_ROUTE_HANDLERS: list[ControllerRouterHandler] = [
    CompanyController,
    ConnectionController,
    IntegrationController,
    PullController,
    PassthroughController,
    *DATA_ROUTE_HANDLERS,
    push_router,
    attachments_router,
    OptionsController,
    ConnectionSettingsController,
    WebhookController,
]
PUBLIC_ROUTE_HANDLERS: list[ControllerRouterHandler] = [live, ready, metrics_endpoint, integration_logo]
SANDBOX_MOUNT_PATH = "/sandbox/intacct"

Lifespan = Callable[["Litestar"], AbstractAsyncContextManager[None]]


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Intacct Gateway",
        version=gateway.__version__,
        description=(
            "A Codat-compatible accounting API for Sage Intacct. Authenticate with "
            "`Authorization: Basic <base64(apiKey)>`."
        ),
        path="/schema",
        servers=[Server(url="/")],
        tags=[
            Tag(name="Companies", description="Your customers' companies."),
            Tag(name="Connections", description="A company's link to Sage Intacct."),
            Tag(name="Integrations", description="Accounting platforms the gateway can connect to."),
        ],
        components=Components(
            security_schemes={
                "auth_header": SecurityScheme(
                    type="apiKey",
                    name="Authorization",
                    security_scheme_in="header",
                    description="`Basic ` followed by the base64 of your API key.",
                )
            }
        ),
        security=[{"auth_header": []}],
        use_handler_docstrings=False,
    )


def sandbox_mount() -> Any | None:
    """An ASGI handler mounting the Intacct sandbox, or None if the sandbox is not installed."""
    try:
        server = importlib.import_module("connectors.intacct.sandbox.server")
    except ImportError as exc:
        log.warning("sandbox.unavailable", reason=str(exc))
        return None
    sandbox_app = server.create_app()

    @asgi(SANDBOX_MOUNT_PATH, is_mount=True, copy_scope=True, opt={"public": True}, include_in_schema=False)
    async def intacct_sandbox(scope: Scope, receive: Receive, send: Send) -> None:
        # Litestar hands a mount "/ia/xml/xmlgw.phtml/"; give the sandbox the path the client sent.
        path = scope["path"]
        raw = scope.get("raw_path") or b""
        if len(path) > 1 and path.endswith("/") and not raw.split(b"?")[0].endswith(b"/"):
            scope = cast("Scope", {**scope, "path": path.rstrip("/")})
        await sandbox_app(scope, receive, send)

    return intacct_sandbox


class GatewayCore(InitPluginProtocol):
    """Configures the app from explicit ``Settings`` (tests pass their own)."""

    def __init__(self, settings: Settings, *, lifespans: Sequence[Lifespan] = ()) -> None:
        self.settings = settings
        self.extra_lifespans = list(lifespans)

    @asynccontextmanager
    async def _store(self, app: Litestar) -> AsyncIterator[None]:
        db = self.settings.database
        url = db.url
        if url is None:
            server = await asyncio.to_thread(start_embedded, db.pgdata)
            url = server.url
        pool = await create_pool(url, min_size=db.pool_min_size, max_size=db.pool_max_size)
        try:
            if db.migrate_on_start:
                applied = await upgrade(pool)
                if applied:
                    log.info("store.migrated", versions=applied)
            app.state.pool = pool
            yield
        finally:
            await pool.close()

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self.settings
        if settings.security.uses_dev_default:
            log.warning(
                "security.dev_secret_key",
                message="GATEWAY_SECRET_KEY is not set: credentials are encrypted with a PUBLIC development "
                "key. Set GATEWAY_SECRET_KEY before storing real credentials.",
            )
        # The limit is set on the router too: Litestar 2.25 ignores AppConfig.request_max_body_size
        # changed by a plugin and keeps its 10 MB default at the app layer.
        api = Router(
            path="/",
            route_handlers=list(API_ROUTE_HANDLERS),
            guards=[require_tenant],
            request_max_body_size=settings.http.max_request_body_bytes,
        )
        handlers: list[Any] = [*PUBLIC_ROUTE_HANDLERS, api]
        if settings.http.mount_sandbox and (mount := sandbox_mount()) is not None:
            handlers.append(mount)
        app_config.route_handlers.extend(handlers)
        app_config.dependencies.update(
            {
                "tenant": Provide(provide_tenant, sync_to_thread=False),
                "pool": Provide(deps.provide_pool, sync_to_thread=False),
                "settings": Provide(deps.provide_settings, sync_to_thread=False),
                "companies": Provide(deps.provide_company_service, sync_to_thread=False),
                "connections": Provide(deps.provide_connection_service, sync_to_thread=False),
                "integrations": Provide(deps.provide_integration_service, sync_to_thread=False),
            }
        )
        app_config.exception_handlers.update({HTTPException: render_error, Exception: render_error})
        app_config.middleware.insert(0, RequestContextMiddleware)
        app_config.middleware.insert(1, PrometheusMiddleware)  # after routing: labels are route templates
        app_config.after_exception.append(record_unmatched)  # requests no route matched
        app_config.request_max_body_size = settings.http.max_request_body_bytes
        app_config.openapi_config = openapi_config()
        app_config.plugins.append(DecimalAsNumber())  # money is a JSON number, not Litestar's string
        worker = [in_process_worker] if settings.sync.in_process_worker else []  # after the store
        app_config.lifespan.extend([self._store, *worker, *self.extra_lifespans])
        app_config.state.update(
            {"settings": settings, "cipher": CredentialCipher.from_settings(settings.security)}
        )
        app_config.state.setdefault("connector_metrics", connector_metrics())  # Intacct call metrics hook
        app_config.debug = False
        app_config.logging_config = None  # gateway.logging configures structlog and stdlib logging
        return app_config
