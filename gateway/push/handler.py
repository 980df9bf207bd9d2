"""The worker side of a push: run one claimed push operation and turn its outcome into a stored result.

``PushHandler`` is the ``Handler`` registered for kind ``push`` (``gateway/jobs/handlers.py``). For
each operation it rebuilds the ``PushRequest`` from the stored payload — ``operation_key`` is the
operation id, the same on every attempt, so the connector derives the same Intacct ``controlid`` and a
retry after a crash is refused upstream as a duplicate instead of writing twice — and hands it to the
``PushBatcher``, which sends the pushes of one connection together.

Outcome -> what the worker records:

* ok                        -> Success: statusCode, ``data`` (the record as Intacct now holds it),
                               ``changes``, ``validation.warnings`` (e.g. the unapproved bill payment)
* refused (data, setup)     -> Failed: statusCode and ``validation.errors`` saying what to fix
* retryable / transient     -> ``RetryLater``: back in the queue with the same operation key
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
import structlog

from connectors.base import AttachmentUpload, PushOutcome, PushRequest, RecordChange, ValidationIssue
from connectors.errors import (
    ConnectorConfigError,
    ConnectorError,
    ConnectorNotFoundError,
    ConnectorProtocolError,
    ConnectorRejectedError,
    ConnectorUnsupported,
)
from datamodel import decode_json_untyped, encode_json
from datamodel.enums import PushChangeType
from gateway.attachments.repository import AttachmentRepository
from gateway.errors import GatewayError
from gateway.jobs import Operation, OperationFailed, RetryLater
from gateway.jobs.rows import Db
from gateway.push.batching import PushBatcher
from gateway.push.connectors import ConnectionLoader, ConnectionRef, ConnectorCache
from gateway.push.schemas import CHANGE_TYPES, PUSH_SPECS, PushPayload
from gateway.push.views import utc_text, validation_item

log = structlog.get_logger(__name__)

CODAT_DATA_TYPES = {spec.connector_name: spec.data_type for spec in PUSH_SPECS}


def _items(issues: Sequence[ValidationIssue]) -> list[dict[str, Any]]:
    return [validation_item(i.field, i.message, i.validator) for i in issues]


def _merge(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validation items of several sources, each once (the connector repeats pre-send warnings)."""
    seen: set[tuple[Any, ...]] = set()
    merged: list[dict[str, Any]] = []
    for item in (item for group in groups for item in group):
        key = (item.get("itemId"), item.get("message"), item.get("validatorName"))
        if key not in seen:
            seen.add(key)
            merged.append(item)
    return merged


def _change(change: RecordChange) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": change.type,
        "recordRef": {
            "id": change.record_id,
            "dataType": CODAT_DATA_TYPES.get(change.data_type, change.data_type),
        },
    }
    if change.attachment_id is not None:
        out["attachmentId"] = change.attachment_id
    return out


def _error_status(exc: ConnectorError) -> int:
    if isinstance(exc, ConnectorConfigError):
        return 401
    if isinstance(exc, ConnectorNotFoundError):
        return 404
    if isinstance(exc, ConnectorRejectedError | ConnectorUnsupported):
        return 400
    if isinstance(exc, ConnectorProtocolError):
        return 502
    return exc.status_code or 500


def _failed(
    message: str, status: int, errors: list[dict[str, Any]], warnings: list[dict[str, Any]]
) -> OperationFailed:
    result = {
        "statusCode": status,
        "errorMessage": message,
        "validation": {"errors": errors, "warnings": warnings},
    }
    return OperationFailed(message, result=result, error={"type": "PushFailed", "message": message})


def _raise_for(exc: Exception, warnings: list[dict[str, Any]]) -> None:
    """Connector or gateway error of a whole call -> retry later or a Failed result."""
    if getattr(exc, "retryable", False):
        raise RetryLater(str(exc), retry_after=getattr(exc, "retry_after", None)) from exc
    if isinstance(exc, ConnectorError):
        errors = [validation_item(i.field, i.message, "SageIntacct") for i in exc.issues]
        if not errors:
            errors = [validation_item(None, exc.message, "SageIntacct")]
        raise _failed(exc.message, _error_status(exc), errors, warnings) from exc
    if isinstance(exc, GatewayError):
        raise _failed(
            exc.message, exc.status_code, [validation_item(None, exc.message, "Gateway")], warnings
        ) from exc
    raise exc


class PushHandler:
    """``await handler(operation)`` for operations of kind ``push`` (writes and attachment uploads)."""

    def __init__(
        self,
        pool: Db,
        connectors: ConnectorCache,
        *,
        window: float = 0.05,
        max_batch: int = 100,
        in_flight: int = 2,
    ) -> None:
        self._pool = pool
        self._connections = ConnectionLoader(pool)
        self._connectors = connectors
        self._batcher: PushBatcher[uuid.UUID] = PushBatcher(
            self._send, window=window, max_size=max_batch, max_in_flight=in_flight
        )

    @property
    def batcher(self) -> PushBatcher[uuid.UUID]:
        return self._batcher

    async def _send(self, ref: ConnectionRef, requests: Sequence[PushRequest]) -> Sequence[PushOutcome]:
        connector = await self._connectors.get(ref)
        log.info("push.sending", connection_id=str(ref.connection_id), requests=len(requests))
        outcomes: Sequence[PushOutcome] = await connector.push(list(requests))
        return outcomes

    async def __call__(self, operation: Operation) -> Mapping[str, Any]:
        payload = msgspec.convert(operation.payload, PushPayload)
        warnings = list(payload.warnings)
        if operation.company_id is None or operation.connection_id is None:
            raise _failed("The connection of this push was deleted.", 410, [], warnings)
        try:
            ref = await self._connections.load(
                operation.tenant_id, operation.company_id, operation.connection_id
            )
            if payload.action == "attach":
                return await self._attach(operation, ref, payload, warnings)
            record = decode_json_untyped(payload.record_json) if payload.record_json else None
            request = PushRequest(
                operation_key=str(operation.id),
                data_type=payload.connector_type,
                action=payload.action,
                record=record,
                record_id=payload.record_id,
            )
            outcome = await self._batcher.submit(ref.connection_id, ref, request)
        except (ConnectorError, GatewayError) as exc:
            _raise_for(exc, warnings)
            raise  # unreachable: _raise_for always raises
        return self._result(payload, outcome, warnings)

    def _result(
        self, payload: PushPayload, outcome: PushOutcome, warnings: list[dict[str, Any]]
    ) -> dict[str, Any]:
        warnings = _merge(warnings, _items(outcome.warnings))
        if outcome.retryable:
            raise RetryLater(outcome.message or "the platform is unavailable; retrying")
        if not outcome.ok:
            errors = _items(outcome.errors) or [
                validation_item(None, outcome.message or "refused", "SageIntacct")
            ]
            message = outcome.message or "; ".join(
                f"{e['itemId']}: {e['message']}" if e.get("itemId") else str(e["message"]) for e in errors
            )
            raise _failed(
                message, outcome.status_code if outcome.status_code >= 400 else 400, errors, warnings
            )
        changes = [_change(c) for c in outcome.changes]
        if not changes and payload.action in CHANGE_TYPES:
            record_id = outcome.record_id or payload.record_id
            changes = [
                {
                    "type": CHANGE_TYPES[payload.action].value,  # type: ignore[index]
                    "recordRef": {"id": record_id, "dataType": CODAT_DATA_TYPES.get(payload.connector_type)},
                }
            ]
        result: dict[str, Any] = {
            "statusCode": outcome.status_code or 200,
            "changes": changes,
            "validation": {"errors": [], "warnings": warnings},
        }
        if outcome.record is not None:
            result["dataJson"] = encode_json(outcome.record).decode()
        return result

    async def _attach(
        self, operation: Operation, ref: ConnectionRef, payload: PushPayload, warnings: list[dict[str, Any]]
    ) -> dict[str, Any]:
        repo = AttachmentRepository(self._pool)
        row = await repo.for_operation(operation.tenant_id, operation.id)
        if row is None:
            raise _failed("The uploaded file is no longer stored; upload it again.", 410, [], warnings)
        attachment_id = row["attachment_id"]
        info: dict[str, Any] = {
            "name": row["file_name"],
            "contentType": row["content_type"],
            "fileSize": row["file_size"],
        }
        if attachment_id is None:  # not uploaded yet (a crash after the upload re-sends the same key)
            connector = await self._connectors.get(ref)
            uploaded = await connector.upload_attachment(
                AttachmentUpload(
                    data_type=row["data_type"],
                    record_id=row["record_id"],
                    file_name=row["file_name"],
                    content_type=row["content_type"],
                    content=bytes(row["content"]),
                    attachment_id=row["requested_id"],
                    folder=row["folder"],
                    operation_key=str(operation.id),
                )
            )
            attachment_id = uploaded.id
            await repo.mark_uploaded(operation.tenant_id, row["id"], attachment_id)
            info.update(
                name=uploaded.name or row["file_name"],
                contentType=uploaded.content_type or row["content_type"],
            )
        data_type = CODAT_DATA_TYPES.get(row["data_type"], row["data_type"])
        return {
            "statusCode": 200,
            "changes": [
                {
                    "type": PushChangeType.ATTACHMENT_UPLOADED.value,
                    "recordRef": {"id": row["record_id"], "dataType": data_type},
                    "attachmentId": attachment_id,
                }
            ],
            "dataJson": encode_json(
                {"id": attachment_id, **info, "dateCreated": utc_text(row["created_at"])}
            ).decode(),
            "validation": {"errors": [], "warnings": warnings},
        }

    async def aclose(self) -> None:
        await self._batcher.aclose()
