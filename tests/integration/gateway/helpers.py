"""Small helpers shared by the gateway API tests."""

from __future__ import annotations

from typing import Any

import msgspec

from datamodel.errors import ErrorMessage


def error_body(response: Any) -> ErrorMessage:
    """Decode a Codat error body strictly; fails the test if the shape is wrong."""
    body = msgspec.json.decode(response.content, type=ErrorMessage)
    assert body.status_code == response.status_code
    assert body.correlation_id == response.headers["x-request-id"]
    return body


def error_fields(response: Any) -> set[str]:
    body = error_body(response)
    errors = body.validation.errors if body.validation else None
    return {e.item_id for e in errors or [] if isinstance(e.item_id, str)}


async def make_company(
    client: Any, headers: dict[str, str], name: str = "Acme Ltd", **extra: Any
) -> dict[str, Any]:
    response = await client.post("/companies", json={"name": name, **extra}, headers=headers)
    assert response.status_code == 200, response.text
    company: dict[str, Any] = response.json()
    return company


async def make_connection(client: Any, headers: dict[str, str], company_id: str) -> dict[str, Any]:
    response = await client.post(
        f"/companies/{company_id}/connections", json={"platformKey": "knfz"}, headers=headers
    )
    assert response.status_code == 200, response.text
    connection: dict[str, Any] = response.json()
    return connection


DEMO_AUTH = {
    "senderId": "demo-sender",
    "senderPassword": "demo-sender-pw",
    "companyId": "DEMO",
    "userId": "demo-user",
    "userPassword": "demo-user-pw",
}
