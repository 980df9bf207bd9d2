"""``/companies/{companyId}/connections`` routes (Codat platform API).

The tenant guard has already checked that ``companyId`` (and ``connectionId``) are uuids belonging to
the caller, so the handlers convert them without further checks.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch, post, put
from litestar.di import Provide
from litestar.params import Parameter

from datamodel.platform import Connection, ConnectionCreate, Connections, ConnectionStatusUpdate
from gateway.connections.linking import Linker, provide_linker
from gateway.connections.schemas import IntacctAuthorization
from gateway.connections.service import ConnectionService
from gateway.errors import NotFound, error_responses
from gateway.paging import OrderByParam, PageParam, PageRequest, PageSizeParam, QueryParam
from gateway.tenancy.schemas import TenantContext

CompanyId = Annotated[str, Parameter(description="Unique identifier of a company (uuid).")]
ConnectionId = Annotated[str, Parameter(description="Unique identifier of a connection (uuid).")]


class ConnectionController(Controller):
    path = "/companies/{companyId:str}/connections"
    tags = ["Connections"]

    @get(operation_id="list-connections", summary="List connections", responses=error_responses(NotFound))
    async def list_connections(
        self,
        tenant: TenantContext,
        connections: ConnectionService,
        companyId: CompanyId,
        page: PageParam = 1,
        page_size: PageSizeParam = 100,
        query_text: QueryParam = None,
        order_by: OrderByParam = None,
    ) -> Connections:
        return await connections.list(
            tenant, UUID(companyId), PageRequest(page, page_size, query_text, order_by)
        )

    @post(
        operation_id="create-connection",
        summary="Create connection",
        status_code=200,
        responses=error_responses(NotFound),
    )
    async def create_connection(
        self,
        tenant: TenantContext,
        connections: ConnectionService,
        companyId: CompanyId,
        data: ConnectionCreate,
    ) -> Connection:
        return await connections.create(tenant, UUID(companyId), data.platform_key)

    @get(
        "/{connectionId:str}",
        operation_id="get-connection",
        summary="Get connection",
        responses=error_responses(NotFound),
    )
    async def get_connection(
        self,
        tenant: TenantContext,
        connections: ConnectionService,
        companyId: CompanyId,
        connectionId: ConnectionId,
    ) -> Connection:
        return await connections.get(tenant, UUID(companyId), UUID(connectionId))

    @patch(
        "/{connectionId:str}",
        operation_id="unlink-connection",
        summary="Unlink connection",
        responses=error_responses(NotFound),
    )
    async def unlink_connection(
        self,
        tenant: TenantContext,
        connections: ConnectionService,
        companyId: CompanyId,
        connectionId: ConnectionId,
        data: ConnectionStatusUpdate,
    ) -> Connection:
        return await connections.unlink(tenant, UUID(companyId), UUID(connectionId), data.status)

    @delete(
        "/{connectionId:str}",
        operation_id="delete-connection",
        summary="Delete connection",
        responses=error_responses(NotFound),
    )
    async def delete_connection(
        self,
        tenant: TenantContext,
        connections: ConnectionService,
        companyId: CompanyId,
        connectionId: ConnectionId,
    ) -> None:
        await connections.delete(tenant, UUID(companyId), UUID(connectionId))

    @put(
        "/{connectionId:str}/authorization",
        operation_id="update-connection-authorization",
        summary="Update authorization",
        description=(
            "Store the Sage Intacct credentials of the connection (encrypted at rest) and check them at "
            "once: Linked (connectionInfo lists the entities; the first pull of every data type is "
            "queued), Unlinked with Intacct's reason in dataConnectionErrors, or PendingAuth when Intacct "
            "could not be reached."
        ),
        responses=error_responses(NotFound),
        dependencies={"linker": Provide(provide_linker, sync_to_thread=False)},
    )
    async def update_authorization(
        self,
        tenant: TenantContext,
        linker: Linker,
        companyId: CompanyId,
        connectionId: ConnectionId,
        data: IntacctAuthorization,
    ) -> Connection:
        return await linker.authorize(tenant, UUID(companyId), UUID(connectionId), data)
