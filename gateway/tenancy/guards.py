"""Authentication and tenant scoping, enforced before any handler runs.

``require_tenant`` is the guard of the whole API router:

1. ``Authorization: Basic <base64(apiKey)>`` (Codat's scheme) must name an active key, else 401.
2. Any ``companyId`` / ``connectionId`` path parameter must belong to that tenant (and the connection
   to that company), else 404 — the same answer as for an id that never existed, so ids of other
   tenants cannot even be probed.

Because guards run before the body is parsed, this holds for every route that is ever added under a
``/companies/{companyId}`` path, whoever writes it. Repositories still filter every query by
``tenant_id``; the guard is the second, structural line. The resolved ``TenantContext`` is kept in
the request state and handed to handlers by the ``tenant`` dependency.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

import structlog
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from gateway.errors import NotFound, Unauthorized
from gateway.tenancy.repository import TenantRepository
from gateway.tenancy.schemas import TenantContext

SCOPED_PARAMS = ("companyId", "connectionId")


def api_key_from_header(value: str | None) -> str:
    """The API key in a ``Basic <base64(key)>`` header; raises Unauthorized otherwise."""
    if not value:
        raise Unauthorized("Unauthorized: send Authorization: Basic <base64 of your API key>.")
    scheme, _, encoded = value.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise Unauthorized("Unauthorized: the Authorization header must use the Basic scheme.")
    try:
        key = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized("Unauthorized: the Authorization header is not valid base64.") from None
    key = key.strip()
    if not key or len(key) > 200:
        raise Unauthorized("Unauthorized: the API key is not valid.")
    return key


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


async def require_tenant(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: authenticate the key, then check every scoped path id belongs to the tenant.

    One statement answers all three questions; the answers are still given in the order asked (401
    before any 404, the company's 404 before the connection's).
    """
    api_key = api_key_from_header(connection.headers.get("authorization"))
    params = connection.path_params
    company_id = _as_uuid(params["companyId"]) if "companyId" in params else None
    asks_connection = company_id is not None and "connectionId" in params
    connection_id = _as_uuid(params["connectionId"]) if asks_connection else None
    access = await TenantRepository(connection.app.state.pool).access(api_key, company_id, connection_id)
    if access is None:
        raise Unauthorized("Unauthorized: unknown or revoked API key.")
    tenant = access.tenant
    connection.state.tenant = tenant
    structlog.contextvars.bind_contextvars(tenant_id=str(tenant.tenant_id))

    if "companyId" not in params:
        return
    if company_id is None:
        raise NotFound(f"No company found with id {params['companyId']}.")
    structlog.contextvars.bind_contextvars(company_id=str(company_id))
    if asks_connection:
        if connection_id is None:
            raise NotFound(f"No connection found with id {params['connectionId']}.")
        structlog.contextvars.bind_contextvars(connection_id=str(connection_id))
    if not access.owns_company:
        raise NotFound(f"No company found with id {company_id}.")
    if connection_id is not None and not access.owns_connection:
        raise NotFound(f"No connection found with id {connection_id}.")


def provide_tenant(request: Any) -> TenantContext:
    """Dependency ``tenant``: the context ``require_tenant`` resolved for this request."""
    tenant = getattr(request.state, "tenant", None)
    if not isinstance(tenant, TenantContext):  # a route outside the guarded router asked for it
        raise Unauthorized("Unauthorized.")
    return tenant
