"""The records repository on PostgreSQL: idempotent upserts, deletion marking, isolation, get."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from gateway.records import RecordsRepository, UpsertResult, get_record, list_page
from tests.integration.gateway.records.conftest import BILLS, make_company


async def company_rows(db_pool: Any, company: Any) -> dict[str, Any]:
    rows = await db_pool.fetch(
        "SELECT record_id, modified_date, source_modified_date, is_deleted, connection_id, data::text AS data"
        " FROM records WHERE tenant_id = $1 AND company_id = $2",
        company.tenant_id,
        company.company_id,
    )
    return {r["record_id"]: r for r in rows}


@pytest.mark.asyncio
async def test_upsert_is_idempotent_and_tracks_real_changes(db_pool: Any) -> None:
    company = await make_company(db_pool)
    repo = RecordsRepository(db_pool)
    args = (company.tenant_id, company.company_id, "bills")

    first = await repo.upsert(*args, BILLS, connection_id=company.connection_id, chunk_size=4)
    assert first == UpsertResult(inserted=15, updated=0, unchanged=0)
    before = await company_rows(db_pool, company)

    again = await repo.upsert(*args, BILLS, connection_id=company.connection_id)
    assert again == UpsertResult(inserted=0, updated=0, unchanged=15)
    assert await company_rows(db_pool, company) == before  # not even modifiedDate moved

    changed = [dict(BILLS[4], status="Paid"), *BILLS[5:7]]
    result = await repo.upsert(*args, changed, connection_id=company.connection_id)
    assert result == UpsertResult(inserted=0, updated=1, unchanged=2)
    after = await company_rows(db_pool, company)
    assert after["5"]["modified_date"] > before["5"]["modified_date"]
    assert after["6"]["modified_date"] == before["6"]["modified_date"]

    page, _ = await repo.list_records(*args, order_by="-modifiedDate", page_size=1)
    assert [r.record_id for r in page] == ["5"]
    data = page[0].data()
    assert data["status"] == "Paid"
    # the JSON copy of modifiedDate is the column's instant
    stamp = datetime.fromisoformat(data["modifiedDate"].replace("Z", "+00:00"))
    assert stamp == after["5"]["modified_date"].astimezone(UTC)
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", company.tenant_id)


@pytest.mark.asyncio
async def test_key_order_and_store_owned_fields_are_not_content(db_pool: Any) -> None:
    company = await make_company(db_pool)
    repo = RecordsRepository(db_pool)
    args = (company.tenant_id, company.company_id, "bills")
    sent = {
        "id": "k",
        "status": "Open",
        "metadata": {"isDeleted": True, "x": 1},
        "modifiedDate": "1999-01-01",
    }
    assert await repo.upsert(*args, [sent]) == UpsertResult(inserted=1, updated=0, unchanged=0)
    reordered = {"modifiedDate": "2001-01-01", "metadata": {"x": 1}, "status": "Open", "id": "k"}
    assert await repo.upsert(*args, [reordered]) == UpsertResult(inserted=0, updated=0, unchanged=1)
    stored = (await repo.get(*args, "k")).data()  # type: ignore[union-attr]
    assert stored["metadata"] == {"x": 1, "isDeleted": False} and stored["modifiedDate"] != "1999-01-01"
    assert await repo.upsert(*args, [dict(reordered, metadata={"x": 2})]) == UpsertResult(
        inserted=0, updated=1, unchanged=0
    )
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", company.tenant_id)


@pytest.mark.asyncio
async def test_rows_stored_without_a_digest_are_compared_by_their_json(db_pool: Any) -> None:
    """Rows written before migration 0010 have no content_hash: identical content is still unchanged."""
    company = await make_company(db_pool)
    repo = RecordsRepository(db_pool)
    args = (company.tenant_id, company.company_id, "bills")
    await repo.upsert(*args, BILLS[:3])
    await db_pool.execute(
        "UPDATE records SET content_hash = NULL WHERE tenant_id = $1 AND company_id = $2",
        company.tenant_id,
        company.company_id,
    )
    before = await company_rows(db_pool, company)
    changed = [BILLS[0], dict(BILLS[1], note="changed after the upgrade"), BILLS[2]]
    assert await repo.upsert(*args, changed) == UpsertResult(inserted=0, updated=1, unchanged=2)
    after = await company_rows(db_pool, company)
    assert after["1"] == before["1"] and after["2"]["modified_date"] > before["2"]["modified_date"]
    hashes = await db_pool.fetch(
        "SELECT record_id, content_hash FROM records WHERE tenant_id = $1 ORDER BY record_id",
        company.tenant_id,
    )
    assert [h["content_hash"] is None for h in hashes] == [True, False, True]  # rewritten rows gain one
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", company.tenant_id)


@pytest.mark.asyncio
async def test_source_modified_date_column_is_normalised_from_the_json(db_pool: Any) -> None:
    company = await make_company(db_pool)
    repo = RecordsRepository(db_pool)
    records = [
        {"id": "a", "sourceModifiedDate": "2022-02-23T12:03:30"},
        {"id": "b", "sourceModifiedDate": "2022-02-23T12:03:30+02:00"},
        {"id": "c", "sourceModifiedDate": "not a date"},
        {"id": "d"},
    ]
    await repo.upsert(company.tenant_id, company.company_id, "suppliers", records)
    rows = await company_rows(db_pool, company)
    assert rows["a"]["source_modified_date"] == datetime(2022, 2, 23, 12, 3, 30, tzinfo=UTC)
    assert rows["b"]["source_modified_date"] == datetime(2022, 2, 23, 10, 3, 30, tzinfo=UTC)
    assert rows["c"]["source_modified_date"] is None and rows["d"]["source_modified_date"] is None
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", company.tenant_id)


@pytest.mark.asyncio
async def test_missing_records_are_marked_deleted_and_come_back(db_pool: Any) -> None:
    company = await make_company(db_pool)
    repo = RecordsRepository(db_pool)
    args = (company.tenant_id, company.company_id, "bills")
    await repo.upsert(*args, BILLS[:5])
    assert await repo.mark_missing_deleted(*args, ["1", "2", "3"]) == 2
    assert await repo.mark_missing_deleted(*args, ["1", "2", "3"]) == 0  # already marked
    rows, total = await repo.list_records(*args, query="metadata.isDeleted=true", order_by="id")
    assert [r.record_id for r in rows] == ["4", "5"] and total == 2
    assert all(r.is_deleted for r in rows)
    # deleted records stay readable, as Codat keeps them
    gone = await repo.get(*args, "4")
    assert gone is not None and gone.data()["metadata"] == {"isDeleted": True}

    back = await repo.upsert(*args, [BILLS[3]])
    assert back == UpsertResult(inserted=0, updated=1, unchanged=0)
    again = await repo.get(*args, "4")
    assert again is not None and not again.is_deleted
    assert again.data()["metadata"] == {"isDeleted": False}
    # an empty pull deletes everything that is left
    assert await repo.mark_missing_deleted(*args, []) == 4
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", company.tenant_id)


@pytest.mark.asyncio
async def test_mark_missing_is_scoped_to_type_and_connection(db_pool: Any) -> None:
    company = await make_company(db_pool)
    repo = RecordsRepository(db_pool)
    await repo.upsert(
        company.tenant_id, company.company_id, "bills", BILLS[:2], connection_id=company.connection_id
    )
    await repo.upsert(company.tenant_id, company.company_id, "invoices", [{"id": "1"}])
    other_connection = uuid.uuid4()
    assert (
        await repo.mark_missing_deleted(
            company.tenant_id, company.company_id, "bills", [], connection_id=other_connection
        )
        == 0
    )
    assert await repo.mark_missing_deleted(company.tenant_id, company.company_id, "bills", []) == 2
    invoice = await repo.get(company.tenant_id, company.company_id, "invoices", "1")
    assert invoice is not None and not invoice.is_deleted
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", company.tenant_id)


@pytest.mark.asyncio
async def test_batch_duplicates_structs_and_decimals(db_pool: Any) -> None:
    class Item(msgspec.Struct, rename="camel"):
        id: str
        unit_price: Decimal

    company = await make_company(db_pool)
    repo = RecordsRepository(db_pool)
    args = (company.tenant_id, company.company_id, "items")
    result = await repo.upsert(
        *args,
        [Item("x", Decimal("0.10")), {"id": "y", "unitPrice": Decimal("1")}, Item("x", Decimal("0.30"))],
    )
    assert result == UpsertResult(inserted=2, updated=0, unchanged=0)
    stored = await repo.get(*args, "x")
    assert stored is not None and stored.data()["unitPrice"] == Decimal("0.30")
    assert isinstance(stored.data()["unitPrice"], Decimal)
    rows, total = await repo.list_records(*args, query="unitPrice<0.5")
    assert [r.record_id for r in rows] == ["x"] and total == 1
    with pytest.raises(ValueError, match="id"):
        await repo.upsert(*args, [{"name": "no id"}])
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", company.tenant_id)


@pytest.mark.asyncio
async def test_works_on_a_single_connection_inside_a_caller_transaction(db_pool: Any) -> None:
    company = await make_company(db_pool)
    async with db_pool.acquire() as conn:
        repo = RecordsRepository(conn)
        async with conn.transaction():
            await repo.upsert(company.tenant_id, company.company_id, "bills", BILLS[:3])
            rows, total = await repo.list_records(company.tenant_id, company.company_id, "bills")
            assert total == 3 and len(rows) == 3
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", company.tenant_id)


@pytest.mark.asyncio
async def test_tenants_and_companies_never_see_each_other(db_pool: Any) -> None:
    first = await make_company(db_pool)
    second = await make_company(db_pool)  # another tenant
    sibling = await make_company(db_pool, tenant_id=first.tenant_id)  # same tenant, other company
    repo = RecordsRepository(db_pool)
    await repo.upsert(first.tenant_id, first.company_id, "bills", BILLS)

    for tenant_id, company_id in [
        (second.tenant_id, first.company_id),  # another tenant naming the first tenant's company
        (second.tenant_id, second.company_id),
        (sibling.tenant_id, sibling.company_id),
    ]:
        _, total = await repo.list_records(tenant_id, company_id, "bills")
        assert total == 0
        assert await repo.get(tenant_id, company_id, "bills", "1") is None
        assert await get_record(db_pool, tenant_id, company_id, "bills", "1") is None
        assert await repo.mark_missing_deleted(tenant_id, company_id, "bills", []) == 0
    _, total = await repo.list_records(
        first.tenant_id, first.company_id, "bills", query="metadata.isDeleted=true"
    )
    assert total == 0

    raw = await get_record(db_pool, first.tenant_id, first.company_id, "bills", "1")
    assert raw is not None and msgspec.json.decode(raw)["reference"] == "INV-001"
    page = await list_page(
        db_pool, first.tenant_id, first.company_id, "bills", path="/p", connection_id=first.connection_id
    )
    assert page.total_results == 0  # these records were stored without a connection
    page = await list_page(db_pool, first.tenant_id, first.company_id, "bills", path="/p")
    assert page.total_results == 15

    # deleting the company takes its records with it
    await db_pool.execute("DELETE FROM companies WHERE id = $1", first.company_id)
    assert await db_pool.fetchval("SELECT count(*) FROM records WHERE company_id = $1", first.company_id) == 0
    for made in (first, second):
        await db_pool.execute("DELETE FROM tenants WHERE id = $1", made.tenant_id)
