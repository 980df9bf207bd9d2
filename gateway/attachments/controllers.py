"""Attachment routes on Codat's paths, generated from ``UPLOAD_ROUTES`` and ``READ_ROUTES``.

Upload: ``POST …/connections/{connectionId}/push/{type}/{id}/attachment`` (``attachments`` for bills),
``multipart/form-data`` with ``file`` and optionally ``attachment`` (Intacct's folder and id). Reads:
``GET …/connections/{connectionId}/data/{type}/{id}/attachments``, ``…/{attachmentId}`` and
``…/{attachmentId}/download`` (the file's bytes, ``application/octet-stream``).
"""

from __future__ import annotations

import inspect
import uuid
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, Parameter

from datamodel import Attachment, AttachmentsDataset
from gateway.attachments.schemas import READ_ROUTES, UPLOAD_ROUTES, AttachmentForm, ReadRoute, UploadRoute
from gateway.attachments.service import AttachmentService, UnsupportedMediaType
from gateway.errors import Conflict, NotFound, PayloadTooLarge, error_responses
from gateway.push.controllers import (
    CompanyId,
    ConnectionId,
    IdempotencyKeyParam,
    TimeoutParam,
    json_response,
    provide_push_service,
)
from gateway.push.idempotency import IdempotencyKeyReused
from gateway.push.schemas import AttachmentPushOperation
from gateway.tenancy.schemas import TenantContext

TAGS = ["Attachments"]
AttachmentId = Annotated[str, Parameter(description="Id of the attachment.")]
Form = Annotated[AttachmentForm, Body(media_type=RequestEncodingType.MULTI_PART)]


def provide_attachment_service(state: State) -> AttachmentService:
    return AttachmentService(
        state.pool, provide_push_service(state), max_bytes=state.settings.push.max_attachment_bytes
    )


def _record_id(request: Request[Any, Any, Any], param: str) -> str:
    return str(request.path_params[param])


def _upload_route(route: UploadRoute) -> HTTPRouteHandler:
    async def handler(
        request: Request[Any, Any, Any],
        tenant: TenantContext,
        attachments: AttachmentService,
        companyId: CompanyId,
        connectionId: ConnectionId,
        data: Form,
        timeout_in_minutes: TimeoutParam = None,
        idempotency_key: IdempotencyKeyParam = None,
        **_: Any,  # the record id path parameter, declared by _add_path_param
    ) -> Response[bytes]:
        content = await data.file.read()
        upload = attachments.check(data.file.filename, data.file.content_type, content, data.attachment)
        answer = await attachments.upload(
            tenant,
            uuid.UUID(companyId),
            uuid.UUID(connectionId),
            route.data_type,
            _record_id(request, route.id_param),
            upload,
            idempotency_key=idempotency_key,
            timeout_in_minutes=timeout_in_minutes,
        )
        return json_response(answer)

    _add_path_param(handler, route.id_param, "Id of the record to attach the file to.")
    handler.__name__ = handler.__qualname__ = f"upload_{route.path}_attachment"
    return post(
        f"/push/{route.path}/{{{route.id_param}:str}}/{route.suffix}",
        operation_id=route.operation_id,
        summary=f"Upload {route.singular.replace('-', ' ')} attachment",
        description=(
            "Attach a file (part `file`). For Sage Intacct, part `attachment` may carry JSON "
            '`{"id": "<attachment id shown in Intacct>", "name": "<Folder or Folder/SubFolder>"}`. '
            "Answers with the push operation; when it succeeds, changes[0] is AttachmentUploaded."
        ),
        tags=TAGS,
        status_code=200,
        responses={
            **error_responses(
                NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType, IdempotencyKeyReused
            ),
            200: ResponseSpec(
                data_container=AttachmentPushOperation,
                description="The push operation.",
                generate_examples=False,  # random examples break the date-time checks of the model
            ),
        },
    )(handler)


def _add_path_param(handler: Any, name: str, description: str) -> None:
    """Declare a path parameter the generated handler reads from ``request.path_params``."""
    annotation = Annotated[str, Parameter(description=description)]
    annotations = {k: v for k, v in handler.__annotations__.items() if k != "_"}
    handler.__annotations__ = {**annotations, name: annotation}
    signature = inspect.signature(handler)
    parameters = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    first_default = next(
        (i for i, p in enumerate(parameters) if p.default is not inspect.Parameter.empty), len(parameters)
    )
    parameters.insert(
        first_default, inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)
    )
    handler.__signature__ = signature.replace(parameters=parameters)


def _read_routes(route: ReadRoute) -> list[HTTPRouteHandler]:
    base = f"/data/{route.path}/{{{route.id_param}:str}}/attachments"
    words = route.singular.replace("-", " ")

    async def list_attachments(
        request: Request[Any, Any, Any],
        tenant: TenantContext,
        attachments: AttachmentService,
        companyId: CompanyId,
        connectionId: ConnectionId,
        **_: Any,
    ) -> AttachmentsDataset:
        return await attachments.list(
            tenant,
            uuid.UUID(companyId),
            uuid.UUID(connectionId),
            route.path,
            _record_id(request, route.id_param),
        )

    async def get_attachment(
        request: Request[Any, Any, Any],
        tenant: TenantContext,
        attachments: AttachmentService,
        companyId: CompanyId,
        connectionId: ConnectionId,
        attachmentId: AttachmentId,
        **_: Any,
    ) -> Attachment:
        return await attachments.get(
            tenant,
            uuid.UUID(companyId),
            uuid.UUID(connectionId),
            route.path,
            _record_id(request, route.id_param),
            attachmentId,
        )

    async def download_attachment(
        request: Request[Any, Any, Any],
        tenant: TenantContext,
        attachments: AttachmentService,
        companyId: CompanyId,
        connectionId: ConnectionId,
        attachmentId: AttachmentId,
        **_: Any,
    ) -> Response[bytes]:
        content, name, _content_type = await attachments.download(
            tenant,
            uuid.UUID(companyId),
            uuid.UUID(connectionId),
            route.path,
            _record_id(request, route.id_param),
            attachmentId,
        )
        safe = name.replace('"', "").replace("\\", "")
        return Response(
            content=content,
            media_type="application/octet-stream",
            headers={"content-disposition": f'attachment; filename="{safe}"'},
        )

    handlers: list[HTTPRouteHandler] = []
    for fn, suffix, op, summary, response in (
        (list_attachments, "", f"list-{route.singular}-attachments", f"List {words} attachments", None),
        (
            get_attachment,
            "/{attachmentId:str}",
            f"get-{route.singular}-attachment",
            f"Get {words} attachment",
            None,
        ),
        (
            download_attachment,
            "/{attachmentId:str}/download",
            f"download-{route.singular}-attachment",
            f"Download {words} attachment",
            ResponseSpec(
                data_container=bytes,
                media_type="application/octet-stream",
                description="The file.",
                generate_examples=False,
            ),
        ),
    ):
        _add_path_param(fn, route.id_param, f"Id of the {words}.")
        fn.__name__ = fn.__qualname__ = f"{op.replace('-', '_')}"
        responses: dict[int, ResponseSpec] = dict(error_responses(NotFound))
        if response is not None:
            responses[200] = response
        handlers.append(
            get(base + suffix, operation_id=op, summary=summary, tags=TAGS, responses=responses)(fn)
        )
    return handlers


attachments_router = Router(
    path="/companies/{companyId:str}/connections/{connectionId:str}",
    route_handlers=[
        *(_upload_route(route) for route in UPLOAD_ROUTES),
        *(handler for route in READ_ROUTES for handler in _read_routes(route)),
    ],
    dependencies={"attachments": Provide(provide_attachment_service, sync_to_thread=False)},
)
