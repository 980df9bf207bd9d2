"""``/companies`` routes (Codat platform API): thin, they parse, call the service and return.

Path ids are plain strings in the signature; the tenant guard has already answered 404 for anything
that is not a uuid of one of the caller's companies, so ``UUID(companyId)`` cannot fail here.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch, post, put
from litestar.params import Parameter

from datamodel.platform import Companies, Company, CompanyRequest, CompanyUpdate
from gateway.companies.service import CompanyService
from gateway.errors import NotFound, error_responses
from gateway.paging import OrderByParam, PageParam, PageRequest, PageSizeParam, QueryParam
from gateway.tenancy.schemas import TenantContext

CompanyId = Annotated[str, Parameter(description="Unique identifier of a company (uuid).")]
TagsParam = Annotated[
    str | None,
    Parameter(query="tags", default=None, max_length=2048, description="Filter by tags: key=value."),
]


class CompanyController(Controller):
    path = "/companies"
    tags = ["Companies"]

    @get(operation_id="list-companies", summary="List companies", responses=error_responses())
    async def list_companies(
        self,
        tenant: TenantContext,
        companies: CompanyService,
        page: PageParam = 1,
        page_size: PageSizeParam = 100,
        query_text: QueryParam = None,
        order_by: OrderByParam = None,
        tags: TagsParam = None,
    ) -> Companies:
        return await companies.list(tenant, PageRequest(page, page_size, query_text, order_by), tags)

    @post(
        operation_id="create-company", summary="Create company", status_code=200, responses=error_responses()
    )
    async def create_company(
        self, tenant: TenantContext, companies: CompanyService, data: CompanyRequest
    ) -> Company:
        return await companies.create(tenant, data)

    @get(
        "/{companyId:str}",
        operation_id="get-company",
        summary="Get company",
        responses=error_responses(NotFound),
    )
    async def get_company(
        self, tenant: TenantContext, companies: CompanyService, companyId: CompanyId
    ) -> Company:
        return await companies.get(tenant, UUID(companyId))

    @put(
        "/{companyId:str}",
        operation_id="replace-company",
        summary="Replace company",
        responses=error_responses(NotFound),
    )
    async def replace_company(
        self, tenant: TenantContext, companies: CompanyService, companyId: CompanyId, data: CompanyRequest
    ) -> Company:
        return await companies.replace(tenant, UUID(companyId), data)

    @patch(
        "/{companyId:str}",
        operation_id="update-company",
        summary="Update company",
        responses=error_responses(NotFound),
    )
    async def update_company(
        self, tenant: TenantContext, companies: CompanyService, companyId: CompanyId, data: CompanyUpdate
    ) -> Company:
        return await companies.update(tenant, UUID(companyId), data)

    @delete(
        "/{companyId:str}",
        operation_id="delete-company",
        summary="Delete company",
        responses=error_responses(NotFound),
    )
    async def delete_company(
        self, tenant: TenantContext, companies: CompanyService, companyId: CompanyId
    ) -> None:
        await companies.delete(tenant, UUID(companyId))
