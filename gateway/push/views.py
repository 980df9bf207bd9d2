"""A push operation row as Codat shows it: ``PushOperation`` JSON, exact to the last digit.

Responses are rendered here to bytes with ``datamodel.encode_json`` rather than left to Litestar: the
framework's encoder writes ``Decimal`` as a float, and a pushed ``totalAmount`` of
``12345678901234567.89`` must come back as it went in. Every field the official SDKs require
(``pushOperationKey``, ``companyId``, ``dataConnectionKey``, ``status``, ``statusCode``,
``requestedOnUtc``) is always present.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from datamodel import (
    PushOperation,
    PushOperationChange,
    Validation,
    ValidationItem,
    convert,
    decode_json_untyped,
    encode_json,
)
from datamodel.enums import PushOperationStatus


def utc_text(value: datetime | None) -> str | None:
    """UTC ISO 8601 with ``Z``, as Codat writes date-times."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def validation_item(field: str | None, message: str, validator: str) -> dict[str, Any]:
    """A Codat ``ValidationItem`` as stored in results (camelCase dict)."""
    return {"itemId": field, "message": message, "validatorName": validator}


def _json(text: str | None) -> Any:
    return None if text is None else decode_json_untyped(text)


def _items(raw: Any) -> list[ValidationItem]:
    return [convert(item, ValidationItem) for item in raw or [] if isinstance(item, Mapping)]


def _validation(row: Mapping[str, Any]) -> Validation:
    stored = _json(row.get("validation"))
    if isinstance(stored, Mapping):
        return Validation(errors=_items(stored.get("errors")), warnings=_items(stored.get("warnings")))
    return Validation(errors=[], warnings=_items(_json(row.get("pending_warnings"))))


def _changes(row: Mapping[str, Any]) -> list[PushOperationChange] | None:
    stored = _json(row.get("changes"))
    if not isinstance(stored, Sequence) or isinstance(stored, str):
        return None
    return [convert(change, PushOperationChange) for change in stored]


def to_push_operation(row: Mapping[str, Any], *, with_data: bool) -> PushOperation[Any]:
    """Build the API object from a ``PushRepository`` row (``with_data`` adds the record)."""
    extra: dict[str, Any] = {}
    if row.get("timeout_in_minutes") is not None:
        extra["timeout_in_minutes"] = row["timeout_in_minutes"]
    if row.get("error_message"):
        extra["error_message"] = row["error_message"]
    changes = _changes(row)
    if changes is not None:
        extra["changes"] = changes
    if with_data and row.get("data") is not None:
        extra["data"] = _json(row["data"])
    return PushOperation[Any](
        push_operation_key=str(row["id"]),
        company_id=str(row["company_id"]),
        data_connection_key=str(row["connection_id"]) if row.get("connection_id") else "",
        data_type=row.get("data_type"),
        status=PushOperationStatus(row["api_status"]),
        status_code=int(row["status_code"]),
        requested_on_utc=utc_text(row["requested_at"]) or "",
        completed_on_utc=utc_text(row.get("completed_at")),
        validation=_validation(row),
        **extra,
    )


def render(operation: PushOperation[Any] | Any) -> bytes:
    """JSON bytes with ``Decimal`` amounts as exact JSON numbers."""
    return encode_json(operation)
