"""Companies through the HTTP API: create, list (paging, query, orderBy, tags), get, PUT, PATCH, delete."""

from __future__ import annotations

import uuid

import msgspec
import pytest

from datamodel.platform import Companies, Company
from tests.integration.gateway.helpers import error_fields, make_company, make_connection

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_create_get_round_trip_has_every_sdk_required_field(client, tenant) -> None:
    t = await tenant()
    created = await make_company(client, t.headers, "Acme Ltd", description="Books", tags={"region": "uk"})
    company = msgspec.convert(created, Company)
    assert uuid.UUID(company.id)
    assert company.redirect == f"http://testserver/link/{company.id}"
    assert (company.name, company.description, company.tags) == ("Acme Ltd", "Books", {"region": "uk"})
    assert company.created and company.created.endswith("Z")

    fetched = await client.get(f"/companies/{company.id}", headers=t.headers)
    assert fetched.status_code == 200
    assert fetched.json() == created


async def test_list_pages_with_codat_links(client, tenant) -> None:
    t = await tenant()
    ids = [(await make_company(client, t.headers, f"Company {i}"))["id"] for i in range(5)]

    first = await client.get("/companies", params={"page": 1, "pageSize": 2}, headers=t.headers)
    page = msgspec.convert(first.json(), Companies)
    assert (page.page_number, page.page_size, page.total_results) == (1, 2, 5)
    assert [c.id for c in page.results] == ids[:2]
    links = first.json()["_links"]
    assert links["self"] == {"href": "/companies"}
    assert links["current"] == {"href": "/companies?page=1&pageSize=2"}
    assert links["next"] == {"href": "/companies?page=2&pageSize=2"}
    assert "previous" not in links

    last = (await client.get("/companies", params={"page": 3, "pageSize": 2}, headers=t.headers)).json()
    assert [c["id"] for c in last["results"]] == ids[4:]
    assert last["_links"]["previous"] == {"href": "/companies?page=2&pageSize=2"}
    assert "next" not in last["_links"]

    beyond = (await client.get("/companies", params={"page": 9, "pageSize": 2}, headers=t.headers)).json()
    assert beyond["results"] == [] and beyond["totalResults"] == 5


async def test_list_query_order_and_tags(client, tenant) -> None:
    t = await tenant()
    await make_company(client, t.headers, "Bravo Trading", tags={"region": "uk"})
    await make_company(client, t.headers, "Alpha Foods", tags={"region": "us"})
    await make_company(client, t.headers, "Charlie Bravo", tags={"region": "uk", "tier": "gold"})

    async def names(**params: str) -> list[str]:
        response = await client.get("/companies", params=params, headers=t.headers)
        assert response.status_code == 200, response.text
        return [c["name"] for c in response.json()["results"]]

    assert await names(query="name~bravo", orderBy="name") == ["Bravo Trading", "Charlie Bravo"]
    assert await names(orderBy="-name") == ["Charlie Bravo", "Bravo Trading", "Alpha Foods"]
    assert await names(query="tags.region=uk&&name!=Bravo Trading") == ["Charlie Bravo"]
    assert await names(query="{name=alpha foods||tags.tier=gold}", orderBy="name") == [
        "Alpha Foods",
        "Charlie Bravo",
    ]
    assert await names(tags="region=uk", orderBy="name") == ["Bravo Trading", "Charlie Bravo"]
    assert await names(tags="region=uk,tier=gold") == ["Charlie Bravo"]
    assert await names(query="created>2000-01-01T00:00:00Z", orderBy="name") == [
        "Alpha Foods",
        "Bravo Trading",
        "Charlie Bravo",
    ]
    assert await names(query="created<2000-01-01") == []
    links = (
        await client.get("/companies", params={"query": "name~a", "pageSize": 1}, headers=t.headers)
    ).json()
    assert links["_links"]["next"]["href"] == "/companies?page=2&pageSize=1&query=name~a"


async def test_put_replaces_and_patch_changes_only_what_is_sent(client, tenant) -> None:
    t = await tenant()
    company = await make_company(client, t.headers, "Old", description="d", tags={"a": "1"})
    path = f"/companies/{company['id']}"

    patched = await client.patch(path, json={"description": "new"}, headers=t.headers)
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["description"], patched.json()["tags"]) == (
        "Old",
        "new",
        {"a": "1"},
    )

    cleared = await client.patch(path, json={"description": None, "name": "Renamed"}, headers=t.headers)
    assert cleared.json()["name"] == "Renamed" and "description" not in cleared.json()

    replaced = await client.put(path, json={"name": "Whole"}, headers=t.headers)
    assert replaced.status_code == 200
    body = replaced.json()
    assert body["name"] == "Whole" and "description" not in body and body["tags"] == {}
    assert (await client.get(path, headers=t.headers)).json() == body


async def test_delete_removes_company_and_its_connections(client, tenant, db_pool) -> None:
    t = await tenant()
    company = await make_company(client, t.headers)
    connection = await make_connection(client, t.headers, company["id"])
    path = f"/companies/{company['id']}"

    listed = (await client.get(path, headers=t.headers)).json()
    assert [c["id"] for c in listed["dataConnections"]] == [connection["id"]]

    deleted = await client.delete(path, headers=t.headers)
    assert deleted.status_code == 204 and deleted.content == b""
    assert (await client.get(path, headers=t.headers)).status_code == 404
    assert (await client.delete(path, headers=t.headers)).status_code == 404
    async with db_pool.acquire() as conn:
        left = await conn.fetchval(
            "SELECT count(*) FROM connections WHERE id = $1", uuid.UUID(connection["id"])
        )
    assert left == 0


async def test_unknown_and_malformed_company_ids_are_404(client, tenant) -> None:
    t = await tenant()
    for company_id in (str(uuid.uuid4()), "not-a-uuid"):
        response = await client.get(f"/companies/{company_id}", headers=t.headers)
        assert response.status_code == 404


async def test_bad_query_names_the_parameter(client, tenant) -> None:
    t = await tenant()
    response = await client.get("/companies", params={"query": "name="}, headers=t.headers)
    assert response.status_code == 400 and "query" in error_fields(response)
    response = await client.get("/companies", params={"orderBy": "na me"}, headers=t.headers)
    assert response.status_code == 400 and "orderBy" in error_fields(response)
    response = await client.get("/companies", params={"tags": "novalue"}, headers=t.headers)
    assert response.status_code == 400 and "tags" in error_fields(response)
