"""Pull routes: Codat's refresh/dataStatus/history paths plus the gateway's own schedule routes.

Codat paths (codat-sdk-paths.txt): ``POST …/data/queue/{dataType}``, ``POST …/data/all``,
``POST …/data/info`` (refresh company info), ``GET …/dataStatus``, ``GET …/data/history`` and
``…/data/history/{datasetId}``. The tenant guard has already proved ``companyId`` is the caller's.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, post, put
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from datamodel.operations import DataStatus, PullOperation, PullOperations
from gateway.errors import Conflict, NotFound, error_responses
from gateway.paging import OrderByParam, PageParam, PageRequest, PageSizeParam, QueryParam
from gateway.pull.schemas import SyncSchedule, SyncSchedules, SyncScheduleUpdate
from gateway.pull.service import PullService
from gateway.tenancy.schemas import TenantContext

CompanyId = Annotated[str, Parameter(description="Unique identifier of a company (uuid).")]
DataTypeParam = Annotated[
    str,
    Parameter(description="Codat data type key, e.g. bills, invoices, chartOfAccounts, company."),
]
ConnectionQuery = Annotated[
    str | None,
    Parameter(
        query="connectionId",
        default=None,
        description="Pull from this connection (default: the company's linked connection).",
    ),
]


def provide_pull_service(state: State) -> PullService:
    return PullService(state.pool)


def _connection(value: str | None) -> uuid.UUID | None:
    if value is None or not value.strip():
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound(f"No connection found with id {value}.") from None


class PullController(Controller):
    path = "/companies/{companyId:str}"
    tags = ["Refresh data"]
    dependencies = {"pulls": Provide(provide_pull_service, sync_to_thread=False)}

    @get(
        "/dataStatus",
        operation_id="get-data-status",
        summary="Get data status",
        description="Freshness of each data type: the latest pull and the last successful one.",
        responses=error_responses(NotFound),
    )
    async def get_data_status(
        self, tenant: TenantContext, pulls: PullService, companyId: CompanyId
    ) -> dict[str, DataStatus]:
        return await pulls.data_status(tenant.tenant_id, uuid.UUID(companyId))

    @post(
        "/data/queue/{dataType:str}",
        operation_id="refresh-data-type",
        summary="Refresh data type",
        description="Queue a pull of one data type from the accounting platform into the gateway's store.",
        status_code=200,
        responses=error_responses(NotFound, Conflict),
    )
    async def refresh_data_type(
        self,
        tenant: TenantContext,
        pulls: PullService,
        companyId: CompanyId,
        dataType: DataTypeParam,
        connection_id: ConnectionQuery = None,
    ) -> PullOperation:
        return await pulls.queue(
            tenant.tenant_id, uuid.UUID(companyId), dataType, connection_id=_connection(connection_id)
        )

    @post(
        "/data/all",
        operation_id="refresh-all-data-types",
        summary="Refresh all data",
        description="Queue a pull of every data type the company's connection supports.",
        status_code=204,
        responses=error_responses(NotFound, Conflict),
    )
    async def refresh_all_data_types(
        self, tenant: TenantContext, pulls: PullService, companyId: CompanyId
    ) -> None:
        await pulls.queue_all(tenant.tenant_id, uuid.UUID(companyId))

    @post(
        "/data/info",
        operation_id="refresh-company-info",
        summary="Refresh company info",
        description="Queue a pull of the company's basic information (GET …/data/info reads it).",
        status_code=200,
        responses=error_responses(NotFound, Conflict),
    )
    async def refresh_company_info(
        self, tenant: TenantContext, pulls: PullService, companyId: CompanyId
    ) -> PullOperation:
        return await pulls.queue(tenant.tenant_id, uuid.UUID(companyId), "company")

    @get(
        "/data/history",
        operation_id="list-pull-operations",
        summary="List pull operations",
        responses=error_responses(NotFound),
    )
    async def list_pull_operations(
        self,
        tenant: TenantContext,
        pulls: PullService,
        companyId: CompanyId,
        page: PageParam = 1,
        page_size: PageSizeParam = 100,
        query_text: QueryParam = None,
        order_by: OrderByParam = None,
    ) -> PullOperations:
        return await pulls.history(
            tenant.tenant_id, uuid.UUID(companyId), PageRequest(page, page_size, query_text, order_by)
        )

    @get(
        "/data/history/{datasetId:str}",
        operation_id="get-pull-operation",
        summary="Get pull operation",
        responses=error_responses(NotFound),
    )
    async def get_pull_operation(
        self,
        tenant: TenantContext,
        pulls: PullService,
        companyId: CompanyId,
        datasetId: Annotated[str, Parameter(description="Id of the pull operation (dataset).")],
    ) -> PullOperation:
        return await pulls.get(tenant.tenant_id, uuid.UUID(companyId), datasetId)

    @get(
        "/schedules",
        operation_id="list-sync-schedules",
        summary="List sync schedules",
        description="The company's periodic pulls (the gateway's own route; Codat sets these in its portal).",
        responses=error_responses(NotFound),
    )
    async def list_sync_schedules(
        self, tenant: TenantContext, pulls: PullService, companyId: CompanyId
    ) -> SyncSchedules:
        return await pulls.schedules(tenant.tenant_id, uuid.UUID(companyId))

    @get(
        "/schedules/{dataType:str}",
        operation_id="get-sync-schedule",
        summary="Get sync schedule",
        responses=error_responses(NotFound),
    )
    async def get_sync_schedule(
        self, tenant: TenantContext, pulls: PullService, companyId: CompanyId, dataType: DataTypeParam
    ) -> SyncSchedule:
        return await pulls.schedule(tenant.tenant_id, uuid.UUID(companyId), dataType)

    @put(
        "/schedules/{dataType:str}",
        operation_id="set-sync-schedule",
        summary="Create or update sync schedule",
        description="Pull the data type every intervalMinutes while enabled; enabled=false pauses it.",
        responses=error_responses(NotFound),
    )
    async def set_sync_schedule(
        self,
        tenant: TenantContext,
        pulls: PullService,
        companyId: CompanyId,
        dataType: DataTypeParam,
        data: SyncScheduleUpdate,
    ) -> SyncSchedule:
        return await pulls.set_schedule(tenant.tenant_id, uuid.UUID(companyId), dataType, data)
