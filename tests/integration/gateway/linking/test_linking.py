"""Linking a connection to the Intacct sandbox (``PUT …/authorization``) and the passthrough routes."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest

from gateway.data.catalog import DATA_TYPES
from tests.integration.gateway.helpers import error_body, error_fields
from tests.integration.gateway.pull.sandbox_gateway import SandboxGateway, sandbox_gateway

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def schedules(gw: SandboxGateway, company_id: str) -> set[tuple[str, int]]:
    rows = await gw.pool.fetch(
        "SELECT data_type, interval_seconds FROM sync_schedules WHERE company_id = $1", uuid.UUID(company_id)
    )
    return {(row["data_type"], row["interval_seconds"]) for row in rows}


async def test_demo_links_lists_its_entities_and_starts_syncing(gw: SandboxGateway, owner) -> None:
    company_id, connection_id, response = await gw.link(owner.headers)
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["status"] == "Linked" and "dataConnectionErrors" not in view
    info = view["connectionInfo"]
    entities = json.loads(info["entities"])
    assert {(e["id"], e["currency"]) for e in entities} == {("100", "USD"), ("200", "GBP")}
    assert "entityId set to one of: 100 (" in info["entityChoice"] and info["companyId"] == "DEMO"
    assert "demo-user-pw" not in response.text and "demo-sender-pw" not in response.text
    # The first pull of every type is queued, and the default schedules exist.
    assert len(await gw.pending_pulls(company_id)) == len(DATA_TYPES)
    assert f"Queued {len(DATA_TYPES)} data types" in info["initialPull"]
    assert await schedules(gw, company_id) == {("suppliers", 3600), ("accounts", 3600)}
    status = (await gw.client.get(f"/companies/{company_id}/dataStatus", headers=owner.headers)).json()
    assert {s["currentStatus"] for s in status.values()} == {"Queued"}
    listed = (await gw.client.get(f"/companies/{company_id}/connections", headers=owner.headers)).json()
    assert [(c["id"], c["status"]) for c in listed["results"]] == [(connection_id, "Linked")]

    # The company facts were learnt while linking, for every process: one entry for this connection,
    # and one more when the entity changes (what the facts depend on).
    cached = "SELECT count(*) FROM connector_cache WHERE connection_id = $1"
    assert await gw.pool.fetchval(cached, uuid.UUID(connection_id)) == 1

    # Linking again (e.g. to choose an entity) does not queue a second pull of anything.
    again = await gw.client.put(
        f"/companies/{company_id}/connections/{connection_id}/authorization",
        json=gw.auth(entityId="100"),
        headers=owner.headers,
    )
    assert again.json()["status"] == "Linked" and again.json()["connectionInfo"]["entityId"] == "100"
    assert "entityChoice" not in again.json()["connectionInfo"]
    assert len(await gw.pending_pulls(company_id)) == len(DATA_TYPES)
    assert await gw.pool.fetchval(cached, uuid.UUID(connection_id)) == 2


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"userPassword": "wrong-password"}, "Check the company ID, the Web Services user ID and password"),
        ({"userId": "nobody"}, "Sign-in information is incorrect"),
        ({"senderPassword": "wrong"}, "The Web Services sender ID or password is wrong"),
        ({"senderId": "other-sender", "senderPassword": "other-pw"}, "is not authorized for this company"),
        ({"entityId": "999"}, "The entity '999' does not exist"),
    ],
)
async def test_refused_credentials_unlink_with_intacct_reason_in_plain_words(
    gw: SandboxGateway, owner, change, words
) -> None:
    gw.sandbox.add_sender("other-sender", "other-pw")  # a real sender, not authorised for DEMO
    company_id, connection_id, response = await gw.link(owner.headers, **change)
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["status"] == "Unlinked"
    (problem,) = view["dataConnectionErrors"]
    assert words in problem["errorMessage"] and problem["status"] == "Active"
    assert problem["statusCode"] == "XL03000006" and problem["statusText"] == "Unlinked"
    assert "entities" not in view.get("connectionInfo", {})
    assert await gw.pending_pulls(company_id) == [] and await schedules(gw, company_id) == set()

    # Fixed credentials link it, and the old problem is marked resolved.
    fixed = await gw.client.put(
        f"/companies/{company_id}/connections/{connection_id}/authorization",
        json=gw.auth(),
        headers=owner.headers,
    )
    assert fixed.json()["status"] == "Linked"
    assert [e["status"] for e in fixed.json()["dataConnectionErrors"]] == ["Resolved"]


async def test_an_unreachable_intacct_leaves_the_connection_pending(gw: SandboxGateway, owner) -> None:
    gw.demo.faults.http_5xx_rate = 1.0  # every request answered 503: retried, then given up on
    company_id, _, response = await gw.link(owner.headers)
    view = response.json()
    assert response.status_code == 200 and view["status"] == "PendingAuth"
    (problem,) = view["dataConnectionErrors"]
    assert "send the authorization again" in problem["errorMessage"]
    assert view["connectionInfo"] == {"companyId": "DEMO"}
    assert await gw.pending_pulls(company_id) == []
    gw.demo.faults.http_5xx_rate = 0.0


async def test_endpoint_override_is_refused_when_the_operator_disabled_it(settings, owner) -> None:
    strict = replace(settings, security=replace(settings.security, allow_endpoint_override=False))
    async with sandbox_gateway(strict) as gw:
        _, _, response = await gw.link(owner.headers)
        assert response.status_code == 400 and error_fields(response) == {"endpointUrl"}


async def test_passthrough_writes_and_queries_unmodelled_objects(gw: SandboxGateway, owner) -> None:
    company_id, connection_id, _ = await gw.link(owner.headers)
    base = f"/companies/{company_id}/connections/{connection_id}/passthrough"
    created = await gw.client.post(
        f"{base}/write",
        json={
            "object": "PROJECT",
            "action": "create",
            "fields": {"PROJECTID": "P900", "NAME": "Gateway rollout", "PROJECTCATEGORY": "Contract"},
            "operationKey": "rollout-1",
        },
        headers=owner.headers,
    )
    assert created.status_code == 200, created.text
    assert created.json()["operationKey"] == "rollout-1" and created.json()["record"]
    assert gw.demo.find_one("PROJECT", PROJECTID="P900") is not None

    found = await gw.client.post(
        f"{base}/query",
        json={"object": "PROJECT", "fields": ["PROJECTID", "NAME"], "filter": {"PROJECTID": "P900"}},
        headers=owner.headers,
    )
    assert found.status_code == 200, found.text
    assert found.json()["results"] == [{"PROJECTID": "P900", "NAME": "Gateway rollout"}]
    assert found.json()["totalResults"] == 1

    paged = (
        await gw.client.post(
            f"{base}/query",
            json={"object": "PROJECT", "fields": ["PROJECTID"], "pageSize": 2},
            headers=owner.headers,
        )
    ).json()
    assert len(paged["results"]) == 2 and paged["totalResults"] >= 4

    bad_name = await gw.client.post(
        f"{base}/query", json={"object": "PROJECT; DROP", "fields": ["NAME"]}, headers=owner.headers
    )
    assert bad_name.status_code == 400 and error_fields(bad_name) == {"object"}
    unknown = await gw.client.post(
        f"{base}/query", json={"object": "NOSUCHOBJECT", "fields": ["NAME"]}, headers=owner.headers
    )
    assert unknown.status_code == 400 and error_fields(unknown) == {"object"}
    assert "NOSUCHOBJECT not found" in error_body(unknown).error
