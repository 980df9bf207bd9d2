"""Codat queries over seeded bills on PostgreSQL: each query's result set, ordering, paging and links."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec
import pytest

from gateway.records import QueryError, RecordsRepository, list_page
from tests.integration.gateway.records.conftest import ALL_IDS, Seeded


def ids(*values: int) -> set[str]:
    return {str(v) for v in values}


def all_but(*values: int) -> set[str]:
    return ALL_IDS - ids(*values)


QUERIES: list[tuple[str, set[str]]] = [
    # text: case-insensitive equality, as Codat does
    ("currency=GBP", ids(1, 4, 6, 7, 8, 10, 11, 12, 13)),
    ("currency!=gbp", ids(2, 3, 5, 9, 14, 15)),
    ("status=paid", ids(2, 3, 4, 11)),
    ("reference=o'brien", ids(9)),
    # nested refs; a number-looking value still matches a string field as text
    ("supplierRef.id=3", ids(1, 2, 3, 11, 13)),
    ("supplierRef.supplierName=acme corp", ids(4, 5, 6, 12)),
    ("reference=12100", ids(7)),
    ("id=7", ids(7)),
    # contains, with LIKE wildcards taken literally
    ("supplierRef.supplierName~smith & s", ids(7, 8)),
    ("reference~_0", ids(11)),
    ("reference~%", ids(6)),
    ("reference~INV", ids(1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15)),
    # null: absent and JSON null alike
    ("supplierRef=null", ids(10)),
    ("supplierRef.id!=null", all_but(10)),
    ("dueDate=null", ids(8, 9)),
    ("dueDate!=null", all_but(8, 9)),
    # numbers compare numerically (100.50 = 100.5); a text "75" is not a number for ranges
    ("totalAmount>100", ids(2, 3, 8, 11)),
    ("totalAmount=100.5", ids(2, 3)),
    ("totalAmount<=0", ids(4, 5)),
    ("totalAmount=75", ids(14, 15)),
    ("totalAmount>=75", ids(2, 3, 8, 11, 12, 14)),
    ("totalAmount!=10", all_but(9, 10)),
    ("totalAmount<-12.7", ids(5)),
    # dates in every Codat form compare as instants
    ("issueDate=2021-11-15T06:00:00Z", ids(2, 3)),
    ("issueDate=2021-11-15T01:00:00-05:00", ids(2, 3)),
    ("issueDate>=2022-10-23 && issueDate<2022-10-24", ids(4, 5, 6)),
    ("issueDate>2022-12-31T23:59:59.999", ids(7, 8, 9, 10)),
    ("issueDate=2023-03-01T12:00:00", ids(9, 10)),
    ("issueDate<2021-01-01", ids(11)),
    ("issueDate>=2022-07-01 && issueDate<=2022-07-01T00:00:00+00:00", ids(14, 15)),
    ("dueDate<2021-12-15T00:00:00.001Z && dueDate>2021-12-14T23:59:59.999", ids(2, 3)),
    ("paidOnDate>=2021-12-01 || note~later", ids(2, 3, 9)),
    # a garbage date string in the data neither matches nor fails the request
    ("reference>2021-01-01", set()),
    # booleans (the store keeps metadata.isDeleted; bill 13 was deleted in the source)
    ("metadata.isDeleted=true", ids(13)),
    ("metadata.isDeleted!=true", all_but(13)),
    ("metadata.isDeleted=false && currency=usd", ids(2, 3, 9)),
    # grouping
    ("{status=paid || status=PartiallyPaid} && currency=USD", ids(2, 3)),
    ("{totalAmount > 100 || totalAmount < 5} && status != paid", ids(5, 8)),
    ("status=open && {currency=cad || supplierRef.supplierName~zeta}", ids(15)),
    (
        "{{supplierRef.id=7 && totalAmount>50} || {supplierRef.id=12 && status=draft}} && currency!=EUR",
        ids(6, 9, 12),
    ),
    # fields that do not exist, and arrays (not queryable, as in Codat), match nothing
    ("nosuchField=1", set()),
    ("lineItems.unitAmount=25", set()),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
async def test_query_returns_expected_ids(
    db_pool: Any, seeded: Seeded, query: str, expected: set[str]
) -> None:
    company = seeded.company
    rows, total = await RecordsRepository(db_pool).list_records(
        company.tenant_id, company.company_id, "bills", query=query, page_size=100
    )
    assert {r.record_id for r in rows} == expected
    assert total == len(expected)


@pytest.mark.asyncio
async def test_modified_date_queries_use_the_store_clock(db_pool: Any, seeded: Seeded) -> None:
    company, since = seeded.company, seeded.seeded_from.isoformat().replace("+00:00", "Z")
    repo = RecordsRepository(db_pool)
    rows, total = await repo.list_records(
        company.tenant_id, company.company_id, "bills", query=f"modifiedDate>={since}"
    )
    assert total == 15 and len(rows) == 15
    _, total = await repo.list_records(
        company.tenant_id, company.company_id, "bills", query="modifiedDate<2000-01-01"
    )
    assert total == 0
    # the JSON copy and the column agree, so the text form filters the same way
    stamp = rows[0].data()["modifiedDate"]
    _, total = await repo.list_records(
        company.tenant_id, company.company_id, "bills", query=f"modifiedDate={stamp}"
    )
    assert total >= 1


ORDERS = [
    ("totalAmount", [15, 5, 4, 13, 7, 9, 10, 1, 6, 14, 12, 3, 2, 11, 8]),
    ("-issueDate", [10, 9, 8, 7, 6, 5, 4, 15, 14, 2, 3, 1, 13, 12, 11]),
    ("supplierRef.supplierName", [10, 12, 4, 5, 6, 1, 11, 13, 2, 3, 7, 8, 14, 15, 9]),
    ("-supplierRef.supplierName", [9, 15, 14, 8, 7, 3, 2, 13, 11, 1, 6, 5, 4, 12, 10]),
    # 2 and 3 fall due at the same instant: the longer text sorts higher; absent dueDates (8, 9)
    # come last descending, record id breaking their tie backwards.
    ("-dueDate", [10, 7, 6, 5, 4, 15, 14, 3, 2, 1, 13, 12, 11, 9, 8]),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("order_by", "expected"), ORDERS, ids=[o for o, _ in ORDERS])
async def test_order_by(db_pool: Any, seeded: Seeded, order_by: str, expected: list[int]) -> None:
    company = seeded.company
    rows, _ = await RecordsRepository(db_pool).list_records(
        company.tenant_id, company.company_id, "bills", order_by=order_by
    )
    assert [r.record_id for r in rows] == [str(v) for v in expected]


@pytest.mark.asyncio
async def test_query_and_order_by_together(db_pool: Any, seeded: Seeded) -> None:
    company = seeded.company
    rows, total = await RecordsRepository(db_pool).list_records(
        company.tenant_id,
        company.company_id,
        "bills",
        query="currency=GBP && totalAmount>=10",
        order_by="-totalAmount",
    )
    assert [r.record_id for r in rows] == ["8", "11", "12", "6", "1", "10"]
    assert total == 6


@pytest.mark.asyncio
async def test_pages_totals_and_links(db_pool: Any, seeded: Seeded) -> None:
    company = seeded.company
    path = f"/companies/{company.company_id}/data/bills"
    query, order_by = "currency=GBP", "issueDate"
    seen: list[str] = []
    for number, size in [(1, 4), (2, 4), (3, 4), (4, 4)]:
        page = await list_page(
            db_pool,
            company.tenant_id,
            company.company_id,
            "bills",
            path=path,
            page=number,
            page_size=size,
            query=query,
            order_by=order_by,
        )
        body = json.loads(msgspec.json.encode(page))
        assert (body["pageNumber"], body["pageSize"], body["totalResults"]) == (number, size, 9)
        assert len(body["results"]) == [4, 4, 1, 0][number - 1]
        seen += [r["id"] for r in body["results"]]
        links = body["_links"]
        assert links["self"] == {"href": path}
        current = urlsplit(links["current"]["href"])
        assert current.path == path
        assert parse_qs(current.query) == {
            "page": [str(number)],
            "pageSize": [str(size)],
            "query": [query],
            "orderBy": [order_by],
        }
        assert ("next" in links) == (number < 3)
        assert ("previous" in links) == (number > 1)
    assert seen == ["11", "12", "13", "1", "4", "6", "7", "8", "10"]


@pytest.mark.asyncio
async def test_results_are_codat_json_with_exact_numbers(db_pool: Any, seeded: Seeded) -> None:
    company = seeded.company
    page = await list_page(
        db_pool,
        company.tenant_id,
        company.company_id,
        "bills",
        path="/x",
        query="id=12 || id=8",
        order_by="id",
    )
    body = json.loads(msgspec.json.encode(page), parse_float=Decimal)
    assert [r["totalAmount"] for r in body["results"]] == [Decimal("99.999"), Decimal("1000000.01")]
    first = body["results"][0]
    assert first["metadata"] == {"isDeleted": False}
    assert first["modifiedDate"].endswith("Z")
    assert first["supplierRef"] == {"id": "7", "supplierName": "Acme Corp"}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("query", "order_by", "parameter", "position"),
    [
        ("currency=", None, "query", 9),
        ("a=1 && b=2 || c=3", None, "query", 11),
        ("{a=1", None, "query", 4),
        ("amount>abc", None, "query", 7),
        (None, "-", "orderBy", 1),
        (None, "a;drop table records", "orderBy", 1),
    ],
)
async def test_malformed_parameters_raise_before_any_sql(
    db_pool: Any, seeded: Seeded, query: str | None, order_by: str | None, parameter: str, position: int
) -> None:
    company = seeded.company
    with pytest.raises(QueryError) as info:
        await list_page(
            db_pool, company.tenant_id, company.company_id, "bills", path="/x", query=query, order_by=order_by
        )
    assert (info.value.parameter, info.value.position) == (parameter, position)
