"""Push history (paging, query, orderBy), options trees and connection settings through HTTP."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from datamodel import PushOperation, PushOperations, PushOption, decode_json
from gateway.connection_settings.schemas import ConnectionSettings
from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import PushEnv

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_history_pages_filters_and_orders_a_companys_pushes(env: PushEnv) -> None:
    linked = await env.link()
    keys = [(await env.push(linked, "bills", b.bill(f"h{n}"))).json()["pushOperationKey"] for n in range(3)]
    refused = (
        await env.push(linked, "bills", {k: v for k, v in b.bill("bad").items() if k != "supplierRef"})
    ).json()
    path = f"/companies/{linked.company_id}/push"

    everything = await env.client.get(path, headers=linked.headers)
    assert everything.status_code == 200
    page = decode_json(everything.content, PushOperations)
    assert page.total_results == 4
    assert [op.push_operation_key for op in page.results] == [refused["pushOperationKey"], *reversed(keys)]
    assert all(op.data is None or op.data.__class__.__name__ == "UnsetType" for op in page.results)

    first = (await env.client.get(path, params={"pageSize": 2}, headers=linked.headers)).json()
    assert len(first["results"]) == 2 and first["_links"]["next"]["href"].startswith(path)
    second = (await env.client.get(first["_links"]["next"]["href"], headers=linked.headers)).json()
    assert {op["pushOperationKey"] for op in first["results"] + second["results"]} == {
        *keys,
        refused["pushOperationKey"],
    }

    failed = (await env.client.get(path, params={"query": "status=Failed"}, headers=linked.headers)).json()
    assert [op["pushOperationKey"] for op in failed["results"]] == [refused["pushOperationKey"]]
    pending = (
        await env.client.get(path, params={"query": "status=pending&&statusCode=202"}, headers=linked.headers)
    ).json()
    assert pending["totalResults"] == 3
    oldest = (await env.client.get(path, params={"orderBy": "requestedOnUtc"}, headers=linked.headers)).json()
    assert oldest["results"][0]["pushOperationKey"] == keys[0]
    since = everything.json()["results"][-1]["requestedOnUtc"]
    later = (
        await env.client.get(path, params={"query": f"requestedOnUtc>{since}"}, headers=linked.headers)
    ).json()
    assert later["totalResults"] == 3

    bad = await env.client.get(path, params={"query": "status=="}, headers=linked.headers)
    assert bad.status_code == 400 and "query" in {e["itemId"] for e in bad.json()["validation"]["errors"]}


async def test_one_push_operation_is_found_only_in_its_company(env: PushEnv) -> None:
    linked = await env.link()
    key = (await env.push(linked, "bills", b.bill("one"))).json()["pushOperationKey"]
    found = await env.client.get(f"/companies/{linked.company_id}/push/{key}", headers=linked.headers)
    assert found.status_code == 200
    operation = decode_json(found.content, PushOperation[Any])
    assert operation.data_connection_key == linked.connection_id and operation.company_id == linked.company_id
    other_company = (
        await env.client.post("/companies", json={"name": "Other"}, headers=linked.headers)
    ).json()
    for company_id, push_key in [
        (other_company["id"], key),
        (linked.company_id, str(uuid.uuid4())),
        (linked.company_id, "nope"),
    ]:
        response = await env.client.get(f"/companies/{company_id}/push/{push_key}", headers=linked.headers)
        assert response.status_code == 404, response.text


async def test_options_trees_come_from_the_connector(env: PushEnv) -> None:
    linked = await env.link()
    for data_type, field in [
        ("bills", "supplierRef"),
        ("chartOfAccounts", "nominalCode"),
        ("invoices", "customerRef"),
    ]:
        response = await env.client.get(f"{linked.base}/options/{data_type}", headers=linked.headers)
        assert response.status_code == 200, response.text
        option = decode_json(response.content, PushOption)
        assert option.properties and field in option.properties
    unknown = await env.client.get(f"{linked.base}/options/widgets", headers=linked.headers)
    assert unknown.status_code == 404


async def test_connection_settings_round_trip_and_validate(env: PushEnv) -> None:
    linked = await env.link(fast_limits=False)  # starts from a connection with no settings
    path = f"{linked.base}/settings"
    assert (await env.client.get(path, headers=linked.headers)).json() == {}
    settings = {
        "customFieldMappings": [
            {
                "dataType": "bills",
                "intacctField": "APPROVER",
                "sourcePath": "supplementalData.content.approver",
            },
            {"dataType": "invoices", "intacctField": "CHANNEL", "value": "API"},
        ],
        "autoNumbering": {"ARINVOICE": True, "APBILL": False},
        "apPaymentApproval": True,
        "callsPerMinute": 120,
    }
    put = await env.client.put(path, json=settings, headers=linked.headers)
    assert put.status_code == 200 and put.json() == settings
    assert (await env.client.get(path, headers=linked.headers)).json() == settings
    stored = await env.pool.fetchval(
        "SELECT settings::text FROM connections WHERE id = $1", uuid.UUID(linked.connection_id)
    )
    assert decode_json(stored, ConnectionSettings).calls_per_minute == 120
    for bad, field in [
        (
            {
                "customFieldMappings": [
                    {"dataType": "bills", "intacctField": "X", "sourcePath": "a", "value": "b"}
                ]
            },
            "customFieldMappings",
        ),
        ({"callsPerMinute": 0}, "callsPerMinute"),
        ({"colour": "red"}, "colour"),
    ]:
        response = await env.client.put(path, json=bad, headers=linked.headers)
        assert response.status_code == 400, response.text
        assert any(field in (e["itemId"] or "") for e in response.json()["validation"]["errors"]), (
            response.text
        )
