"""The committed OpenAPI document matches the app; every route has a stable operation id; /schema serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli import OPENAPI_PATH, openapi_document, render_openapi

ROOT = Path(__file__).resolve().parents[3]

CODAT_OPERATION_IDS = {
    ("get", "/companies"): "list-companies",
    ("post", "/companies"): "create-company",
    ("get", "/companies/{companyId}"): "get-company",
    ("put", "/companies/{companyId}"): "replace-company",
    ("patch", "/companies/{companyId}"): "update-company",
    ("delete", "/companies/{companyId}"): "delete-company",
    ("get", "/companies/{companyId}/connections"): "list-connections",
    ("post", "/companies/{companyId}/connections"): "create-connection",
    ("get", "/companies/{companyId}/connections/{connectionId}"): "get-connection",
    ("patch", "/companies/{companyId}/connections/{connectionId}"): "unlink-connection",
    ("delete", "/companies/{companyId}/connections/{connectionId}"): "delete-connection",
    (
        "put",
        "/companies/{companyId}/connections/{connectionId}/authorization",
    ): "update-connection-authorization",
    ("get", "/integrations"): "list-integrations",
    ("get", "/integrations/{platformKey}"): "get-integration",
}


def test_committed_openapi_matches_the_app() -> None:
    committed = (ROOT / OPENAPI_PATH).read_text(encoding="utf-8")
    generated = render_openapi(openapi_document())
    assert generated == committed, "openapi/openapi.json is stale: run `gateway openapi` (make openapi)"


def test_generation_is_deterministic() -> None:
    assert render_openapi(openapi_document()) == render_openapi(openapi_document())


def test_every_operation_has_an_explicit_unique_id_and_codat_ids_match() -> None:
    document = openapi_document()
    seen: dict[str, tuple[str, str]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            op_id = operation.get("operationId")
            assert op_id and op_id == op_id.lower() and " " not in op_id, (method, path, op_id)
            assert op_id not in seen, f"{op_id} used by {seen[op_id]} and {(method, path)}"
            seen[op_id] = (method, path)
            assert "401" in operation["responses"] and "400" in operation["responses"]
    for (method, path), op_id in CODAT_OPERATION_IDS.items():
        assert document["paths"][path][method]["operationId"] == op_id
    assert document["components"]["securitySchemes"]["auth_header"]["name"] == "Authorization"


@pytest.mark.asyncio(loop_scope="session")
async def test_schema_is_served_without_a_key(client) -> None:
    docs = await client.get("/schema")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    spec = await client.get("/schema/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["paths"].keys() == openapi_document()["paths"].keys()
