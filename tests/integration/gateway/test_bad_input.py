"""Bad input never yields a 500: every case answers 4xx in Codat's error shape, naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.gateway.helpers import (
    DEMO_AUTH,
    error_body,
    error_fields,
    make_company,
    make_connection,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

JSON = {"content-type": "application/json"}

# (case id, method, path template, request kwargs, expected status, field that must be named or None)
CASES: list[tuple[str, str, str, dict[str, Any], int, str | None]] = [
    ("malformed json", "POST", "/companies", {"content": b'{"name": ', "headers": JSON}, 400, None),
    ("not json at all", "POST", "/companies", {"content": b"hello", "headers": JSON}, 400, None),
    ("json array body", "POST", "/companies", {"json": ["Acme"]}, 400, "body"),
    ("wrong type", "POST", "/companies", {"json": {"name": 5}}, 400, "name"),
    ("unknown field", "POST", "/companies", {"json": {"name": "A", "colour": "red"}}, 400, "colour"),
    ("missing required", "POST", "/companies", {"json": {"description": "x"}}, 400, "name"),
    ("empty name", "POST", "/companies", {"json": {"name": ""}}, 400, "name"),
    ("blank name", "POST", "/companies", {"json": {"name": "   "}}, 400, "name"),
    ("null name", "POST", "/companies", {"json": {"name": None}}, 400, "name"),
    ("tag value type", "POST", "/companies", {"json": {"name": "A", "tags": {"k": 1}}}, 400, "tags"),
    ("huge number", "POST", "/companies", {"content": b'{"name": 1e999}', "headers": JSON}, 400, None),
    ("empty body", "POST", "/companies", {"content": b"", "headers": JSON}, 400, None),
    ("patch null name", "PATCH", "/companies/{companyId}", {"json": {"name": None}}, 400, "name"),
    ("patch unknown", "PATCH", "/companies/{companyId}", {"json": {"id": "x"}}, 400, "id"),
    ("put missing name", "PUT", "/companies/{companyId}", {"json": {"tags": {}}}, 400, "name"),
    ("page zero", "GET", "/companies?page=0", {}, 400, "page"),
    ("page not a number", "GET", "/companies?page=abc", {}, 400, "page"),
    ("page size too big", "GET", "/companies?pageSize=5001", {}, 400, "pageSize"),
    ("query syntax", "GET", "/companies?query=name%3D", {}, 400, "query"),
    ("query too long", "GET", "/companies?query=" + "a" * 2100, {}, 400, "query"),
    ("order by junk", "GET", "/companies?orderBy=na%20me", {}, 400, "orderBy"),
    ("platform key missing", "POST", "/companies/{companyId}/connections", {"json": {}}, 400, "platformKey"),
    (
        "platform key unknown",
        "POST",
        "/companies/{companyId}/connections",
        {"json": {"platformKey": "qudb"}},
        400,
        "platformKey",
    ),
    (
        "platform key type",
        "POST",
        "/companies/{companyId}/connections",
        {"json": {"platformKey": 7}},
        400,
        "platformKey",
    ),
    (
        "status invalid",
        "PATCH",
        "/companies/{companyId}/connections/{connectionId}",
        {"json": {"status": "Bogus"}},
        400,
        "status",
    ),
    (
        "status linked",
        "PATCH",
        "/companies/{companyId}/connections/{connectionId}",
        {"json": {"status": "Linked"}},
        400,
        "status",
    ),
    (
        "auth missing password",
        "PUT",
        "/companies/{companyId}/connections/{connectionId}/authorization",
        {"json": {k: v for k, v in DEMO_AUTH.items() if k != "userPassword"}},
        400,
        "userPassword",
    ),
    (
        "auth empty sender",
        "PUT",
        "/companies/{companyId}/connections/{connectionId}/authorization",
        {"json": {**DEMO_AUTH, "senderId": ""}},
        400,
        "senderId",
    ),
    (
        "auth bad endpoint",
        "PUT",
        "/companies/{companyId}/connections/{connectionId}/authorization",
        {"json": {**DEMO_AUTH, "endpointUrl": "file:///etc/passwd"}},
        400,
        "endpointUrl",
    ),
    (
        "auth unknown field",
        "PUT",
        "/companies/{companyId}/connections/{connectionId}/authorization",
        {"json": {**DEMO_AUTH, "password": "x"}},
        400,
        "password",
    ),
    (
        "oversized body",
        "POST",
        "/companies",
        {"content": b'{"name": "' + b"a" * (1024 * 1024 + 10) + b'"}', "headers": JSON},
        413,
        None,
    ),
    ("unknown route", "GET", "/companies/{companyId}/nothing-here", {}, 404, None),
    ("method not allowed", "POST", "/companies/{companyId}", {"json": {"name": "x"}}, 405, None),
    ("unknown integration", "GET", "/integrations/zzzz", {}, 404, None),
]


@pytest.fixture(scope="module")
def ids() -> dict[str, str]:
    return {}


@pytest.mark.parametrize(
    ("case", "method", "path", "kwargs", "status", "field"), CASES, ids=[c[0] for c in CASES]
)
async def test_bad_input_is_a_named_4xx(
    client, tenant, ids, case, method, path, kwargs, status, field
) -> None:
    if not ids:
        t = await tenant()
        company = await make_company(client, t.headers)
        connection = await make_connection(client, t.headers, company["id"])
        ids.update(
            {"companyId": company["id"], "connectionId": connection["id"], "auth": t.headers["Authorization"]}
        )
    headers = {"Authorization": ids["auth"], **kwargs.pop("headers", {})}
    url = path.replace("{companyId}", ids["companyId"]).replace("{connectionId}", ids["connectionId"])
    response = await client.request(method, url, headers=headers, **kwargs)
    assert response.status_code == status, response.text
    body = error_body(response)
    assert body.service == "PublicApi" and body.error
    if field is not None:
        assert field in error_fields(response), (field, response.text)
        assert field in body.error
