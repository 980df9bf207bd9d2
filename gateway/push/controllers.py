"""Push routes on Codat's paths: create/update/delete per data type, and the push history.

Routes are generated from ``PUSH_SPECS`` (one per type and action, each with Codat's operation id and
the type's model as its body, so the OpenAPI document shows ``Bill`` for ``create-bill``). Handlers
re-read the raw body and decode it strictly in the service; the body the framework parsed only serves
the schema. Answers are ``PushOperation`` JSON rendered by the service (exact decimals).
"""

from __future__ import annotations

import inspect
import uuid
from typing import Annotated, Any

from litestar import MediaType, Request, Response, Router, delete, get, post, put
from litestar.datastructures import State
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from datamodel import PushOperation, PushOperations
from gateway.connections.factory import ConnectorProvider
from gateway.errors import Conflict, GatewayError, NotFound, PayloadTooLarge, error_responses
from gateway.paging import OrderByParam, PageParam, PageRequest, PageSizeParam, QueryParam
from gateway.push.connectors import ConnectionLoader, ConnectorCache
from gateway.push.idempotency import MAX_KEY_LENGTH, IdempotencyKeyReused
from gateway.push.schemas import PUSH_SPECS, Action, PushSpec, response_model
from gateway.push.service import PushService
from gateway.tenancy.schemas import TenantContext

TAGS = ["Push"]
CompanyId = Annotated[str, Parameter(description="Unique identifier of a company (uuid).")]
ConnectionId = Annotated[str, Parameter(description="Unique identifier of a connection (uuid).")]
TimeoutParam = Annotated[
    int | None,
    Parameter(
        query="timeoutInMinutes",
        ge=1,
        le=43200,
        default=None,
        description="Mark the operation TimedOut if it has not finished after this many minutes.",
    ),
]
ForceUpdateParam = Annotated[
    bool,
    Parameter(
        query="forceUpdate",
        default=False,
        description="Update even when the record changed in the platform since it was last pulled.",
    ),
]
IdempotencyKeyParam = Annotated[
    str | None,
    Parameter(
        header="Idempotency-Key",
        required=False,
        default=None,
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description="Same key and request within 90 minutes: the same operation, nothing written twice.",
    ),
]


def connector_cache(state: State) -> ConnectorCache:
    """The process's connector cache, made on first use (it needs the pool the lifespan opened)."""
    cache = getattr(state, "push_connectors", None)
    if cache is None:
        cache = ConnectorCache(ConnectorProvider.from_state(state))
        state.push_connectors = cache
    return cache


def connection_loader(state: State) -> ConnectionLoader:
    """The process's connection loader: concurrent requests for one connection share one query."""
    loader = getattr(state, "push_connection_loader", None)
    if loader is None:
        loader = ConnectionLoader(state.pool)
        state.push_connection_loader = loader
    return loader


def provide_push_service(state: State) -> PushService:
    return PushService(
        state.pool, connector_cache(state), state.settings.push, connections=connection_loader(state)
    )


def json_response(content: bytes) -> Response[bytes]:
    return Response(content=content, media_type=MediaType.JSON, status_code=200)


def _responses(model: Any, *errors: type[GatewayError]) -> dict[int, ResponseSpec]:
    return {
        **error_responses(NotFound, *errors),
        200: ResponseSpec(data_container=model, description="The push operation.", generate_examples=False),
    }


def _words(spec: PushSpec) -> str:
    return spec.singular.replace("-", " ")


def _write_route(spec: PushSpec, action: Action) -> HTTPRouteHandler:
    """One route: POST …/push/{type}, PUT or DELETE …/push/{type}/{id}."""

    async def handler(
        request: Request[Any, Any, Any],
        tenant: TenantContext,
        push: PushService,
        companyId: CompanyId,
        connectionId: ConnectionId,
        timeout_in_minutes: TimeoutParam = None,
        force_update: ForceUpdateParam = False,
        idempotency_key: IdempotencyKeyParam = None,
        **_: Any,  # the record id path parameter and the body, declared below
    ) -> Response[bytes]:
        record_id = request.path_params.get(spec.id_param) if action != "create" else None
        body = await request.body() if action != "delete" else None
        content = await push.submit(
            tenant,
            uuid.UUID(companyId),
            uuid.UUID(connectionId),
            spec,
            action,
            body=body,
            record_id=record_id,
            timeout_in_minutes=timeout_in_minutes,
            force_update=force_update,
            idempotency_key=idempotency_key,
        )
        return json_response(content)

    annotations = dict(handler.__annotations__)
    del annotations["_"]
    if action != "delete":
        annotations["data"] = spec.model
    if action != "update":
        del annotations["force_update"]
    if action != "create":
        annotations[spec.id_param] = Annotated[str, Parameter(description=f"Id of the {_words(spec)}.")]
    handler.__annotations__ = annotations
    _fix_signature(handler, annotations)
    handler.__name__ = handler.__qualname__ = f"{action}_{spec.path}"

    verb = {"create": post, "update": put, "delete": delete}[action]
    path = f"/push/{spec.path}" if action == "create" else f"/push/{spec.path}/{{{spec.id_param}:str}}"
    summary = f"{action.capitalize()} {_words(spec)}"
    return verb(
        path,
        operation_id=spec.operation_id(action),
        summary=summary,
        description=(
            f"{summary} in the accounting platform. Answers at once with the push operation: Pending "
            "(poll GET /companies/{companyId}/push/{pushOperationKey}), or Failed with validation.errors "
            "naming each field the platform would refuse."
        ),
        tags=TAGS,
        status_code=200,
        responses=_responses(response_model(spec.model), Conflict, IdempotencyKeyReused, PayloadTooLarge),
        name=f"{spec.operation_id(action)}",
    )(handler)


def _fix_signature(handler: Any, annotations: dict[str, Any]) -> None:
    """Make ``inspect.signature`` agree with the edited annotations (added/removed parameters)."""
    signature = inspect.signature(handler)
    parameters = [
        p for p in signature.parameters.values() if p.name in annotations and p.kind is not p.VAR_KEYWORD
    ]
    names = {p.name for p in parameters}
    insert_at = next(
        (i for i, p in enumerate(parameters) if p.default is not inspect.Parameter.empty), len(parameters)
    )
    extra = [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)
        for name, annotation in annotations.items()
        if name not in names and name != "return"
    ]
    parameters[insert_at:insert_at] = extra
    handler.__signature__ = signature.replace(parameters=parameters)


def _history_routes() -> list[HTTPRouteHandler]:
    async def list_push_operations(
        tenant: TenantContext,
        push: PushService,
        companyId: CompanyId,
        page: PageParam = 1,
        page_size: PageSizeParam = 100,
        query_text: QueryParam = None,
        order_by: OrderByParam = None,
    ) -> Response[bytes]:
        content = await push.list(
            tenant, uuid.UUID(companyId), PageRequest(page, page_size, query_text, order_by)
        )
        return json_response(content)

    async def get_push_operation(
        tenant: TenantContext,
        push: PushService,
        companyId: CompanyId,
        pushOperationKey: Annotated[str, Parameter(description="The push operation's key.")],
    ) -> Response[bytes]:
        return json_response(await push.get_by_key(tenant, uuid.UUID(companyId), pushOperationKey))

    return [
        get(
            "/companies/{companyId:str}/push",
            operation_id="get-company-push-history",
            summary="List push operations",
            description="A company's writes, newest first; filter with `query`, sort with `orderBy`.",
            tags=TAGS,
            responses={
                **error_responses(NotFound),
                200: ResponseSpec(
                    data_container=PushOperations,
                    description="A page of push operations.",
                    generate_examples=False,
                ),
            },
        )(list_push_operations),
        get(
            "/companies/{companyId:str}/push/{pushOperationKey:str}",
            operation_id="get-push-operation",
            summary="Get push operation",
            description=(
                "One write: Pending, Success (with data and changes), Failed (with validation) or TimedOut."
            ),
            tags=TAGS,
            responses=_responses(PushOperation),
        )(get_push_operation),
    ]


def _write_routes() -> list[HTTPRouteHandler]:
    order: tuple[Action, ...] = ("create", "update", "delete")
    return [_write_route(spec, action) for spec in PUSH_SPECS for action in order if action in spec.actions]


push_router = Router(
    path="/",
    route_handlers=[
        Router(
            path="/companies/{companyId:str}/connections/{connectionId:str}",
            route_handlers=_write_routes(),
        ),
        *_history_routes(),
    ],
    dependencies={"push": Provide(provide_push_service, sync_to_thread=False)},
)
