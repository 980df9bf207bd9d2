"""One translation table from any exception to Codat's error body."""

from __future__ import annotations

import pytest
from litestar.exceptions import MethodNotAllowedException, NotFoundException, ValidationException

from connectors.errors import (
    ConnectorConfigError,
    ConnectorDuplicateError,
    ConnectorNotFoundError,
    ConnectorOutcomeUnknown,
    ConnectorProtocolError,
    ConnectorRejectedError,
    ConnectorTransientError,
    ConnectorUnsupported,
    FieldIssue,
)
from gateway.errors import InvalidRequest, NotFound, to_gateway_error


@pytest.mark.parametrize(
    ("exc", "status", "retry"),
    [
        (ConnectorConfigError("bad credentials"), 400, "Unknown"),
        (ConnectorRejectedError("refused"), 400, "Unknown"),
        (ConnectorDuplicateError("already there"), 409, "Unknown"),
        (ConnectorNotFoundError("no such bill"), 404, "Unknown"),
        (ConnectorUnsupported("transfers cannot be created"), 404, "Unknown"),
        (ConnectorTransientError("rate limited", retry_after=30), 503, "Yes"),
        (ConnectorOutcomeUnknown("timed out after send"), 503, "Yes"),
        (ConnectorProtocolError("not XML"), 502, "Unknown"),
        (NotFound("nope"), 404, "Unknown"),
        (NotFoundException(), 404, "Unknown"),
        (MethodNotAllowedException(), 405, "Unknown"),
        (RuntimeError("boom with <password>x</password>"), 500, "Unknown"),
    ],
)
def test_status_and_retry_hint(exc: Exception, status: int, retry: str) -> None:
    error = to_gateway_error(exc)
    assert (error.status_code, error.can_be_retried) == (status, retry)


def test_unexpected_errors_never_leak_their_message() -> None:
    error = to_gateway_error(RuntimeError("secret detail"))
    assert "secret detail" not in error.message


def test_transient_error_sets_retry_after() -> None:
    assert to_gateway_error(ConnectorTransientError("slow down", retry_after=12.4)).headers == {
        "Retry-After": "12"
    }


def test_rejected_issues_become_validation_items() -> None:
    exc = ConnectorRejectedError(
        "Intacct refused the bill", issues=[FieldIssue("vendorId", "Vendor X not found")]
    )
    error = to_gateway_error(exc)
    assert [(i.item_id, i.message) for i in error.items] == [("vendorId", "Vendor X not found")]


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"message": "Object contains unknown field `colour`", "key": "data", "source": "body"}, "colour"),
        ({"message": "Object missing required field `name`", "source": "body"}, "name"),
        (
            {"message": "Expected `str`, got `int`", "key": "lines[0].amount", "source": "body"},
            "lines[0].amount",
        ),
        ({"message": "Expected `str`, got `int` - at `$.tags[...]`"}, "tags"),
        ({"message": "Object missing required field `id` - at `$.lines[1]`"}, "lines[1].id"),
        ({"message": "Expected `int`", "key": "page", "source": "query"}, "page"),
        ({"message": "weird"}, "request"),
    ],
)
def test_validation_entries_name_the_field(entry: dict[str, str], field: str) -> None:
    error = to_gateway_error(ValidationException(detail="x", extra=[entry]))
    assert isinstance(error, InvalidRequest)
    assert error.items[0].item_id == field
    assert field in error.message
