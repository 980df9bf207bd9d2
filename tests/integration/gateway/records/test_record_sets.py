"""Migrations 0008/0009 on PostgreSQL: a set's version moves with every real write to it and with no
other, cascades never fail on it, and the stored JSON text is always ``data::text``."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.records import RecordsRepository
from tests.integration.gateway.records.conftest import Company, make_company


async def version(db_pool: Any, company: Company, data_type: str = "bills") -> int | None:
    value: int | None = await db_pool.fetchval(
        "SELECT version FROM record_sets WHERE tenant_id = $1 AND company_id = $2 AND data_type = $3",
        company.tenant_id,
        company.company_id,
        data_type,
    )
    return value


@pytest.mark.asyncio
async def test_the_version_moves_with_each_write_and_only_then(db_pool: Any) -> None:
    company = await make_company(db_pool)
    repo = RecordsRepository(db_pool)
    records = [{"id": "1", "total": 1}, {"id": "2", "total": 2}]
    assert await version(db_pool, company) is None
    await repo.upsert(company.tenant_id, company.company_id, "bills", records)
    first = await version(db_pool, company)
    assert first is not None
    await repo.upsert(company.tenant_id, company.company_id, "bills", records)  # nothing changed
    assert await version(db_pool, company) == first
    await repo.upsert(company.tenant_id, company.company_id, "bills", [{"id": "2", "total": 3}])
    second = await version(db_pool, company)
    assert second is not None and second > first
    await repo.mark_missing_deleted(company.tenant_id, company.company_id, "bills", ["2"])
    third = await version(db_pool, company)
    assert third is not None and third > second
    # other data types and companies have their own versions
    await repo.upsert(company.tenant_id, company.company_id, "invoices", records)
    assert await version(db_pool, company) == third
    await db_pool.execute(
        "DELETE FROM records WHERE tenant_id = $1 AND company_id = $2 AND data_type = 'bills' "
        "AND record_id = '1'",
        company.tenant_id,
        company.company_id,
    )
    fourth = await version(db_pool, company)
    assert fourth is not None and fourth > third


@pytest.mark.asyncio
async def test_deleting_connections_companies_and_tenants_cascades_through_the_sets(db_pool: Any) -> None:
    company = await make_company(db_pool)
    repo = RecordsRepository(db_pool)
    await repo.upsert(
        company.tenant_id, company.company_id, "bills", [{"id": "1"}], connection_id=company.connection_id
    )
    before = await version(db_pool, company)
    await db_pool.execute("DELETE FROM connections WHERE id = $1", company.connection_id)  # SET NULL
    after = await version(db_pool, company)
    assert before is not None and after is not None and after > before
    await db_pool.execute("DELETE FROM companies WHERE id = $1", company.company_id)
    assert await version(db_pool, company) is None
    other = await make_company(db_pool)
    await repo.upsert(
        other.tenant_id, other.company_id, "bills", [{"id": "1"}], connection_id=other.connection_id
    )
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", other.tenant_id)
    assert await version(db_pool, other) is None


@pytest.mark.asyncio
async def test_the_stored_text_is_the_json_as_postgresql_prints_it(db_pool: Any) -> None:
    company = await make_company(db_pool)
    repo = RecordsRepository(db_pool)
    await repo.upsert(company.tenant_id, company.company_id, "bills", [{"id": "1", "amount": "1.10"}])
    await repo.upsert(company.tenant_id, company.company_id, "bills", [{"id": "1", "amount": 12.5}])
    await repo.mark_missing_deleted(company.tenant_id, company.company_id, "bills", [])
    row = await db_pool.fetchrow(
        "SELECT data_text, data::text AS printed FROM records WHERE tenant_id = $1 AND company_id = $2",
        company.tenant_id,
        company.company_id,
    )
    assert row["data_text"] == row["printed"]
    assert '"amount": 12.5' in row["data_text"] and '"isDeleted": true' in row["data_text"]
