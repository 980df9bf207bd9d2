"""Connections: create, list, unlink, delete, and the credentials behind them.

Besides the API, other features use two methods of ``ConnectionService``:

* ``get_credentials(tenant, company_id, connection_id) -> dict[str, str]`` — the decrypted
  authorization body (snake_case keys as in ``IntacctAuthorization``), for the connector.
* ``set_status(tenant, company_id, connection_id, status, error=None)`` — record the outcome of a
  credential check or of an upstream refusal (``Unlinked`` with the Intacct error in plain words,
  ``Linked`` resolves the open errors).

``tenant`` is a ``TenantContext`` or a bare tenant UUID (workers only have the id).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
import structlog

from datamodel.platform import (
    Connection,
    Connections,
    DataConnectionError,
    DataConnectionStatus,
    ErrorStatus,
    SourceType,
)
from gateway.connections.crypto import CredentialCipher, CredentialsUnreadable
from gateway.connections.repository import ConnectionRepository
from gateway.connections.schemas import PUBLIC_FIELDS, IntacctAuthorization
from gateway.errors import Conflict, InvalidRequest, NotFound
from gateway.integrations.service import CATALOG, find_integration
from gateway.paging import PageRequest
from gateway.tenancy.schemas import TenantContext

log = structlog.get_logger(__name__)

TenantRef = TenantContext | uuid.UUID


def _tenant_id(tenant: TenantRef) -> uuid.UUID:
    return tenant.tenant_id if isinstance(tenant, TenantContext) else tenant


def format_datetime(value: datetime | None) -> str | None:
    """UTC ISO 8601 with ``Z``, as Codat writes date-times."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def link_url(base_url: str, company_id: uuid.UUID, connection_id: uuid.UUID) -> str:
    return f"{base_url}/link/companies/{company_id}/connections/{connection_id}/start"


def to_connection(row: dict[str, Any], base_url: str) -> Connection:
    """The API view of a connection row (never includes credentials)."""
    info = find_integration(row["integration_key"])
    errors = [msgspec.convert(e, DataConnectionError) for e in row["data_connection_errors"]]
    return Connection(
        id=str(row["id"]),
        integration_id=info.integration_id if info else str(uuid.UUID(int=0)),
        integration_key=row["integration_key"],
        source_id=info.source_id if info else str(uuid.UUID(int=0)),
        source_type=info.source_type if info else SourceType.UNKNOWN,
        platform_name=info.name if info else row["integration_key"],
        link_url=link_url(base_url, row["company_id"], row["id"]),
        status=DataConnectionStatus(row["status"]),
        created=format_datetime(row["created_at"]) or "",
        last_sync=format_datetime(row["last_sync"]),
        data_connection_errors=errors or None,
        connection_info=row["connection_info"] or None,
    )


class ConnectionService:
    def __init__(
        self,
        repository: ConnectionRepository,
        cipher: CredentialCipher,
        *,
        base_url: str,
        allow_endpoint_override: bool = True,
    ) -> None:
        self._repo = repository
        self._cipher = cipher
        self._base_url = base_url
        self._allow_endpoint_override = allow_endpoint_override

    async def _row(
        self, tenant: TenantRef, company_id: uuid.UUID, connection_id: uuid.UUID
    ) -> dict[str, Any]:
        row = await self._repo.get(_tenant_id(tenant), company_id, connection_id)
        if row is None:
            raise NotFound(f"No connection found with id {connection_id}.")
        return row

    async def create(self, tenant: TenantRef, company_id: uuid.UUID, platform_key: str) -> Connection:
        info = find_integration(platform_key)
        if info is None or not info.enabled:
            raise InvalidRequest.field(
                "platformKey",
                f"Unknown platform key {platform_key!r}; supported: {', '.join(sorted(CATALOG))}.",
            )
        row = await self._repo.insert(_tenant_id(tenant), company_id, info.key)
        log.info("connection.created", connection_id=str(row["id"]), integration_key=info.key)
        return to_connection(row, self._base_url)

    async def list(self, tenant: TenantRef, company_id: uuid.UUID, page: PageRequest) -> Connections:
        rows, total = await self._repo.list_page(
            _tenant_id(tenant),
            company_id,
            platform_names={k: v.name for k, v in CATALOG.items()},
            query=page.parsed_query(),
            order=page.parsed_order_by(),
            limit=page.page_size,
            offset=page.offset,
        )
        return Connections(
            results=[to_connection(r, self._base_url) for r in rows],
            page_number=page.page,
            page_size=page.page_size,
            total_results=total,
            links=page.links(f"/companies/{company_id}/connections", total),
        )

    async def get(self, tenant: TenantRef, company_id: uuid.UUID, connection_id: uuid.UUID) -> Connection:
        return to_connection(await self._row(tenant, company_id, connection_id), self._base_url)

    async def unlink(
        self, tenant: TenantRef, company_id: uuid.UUID, connection_id: uuid.UUID, status: DataConnectionStatus
    ) -> Connection:
        """Codat's ``PATCH`` on a connection: only ``Unlinked`` can be asked for by a client."""
        if status is not DataConnectionStatus.UNLINKED:
            raise InvalidRequest.field(
                "status", "Only Unlinked can be set; link a connection through authorization."
            )
        return await self.set_status(tenant, company_id, connection_id, status)

    async def delete(self, tenant: TenantRef, company_id: uuid.UUID, connection_id: uuid.UUID) -> None:
        if not await self._repo.delete(_tenant_id(tenant), company_id, connection_id):
            raise NotFound(f"No connection found with id {connection_id}.")
        log.info("connection.deleted", connection_id=str(connection_id))

    async def authorize(
        self, tenant: TenantRef, company_id: uuid.UUID, connection_id: uuid.UUID, body: IntacctAuthorization
    ) -> Connection:
        """Store the credentials encrypted and report ``PendingAuth`` until they have been checked."""
        await self._row(tenant, company_id, connection_id)
        if body.endpoint_url is not None and not self._allow_endpoint_override:
            raise InvalidRequest.field(
                "endpointUrl", "Overriding the Intacct endpoint is disabled on this gateway."
            )
        plain = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not None}
        info = {wire: plain[name] for name, wire in PUBLIC_FIELDS.items() if name in plain}
        row = await self._repo.update(
            _tenant_id(tenant),
            company_id,
            connection_id,
            status=DataConnectionStatus.PENDING_AUTH.value,
            credentials=self._cipher.encrypt(plain),
            connection_info=info,
        )
        if row is None:
            raise NotFound(f"No connection found with id {connection_id}.")
        log.info("connection.credentials_stored", connection_id=str(connection_id))
        return to_connection(row, self._base_url)

    async def get_credentials(
        self, tenant: TenantRef, company_id: uuid.UUID, connection_id: uuid.UUID
    ) -> dict[str, str]:
        """The decrypted credentials; Conflict when none were given or they cannot be read any more."""
        await self._row(tenant, company_id, connection_id)
        token = await self._repo.credentials(_tenant_id(tenant), company_id, connection_id)
        if token is None:
            raise Conflict("The connection has no credentials yet: PUT its authorization first.")
        try:
            return self._cipher.decrypt(token)
        except CredentialsUnreadable:
            raise Conflict(
                "The connection's credentials cannot be read with the configured secret key."
            ) from None

    async def set_status(
        self,
        tenant: TenantRef,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        status: DataConnectionStatus,
        *,
        error: str | None = None,
        error_code: str | None = None,
        connection_info: dict[str, str] | None = None,
    ) -> Connection:
        """Set the status; ``error`` adds an Active dataConnectionError, ``Linked`` resolves open ones."""
        row = await self._row(tenant, company_id, connection_id)
        now = format_datetime(datetime.now(UTC))
        errors: list[dict[str, Any]] = list(row["data_connection_errors"])
        if status is DataConnectionStatus.LINKED:
            for entry in errors:
                if entry.get("status") == ErrorStatus.ACTIVE:
                    entry["status"], entry["resolvedOnUtc"] = ErrorStatus.RESOLVED.value, now
        if error is not None:
            errors.append(
                msgspec.to_builtins(
                    DataConnectionError(
                        status_code=error_code,
                        status_text=status.value,
                        error_message=error,
                        errored_on_utc=now,
                        status=ErrorStatus.ACTIVE,
                    )
                )
            )
            errors = errors[-20:]
        updated = await self._repo.update(
            _tenant_id(tenant),
            company_id,
            connection_id,
            status=status.value,
            errors=errors,
            connection_info={**row["connection_info"], **connection_info} if connection_info else None,
        )
        if updated is None:
            raise NotFound(f"No connection found with id {connection_id}.")
        log.info("connection.status", connection_id=str(connection_id), status=status.value)
        return to_connection(updated, self._base_url)
