"""Pulls of documents with lines: the line reads ride in the requests that fetch later header pages, so a
pull costs one request per header page plus one, and every document still gets exactly its own lines."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest

from connectors.intacct import IntacctConnector
from connectors.intacct.reader import Reader
from connectors.intacct.sandbox import CompanyState, SandboxState, seed_bulk

from .conftest import Recording


async def pull(connector: IntacctConnector, data_type: str, page_size: int) -> list[dict[str, Any]]:
    reader = Reader(connector.client, connector.facts, page_size=page_size)
    return [record async for page in reader.read(data_type) for record in page.records]


def lines_by_parent(company: CompanyState, line_object: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in company.find(line_object):
        found.setdefault(str(row["RECORDKEY"]), []).append(str(row["RECORDNO"]))
    return found


@pytest.mark.asyncio
@pytest.mark.parametrize(("data_type", "header", "line"), [("bills", "APBILL", "APBILLITEM")])
async def test_lines_ride_along_and_a_pull_costs_one_request_per_page_plus_one(
    us: IntacctConnector,
    state: SandboxState,
    company: CompanyState,
    sent: Recording,
    data_type: str,
    header: str,
    line: str,
) -> None:
    seed_bulk(state, "DEMO", header, 1000, lines=2)
    await us.facts.get()  # sign-in and facts first: only the pull's own requests are counted
    mark = len(sent.bodies)
    records = await pull(us, data_type, page_size=100)
    requests = sent.bodies[mark:]
    assert len(requests) == math.ceil(1000 / 100) + 1, "line reads must ride in the header requests"
    # One line read per page (100 keys fit one ``in``), none in the first request (it learns the total).
    assert sum(body.count(f"<object>{line}</object>".encode()) for body in requests) == 10
    assert f"<object>{line}</object>".encode() not in requests[0]
    expected = lines_by_parent(company, line)
    assert {r["id"] for r in records} == {str(r["RECORDNO"]) for r in company.find(header)}
    for record in records:
        assert len(record["lineItems"]) == len(expected[record["id"]]) == 2, record["id"]
        assert sum(item["subTotal"] for item in record["lineItems"]) == record["subTotal"]
        assert record["subTotal"] == Decimal(str(company.get(header, int(record["id"]))["TOTALENTERED"]))


@pytest.mark.asyncio
async def test_lines_beyond_one_page_of_a_line_read_are_followed(
    us: IntacctConnector, state: SandboxState, company: CompanyState
) -> None:
    # 1,000 keys per ``in`` and 3 lines each: 3,000 lines, more than one ``query`` page of 2,000.
    seed_bulk(state, "DEMO", "APBILL", 1200, lines=3)
    records = await pull(us, "bills", page_size=1200)
    expected = lines_by_parent(company, "APBILLITEM")
    assert len(records) == 1200
    assert all(len(r["lineItems"]) == len(expected[r["id"]]) == 3 for r in records)


@pytest.mark.asyncio
async def test_a_single_page_reads_its_lines_in_a_second_request(
    us: IntacctConnector, state: SandboxState, sent: Recording
) -> None:
    seed_bulk(state, "DEMO", "APBILL", 30, lines=1)
    await us.facts.get()
    mark = len(sent.bodies)
    records = await pull(us, "bills", page_size=100)
    assert len(records) == 30 and all(len(r["lineItems"]) == 1 for r in records)
    assert len(sent.bodies) - mark == 2
