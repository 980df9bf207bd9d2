"""Passthrough reads and writes of objects outside the unified model, through the same client."""

from __future__ import annotations

import pytest

from connectors.errors import ConnectorRejectedError
from connectors.intacct import IntacctConnector
from connectors.intacct.passthrough import filter_from_json
from connectors.intacct.query import And, Eq, Ge, In, IsNull
from connectors.intacct.sandbox import CompanyState


@pytest.mark.asyncio
async def test_project_create_then_query(us: IntacctConnector, company: CompanyState) -> None:
    fields = {
        "PROJECTID": "P900",
        "NAME": "Data Platform",
        "CUSTOMERID": "C0002",
        "PROJECTCATEGORY": "Contract",
    }
    created = await us.passthrough_write("PROJECT", "create", fields, operation_key="pt-1")
    assert created["PROJECTID"] == "P900" and created["RECORDNO"]
    row = company.find_one("PROJECT", PROJECTID="P900")
    assert row is not None and row["NAME"] == "Data Platform"
    rows, total = await us.passthrough_query(
        "PROJECT", ["PROJECTID", "NAME", "CUSTOMERID"], filter={"PROJECTID": "P900"}
    )
    assert (rows, total) == ([{"PROJECTID": "P900", "NAME": "Data Platform", "CUSTOMERID": "C0002"}], 1)
    updated = await us.passthrough_write(
        "project", "update", {"PROJECTID": "P900", "NAME": "Data Platform 2"}, operation_key="pt-2"
    )
    assert updated["RECORDNO"] == created["RECORDNO"]
    assert company.find_one("PROJECT", PROJECTID="P900")["NAME"] == "Data Platform 2"  # type: ignore[index]


@pytest.mark.asyncio
async def test_a_retried_write_returns_the_record_instead_of_writing_again(
    us: IntacctConnector, company: CompanyState
) -> None:
    fields = {"PROJECTID": "P901", "NAME": "Retry", "PROJECTCATEGORY": "Contract"}
    first = await us.passthrough_write("PROJECT", "create", fields, operation_key="pt-retry")
    again = await us.passthrough_write("PROJECT", "create", fields, operation_key="pt-retry")
    assert again["RECORDNO"] == first["RECORDNO"]
    assert len(company.find("PROJECT", PROJECTID="P901")) == 1


@pytest.mark.asyncio
async def test_paging_and_filters(us: IntacctConnector) -> None:
    page, total = await us.passthrough_query("GLACCOUNT", ["ACCOUNTNO"], page=2, page_size=5)
    assert total == 22 and len(page) == 5
    rows, total = await us.passthrough_query(
        "GLACCOUNT",
        ["ACCOUNTNO", "TITLE"],
        filter={
            "and": [
                {"field": "ACCOUNTNO", "op": "ge", "value": "6000"},
                {"field": "ACCOUNTNO", "op": "in", "value": ["6000", "6100", "1010"]},
            ]
        },
    )
    assert sorted(r["ACCOUNTNO"] for r in rows) == ["6000", "6100"] and total == 2


def test_json_filters_become_query_filters() -> None:
    assert filter_from_json({"STATUS": "active"}) == And(Eq("STATUS", "active"))
    assert filter_from_json({"field": "X", "op": "isnull"}) == IsNull("X")
    assert filter_from_json({"or": [{"field": "A", "op": "ge", "value": 1}, {"A": "2"}]}).children[0] == Ge(
        "A", 1
    )
    assert filter_from_json({"field": "A", "op": "in", "value": ["1", "2"]}) == In("A", ["1", "2"])
    for bad, where in (
        ({"field": "A; DROP", "value": "1"}, "filter.field"),
        ({"field": "A", "op": "near", "value": "1"}, "filter.op"),
        ({"field": "A", "op": "between", "value": ["1"]}, "filter.value"),
        ({"and": []}, "filter.and"),
        ({"A": {"nested": 1}}, "filter.A"),
    ):
        with pytest.raises(ConnectorRejectedError) as caught:
            filter_from_json(bad)
        assert caught.value.issues[0].field == where


@pytest.mark.asyncio
async def test_bad_passthrough_requests_are_refused_before_sending(
    us: IntacctConnector, company: CompanyState
) -> None:
    before = company.counters.functions
    with pytest.raises(ConnectorRejectedError):
        await us.passthrough_query("PROJECT", [])
    with pytest.raises(ConnectorRejectedError):
        await us.passthrough_query("PROJECT", ["NAME"], page_size=5000)
    with pytest.raises(ConnectorRejectedError):
        await us.passthrough_write("PROJECT", "create", {"bad field": "x"}, operation_key="pt-bad")
    assert company.counters.functions == before
