"""The read routes of every data type: Codat's paths, paging envelope, query language, typed OpenAPI.

Records are put in the store directly (what a pull would have written), so these tests are about
serving them, not about reading Intacct.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import pytest

from gateway.cli import openapi_document
from gateway.data.catalog import COMPANY_INFO_RECORD_ID, DATA_TYPES
from gateway.records import RecordsRepository
from tests.integration.gateway.helpers import error_body, error_fields, make_company, make_connection

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def setup_company(client: Any, tenant: Any) -> tuple[Any, str, str, str]:
    owner = await tenant()
    company = await make_company(client, owner.headers, "Data Routes Co")
    first = await make_connection(client, owner.headers, company["id"])
    second = await make_connection(client, owner.headers, company["id"])
    return owner, company["id"], first["id"], second["id"]


async def put(
    db_pool: Any,
    owner: Any,
    company_id: str,
    data_type: str,
    records: list[dict[str, Any]],
    connection: str | None = None,
) -> None:
    await RecordsRepository(db_pool).upsert(
        owner.tenant_id,
        uuid.UUID(company_id),
        data_type,
        records,
        connection_id=uuid.UUID(connection) if connection else None,
    )


async def test_company_level_lists_page_filter_and_sort(client, tenant, db_pool) -> None:
    owner, company_id, connection_id, _ = await setup_company(client, tenant)
    suppliers = [
        {"id": f"V{i}", "supplierName": f"Supplier {i}", "status": "Active" if i % 2 else "Archived"}
        for i in range(7)
    ]
    await put(db_pool, owner, company_id, "suppliers", suppliers, connection_id)
    path = f"/companies/{company_id}/data/suppliers"

    first = (
        await client.get(path, params={"pageSize": 3, "orderBy": "-supplierName"}, headers=owner.headers)
    ).json()
    assert [s["id"] for s in first["results"]] == ["V6", "V5", "V4"]
    assert (first["pageNumber"], first["pageSize"], first["totalResults"]) == (1, 3, 7)
    assert first["_links"]["self"]["href"] == path
    assert first["_links"]["current"]["href"] == f"{path}?page=1&pageSize=3&orderBy=-supplierName"
    assert "previous" not in first["_links"]
    last = (
        await client.get(first["_links"]["next"]["href"].replace("page=2", "page=3"), headers=owner.headers)
    ).json()
    assert [s["id"] for s in last["results"]] == ["V0"] and "next" not in last["_links"]
    assert last["_links"]["previous"]["href"].startswith(f"{path}?page=2")

    active = (
        await client.get(
            path, params={"query": "status=active&&supplierName~supplier"}, headers=owner.headers
        )
    ).json()
    assert sorted(s["id"] for s in active["results"]) == ["V1", "V3", "V5"] and active["totalResults"] == 3
    assert "query=status%3Dactive%26%26supplierName~supplier" in active["_links"]["current"]["href"]

    one = await client.get(f"{path}/V3", headers=owner.headers)
    assert one.status_code == 200 and one.json()["supplierName"] == "Supplier 3"
    assert one.json()["metadata"] == {"isDeleted": False} and one.json()["modifiedDate"].endswith("Z")
    missing = await client.get(f"{path}/V99", headers=owner.headers)
    assert missing.status_code == 404 and "V99" in error_body(missing).error

    # Deleted records stay readable, flagged, and can be filtered out.
    await RecordsRepository(db_pool).mark_missing_deleted(
        owner.tenant_id, uuid.UUID(company_id), "suppliers", [f"V{i}" for i in range(6)]
    )
    gone = (await client.get(f"{path}/V6", headers=owner.headers)).json()
    assert gone["metadata"]["isDeleted"] is True
    live = (
        await client.get(path, params={"query": "metadata.isDeleted!=true"}, headers=owner.headers)
    ).json()
    assert live["totalResults"] == 6


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"pageSize": 5001}, "pageSize", ""),
        ({"pageSize": 0}, "pageSize", ""),
        ({"page": 0}, "page", ""),
        ({"query": "totalAmount>>5"}, "query", "position 12"),
        ({"query": "{status=paid"}, "query", "position"),
        ({"query": "status=paid || currency=GBP && x=1"}, "query", "position"),
        ({"orderBy": "-"}, "orderBy", "position"),
        ({"query": "issueDate>2021-13-45"}, "query", "position"),
    ],
)
async def test_bad_list_parameters_are_400_naming_the_parameter(client, tenant, params, field, words) -> None:
    owner = await tenant()
    company = await make_company(client, owner.headers, "Bad Params Co")
    response = await client.get(
        f"/companies/{company['id']}/data/bills", params=params, headers=owner.headers
    )
    assert response.status_code == 400, response.text
    assert error_fields(response) == {field}
    assert words in error_body(response).error


async def test_amounts_keep_their_digits_and_compare_as_numbers(client, tenant, db_pool) -> None:
    owner, company_id, connection_id, _ = await setup_company(client, tenant)
    bills = [
        {"id": "B1", "totalAmount": Decimal("100.10"), "currency": "GBP", "issueDate": "2024-01-31T00:00:00"},
        {"id": "B2", "totalAmount": Decimal("50"), "currency": "USD", "issueDate": "2024-02-29T00:00:00"},
        {"id": "B3", "totalAmount": Decimal("0.005"), "currency": "USD", "issueDate": "2024-03-01"},
    ]
    await put(db_pool, owner, company_id, "bills", bills, connection_id)
    path = f"/companies/{company_id}/data/bills"
    response = await client.get(path, params={"query": "totalAmount>60"}, headers=owner.headers)
    (b1,) = json.loads(response.text, parse_float=Decimal)["results"]
    assert b1["id"] == "B1" and str(b1["totalAmount"]) == "100.10"  # the digits as stored, not a float
    by_date = await client.get(
        path, params={"query": "issueDate>=2024-02-01", "orderBy": "-issueDate"}, headers=owner.headers
    )
    assert [b["id"] for b in by_date.json()["results"]] == ["B3", "B2"]
    exact = json.loads((await client.get(f"{path}/B3", headers=owner.headers)).text, parse_float=Decimal)
    assert exact["totalAmount"] == Decimal("0.005")


async def test_connection_scoped_types_are_served_per_connection(client, tenant, db_pool) -> None:
    owner, company_id, first, second = await setup_company(client, tenant)
    await put(db_pool, owner, company_id, "directIncomes", [{"id": "D1", "reference": "Walk-in"}], first)
    await put(db_pool, owner, company_id, "transfers", [{"id": "T1"}], first)
    await put(db_pool, owner, company_id, "payments", [{"id": "P1"}], first)

    for data_type in ("directIncomes", "transfers", "payments"):
        mine = (
            await client.get(
                f"/companies/{company_id}/connections/{first}/data/{data_type}", headers=owner.headers
            )
        ).json()
        other = (
            await client.get(
                f"/companies/{company_id}/connections/{second}/data/{data_type}", headers=owner.headers
            )
        ).json()
        assert mine["totalResults"] == 1 and other["totalResults"] == 0, data_type
        assert (
            mine["_links"]["self"]["href"] == f"/companies/{company_id}/connections/{first}/data/{data_type}"
        )
    got = await client.get(
        f"/companies/{company_id}/connections/{first}/data/directIncomes/D1", headers=owner.headers
    )
    assert got.status_code == 200 and got.json()["reference"] == "Walk-in"
    wrong = await client.get(
        f"/companies/{company_id}/connections/{second}/data/directIncomes/D1", headers=owner.headers
    )
    assert wrong.status_code == 404
    assert (
        await client.get(f"/companies/{company_id}/data/payments/P1", headers=owner.headers)
    ).status_code == 200
    # directIncomes have no company-level route in Codat's API.
    assert (
        await client.get(f"/companies/{company_id}/data/directIncomes", headers=owner.headers)
    ).status_code == 404


async def test_company_info_is_one_object(client, tenant, db_pool) -> None:
    owner, company_id, connection_id, _ = await setup_company(client, tenant)
    path = f"/companies/{company_id}/data/info"
    before = await client.get(path, headers=owner.headers)
    assert before.status_code == 404 and "not been pulled" in error_body(before).error
    info = {"id": COMPANY_INFO_RECORD_ID, "companyName": "Demo Inc", "baseCurrency": "USD"}
    await put(db_pool, owner, company_id, "companyInfo", [info], connection_id)
    after = await client.get(path, headers=owner.headers)
    assert after.status_code == 200 and after.json() == {"companyName": "Demo Inc", "baseCurrency": "USD"}


async def test_every_type_has_codat_paths_operation_ids_and_typed_responses() -> None:
    document = openapi_document()
    paths, schemas = document["paths"], document["components"]["schemas"]

    def ref(path: str, operation: str) -> str:
        item = paths[path]["get"]
        assert item["operationId"] == operation, (path, item["operationId"])
        schema: str = item["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        return schema.rsplit("/", 1)[-1]

    for spec in DATA_TYPES:
        if spec.page_model is None:
            assert ref("/companies/{companyId}/data/info", "get-company-info") == "CompanyInfo"
            continue
        base = "/companies/{companyId}" + (
            "/connections/{connectionId}" if spec.scope == "connection" else ""
        )
        listed = ref(f"{base}/data/{spec.path}", f"list-{spec.kebab}")
        single = ref(f"{base}/data/{spec.path}/{{{spec.id_param}}}", f"get-{spec.kebab_singular}")
        assert (listed, single) == (spec.page_model.__name__, spec.item_model.__name__)
        assert set(schemas[listed]["required"]) >= {"pageNumber", "pageSize", "totalResults", "_links"}
        parameters = {p["name"] for p in paths[f"{base}/data/{spec.path}"]["get"]["parameters"]}
        assert {"page", "pageSize", "query", "orderBy"} <= parameters
    assert paths["/companies/{companyId}/data/bills"]["get"]["operationId"] == "list-bills"
    assert paths["/companies/{companyId}/dataStatus"]["get"]["operationId"] == "get-data-status"
    assert paths["/companies/{companyId}/data/queue/{dataType}"]["post"]["operationId"] == "refresh-data-type"
    assert paths["/companies/{companyId}/data/history"]["get"]["operationId"] == "list-pull-operations"
