"""Push operations: accept a write, validate it before anything is sent, queue it, show its outcome.

``submit`` answers at once, the way Codat does: the push operation ``Pending`` (queued for a worker),
or ``Failed`` with statusCode 400 and ``validation.errors`` naming each field when the body breaks a
rule of the platform (from the connector's rule tables, the same ones ``GET …/options`` shows). Both
are stored, so ``GET /companies/{companyId}/push/{key}`` finds them. Warnings found before sending are
kept on the operation and carried into its final result.

Bodies are decoded with ``datamodel.decode_json`` from the raw bytes (strict, ``Decimal`` money exact)
— not from the framework's lax parse, which reads numbers as floats.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import msgspec
import structlog
from litestar.exceptions import ValidationException

from connectors.base import Operation as ConnectorOperation
from connectors.base import PushRequest
from datamodel import DecodeError, decode_json, encode_json, to_builtins
from datamodel.types import parse_codat_datetime
from gateway.errors import NotFound
from gateway.jobs import PUSH, NewOperation, enqueue_new
from gateway.jobs.rows import Db
from gateway.paging import PageRequest
from gateway.push.connectors import ConnectionLoader, ConnectionRef, ConnectorCache
from gateway.push.idempotency import IdempotencyKeys, request_hash
from gateway.push.repository import VIEW_WITH_DATA, PushRepository
from gateway.push.schemas import WRITE_TYPES, Action, PushPayload, PushSpec
from gateway.push.views import render, to_push_operation, validation_item
from gateway.settings import PushSettings
from gateway.tenancy.schemas import TenantContext

log = structlog.get_logger(__name__)

_ACTIONS = {
    "create": ConnectorOperation.CREATE,
    "update": ConnectorOperation.UPDATE,
    "delete": ConnectorOperation.DELETE,
}
_STORED_SOURCE_MODIFIED = """
SELECT data ->> 'sourceModifiedDate' FROM records
WHERE tenant_id = $1 AND company_id = $2 AND data_type = $3 AND record_id = $4
"""


@dataclass(slots=True)
class Prepared:
    """What a new push operation will be: its payload, and the errors that refuse it at once."""

    payload: PushPayload
    errors: list[dict[str, Any]] = field(default_factory=list)


def decode_body(body: bytes, model: Any) -> Any:
    """The body as ``model``; a 400 naming the field for malformed JSON, wrong types or unknown fields."""
    try:
        return decode_json(body, model)
    except (DecodeError, ValueError) as exc:
        raise ValidationException(
            detail="Invalid request body", extra=[{"message": str(exc), "source": "body"}]
        ) from None


def split_issues(issues: list[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Connector ``ValidationIssue``s as Codat validation items: (errors, warnings)."""
    errors: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for issue in issues:
        item = validation_item(issue.field, issue.message, issue.validator)
        (warnings if getattr(issue, "severity", "error") == "warning" else errors).append(item)
    return errors, warnings


def failed_result(errors: list[dict[str, Any]], warnings: list[dict[str, Any]]) -> dict[str, Any]:
    """The stored result of a push refused by validation."""
    summary = "; ".join(f"{e['itemId']}: {e['message']}" if e.get("itemId") else e["message"] for e in errors)
    return {
        "statusCode": 400,
        "errorMessage": f"The push was not sent: fix the request and try again. {summary}",
        "validation": {"errors": errors, "warnings": warnings},
    }


class PushService:
    def __init__(
        self,
        pool: Db,
        connectors: ConnectorCache,
        settings: PushSettings,
        *,
        connections: ConnectionLoader | None = None,
    ) -> None:
        self._pool = pool
        self._connectors = connectors
        self._settings = settings
        self._repo = PushRepository(pool)
        self._connections = connections or ConnectionLoader(pool)

    async def connection(
        self, tenant: TenantContext, company_id: uuid.UUID, connection_id: uuid.UUID
    ) -> ConnectionRef:
        return await self._connections.load(tenant.tenant_id, company_id, connection_id)

    async def connector(self, ref: ConnectionRef) -> Any:
        return await self._connectors.get(ref)

    # -- writes -----------------------------------------------------------------------------------------

    async def submit(
        self,
        tenant: TenantContext,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        spec: PushSpec,
        action: Action,
        *,
        body: bytes | None = None,
        record_id: str | None = None,
        timeout_in_minutes: int | None = None,
        force_update: bool = False,
        idempotency_key: str | None = None,
    ) -> bytes:
        """Create, update or delete one record; the push operation as JSON bytes."""
        ref = await self.connection(tenant, company_id, connection_id)
        ref.require(
            spec.connector_name, _ACTIONS[action], label=f"{WRITE_TYPES[action].value} of {spec.path}"
        )
        ref.require_usable()
        record: dict[str, Any] | None = None
        canonical = b""
        if body is not None:
            record = to_builtins(decode_body(body, spec.model))
            canonical = encode_json(record)
        hash_ = request_hash(
            action, spec.path, record_id or "", str(timeout_in_minutes or ""), str(force_update), canonical
        )

        async def prepare(operation_id: uuid.UUID) -> Prepared:
            payload = PushPayload(
                type=WRITE_TYPES[action],
                action=action,
                connector_type=spec.connector_name,
                record_json=canonical.decode() if record is not None else None,
                record_id=record_id,
                force_update=force_update,
            )
            request = PushRequest(
                operation_key=str(operation_id),
                data_type=spec.connector_name,
                action=action,
                record=record,
                record_id=record_id,
            )
            connector = await self.connector(ref)
            errors, warnings = split_issues(list(await connector.validate(request)))
            if action == "update" and not force_update and record is not None and record_id is not None:
                errors.extend(await self._stale_check(ref, spec, record_id, record))
            payload.warnings = warnings
            return Prepared(payload=payload, errors=errors)

        return await self.create_operation(
            ref,
            data_type=spec.data_type,
            hash_=hash_,
            idempotency_key=idempotency_key,
            timeout_in_minutes=timeout_in_minutes,
            prepare=prepare,
        )

    async def create_operation(
        self,
        ref: ConnectionRef,
        *,
        data_type: str,
        hash_: str,
        idempotency_key: str | None,
        timeout_in_minutes: int | None,
        prepare: Callable[[uuid.UUID], Awaitable[Prepared]],
    ) -> bytes:
        """The shared tail of every write: idempotency, validation outcome, store or queue, answer."""
        operation_id = uuid.uuid4()
        keys = IdempotencyKeys(self._pool, window=timedelta(minutes=self._settings.idempotency_minutes))
        if idempotency_key is not None:
            claim = await keys.claim(ref.tenant_id, idempotency_key, hash_, operation_id)
            if not claim.created:
                log.info("push.replayed", operation_id=str(claim.operation_id))
                return await self.get(ref.tenant_id, ref.company_id, claim.operation_id)
            operation_id = claim.operation_id
        try:
            prepared = await prepare(operation_id)
            payload = to_builtins(prepared.payload)
            if prepared.errors:
                await self._repo.insert_failed(
                    operation_id,
                    tenant_id=ref.tenant_id,
                    company_id=ref.company_id,
                    connection_id=ref.connection_id,
                    data_type=data_type,
                    payload_json=msgspec.json.encode(payload).decode(),
                    result_json=msgspec.json.encode(
                        failed_result(prepared.errors, prepared.payload.warnings)
                    ).decode(),
                    error={"type": "ValidationFailed", "message": "refused by validation before sending"},
                    timeout_in_minutes=timeout_in_minutes,
                )
                log.info("push.refused", operation_id=str(operation_id), errors=len(prepared.errors))
            else:
                # The new row comes back as the API shows it: no second statement to read it.
                row = await enqueue_new(
                    self._pool,
                    NewOperation(
                        id=operation_id,
                        tenant_id=ref.tenant_id,
                        kind=PUSH,
                        company_id=ref.company_id,
                        connection_id=ref.connection_id,
                        data_type=data_type,
                        payload=payload,
                        body_hash=hash_,
                        timeout_in_minutes=timeout_in_minutes,
                    ),
                    VIEW_WITH_DATA,
                )
                if row is not None:
                    return render(to_push_operation(dict(row), with_data=True))
        except BaseException:
            if idempotency_key is not None:
                await keys.release(ref.tenant_id, idempotency_key, operation_id)
            raise
        return await self.get(ref.tenant_id, ref.company_id, operation_id)

    async def _stale_check(
        self, ref: ConnectionRef, spec: PushSpec, record_id: str, record: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Codat's stale-data rule for updates without ``forceUpdate``: the caller's copy
        (``sourceModifiedDate``) must be the one the gateway last pulled."""
        sent = record.get("sourceModifiedDate")
        if not isinstance(sent, str):
            return []
        stored = await self._pool.fetchval(
            _STORED_SOURCE_MODIFIED, ref.tenant_id, ref.company_id, spec.path, record_id
        )
        if not isinstance(stored, str):
            return []
        try:
            same = parse_codat_datetime(sent) == parse_codat_datetime(stored)
        except (ValueError, TypeError):
            same = sent == stored
        if same:
            return []
        message = (
            f"The record changed in the platform since this copy was read (last pulled version is "
            f"{stored}, the request has {sent}). Pull {spec.path} again and re-apply the change, or send "
            "forceUpdate=true to overwrite."
        )
        return [validation_item("sourceModifiedDate", message, "StaleData")]

    # -- reads ------------------------------------------------------------------------------------------

    async def get(self, tenant_id: uuid.UUID, company_id: uuid.UUID | None, operation_id: uuid.UUID) -> bytes:
        row = await self._repo.get(tenant_id, company_id, operation_id)
        if row is None:
            raise NotFound(f"No push operation found with key {operation_id}.")
        return render(to_push_operation(row, with_data=True))

    async def get_by_key(self, tenant: TenantContext, company_id: uuid.UUID, key: str) -> bytes:
        try:
            operation_id = uuid.UUID(key)
        except ValueError:
            raise NotFound(f"No push operation found with key {key}.") from None
        return await self.get(tenant.tenant_id, company_id, operation_id)

    async def list(self, tenant: TenantContext, company_id: uuid.UUID, page: PageRequest) -> bytes:
        rows, total = await self._repo.list_page(
            tenant.tenant_id,
            company_id,
            query=page.parsed_query(),
            order=page.parsed_order_by(),
            limit=page.page_size,
            offset=page.offset,
        )
        body = {
            "results": [to_push_operation(row, with_data=False) for row in rows],
            "pageNumber": page.page,
            "pageSize": page.page_size,
            "totalResults": total,
            "_links": page.links(f"/companies/{company_id}/push", total),
        }
        return render(body)
