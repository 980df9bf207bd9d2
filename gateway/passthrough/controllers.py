"""``POST …/connections/{connectionId}/passthrough/query|write`` — the gateway's own routes."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from gateway.connections.factory import ConnectorProvider
from gateway.errors import Conflict, NotFound, UpstreamFailure, UpstreamUnavailable, error_responses
from gateway.passthrough.schemas import (
    PassthroughQuery,
    PassthroughQueryResult,
    PassthroughWrite,
    PassthroughWriteResult,
)
from gateway.passthrough.service import PassthroughService
from gateway.tenancy.schemas import TenantContext

CompanyId = Annotated[str, Parameter(description="Unique identifier of a company (uuid).")]
ConnectionId = Annotated[str, Parameter(description="Unique identifier of a connection (uuid).")]
_ERRORS = error_responses(NotFound, Conflict, UpstreamFailure, UpstreamUnavailable)


def provide_passthrough_service(state: State) -> PassthroughService:
    return PassthroughService(ConnectorProvider.from_state(state))


class PassthroughController(Controller):
    path = "/companies/{companyId:str}/connections/{connectionId:str}/passthrough"
    tags = ["Passthrough"]
    dependencies = {"passthrough": Provide(provide_passthrough_service, sync_to_thread=False)}

    @post(
        "/query",
        operation_id="passthrough-query",
        summary="Query platform objects",
        description=(
            "Read rows of an object the unified model does not cover (e.g. Intacct PROJECT), with the "
            "platform's own object and field names. Live: this calls the platform."
        ),
        status_code=200,
        responses=_ERRORS,
    )
    async def passthrough_query(
        self,
        tenant: TenantContext,
        passthrough: PassthroughService,
        companyId: CompanyId,
        connectionId: ConnectionId,
        data: PassthroughQuery,
    ) -> PassthroughQueryResult:
        return await passthrough.query(tenant.tenant_id, uuid.UUID(companyId), uuid.UUID(connectionId), data)

    @post(
        "/write",
        operation_id="passthrough-write",
        summary="Create or update a platform object",
        description="Create or update one record of an object the unified model does not cover.",
        status_code=200,
        responses=_ERRORS,
    )
    async def passthrough_write(
        self,
        tenant: TenantContext,
        passthrough: PassthroughService,
        companyId: CompanyId,
        connectionId: ConnectionId,
        data: PassthroughWrite,
    ) -> PassthroughWriteResult:
        return await passthrough.write(tenant.tenant_id, uuid.UUID(companyId), uuid.UUID(connectionId), data)
