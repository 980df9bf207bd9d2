"""Read routes of every pulled data type, on Codat's paths and with Codat's operation ids.

One list route and one get route per type, generated from ``gateway/data/catalog.py``, so a type
added there is served everywhere at once: ``GET /companies/{companyId}/data/bills`` (``list-bills``),
``…/data/bills/{billId}`` (``get-bill``), connection-scoped types under
``/companies/{companyId}/connections/{connectionId}/data/…`` and company info at ``…/data/info``.

The OpenAPI document shows each type's typed envelope (``Bills``, ``Bill``); the handlers return the
stored JSON as it is (``msgspec.Raw``), without decoding and re-encoding every record.

Handlers take one dependency, ``reader`` (the pool and the caller's tenant): Litestar resolves two or
more dependencies of a handler concurrently, in a task group with a task per dependency, on every
request — measurable on routes this hot.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Request, get
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from gateway.data.catalog import COMPANY_INFO, DATA_TYPES, DataTypeSpec
from gateway.data.service import company_info, get_one, list_records
from gateway.errors import NotFound, error_responses
from gateway.paging import OrderByParam, PageParam, PageSizeParam, QueryParam
from gateway.records import RecordsPage
from gateway.tenancy.guards import provide_tenant

CompanyId = Annotated[str, Parameter(description="Unique identifier of a company (uuid).")]
ConnectionId = Annotated[str, Parameter(description="Unique identifier of a connection (uuid).")]
TAGS = ["Accounting data"]


@dataclass(frozen=True, slots=True)
class Reader:
    """What a read route needs: the store, and the tenant the guard resolved."""

    pool: Any
    tenant_id: uuid.UUID


def provide_reader(request: Request[Any, Any, Any]) -> Reader:
    """Dependency ``reader``: the app's pool and the request's tenant."""
    return Reader(pool=request.app.state.pool, tenant_id=provide_tenant(request).tenant_id)


DEPENDENCIES = {"reader": Provide(provide_reader, sync_to_thread=False)}


def _responses(model: type[Any] | None, spec: DataTypeSpec, what: str) -> dict[int, ResponseSpec]:
    if model is None:
        raise ValueError(f"{spec.name} has no response model")
    return {
        **error_responses(NotFound),
        200: ResponseSpec(data_container=model, description=what, generate_examples=False),
    }


def _words(spec: DataTypeSpec, plural: bool) -> str:
    text = _kebab_words(spec.plural if plural else spec.singular)
    return text[0].upper() + text[1:]


def _kebab_words(name: str) -> str:
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name)


def _company_list(spec: DataTypeSpec) -> HTTPRouteHandler:
    async def handler(
        reader: Reader,
        companyId: CompanyId,
        page: PageParam = 1,
        page_size: PageSizeParam = 100,
        query_text: QueryParam = None,
        order_by: OrderByParam = None,
    ) -> RecordsPage:
        return await list_records(
            reader.pool,
            reader.tenant_id,
            uuid.UUID(companyId),
            spec,
            None,
            page,
            page_size,
            query_text,
            order_by,
        )

    return get(
        f"/companies/{{companyId:str}}/data/{spec.path}",
        operation_id=f"list-{spec.kebab}",
        summary=f"List {_kebab_words(spec.plural).strip()}",
        description=f"{_words(spec, True)} as of the last pull; filter with `query`, sort with `orderBy`.",
        tags=TAGS,
        dependencies=DEPENDENCIES,
        responses=_responses(spec.page_model, spec, f"A page of {_kebab_words(spec.plural).strip()}."),
        name=f"list-{spec.kebab}",
    )(handler)


def _company_get(spec: DataTypeSpec) -> HTTPRouteHandler:
    async def handler(request: Request[Any, Any, Any], reader: Reader, companyId: CompanyId) -> msgspec.Raw:
        record_id = request.path_params[spec.id_param]
        return await get_one(reader.pool, reader.tenant_id, uuid.UUID(companyId), spec, record_id, None)

    return get(
        f"/companies/{{companyId:str}}/data/{spec.path}/{{{spec.id_param}:str}}",
        operation_id=f"get-{spec.kebab_singular}",
        summary=f"Get {_kebab_words(spec.singular).strip()}",
        tags=TAGS,
        dependencies=DEPENDENCIES,
        responses=_responses(spec.item_model, spec, f"One {_kebab_words(spec.singular).strip()}."),
        name=f"get-{spec.kebab_singular}",
    )(handler)


def _connection_list(spec: DataTypeSpec, operation_id: str) -> HTTPRouteHandler:
    async def handler(
        reader: Reader,
        companyId: CompanyId,
        connectionId: ConnectionId,
        page: PageParam = 1,
        page_size: PageSizeParam = 100,
        query_text: QueryParam = None,
        order_by: OrderByParam = None,
    ) -> RecordsPage:
        return await list_records(
            reader.pool,
            reader.tenant_id,
            uuid.UUID(companyId),
            spec,
            uuid.UUID(connectionId),
            page,
            page_size,
            query_text,
            order_by,
        )

    return get(
        f"/companies/{{companyId:str}}/connections/{{connectionId:str}}/data/{spec.path}",
        operation_id=operation_id,
        summary=f"List {_kebab_words(spec.plural).strip()}",
        description=f"{_words(spec, True)} pulled through this connection.",
        tags=TAGS,
        dependencies=DEPENDENCIES,
        responses=_responses(spec.page_model, spec, f"A page of {_kebab_words(spec.plural).strip()}."),
        name=operation_id,
    )(handler)


def _connection_get(spec: DataTypeSpec) -> HTTPRouteHandler:
    async def handler(
        request: Request[Any, Any, Any],
        reader: Reader,
        companyId: CompanyId,
        connectionId: ConnectionId,
    ) -> msgspec.Raw:
        record_id = request.path_params[spec.id_param]
        return await get_one(
            reader.pool, reader.tenant_id, uuid.UUID(companyId), spec, record_id, uuid.UUID(connectionId)
        )

    return get(
        f"/companies/{{companyId:str}}/connections/{{connectionId:str}}/data/{spec.path}/{{{spec.id_param}:str}}",
        operation_id=f"get-{spec.kebab_singular}",
        summary=f"Get {_kebab_words(spec.singular).strip()}",
        tags=TAGS,
        dependencies=DEPENDENCIES,
        responses=_responses(spec.item_model, spec, f"One {_kebab_words(spec.singular).strip()}."),
        name=f"get-{spec.kebab_singular}",
    )(handler)


def _company_info() -> HTTPRouteHandler:
    async def handler(reader: Reader, companyId: CompanyId) -> msgspec.Raw:
        return await company_info(reader.pool, reader.tenant_id, uuid.UUID(companyId))

    return get(
        "/companies/{companyId:str}/data/info",
        operation_id="get-company-info",
        summary="Get company info",
        description="The company's basic information from the accounting platform, as of the last pull.",
        tags=TAGS,
        dependencies=DEPENDENCIES,
        responses=_responses(COMPANY_INFO.item_model, COMPANY_INFO, "Company info."),
        name="get-company-info",
    )(handler)


def build_route_handlers() -> list[HTTPRouteHandler]:
    """Every read route of the catalog (registered in ``gateway.core.API_ROUTE_HANDLERS``)."""
    handlers: list[HTTPRouteHandler] = []
    for spec in DATA_TYPES:
        if spec is COMPANY_INFO:
            handlers.append(_company_info())
        elif spec.scope == "connection":
            handlers += [_connection_list(spec, f"list-{spec.kebab}"), _connection_get(spec)]
        else:
            handlers += [_company_list(spec), _company_get(spec)]
            if spec.also_per_connection:
                handlers.append(_connection_list(spec, f"list-connection-{spec.kebab}"))
    return handlers


DATA_ROUTE_HANDLERS = build_route_handlers()
