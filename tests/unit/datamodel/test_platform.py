"""Codat platform shapes: the connection example round-trips; SDK-required fields are required."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from datamodel.platform import Companies, Company, CompanyRequest, Connection, HalRef, Links

EXAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "codat-examples"


def test_connection_example_round_trips() -> None:
    raw = (EXAMPLES / "connection-response.json").read_bytes()
    connection = msgspec.json.decode(raw, type=Connection)
    assert connection.status == "Linked" and connection.source_type == "Banking"
    assert json.loads(msgspec.json.encode(connection)) == json.loads(raw)


@pytest.mark.parametrize(
    "field",
    [
        "id",
        "integrationId",
        "integrationKey",
        "sourceId",
        "sourceType",
        "platformName",
        "linkUrl",
        "status",
        "created",
    ],
)
def test_connection_requires_what_the_sdk_requires(field: str) -> None:
    raw = json.loads((EXAMPLES / "connection-response.json").read_text())
    del raw[field]
    with pytest.raises(msgspec.ValidationError, match=field):
        msgspec.convert(raw, Connection)


@pytest.mark.parametrize("field", ["id", "name", "redirect"])
def test_company_requires_what_the_sdk_requires(field: str) -> None:
    raw = {"id": "a", "name": "b", "redirect": "c"}
    del raw[field]
    with pytest.raises(msgspec.ValidationError, match=field):
        msgspec.convert(raw, Company)


def test_page_envelope_uses_underscore_links_and_keeps_empty_results() -> None:
    page = Companies(
        results=[],
        page_number=1,
        page_size=100,
        total_results=0,
        links=Links(self_=HalRef(href="/companies"), current=HalRef(href="/companies?page=1&pageSize=100")),
    )
    encoded = json.loads(msgspec.json.encode(page))
    assert encoded == {
        "results": [],
        "pageNumber": 1,
        "pageSize": 100,
        "totalResults": 0,
        "_links": {"self": {"href": "/companies"}, "current": {"href": "/companies?page=1&pageSize=100"}},
    }


@pytest.mark.parametrize("body", [{"name": ""}, {"name": "   "}, {"name": "x", "colour": "red"}, {}])
def test_company_request_rejects_bad_bodies(body: dict[str, object]) -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(body, CompanyRequest)
