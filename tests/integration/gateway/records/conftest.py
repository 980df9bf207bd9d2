"""Fixtures of the records tests: tenants/companies made straight in SQL, and the seeded bills."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest_asyncio

from gateway.records import RecordsRepository


@dataclass(frozen=True, slots=True)
class Company:
    tenant_id: uuid.UUID
    company_id: uuid.UUID
    connection_id: uuid.UUID


async def make_company(db_pool: Any, tenant_id: uuid.UUID | None = None) -> Company:
    """A company (and, unless given, a new tenant) with one connection."""
    company = Company(tenant_id or uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    if tenant_id is None:
        await db_pool.execute(
            "INSERT INTO tenants (id, name) VALUES ($1, $2)", company.tenant_id, f"rec-{company.tenant_id}"
        )
    await db_pool.execute(
        "INSERT INTO companies (id, tenant_id, name) VALUES ($1, $2, 'Records Co')",
        company.company_id,
        company.tenant_id,
    )
    await db_pool.execute(
        "INSERT INTO connections (id, tenant_id, company_id, integration_key) VALUES ($1, $2, $3, 'knfz')",
        company.connection_id,
        company.tenant_id,
        company.company_id,
    )
    return company


def bill(
    record_id: str,
    reference: str,
    supplier: tuple[str, str] | None,
    issue_date: str,
    due_date: str | type[KeyError] | None,
    total: Decimal | str,
    status: str,
    currency: str,
    **extra: Any,
) -> dict[str, Any]:
    """A bill-like record; ``due_date=KeyError`` leaves the field out entirely."""
    record: dict[str, Any] = {"id": record_id, "reference": reference}
    if supplier is not None:
        record["supplierRef"] = {"id": supplier[0], "supplierName": supplier[1]}
    record["issueDate"] = issue_date
    if due_date is not KeyError:
        record["dueDate"] = due_date
    record.update(totalAmount=total, status=status, currency=currency, lineItems=[{"unitAmount": total}])
    record.update(extra)
    return record


ADP, ACME, SMITH, ZETA = ("3", "ADP"), ("7", "Acme Corp"), ("9", "Smith & Sons"), ("12", "Zeta")
D = Decimal

# Dates in every form Codat emits: zone-less local, UTC Z, offsets, bare dates, fractions.
BILLS = [
    bill(
        "1",
        "INV-001",
        ADP,
        "2021-10-19T00:00:00",
        "2021-10-29T00:00:00",
        D("25"),
        "Open",
        "GBP",
        sourceModifiedDate="2022-02-23T12:03:30",
    ),
    bill(
        "2",
        "INV-002",
        ADP,
        "2021-11-15T06:00:00Z",
        "2021-12-15",
        D("100.50"),
        "Paid",
        "USD",
        paidOnDate="2021-12-01",
    ),
    bill(
        "3",
        "INV-003",
        ADP,
        "2021-11-15T01:00:00-05:00",
        "2021-12-15T00:00:00Z",
        D("100.5"),
        "paid",
        "USD",
        paidOnDate="2021-12-02T10:00:00",
    ),
    bill("4", "INV-004", ACME, "2022-10-23", "2022-11-22", D("0"), "PAID", "gbp"),
    bill(
        "5", "INV-005", ACME, "2022-10-23T23:30:00+01:00", "2022-11-23", D("-12.75"), "PartiallyPaid", "EUR"
    ),
    bill("6", "50% off_deal", ACME, "2022-10-24T00:30:00+01:00", "2022-11-24", D("60"), "Open", "GBP"),
    bill("7", "12100", SMITH, "2023-01-01T00:00:00.5Z", "2023-01-31", D("9.99"), "Open", "GBP"),
    bill("8", "2021-02-30", SMITH, "2023-02-01", KeyError, D("1000000.01"), "Void", "GBP"),
    bill("9", "O'Brien", ZETA, "2023-03-01T12:00:00", None, D("10"), "Draft", "USD", note="pay later"),
    bill("10", "INV-010", None, "2023-03-01T12:00:00+00:00", "2023-03-31", D("10.00"), "Open", "GBP"),
    bill("11", "INV_011", ADP, "2020-02-29", "2020-03-29", D("250"), "Paid", "GBP", paidOnDate="2020-03-01"),
    bill("12", "inv-012", ACME, "2021-01-01T00:00:00Z", "2021-01-31", D("99.999"), "Open", "GBP"),
    bill("13", "INV-013", ADP, "2021-06-30", "2021-07-30", D("5"), "Open", "GBP"),
    bill("14", "INV-014", ZETA, "2022-06-30T18:00:00-06:00", "2022-07-30", D("75"), "Submitted", "CAD"),
    bill("15", "INV-015", ZETA, "2022-07-01", "2022-07-31", "75", "Open", "CAD"),  # amount as text
]
ALL_IDS = {b["id"] for b in BILLS}


@dataclass(frozen=True, slots=True)
class Seeded:
    company: Company
    seeded_from: datetime  # taken just before seeding: every modifiedDate is at or after it


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def seeded(db_pool: Any) -> AsyncIterator[Seeded]:
    """The 15 bills in one company, bill 13 then deleted in the source (a full pull without it)."""
    company = await make_company(db_pool)
    start = await db_pool.fetchval("SELECT now()")
    repo = RecordsRepository(db_pool)
    await repo.upsert(
        company.tenant_id, company.company_id, "bills", BILLS, connection_id=company.connection_id
    )
    await repo.mark_missing_deleted(
        company.tenant_id, company.company_id, "bills", [b["id"] for b in BILLS if b["id"] != "13"]
    )
    yield Seeded(company, start.astimezone(UTC))
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", company.tenant_id)
