"""Fixtures of the jobs tests: a tenant with a company and a connection, and the recording tables."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest_asyncio

from tests.integration.gateway.jobs.support import TEST_TABLES


@dataclass(frozen=True, slots=True)
class Company:
    tenant_id: uuid.UUID
    company_id: uuid.UUID
    connection_id: uuid.UUID


async def make_company(db_pool: Any) -> Company:
    """Rows straight into the foundation tables: these tests are about the queue, not the API."""
    company = Company(uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    await db_pool.execute(
        "INSERT INTO tenants (id, name) VALUES ($1, $2)", company.tenant_id, f"jobs-{company.tenant_id}"
    )
    await db_pool.execute(
        "INSERT INTO companies (id, tenant_id, name) VALUES ($1, $2, 'Jobs Co')",
        company.company_id,
        company.tenant_id,
    )
    await db_pool.execute(
        "INSERT INTO connections (id, tenant_id, company_id, integration_key, status)"
        " VALUES ($1, $2, $3, 'knfz', 'Linked')",
        company.connection_id,
        company.tenant_id,
        company.company_id,
    )
    return company


@pytest_asyncio.fixture(loop_scope="session")
async def company(db_pool: Any) -> AsyncIterator[Company]:
    """A fresh tenant/company/connection; deleting the tenant at the end cascades to its operations
    and schedules, so no test leaves due work behind for the next one."""
    await db_pool.execute(TEST_TABLES)
    made = await make_company(db_pool)
    yield made
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", made.tenant_id)
