"""Linking a connection (``PUT …/connections/{connectionId}/authorization``), DESIGN.md §1 step 2.

The credentials are stored first (encrypted, ``PendingAuth``), then checked with the platform at once
(``getAPISession`` and the entity list), because the user is waiting for the answer:

* accepted -> ``Linked``; ``connectionInfo`` lists the entities (``entities`` as JSON text, since
  Codat's ``connectionInfo`` is a string map) and says how to pick one when no ``entityId`` was
  given; the initial pull of every supported type is queued and the default schedules are created;
* refused -> ``Unlinked`` with the platform's reason in plain words in ``dataConnectionErrors``
  (wrong sender, sender not authorised for the company, wrong user or password, unknown entity);
* platform unreachable or too slow (``link_check_timeout_seconds``) -> stays ``PendingAuth`` with an
  error saying so; the credentials are kept and the next ``PUT`` checks again.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import msgspec
import structlog
from litestar.datastructures import State

from connectors.base import ConnectionCheck
from connectors.errors import ConnectorConfigError, ConnectorError, ConnectorTransientError
from datamodel.platform import Connection, DataConnectionStatus
from gateway import deps
from gateway.connections.factory import ConnectorProvider
from gateway.connections.schemas import IntacctAuthorization
from gateway.connections.service import ConnectionService, TenantRef
from gateway.jobs.schedules import ensure_default_schedules
from gateway.pull.service import PullService

log = structlog.get_logger(__name__)


def _tenant_id(tenant: TenantRef) -> uuid.UUID:
    return tenant if isinstance(tenant, uuid.UUID) else tenant.tenant_id


def entities_info(check: ConnectionCheck, entity_id: str | None) -> dict[str, str]:
    """``connectionInfo`` entries describing the entities the credentials can reach."""
    if not check.entities:
        return {}
    listed = [
        {k: v for k, v in (("id", e.id), ("name", e.name), ("currency", e.currency)) if v}
        for e in check.entities
    ]
    info = {"entities": msgspec.json.encode(listed).decode()}
    if entity_id is None:
        choices = ", ".join(
            f"{e.id} ({e.name}{', ' + e.currency if e.currency else ''})" for e in check.entities
        )
        info["entityChoice"] = (
            "Signed in at the top level of the company. To work in one entity, send the authorization "
            f"again with entityId set to one of: {choices}."
        )
    return info


class Linker:
    """Stores, checks and links; then starts the connection's first sync."""

    def __init__(
        self,
        connections: ConnectionService,
        provider: ConnectorProvider,
        *,
        timeout_seconds: float,
        initial_pull: bool = True,
    ) -> None:
        self.connections = connections
        self.provider = provider
        self.timeout_seconds = timeout_seconds
        self.initial_pull = initial_pull

    async def authorize(
        self, tenant: TenantRef, company_id: uuid.UUID, connection_id: uuid.UUID, body: IntacctAuthorization
    ) -> Connection:
        stored = await self.connections.authorize(tenant, company_id, connection_id, body)
        credentials = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not None}
        settings = await self.provider.connection_settings(_tenant_id(tenant), company_id, connection_id)
        try:
            connector = self.provider.build(
                stored.integration_key or "",
                credentials,
                settings=settings,
                connection=(_tenant_id(tenant), connection_id),
            )
        except ConnectorConfigError as exc:
            return await self._unlinked(tenant, company_id, connection_id, exc.message, exc)
        try:
            check = await asyncio.wait_for(connector.check_connection(), self.timeout_seconds)
            if check.ok:
                await self._prepare(connector, connection_id)
        except TimeoutError:
            return await self._pending(
                tenant,
                company_id,
                connection_id,
                f"Sage Intacct did not answer within {self.timeout_seconds:g} seconds. The credentials "
                "are stored; send the authorization again to retry the check.",
            )
        except ConnectorTransientError as exc:
            return await self._pending(
                tenant,
                company_id,
                connection_id,
                f"Sage Intacct could not be reached to check the credentials ({exc.message}). They are "
                "stored; send the authorization again to retry the check.",
            )
        except ConnectorError as exc:
            return await self._unlinked(tenant, company_id, connection_id, exc.message, exc)
        finally:
            await connector.aclose()
        if not check.ok:
            message = check.message or "Sage Intacct refused the credentials."
            return await self._unlinked(tenant, company_id, connection_id, message, check.error)
        return await self._linked(tenant, company_id, connection_id, check, body.entity_id)

    async def _prepare(self, connector: Any, connection_id: uuid.UUID) -> None:
        """Let a connector that can (``prepare()``) learn what it needs about the company now, while the
        user waits for the link anyway: the first push or pull then starts at once, and what it learnt
        reaches every process through the connection's shared cache. A failure here is not the link's:
        the operation that needs it will ask again and report it."""
        prepare = getattr(connector, "prepare", None)
        if prepare is None:
            return
        try:
            await asyncio.wait_for(prepare(), self.timeout_seconds)
        except (ConnectorError, TimeoutError) as exc:
            log.info("connection.prepare_failed", connection_id=str(connection_id), reason=str(exc))

    async def _pending(
        self, tenant: TenantRef, company_id: uuid.UUID, connection_id: uuid.UUID, message: str
    ) -> Connection:
        log.warning("connection.check_unavailable", connection_id=str(connection_id), reason=message)
        return await self.connections.set_status(
            tenant, company_id, connection_id, DataConnectionStatus.PENDING_AUTH, error=message
        )

    async def _unlinked(
        self,
        tenant: TenantRef,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        message: str,
        error: ConnectorError | None,
    ) -> Connection:
        code = error.errors[0].code if error is not None and error.errors else None
        log.info("connection.refused", connection_id=str(connection_id), code=code)
        return await self.connections.set_status(
            tenant, company_id, connection_id, DataConnectionStatus.UNLINKED, error=message, error_code=code
        )

    async def _linked(
        self,
        tenant: TenantRef,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        check: ConnectionCheck,
        entity_id: str | None,
    ) -> Connection:
        info = entities_info(check, entity_id)
        tenant_id = _tenant_id(tenant)
        if self.initial_pull:
            await ensure_default_schedules(
                self.provider.pool, tenant_id=tenant_id, company_id=company_id, connection_id=connection_id
            )
        linked = await self.connections.set_status(
            tenant, company_id, connection_id, DataConnectionStatus.LINKED, connection_info=info or None
        )
        if self.initial_pull:
            queued = await PullService(self.provider.pool).queue_all(
                tenant_id, company_id, connection_id=connection_id, trigger="link"
            )
            linked = await self.connections.set_status(
                tenant,
                company_id,
                connection_id,
                DataConnectionStatus.LINKED,
                connection_info={
                    "initialPull": f"Queued {len(queued)} data types; "
                    f"follow GET /companies/{company_id}/dataStatus."
                },
            )
        log.info("connection.linked", connection_id=str(connection_id), entities=len(check.entities))
        return linked


def provide_linker(state: State) -> Linker:
    settings: Any = state.settings
    return Linker(
        deps.build_connection_service(state.pool, settings, state.cipher),
        ConnectorProvider.from_state(state),
        timeout_seconds=settings.sync.link_check_timeout_seconds,
    )
