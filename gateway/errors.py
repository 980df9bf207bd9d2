"""Every error the API answers with, rendered once, in Codat's ``ErrorMessage`` shape.

Exception tree::

    GatewayError                 base: message, status_code, validation items, canBeRetried
    ├── InvalidRequest      400  the request is malformed or a field is wrong (items name the field)
    ├── Unauthorized        401  missing or unknown API key
    ├── Forbidden           403  the key may not do this
    ├── NotFound            404  no such resource for this tenant (other tenants' ids included)
    ├── Conflict            409  the resource is in a state that forbids the operation
    ├── PayloadTooLarge     413  request body over MAX_REQUEST_BODY_BYTES
    ├── UpstreamUnavailable 503  the accounting platform is unreachable or throttling; retry later
    └── UpstreamFailure     502  the accounting platform answered with something unusable

Litestar's own exceptions (route not found, body validation, size limit) and the connector error tree
(``connectors.errors``) are translated here, and only here, so controllers never build error bodies
and a 500 never leaks a stack trace or a secret.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec
import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from msgspec import UNSET

from connectors.errors import (
    ConnectorConfigError,
    ConnectorDuplicateError,
    ConnectorError,
    ConnectorNotFoundError,
    ConnectorProtocolError,
    ConnectorRejectedError,
    ConnectorTransientError,
    ConnectorUnsupported,
)
from datamodel.errors import ErrorMessage, ErrorValidation, ErrorValidationItem
from gateway.logging import request_id_of
from gateway.records import InvalidParameter

log = structlog.get_logger(__name__)


class GatewayError(Exception):
    """Base of the API's errors; ``items`` become ``validation.errors`` (one per field)."""

    status_code: int = 500
    can_be_retried: str = "Unknown"

    def __init__(
        self,
        message: str,
        *,
        items: Sequence[ErrorValidationItem] = (),
        detailed_error_code: int = 0,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.items = list(items)
        self.detailed_error_code = detailed_error_code
        self.headers = headers or {}

    @classmethod
    def schema(cls) -> ResponseSpec:
        """OpenAPI response entry for this error (Codat's ErrorMessage body, with a fixed example)."""
        example = ErrorMessage(
            status_code=cls.status_code,
            error=(cls.__doc__ or cls.__name__).strip(),
            correlation_id="bc997528a9d7abb9161ef45f05d38599",
            can_be_retried=cls.can_be_retried,
        )
        return ResponseSpec(
            data_container=ErrorMessage,
            description=(cls.__doc__ or cls.__name__).strip(),
            generate_examples=False,
            examples=[Example(summary=cls.__name__, value=msgspec.to_builtins(example))],
        )


class InvalidRequest(GatewayError):
    """The request is not valid; validation.errors names each offending field."""

    status_code = 400

    @classmethod
    def field(cls, field: str, message: str, validator: str = "Validation") -> InvalidRequest:
        item = ErrorValidationItem(item_id=field, message=message, validator_name=validator)
        return cls(f"Error processing request - not valid: {field}: {message}", items=[item])


class Unauthorized(GatewayError):
    """Missing, malformed or unknown API key (Authorization: Basic base64(apiKey))."""

    status_code = 401


class Forbidden(GatewayError):
    """The API key is not allowed to do this."""

    status_code = 403


class NotFound(GatewayError):
    """No such resource for this tenant."""

    status_code = 404


class Conflict(GatewayError):
    """The resource's current state does not allow the operation."""

    status_code = 409


class PayloadTooLarge(GatewayError):
    """The request body is larger than the gateway accepts."""

    status_code = 413


class UpstreamUnavailable(GatewayError):
    """The accounting platform is unavailable or throttling; the same request may succeed later."""

    status_code = 503
    can_be_retried = "Yes"


class UpstreamFailure(GatewayError):
    """The accounting platform answered with something the gateway cannot use."""

    status_code = 502


def error_responses(*errors: type[GatewayError]) -> dict[int, ResponseSpec]:
    """``responses=`` for a route: the listed errors plus 401 and the default 400."""
    chosen: set[type[GatewayError]] = {InvalidRequest, Unauthorized, *errors}
    return {e.status_code: e.schema() for e in sorted(chosen, key=lambda e: e.status_code)}


_MSGSPEC_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`")
_UNKNOWN_FIELD = re.compile(r"unknown field `(?P<name>[^`]+)`")
_MISSING_FIELD = re.compile(r"missing required field `(?P<name>[^`]+)`")
# Checks of the unified model (datamodel._checked) name their field first: "`issueDate` is not a valid ...".
_LEADING_FIELD = re.compile(r"^`(?P<name>[^`]+)` ")


def _field_of(entry: dict[str, Any]) -> str:
    """Best name for the field an upstream validation message is about (``lines[0].amount``)."""
    message = str(entry.get("message", ""))
    path = ""
    if match := _MSGSPEC_PATH.search(message):
        path = match.group("path").lstrip(".")
    for pattern in (_UNKNOWN_FIELD, _MISSING_FIELD, _LEADING_FIELD):
        if match := pattern.search(message):
            path = path.replace("[...]", "")
            return f"{path}.{match.group('name')}" if path else match.group("name")
    if path:
        return path.replace("[...]", "")
    key = entry.get("key")
    if isinstance(key, str) and key and key != "data":
        return key.replace("[...]", "")
    return "body" if entry.get("source") == "body" or key == "data" else "request"


def _wire_name(request: Request[Any, Any, Any] | None, key: str) -> str:
    """The name the client used for a query/header parameter (``page_size`` -> ``pageSize``)."""
    if request is None:
        return key
    try:
        parameters = request.route_handler.parsed_fn_signature.parameters
    except Exception:  # no route (404 before routing) or a handler without a signature
        return key
    head, _, rest = key.partition(".")
    definition = getattr(parameters.get(head), "kwarg_definition", None)
    alias = getattr(definition, "query", None) or getattr(definition, "header", None)
    if isinstance(alias, str) and alias:
        return f"{alias}.{rest}" if rest else alias
    return key


def _from_validation(
    exc: ValidationException, request: Request[Any, Any, Any] | None = None
) -> InvalidRequest:
    entries = exc.extra if isinstance(exc.extra, list) else []
    items: list[ErrorValidationItem] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        message = str(entry.get("message", "invalid value"))
        field = _field_of(entry)
        if entry.get("source") != "body":
            field = _wire_name(request, field)
        # msgspec says "Expected `int`, got `str` - at `$.x`": keep the first part, the field is named.
        message = message.split(" - at `$", 1)[0]
        items.append(ErrorValidationItem(item_id=field, message=message, validator_name="Schema"))
    if not items:
        detail = exc.detail or "invalid request"
        items.append(ErrorValidationItem(item_id="body", message=detail, validator_name="Schema"))
    summary = "; ".join(f"{i.item_id}: {i.message}" for i in items)
    return InvalidRequest(f"Error processing request - not valid: {summary}", items=items)


def _from_connector(exc: ConnectorError) -> GatewayError:
    issues = [
        ErrorValidationItem(item_id=i.field, message=i.message, validator_name="SageIntacct")
        for i in exc.issues
    ]
    if isinstance(exc, ConnectorTransientError):
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(max(1, round(retry_after)))} if retry_after else None
        return UpstreamUnavailable(exc.message, items=issues, headers=headers)
    if isinstance(exc, ConnectorDuplicateError):
        return Conflict(exc.message, items=issues)
    if isinstance(exc, ConnectorRejectedError | ConnectorConfigError):
        return InvalidRequest(exc.message, items=issues)
    if isinstance(exc, ConnectorNotFoundError | ConnectorUnsupported):
        return NotFound(exc.message, items=issues)
    if isinstance(exc, ConnectorProtocolError):
        return UpstreamFailure(exc.message, items=issues)
    return UpstreamFailure(exc.message, items=issues)


_HTTP_MAP: dict[int, type[GatewayError]] = {
    400: InvalidRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    503: UpstreamUnavailable,
}


_UNSTORABLE_TEXT = (
    asyncpg.exceptions.UntranslatableCharacterError,
    asyncpg.exceptions.CharacterNotInRepertoireError,
)


def to_gateway_error(exc: Exception, request: Request[Any, Any, Any] | None = None) -> GatewayError:
    """Translate any exception into the GatewayError that will be rendered."""
    if isinstance(exc, GatewayError):
        return exc
    if isinstance(exc, ValidationException):
        return _from_validation(exc, request)
    if isinstance(exc, ConnectorError):
        return _from_connector(exc)
    if isinstance(exc, InvalidParameter):  # records: bad page/pageSize/query/orderBy
        return InvalidRequest.field(exc.parameter, str(exc), "Query")
    if isinstance(exc, _UNSTORABLE_TEXT):  # PostgreSQL stores no NUL in text or jsonb: the input's fault
        return InvalidRequest("Text may not contain the NUL character (\\u0000).")
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        cls = _HTTP_MAP.get(exc.status_code)
        if cls is None:
            error = GatewayError(exc.detail, headers=dict(exc.headers or {}))
            error.status_code = exc.status_code
            return error
        return cls(exc.detail, headers=dict(exc.headers or {}))
    return GatewayError("An unexpected error occurred. The request id identifies it in the gateway's logs.")


def render_error(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorMessage]:
    """The single exception handler: Codat's ``ErrorMessage`` with the request id as correlationId."""
    error = to_gateway_error(exc, request)
    status = error.status_code
    rid = request_id_of(request.scope)
    headers = dict(error.headers)
    if not request.scope.get("state", {}).get("request_id_sent"):  # the middleware did not run (no route)
        headers["x-request-id"] = rid
    if status >= 500 and not isinstance(exc, GatewayError | ConnectorError):
        log.error("request.failed", error_type=type(exc).__name__, exc_info=exc)
    body = ErrorMessage(
        status_code=status,
        error=error.message,
        correlation_id=rid,
        validation=ErrorValidation(errors=error.items) if error.items else UNSET,
        can_be_retried=error.can_be_retried,
        detailed_error_code=error.detailed_error_code,
    )
    return Response(
        content=body,
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )
