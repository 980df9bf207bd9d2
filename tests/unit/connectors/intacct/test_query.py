"""Filter AST, query-string rendering, concurrent query paging and readByQuery cursors."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest
from lxml import etree

from connectors.errors import ConnectorProtocolError
from connectors.intacct.limits import LimitSettings
from connectors.intacct.query import (
    And,
    Between,
    Eq,
    Ge,
    Gt,
    In,
    IsNotNull,
    IsNull,
    Like,
    Lt,
    Ne,
    NotIn,
    Or,
    modified_since,
    simplify,
    to_query_string,
)
from connectors.intacct.xml import functions as fn
from tests.unit.connectors.intacct._support import Call, FakeIntacct, make_client, result


def test_filter_elements_for_every_operator() -> None:
    flt = And(
        Between("WHENDUE", dt.date(2024, 1, 1), dt.date(2024, 1, 31)),
        In("STATE", ["Posted", "Paid"]),
        NotIn("VENDORID", ["V1"]),
        IsNull("MEMO"),
        IsNotNull("DOCNUMBER"),
        Like("NAME", "Acme%"),
        Ne("TOTALDUE", Decimal("0.00")),
        Lt("RECORDNO", 10),
    )
    element = fn.filter_element(flt)
    assert etree.tostring(element).decode() == (
        "<and>"
        "<between><field>WHENDUE</field><value>01/01/2024</value><value>01/31/2024</value></between>"
        "<in><field>STATE</field><value>Posted</value><value>Paid</value></in>"
        "<notin><field>VENDORID</field><value>V1</value></notin>"
        "<isnull><field>MEMO</field></isnull>"
        "<isnotnull><field>DOCNUMBER</field></isnotnull>"
        "<like><field>NAME</field><value>Acme%</value></like>"
        "<notequalto><field>TOTALDUE</field><value>0.00</value></notequalto>"
        "<lessthan><field>RECORDNO</field><value>10</value></lessthan>"
        "</and>"
    )


def test_single_child_groups_collapse() -> None:
    assert simplify(And(Eq("A", 1))) == Eq("A", 1)
    assert simplify(Or(And(Eq("A", 1)), Eq("B", 2))) == Or(Eq("A", 1), Eq("B", 2))
    with pytest.raises(ValueError):
        And()
    with pytest.raises(ValueError):
        fn.filter_element(And(Eq("A", 1)))  # Intacct wants two children; query() simplifies first
    with pytest.raises(ValueError):
        In("A", [])


def test_modified_since_uses_intacct_datetime_format() -> None:
    aware = dt.datetime(2024, 6, 30, 14, 5, 9, 123, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    flt = modified_since(aware)
    assert flt == Ge("WHENMODIFIED", dt.datetime(2024, 6, 30, 12, 5, 9))
    element = fn.query("APBILL", ["RECORDNO"], filter=flt)
    assert element.findtext("filter/greaterthanorequalto/value") == "06/30/2024 12:05:09"
    assert to_query_string(flt) == "WHENMODIFIED >= '06/30/2024 12:05:09'"


def test_query_string_rendering() -> None:
    flt = Or(
        And(Eq("NAME", "Erin's Software"), Ge("RECORDNO", 2000)),
        In("STATUS", ["T", "F"]),
        IsNull("PARENTID"),
        Ne("VENDORID", "V1"),
    )
    assert to_query_string(flt) == (
        "((NAME = 'Erin\\'s Software' AND RECORDNO >= 2000) OR STATUS IN ('T','F') OR PARENTID IS NULL"
        " OR NOT VENDORID = 'V1')"
    )
    assert to_query_string(Like("NAME", "A%")) == "NAME like 'A%'"
    assert to_query_string(Between("X", 1, 5)) == "(X >= 1 AND X <= 5)"


def _paged(
    total: int, *, delays: dict[int, int] | None = None, seen: list[int] | None = None
) -> Callable[[Call], Awaitable[etree._Element]]:
    """A ``query`` responder that serves ``total`` numbered records by pagesize/offset."""

    async def respond(call: Call) -> etree._Element:
        offset = int(call.function.findtext("offset") or 0)
        size = int(call.function.findtext("pagesize") or 100)
        if seen is not None:
            seen.append(offset)
        for _ in range((delays or {}).get(offset, 0)):
            await asyncio.sleep(0)
        rows = [("APBILL", {"RECORDNO": str(n)}) for n in range(offset, min(offset + size, total))]
        remaining = max(0, total - offset - len(rows))
        attrs = {
            "listtype": "APBILL",
            "totalcount": total,
            "offset": offset,
            "count": len(rows),
            "numremaining": remaining,
        }
        return result(call, data=attrs, records=rows)

    return respond


@pytest.mark.asyncio
async def test_query_pages_fan_out_and_yield_every_record_once() -> None:
    fake = FakeIntacct()
    offsets: list[int] = []
    fake.on("query", _paged(1050, delays={100: 5}, seen=offsets))
    client = make_client(fake, limits=LimitSettings(max_concurrent=3))
    pages = [
        page
        async for page in client.query("APBILL", ["RECORDNO"], pagesize=100, filter=Eq("STATE", "Posted"))
    ]
    numbers = sorted(int(r["RECORDNO"]) for page in pages for r in page)
    assert numbers == list(range(1050))
    assert len(pages) == 11
    assert offsets[0] == 0 and sorted(offsets) == list(range(0, 1100, 100))
    first_page_numbers = [int(r["RECORDNO"]) for r in pages[1]]
    assert first_page_numbers[0] != 100  # the slow page came later: pages are yielded as they arrive
    sent = [c for c in fake.calls if c.name == "query"]
    assert all(c.function.findtext("filter/equalto/field") == "STATE" for c in sent)
    assert all(c.uniqueid is False for c in sent)


@pytest.mark.asyncio
async def test_query_window_is_bounded() -> None:
    fake = FakeIntacct()
    in_flight = peak = 0
    inner = _paged(2000)

    async def counting(call: Call) -> etree._Element:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(3):
            await asyncio.sleep(0)
        try:
            return await inner(call)
        finally:
            in_flight -= 1

    fake.on("query", counting)
    client = make_client(fake, limits=LimitSettings(max_concurrent=10))
    count = 0
    async for page in client.query("APBILL", ["RECORDNO"], pagesize=100, concurrency=2):
        count += len(page)
    assert count == 2000 and peak <= 2


@pytest.mark.asyncio
async def test_single_page_and_early_stop() -> None:
    fake = FakeIntacct()
    fake.on("query", _paged(5))
    client = make_client(fake)
    pages = [p async for p in client.query("APBILL", ["RECORDNO"])]
    assert len(pages) == 1 and len(pages[0]) == 5
    assert fake.calls[-1].function.findtext("pagesize") == "2000"

    big = FakeIntacct()
    big.on("query", _paged(10_000))
    iterator = make_client(big).query("APBILL", ["RECORDNO"], pagesize=100)
    first = await anext(iterator)
    assert len(first) == 100
    await iterator.aclose()  # pending page requests are cancelled, not leaked


@pytest.mark.asyncio
async def test_rows_added_while_paging_are_still_read() -> None:
    fake = FakeIntacct()
    state = {"total": 250}

    async def growing(call: Call) -> etree._Element:
        offset = int(call.function.findtext("offset") or 0)
        if offset > 0:
            state["total"] = 320
        return await _paged(state["total"])(call)

    fake.on("query", growing)
    pages = [p async for p in make_client(fake).query("APBILL", ["RECORDNO"], pagesize=100)]
    assert sorted(int(r["RECORDNO"]) for p in pages for r in p) == list(range(320))


@pytest.mark.asyncio
async def test_read_by_query_follows_result_id() -> None:
    fake = FakeIntacct()

    def first(call: Call) -> etree._Element:
        assert call.function.findtext("query") == "(STATUS = 'T' AND RECORDNO > 5)"
        return result(
            call,
            data={
                "listtype": "class",
                "count": 2,
                "totalcount": 5,
                "numremaining": 3,
                "resultId": "cursor-1",
            },
            records=[("class", {"RECORDNO": "6"}), ("class", {"RECORDNO": "7"})],
        )

    remaining = [1, 0]

    def more(call: Call) -> etree._Element:
        assert call.function.findtext("resultId") == "cursor-1"
        left = remaining.pop(0)
        rows = [("class", {"RECORDNO": str(8 + i)}) for i in range(2 if left else 1)]
        return result(
            call,
            data={"listtype": "class", "count": len(rows), "numremaining": left, "resultId": "cursor-1"},
            records=rows,
        )

    fake.on("readByQuery", first)
    fake.on("readMore", more)
    client = make_client(fake)
    pages = [
        p async for p in client.read_by_query("CLASS", And(Eq("STATUS", "T"), Gt("RECORDNO", 5)), pagesize=2)
    ]
    assert [[r["RECORDNO"] for r in p] for p in pages] == [["6", "7"], ["8", "9"], ["8"]]
    fake.assert_all_used()


@pytest.mark.asyncio
async def test_read_by_query_without_result_id_is_a_protocol_error() -> None:
    fake = FakeIntacct()
    fake.on(
        "readByQuery",
        lambda call: result(
            call, data={"listtype": "class", "count": 1, "numremaining": 4}, records=[("class", {})]
        ),
    )
    iterator = make_client(fake).read_by_query("CLASS")
    await anext(iterator)
    with pytest.raises(ConnectorProtocolError):
        await anext(iterator)
