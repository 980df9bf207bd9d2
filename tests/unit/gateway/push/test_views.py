"""Push operation rows -> Codat's PushOperation, and the pieces of the write path that need no database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from datamodel import PushOperation, decode_json, decode_json_untyped
from gateway.push.idempotency import request_hash
from gateway.push.schemas import PUSH_SPECS, SPECS_BY_DATA_TYPE, response_model
from gateway.push.service import failed_result, split_issues
from gateway.push.views import render, to_push_operation

NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": uuid.uuid4(),
        "company_id": uuid.uuid4(),
        "connection_id": uuid.uuid4(),
        "data_type": "bills",
        "timeout_in_minutes": None,
        "requested_at": NOW,
        "completed_at": None,
        "api_status": "Pending",
        "status_code": 202,
        "error_message": None,
        "validation": None,
        "changes": None,
        "pending_warnings": "[]",
        "data": '{"reference":"R1","totalAmount":12345678901234567.89}',
    }
    return base | changes


def test_a_pending_row_has_every_field_the_sdks_require_and_exact_amounts() -> None:
    pending = row()
    body = render(to_push_operation(pending, with_data=True))
    assert b'"totalAmount":12345678901234567.89' in body
    decoded = decode_json(body, PushOperation[Any])
    assert decoded.push_operation_key == str(pending["id"]) and decoded.status_code == 202
    assert decoded.requested_on_utc == "2024-05-01T12:30:00Z"
    assert decode_json_untyped(body)["data"]["totalAmount"] == Decimal("12345678901234567.89")
    assert b'"data"' not in render(to_push_operation(pending, with_data=False))


def test_a_finished_row_shows_its_outcome() -> None:
    finished = row(
        api_status="Failed",
        status_code=400,
        completed_at=NOW,
        error_message="fix it",
        timeout_in_minutes=5,
        validation=(
            '{"errors":[{"itemId":"supplierRef.id","message":"Must be provided.","validatorName":"Bill"}],'
            '"warnings":[]}'
        ),
        changes="[]",
    )
    decoded = decode_json_untyped(render(to_push_operation(finished, with_data=False)))
    assert (
        decoded["status"] == "Failed"
        and decoded["errorMessage"] == "fix it"
        and decoded["timeoutInMinutes"] == 5
    )
    assert decoded["validation"]["errors"][0]["itemId"] == "supplierRef.id"
    assert decoded["completedOnUtc"] == "2024-05-01T12:30:00Z"


def test_issues_are_split_by_severity_and_refusals_say_what_to_fix() -> None:
    issues = [
        SimpleNamespace(field="a", message="bad", validator="Bill", severity="error"),
        SimpleNamespace(field="b", message="ignored", validator="Bill", severity="warning"),
        SimpleNamespace(field=None, message="no severity means error", validator="Bill"),
    ]
    errors, warnings = split_issues(issues)
    assert [e["itemId"] for e in errors] == ["a", None] and [w["itemId"] for w in warnings] == ["b"]
    result = failed_result(errors, warnings)
    assert result["statusCode"] == 400 and "a: bad" in result["errorMessage"]


def test_request_hashes_separate_their_parts() -> None:
    assert request_hash("ab", "c") != request_hash("a", "bc")
    assert request_hash("create", "bills", b"{}") == request_hash("create", "bills", b"{}")


@pytest.mark.parametrize("spec", PUSH_SPECS, ids=lambda s: s.path)
def test_specs_follow_codats_names(spec: Any) -> None:
    assert spec.operation_id("create") == spec.operation_id("create").lower()
    assert SPECS_BY_DATA_TYPE[spec.data_type] is spec
    assert response_model(spec.model).__name__ == f"{spec.model.__name__}PushOperation"
    assert response_model(spec.model) is response_model(spec.model)
