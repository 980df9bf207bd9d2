"""Connections through the HTTP API, and the internal ConnectionService other features use."""

from __future__ import annotations

import uuid

import msgspec
import pytest

from datamodel.platform import Connection, Connections, DataConnectionStatus
from gateway.connections.crypto import CredentialCipher
from gateway.connections.repository import ConnectionRepository
from gateway.connections.service import ConnectionService
from gateway.errors import Conflict, NotFound
from tests.integration.gateway.helpers import DEMO_AUTH, error_fields, make_company, make_connection

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_create_connection_is_sage_intacct_pending_auth(client, tenant) -> None:
    t = await tenant()
    company = await make_company(client, t.headers)
    raw = await make_connection(client, t.headers, company["id"])
    connection = msgspec.convert(raw, Connection)
    assert connection.integration_key == "knfz"
    assert connection.platform_name == "Sage Intacct"
    assert connection.source_type == "Accounting"
    assert connection.status is DataConnectionStatus.PENDING_AUTH
    assert connection.link_url == (
        f"http://testserver/link/companies/{company['id']}/connections/{connection.id}/start"
    )
    integration = (await client.get("/integrations/knfz", headers=t.headers)).json()
    assert connection.integration_id == integration["integrationId"]
    assert connection.source_id == integration["sourceId"]

    got = await client.get(f"/companies/{company['id']}/connections/{connection.id}", headers=t.headers)
    assert got.status_code == 200 and got.json() == raw


async def test_unknown_platform_key_names_the_field(client, tenant) -> None:
    t = await tenant()
    company = await make_company(client, t.headers)
    response = await client.post(
        f"/companies/{company['id']}/connections", json={"platformKey": "xero"}, headers=t.headers
    )
    assert response.status_code == 400
    assert error_fields(response) == {"platformKey"}


async def test_list_connections_pages_and_filters(client, tenant) -> None:
    t = await tenant()
    company = await make_company(client, t.headers)
    first = await make_connection(client, t.headers, company["id"])
    second = await make_connection(client, t.headers, company["id"])
    path = f"/companies/{company['id']}/connections"
    await client.patch(f"{path}/{second['id']}", json={"status": "Unlinked"}, headers=t.headers)

    page = msgspec.convert((await client.get(path, headers=t.headers)).json(), Connections)
    assert [c.id for c in page.results] == [first["id"], second["id"]]
    assert page.total_results == 2 and page.links.self_.href == path

    unlinked = (await client.get(path, params={"query": "status=unlinked"}, headers=t.headers)).json()
    assert [c["id"] for c in unlinked["results"]] == [second["id"]]
    paged = (await client.get(path, params={"pageSize": 1, "page": 2}, headers=t.headers)).json()
    assert [c["id"] for c in paged["results"]] == [second["id"]]
    assert paged["_links"]["previous"]["href"] == f"{path}?page=1&pageSize=1"


async def test_unlink_accepts_only_unlinked(client, tenant) -> None:
    t = await tenant()
    company = await make_company(client, t.headers)
    connection = await make_connection(client, t.headers, company["id"])
    path = f"/companies/{company['id']}/connections/{connection['id']}"
    linked = await client.patch(path, json={"status": "Linked"}, headers=t.headers)
    assert linked.status_code == 400 and error_fields(linked) == {"status"}
    unlinked = await client.patch(path, json={"status": "Unlinked"}, headers=t.headers)
    assert unlinked.status_code == 200 and unlinked.json()["status"] == "Unlinked"


async def test_delete_connection(client, tenant) -> None:
    t = await tenant()
    company = await make_company(client, t.headers)
    connection = await make_connection(client, t.headers, company["id"])
    path = f"/companies/{company['id']}/connections/{connection['id']}"
    assert (await client.delete(path, headers=t.headers)).status_code == 204
    assert (await client.get(path, headers=t.headers)).status_code == 404
    company_view = (await client.get(f"/companies/{company['id']}", headers=t.headers)).json()
    assert company_view["dataConnections"] == []


async def test_authorization_is_encrypted_at_rest_and_never_echoed(client, tenant, db_pool, app) -> None:
    t = await tenant()
    company = await make_company(client, t.headers)
    connection = await make_connection(client, t.headers, company["id"])
    path = f"/companies/{company['id']}/connections/{connection['id']}/authorization"
    body = {
        **DEMO_AUTH,
        "entityId": "100",
        "endpointUrl": "http://localhost:8000/sandbox/intacct/ia/xml/xmlgw.phtml",
    }

    response = await client.put(path, json=body, headers=t.headers)
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["status"] == "PendingAuth"
    assert view["connectionInfo"] == {"companyId": "DEMO", "entityId": "100"}
    assert "demo-user-pw" not in response.text and "demo-sender-pw" not in response.text

    async with db_pool.acquire() as conn:
        stored = bytes(
            await conn.fetchval(
                "SELECT credentials FROM connections WHERE id = $1", uuid.UUID(connection["id"])
            )
        )
    assert b"demo-user-pw" not in stored and b"demo-sender" not in stored

    service = ConnectionService(ConnectionRepository(db_pool), app.state.cipher, base_url="http://testserver")
    creds = await service.get_credentials(t.tenant_id, uuid.UUID(company["id"]), uuid.UUID(connection["id"]))
    assert creds == {
        "sender_id": "demo-sender",
        "sender_password": "demo-sender-pw",
        "company_id": "DEMO",
        "user_id": "demo-user",
        "user_password": "demo-user-pw",
        "entity_id": "100",
        "endpoint_url": body["endpointUrl"],
    }
    # A different secret cannot read them.
    other = ConnectionService(
        ConnectionRepository(db_pool), CredentialCipher(["another secret"]), base_url="http://testserver"
    )
    with pytest.raises(Conflict):
        await other.get_credentials(t.tenant_id, uuid.UUID(company["id"]), uuid.UUID(connection["id"]))


async def test_service_set_status_records_and_resolves_errors(client, tenant, db_pool, app) -> None:
    t = await tenant()
    company = await make_company(client, t.headers)
    connection = await make_connection(client, t.headers, company["id"])
    service = ConnectionService(ConnectionRepository(db_pool), app.state.cipher, base_url="http://testserver")
    cid, conn_id = uuid.UUID(company["id"]), uuid.UUID(connection["id"])

    with pytest.raises(Conflict):  # no credentials yet
        await service.get_credentials(t.tenant_id, cid, conn_id)

    failed = await service.set_status(
        t.tenant_id,
        cid,
        conn_id,
        DataConnectionStatus.UNLINKED,
        error="Sign-in failed.",
        error_code="XL03000006",
    )
    assert failed.status is DataConnectionStatus.UNLINKED
    assert failed.data_connection_errors is not None
    [problem] = failed.data_connection_errors
    assert (problem.status_code, problem.error_message, problem.status) == (
        "XL03000006",
        "Sign-in failed.",
        "Active",
    )

    linked = await service.set_status(
        t.tenant_id, cid, conn_id, DataConnectionStatus.LINKED, connection_info={"entities": "100,200"}
    )
    assert linked.data_connection_errors and linked.data_connection_errors[0].status == "Resolved"
    assert linked.data_connection_errors[0].resolved_on_utc
    assert linked.connection_info == {"entities": "100,200"}
    api_view = (await client.get(f"/companies/{cid}/connections/{conn_id}", headers=t.headers)).json()
    assert api_view["status"] == "Linked" and api_view["dataConnectionErrors"][0]["status"] == "Resolved"

    stranger = await tenant()
    with pytest.raises(NotFound):
        await service.get_credentials(stranger.tenant_id, cid, conn_id)
    with pytest.raises(NotFound):
        await service.set_status(stranger.tenant_id, cid, conn_id, DataConnectionStatus.LINKED)
