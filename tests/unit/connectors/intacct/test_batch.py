"""Request planning and the Batcher: many callers, few requests, each caller its own result."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from lxml import etree

from connectors.errors import ConnectorConfigError
from connectors.intacct.batch import Batcher, execute_many, plan_requests
from connectors.intacct.client import Function
from connectors.intacct.limits import LimitSettings
from connectors.intacct.xml import functions as fn
from connectors.intacct.xml.parse import parse_xml
from tests.unit.connectors.intacct._support import (
    Call,
    FakeIntacct,
    make_client,
    response_xml,
    result,
    xml_response,
)


def reads(n: int, prefix: str = "r") -> list[Function]:
    return [Function.read(fn.read_more(f"{prefix}{i}"), controlid=f"{prefix}{i}") for i in range(n)]


def writes(n: int) -> list[Function]:
    return [Function.write(fn.create("CLASS", {"CLASSID": f"C{i}"}), f"w{i}") for i in range(n)]


def test_plan_separates_writes_and_reads_and_caps_size() -> None:
    functions = [*reads(3), *writes(5), *reads(2, "s")]
    plans = plan_requests(functions, per_request=2)
    assert [(p.uniqueid, len(p.indexes)) for p in plans] == [
        (True, 2),
        (True, 2),
        (True, 1),
        (False, 2),
        (False, 2),
        (False, 1),
    ]
    covered = sorted(i for p in plans for i in p.indexes)
    assert covered == list(range(10))
    for plan in plans:
        assert {functions[i].is_write for i in plan.indexes} == {plan.uniqueid}


def test_plan_rules() -> None:
    with pytest.raises(ValueError):
        plan_requests([*reads(1, "x"), *reads(1, "x")], per_request=10)  # duplicate controlids
    with pytest.raises(ValueError):
        plan_requests(writes(3), per_request=2, transaction=True)
    with pytest.raises(ValueError):
        plan_requests([*writes(1), *reads(1)], per_request=5, transaction=True)
    (plan,) = plan_requests(writes(3), per_request=3, transaction=True)
    assert plan.transaction and plan.uniqueid and plan.indexes == (0, 1, 2)
    assert plan_requests([], per_request=5) == []


def echo(call: Call) -> etree._Element:
    return result(
        call,
        data={"listtype": "X", "count": 1},
        records=[("X", {"ARG": call.function.findtext("resultId") or ""})],
    )


@pytest.mark.asyncio
async def test_batcher_coalesces_concurrent_submissions() -> None:
    fake = FakeIntacct()
    fake.on("readMore", echo)
    client = make_client(fake)
    async with Batcher(client, max_size=10, max_delay=0.01) as batcher:
        results = await asyncio.gather(*(batcher.submit(f) for f in reads(25)))
    assert [r.records[0]["ARG"] for r in results] == [f"r{i}" for i in range(25)]
    data_requests = [parse_xml(b) for b in fake.bodies if b"<sessionid>" in b]
    assert sorted(len(r.findall("operation/content/function")) for r in data_requests) == [5, 10, 10]


@pytest.mark.asyncio
async def test_batcher_flushes_after_the_delay_and_maps_failures_to_their_callers() -> None:
    fake = FakeIntacct()

    def some_fail(call: Call) -> etree._Element:
        if call.controlid.endswith("1"):
            return result(call, status="failure", errors=[("BL01001973", "Invalid Vendor 'V1' specified.")])
        return echo(call)

    fake.on("readMore", some_fail)
    client = make_client(fake)
    batcher = Batcher(client, max_size=100, max_delay=0.001)
    results = await asyncio.gather(*(batcher.submit(f) for f in reads(3)))
    assert [r.ok for r in results] == [True, False, True]
    assert "Invalid Vendor" in (results[1].error.message if results[1].error else "")
    assert sum(b"<sessionid>" in b for b in fake.bodies) == 1
    await batcher.aclose()
    with pytest.raises(RuntimeError):
        await batcher.submit(reads(1)[0])


@pytest.mark.asyncio
async def test_request_level_failure_reaches_every_submitter() -> None:
    fake = FakeIntacct()
    fake.on("readMore", echo)

    def refuse(request: httpx.Request, number: int) -> httpx.Response | None:
        if b"<sessionid>" in request.content:
            return xml_response(
                response_xml([], control_status="failure", control_errors=[("PL04000055", "expired")])
            )
        return None

    fake.before = refuse
    async with Batcher(make_client(fake), max_delay=0.001) as batcher:
        outcomes = await asyncio.gather(*(batcher.submit(f) for f in reads(4)), return_exceptions=True)
    assert all(isinstance(o, ConnectorConfigError) for o in outcomes)


@pytest.mark.asyncio
async def test_execute_many_keeps_input_order() -> None:
    fake = FakeIntacct()
    fake.on("readMore", echo)
    fake.on("create", lambda call: result(call, key=call.controlid))
    client = make_client(fake, limits=LimitSettings(functions_per_request=2))
    mixed = [reads(1, "a")[0], writes(1)[0], reads(1, "b")[0]]
    results = await execute_many(client, mixed)
    assert [r.controlid for r in results] == ["a0", "w0", "b0"]
    assert results[1].key == "w0"
