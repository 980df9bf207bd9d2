"""``GET/PUT /companies/{companyId}/connections/{connectionId}/settings`` (the gateway's own routes)."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import structlog
from litestar import Controller, get, put
from litestar.datastructures import State

from gateway.connection_settings.repository import ConnectionSettingsRepository
from gateway.connection_settings.schemas import ConnectionSettings
from gateway.errors import NotFound, error_responses
from gateway.push.controllers import CompanyId, ConnectionId
from gateway.tenancy.schemas import TenantContext

log = structlog.get_logger(__name__)


class ConnectionSettingsController(Controller):
    path = "/companies/{companyId:str}/connections/{connectionId:str}/settings"
    tags = ["Connections"]

    @get(
        operation_id="get-connection-settings",
        summary="Get connection settings",
        description="Custom field mappings, numbering, approvals and limits the connector applies.",
        responses=error_responses(NotFound),
    )
    async def get_settings(
        self, tenant: TenantContext, state: State, companyId: CompanyId, connectionId: ConnectionId
    ) -> ConnectionSettings:
        stored = await ConnectionSettingsRepository(state.pool).get(
            tenant.tenant_id, uuid.UUID(companyId), uuid.UUID(connectionId)
        )
        if stored is None:
            raise NotFound(f"No connection found with id {connectionId}.")
        return msgspec.convert(stored, ConnectionSettings)

    @put(
        operation_id="update-connection-settings",
        summary="Replace connection settings",
        description="Replaces the settings whole; the next push or pull uses them.",
        responses=error_responses(NotFound),
    )
    async def put_settings(
        self,
        tenant: TenantContext,
        state: State,
        companyId: CompanyId,
        connectionId: ConnectionId,
        data: ConnectionSettings,
    ) -> ConnectionSettings:
        plain: dict[str, Any] = msgspec.to_builtins(data)
        stored = await ConnectionSettingsRepository(state.pool).replace(
            tenant.tenant_id, uuid.UUID(companyId), uuid.UUID(connectionId), plain
        )
        if stored is None:
            raise NotFound(f"No connection found with id {connectionId}.")
        log.info("connection.settings_replaced", connection_id=connectionId, keys=sorted(stored))
        return msgspec.convert(stored, ConnectionSettings)
