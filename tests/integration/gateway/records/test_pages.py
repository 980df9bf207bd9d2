"""Pages read from census marks on PostgreSQL: the same records, order and totals as counting and
skipping every time; a census learnt once per version of the set; a changed set never served stale."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from gateway.records import RecordsRepository, parse_order_by, parse_query
from gateway.records.pages import MIN_STRIDE, PageReader, SetScope
from gateway.records.sql import Compiler
from tests.integration.gateway.records.conftest import Company, make_company

SIZE = 350  # more than three strides: pages start from marks 0, 100, 200 and 300


class Counting:
    """A pool stand-in counting the statements sent through it."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.statements: list[str] = []

    async def fetch(self, sql: str, *args: Any) -> Any:
        self.statements.append(sql)
        return await self.pool.fetch(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> Any:
        self.statements.append(sql)
        return await self.pool.fetchrow(sql, *args)


def bills(count: int, *, start: int = 0, note: str = "") -> list[dict[str, Any]]:
    """Bills with ids that sort as text in a different order than as numbers, amounts as numbers."""
    return [
        {"id": f"B{n}", "reference": f"R{n % 7}", "totalAmount": n % 13, "currency": "GBP", "note": note}
        for n in range(start, start + count)
    ]


async def seeded(db_pool: Any) -> Company:
    company = await make_company(db_pool)
    repo = RecordsRepository(db_pool)
    # three upserts, so modified dates differ between groups and tie inside each one
    for chunk in range(0, SIZE, 120):
        await repo.upsert(
            company.tenant_id,
            company.company_id,
            "bills",
            bills(min(120, SIZE - chunk), start=chunk),
            connection_id=company.connection_id,
        )
    return company


async def expected(db_pool: Any, company: Company, where: str, order: str) -> list[str]:
    """Every matching id in order, the plain way."""
    rows = await db_pool.fetch(
        f"SELECT record_id FROM records WHERE tenant_id = $1 AND company_id = $2 AND data_type = 'bills' "
        f"AND {where} ORDER BY {order}",
        company.tenant_id,
        company.company_id,
    )
    return [r["record_id"] for r in rows]


async def walk(
    reader: PageReader, db: Any, company: Company, query: str | None, order_by: str | None, size: int
) -> tuple[list[str], set[int]]:
    ids: list[str] = []
    totals: set[int] = set()
    scope = SetScope(company.tenant_id, company.company_id, "bills")
    for number in range(1, SIZE // size + 3):  # one page past the end too
        args = (db, scope, parse_query(query), parse_order_by(order_by))
        rows, total = await reader.rows(*args, limit=size, offset=(number - 1) * size, compiler=Compiler())
        joined, joined_total = await reader.joined(
            *args, limit=size, offset=(number - 1) * size, compiler=Compiler()
        )
        assert [json.loads(r["data"])["id"] for r in rows] == [r["id"] for r in json.loads(joined)]
        ids += [r["record_id"] for r in rows]
        totals |= {total, joined_total}
    return ids, totals


CASES = [
    (None, None, "TRUE", "record_id"),
    (None, "modifiedDate", "TRUE", "modified_date, record_id"),
    (None, "-modifiedDate", "TRUE", "modified_date DESC, record_id DESC"),
    ("totalAmount>=4", None, "(data->>'totalAmount')::numeric >= 4", "record_id"),
    ("reference=r3", "-modifiedDate", "data->>'reference' = 'R3'", "modified_date DESC, record_id DESC"),
    # an order without marks: sorted per request, counted once
    (None, "totalAmount", "TRUE", "(data->>'totalAmount')::numeric, record_id"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [100, 7, 33])
@pytest.mark.parametrize(("query", "order_by", "where", "order"), CASES)
async def test_pages_from_marks_are_the_pages_of_a_plain_listing(
    db_pool: Any, size: int, query: str | None, order_by: str | None, where: str, order: str
) -> None:
    company = await seeded(db_pool)
    reader = PageReader()
    want = await expected(db_pool, company, where, order)
    ids, totals = await walk(reader, db_pool, company, query, order_by, size)
    assert ids == want
    assert totals == {len(want)}
    assert len(reader._censuses) == 1  # one listing, one census, whatever the page


@pytest.mark.asyncio
async def test_an_unchanged_set_costs_one_statement_per_page(db_pool: Any) -> None:
    company = await seeded(db_pool)
    reader, db = PageReader(), Counting(db_pool)
    scope = SetScope(company.tenant_id, company.company_id, "bills")
    await reader.joined(db, scope, None, None, limit=100, offset=0, compiler=Compiler())
    assert len(db.statements) == 2  # the census, then the page
    for offset in (300, 100, 200, 340, 1000):
        await reader.joined(db, scope, None, None, limit=100, offset=offset, compiler=Compiler())
    assert len(db.statements) == 7
    assert not any("count(*)" in sql for sql in db.statements[2:])
    assert all("OFFSET 0" in sql or "OFFSET 40" in sql for sql in db.statements[2:6])


@pytest.mark.asyncio
async def test_every_write_to_the_set_is_seen_by_the_next_page(db_pool: Any) -> None:
    company = await seeded(db_pool)
    repo = RecordsRepository(db_pool)
    reader, db = PageReader(), Counting(db_pool)
    scope = SetScope(company.tenant_id, company.company_id, "bills")

    async def page(offset: int) -> tuple[list[str], int]:
        text, total = await reader.joined(
            db, scope, None, None, limit=100, offset=offset, compiler=Compiler()
        )
        return [r["id"] for r in json.loads(text)], total

    before, total = await page(200)
    assert total == SIZE and before[0] == (await expected(db_pool, company, "TRUE", "record_id"))[200]
    # a record that sorts before page 3 shifts it by one
    await repo.upsert(company.tenant_id, company.company_id, "bills", [{"id": "A0"}])
    after, total = await page(200)
    assert total == SIZE + 1 and after == (await expected(db_pool, company, "TRUE", "record_id"))[200:300]
    assert after[1:] == before[:-1]
    # a changed record (no new id) makes a new version too: a filter on what changed sees it
    deleted = parse_query("metadata.isDeleted=true")
    _, total = await reader.joined(db, scope, deleted, None, limit=10, offset=0, compiler=Compiler())
    assert total == 0
    marked = await repo.mark_missing_deleted(
        company.tenant_id, company.company_id, "bills", [b["id"] for b in bills(SIZE)]
    )
    assert marked == 1
    text, total = await reader.joined(db, scope, deleted, None, limit=10, offset=0, compiler=Compiler())
    assert total == 1 and [r["id"] for r in json.loads(text)] == ["A0"]
    # another company's writes leave this set's census alone
    await page(0)
    statements = len(db.statements)
    other = await make_company(db_pool)
    await repo.upsert(other.tenant_id, other.company_id, "bills", bills(3))
    await page(100)
    assert len(db.statements) == statements + 1


@pytest.mark.asyncio
async def test_a_set_changing_between_census_and_page_is_read_exactly(db_pool: Any) -> None:
    company = await seeded(db_pool)
    repo = RecordsRepository(db_pool)
    scope = SetScope(company.tenant_id, company.company_id, "bills")

    class ChangingUnderneath(Counting):
        """Writes to the set right after each census, as a pull running alongside would."""

        async def fetch(self, sql: str, *args: Any) -> Any:
            rows = await super().fetch(sql, *args)
            if "row_number()" in sql:
                n = len(self.statements)
                await repo.upsert(company.tenant_id, company.company_id, "bills", [{"id": f"A{n}"}])
            return rows

    db = ChangingUnderneath(db_pool)
    text, total = await PageReader().joined(db, scope, None, None, limit=100, offset=0, compiler=Compiler())
    assert total == SIZE + 1  # counted as the set stood when the page was read
    want = await expected(db_pool, company, "TRUE", "record_id")
    assert [r["id"] for r in json.loads(text)] == want[:100]
    assert "count(*) FROM records" in db.statements[-1]


@pytest.mark.asyncio
async def test_concurrent_first_requests_share_one_census(db_pool: Any) -> None:
    company = await seeded(db_pool)
    reader, db = PageReader(), Counting(db_pool)
    scope = SetScope(company.tenant_id, company.company_id, "bills")
    results = await asyncio.gather(
        *(
            reader.joined(db, scope, None, None, limit=50, offset=50 * n, compiler=Compiler())
            for n in range(8)
        )
    )
    assert {total for _, total in results} == {SIZE}
    assert sum("row_number()" in sql for sql in db.statements) == 1


@pytest.mark.asyncio
async def test_connection_scope_and_empty_sets(db_pool: Any) -> None:
    company = await seeded(db_pool)
    reader = PageReader()
    mine = SetScope(company.tenant_id, company.company_id, "bills", company.connection_id)
    rows, total = await reader.rows(
        db_pool, mine, None, None, limit=5, offset=MIN_STRIDE, compiler=Compiler()
    )
    assert total == SIZE and len(rows) == 5
    other = await make_company(db_pool, company.tenant_id)
    theirs = SetScope(company.tenant_id, company.company_id, "bills", other.connection_id)
    assert await reader.rows(db_pool, theirs, None, None, limit=5, offset=0, compiler=Compiler()) == ([], 0)
    nothing = SetScope(company.tenant_id, company.company_id, "invoices")
    assert await reader.joined(db_pool, nothing, None, None, limit=5, offset=0, compiler=Compiler()) == (
        "[]",
        0,
    )
