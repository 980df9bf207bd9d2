"""Authentication and tenant isolation, over EVERY route the app has (new routes are covered as added)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from litestar.routes import HTTPRoute

from gateway.tenancy.guards import require_tenant
from gateway.tenancy.repository import TenantRepository
from tests.conftest import basic_auth
from tests.integration.gateway.helpers import DEMO_AUTH, error_body, make_company, make_connection

pytestmark = pytest.mark.asyncio(loop_scope="session")

SKIPPED_METHODS = {"OPTIONS", "HEAD"}


def api_routes(app: Any) -> list[tuple[str, str, bool]]:
    """(method, path format, guarded) for every HTTP handler except the OpenAPI/docs ones."""
    out = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format.startswith("/schema"):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods - SKIPPED_METHODS:
                guarded = require_tenant in handler.resolve_guards()
                out.append((method, route.path_format, guarded))
    return sorted(out)


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), str(uuid.uuid4())), path)


async def test_every_non_public_route_is_behind_the_tenant_guard(app) -> None:
    routes = api_routes(app)
    assert len(routes) >= 14
    for method, path, guarded in routes:
        handler_public = any(
            h.opt.get("public")
            for r in app.routes
            if isinstance(r, HTTPRoute) and r.path_format == path
            for h in r.route_handlers
            if method in h.http_methods
        )
        assert guarded or handler_public, f"{method} {path} is neither guarded nor marked public"


async def test_missing_or_bad_credentials_are_401_on_every_guarded_route(app, client, tenant) -> None:
    owner = await tenant()
    revoked_key = (await tenant()).api_key
    await TenantRepository(app.state.pool).revoke_api_key(revoked_key)
    company = await make_company(client, owner.headers)
    values = {"companyId": company["id"], "platformKey": "knfz"}
    bad_headers: list[dict[str, str]] = [
        {},
        {"Authorization": "Bearer " + owner.api_key},
        {"Authorization": "Basic"},
        {"Authorization": "Basic !!!not-base64!!!"},
        {"Authorization": owner.api_key},
        basic_auth("gwk_" + "x" * 43),
        basic_auth(revoked_key),
    ]
    for method, path, guarded in api_routes(app):
        if not guarded:
            continue
        for headers in bad_headers:
            response = await client.request(method, fill(path, values), headers=headers, json={})
            assert response.status_code == 401, (method, path, headers, response.text)
            assert error_body(response).status_code == 401
            assert company["id"] not in response.text


async def test_another_tenants_ids_answer_404_and_never_data(app, client, tenant) -> None:
    owner, intruder = await tenant(), await tenant()
    company = await make_company(client, owner.headers, "Owner Secret Co", tags={"k": "v"})
    connection = await make_connection(client, owner.headers, company["id"])
    auth_path = f"/companies/{company['id']}/connections/{connection['id']}/authorization"
    assert (await client.put(auth_path, json=DEMO_AUTH, headers=owner.headers)).status_code == 200
    values = {"companyId": company["id"], "connectionId": connection["id"], "platformKey": "knfz"}
    # Error messages may echo the id the caller sent; they must never carry the owner's data.
    owner_data = ["Owner Secret Co", '"dataConnections"', '"integrationKey"', '"connectionInfo"', "DEMO"]

    walked = 0
    for method, path, guarded in api_routes(app):
        if not guarded:
            continue
        response = await client.request(method, fill(path, values), headers=intruder.headers, json={})
        for secret in owner_data:
            assert secret not in response.text, (method, path, response.text)
        if "{companyId}" in path:
            assert response.status_code == 404, (method, path, response.status_code, response.text)
            assert error_body(response).status_code == 404
            walked += 1
        else:  # tenant-level routes (lists, catalogue): the ids were not in the URL, so not in the answer
            assert response.status_code < 500, (method, path, response.text)
            assert company["id"] not in response.text and connection["id"] not in response.text
    assert walked >= 10

    # The intruder's walk changed nothing of the owner's.
    still = await client.get(f"/companies/{company['id']}", headers=owner.headers)
    assert still.status_code == 200
    assert still.json()["name"] == "Owner Secret Co"
    assert [c["id"] for c in still.json()["dataConnections"]] == [connection["id"]]
    assert still.json()["dataConnections"][0]["status"] == "PendingAuth"


async def test_a_connection_of_another_company_of_the_same_tenant_is_404(client, tenant) -> None:
    t = await tenant()
    first, second = await make_company(client, t.headers), await make_company(client, t.headers)
    connection = await make_connection(client, t.headers, first["id"])
    response = await client.get(
        f"/companies/{second['id']}/connections/{connection['id']}", headers=t.headers
    )
    assert response.status_code == 404


async def test_api_keys_are_stored_hashed(db_pool, tenant) -> None:
    t = await tenant()
    async with db_pool.acquire() as conn:
        rows = await conn.fetch("SELECT key_hash, key_prefix FROM api_keys WHERE tenant_id = $1", t.tenant_id)
    assert len(rows) == 1
    assert t.api_key not in rows[0]["key_hash"] and len(rows[0]["key_hash"]) == 64
    assert t.api_key.startswith(rows[0]["key_prefix"])


async def test_key_rotation_and_duplicate_tenant_names(db_pool) -> None:
    from gateway.tenancy.repository import TenantExists

    repo = TenantRepository(db_pool)
    name = f"rot-{uuid.uuid4().hex[:8]}"
    created = await repo.create(name)
    with pytest.raises(TenantExists):
        await repo.create(name)
    second = await repo.create_api_key(name)
    assert second != created.api_key
    first_ctx, second_ctx = await repo.authenticate(created.api_key), await repo.authenticate(second)
    assert first_ctx and second_ctx and first_ctx.tenant_id == second_ctx.tenant_id == created.tenant_id
    assert first_ctx.api_key_id != second_ctx.api_key_id
    assert await repo.revoke_api_key(created.api_key)
    assert await repo.authenticate(created.api_key) is None
    assert (await repo.authenticate(second)) is not None


async def test_access_answers_key_company_and_connection_in_one_statement(client, tenant, db_pool) -> None:
    owner, other = await tenant(), await tenant()
    company = await make_company(client, owner.headers)
    connection = await make_connection(client, owner.headers, company["id"])
    theirs = await make_company(client, other.headers)
    company_id, connection_id = uuid.UUID(company["id"]), uuid.UUID(connection["id"])
    repo = TenantRepository(db_pool)

    access = await repo.access(owner.api_key, None, None)
    assert (
        access
        and access.tenant.tenant_id == owner.tenant_id
        and access.owns_company
        and access.owns_connection
    )
    access = await repo.access(owner.api_key, company_id, connection_id)
    assert access and access.owns_company and access.owns_connection
    access = await repo.access(owner.api_key, uuid.UUID(theirs["id"]), None)
    assert access and not access.owns_company
    access = await repo.access(owner.api_key, company_id, uuid.uuid4())
    assert access and access.owns_company and not access.owns_connection
    access = await repo.access(other.api_key, company_id, connection_id)  # another tenant's ids
    assert access and not access.owns_company and not access.owns_connection
    access = await repo.access(owner.api_key, uuid.UUID(theirs["id"]), connection_id)  # not that company's
    assert access and not access.owns_connection
    await repo.revoke_api_key(owner.api_key)
    assert await repo.access(owner.api_key, company_id, connection_id) is None
