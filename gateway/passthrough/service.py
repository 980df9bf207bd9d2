"""Passthrough calls: straight to the connector, within the same limits, error table and logging.

Every call is logged with the object, the action and the sizes, never with field values (they may hold
bank details or personal data). Connector errors become HTTP errors in ``gateway/errors.py`` like any
other route's.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog

from connectors.errors import ConnectorProtocolError, ConnectorUnsupported
from gateway.connections.factory import ConnectorProvider
from gateway.errors import InvalidRequest
from gateway.passthrough.schemas import (
    PassthroughQuery,
    PassthroughQueryResult,
    PassthroughWrite,
    PassthroughWriteResult,
)

log = structlog.get_logger(__name__)


def _method(connector: Any, name: str) -> Any:
    method = getattr(connector, name, None)
    if method is None:
        raise ConnectorUnsupported(
            f"{getattr(connector, 'name', 'This platform')} does not support passthrough."
        )
    return method


def _caller_names(exc: ConnectorProtocolError) -> Exception:
    """Intacct answered, refusing the object or field names: in a passthrough those are the caller's
    (400 naming ``object``), not a fault of the gateway. An answer that was not Intacct's protocol at all
    (no error blocks) stays an upstream failure."""
    if not exc.errors:
        return exc
    return InvalidRequest.field("object", exc.message, "SageIntacct")


class PassthroughService:
    def __init__(self, provider: ConnectorProvider) -> None:
        self.provider = provider

    async def query(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID, body: PassthroughQuery
    ) -> PassthroughQueryResult:
        connector = await self.provider.for_connection(tenant_id, company_id, connection_id)
        try:
            rows, total = await _method(connector, "passthrough_query")(
                body.object, list(body.fields), filter=body.filter, page=body.page, page_size=body.page_size
            )
        except ConnectorProtocolError as exc:
            raise _caller_names(exc) from None
        finally:
            await self.provider.release(connector)
        log.info(
            "passthrough.query",
            connection_id=str(connection_id),
            object=body.object,
            fields=len(body.fields),
            filtered=bool(body.filter),
            page=body.page,
            rows=len(rows),
            total=total,
        )
        return PassthroughQueryResult(
            object=body.object,
            results=[dict(row) for row in rows],
            page_number=body.page,
            page_size=body.page_size,
            total_results=int(total),
        )

    async def write(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID, body: PassthroughWrite
    ) -> PassthroughWriteResult:
        key = body.operation_key or str(uuid.uuid4())
        connector = await self.provider.for_connection(tenant_id, company_id, connection_id)
        try:
            record = await _method(connector, "passthrough_write")(
                body.object, body.action, dict(body.fields), operation_key=key
            )
        except ConnectorProtocolError as exc:
            raise _caller_names(exc) from None
        finally:
            await self.provider.release(connector)
        log.info(
            "passthrough.write",
            connection_id=str(connection_id),
            object=body.object,
            action=body.action,
            fields=sorted(body.fields),
            operation_key=key,
        )
        return PassthroughWriteResult(
            object=body.object, action=body.action, operation_key=key, record=dict(record)
        )
