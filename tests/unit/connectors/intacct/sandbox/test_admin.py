"""The JSON admin API, snapshots, the seeded ids and the bulk generator."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

import connectors.intacct.sandbox as sandbox_package
from connectors.intacct.sandbox import (
    SandboxState,
    SandboxTransport,
    create_app,
    load_snapshot,
    save_snapshot,
    seed_bulk,
)
from connectors.intacct.sandbox.seed import DAILY_RATE
from connectors.intacct.xml.parse import parse_xml

from ._core_support import (
    Sandbox,
    child,
    envelope,
    fn,
    row,
)

ADMIN = "http://sandbox.test/sandbox/admin"


@pytest_asyncio.fixture
async def sb():
    sandbox = Sandbox()
    yield sandbox
    await sandbox.close()


@pytest.mark.asyncio
async def test_counters_and_reset(sb: Sandbox) -> None:
    await sb.post(envelope(fn("<getAPISession/>")))
    counters = (await sb.client.get(f"{ADMIN}/companies/DEMO/counters")).json()
    assert counters["http_requests"] == 1
    assert counters["by_function"] == {"getAPISession": 1}
    await sb.client.post(f"{ADMIN}/companies/demo/counters/reset")
    assert (await sb.client.get(f"{ADMIN}/companies/DEMO/counters")).json()["http_requests"] == 0
    assert (await sb.client.get(f"{ADMIN}/companies")).json() == ["DEMO"]


@pytest.mark.asyncio
async def test_faults_limits_and_config_over_http(sb: Sandbox) -> None:
    faults = await sb.client.post(f"{ADMIN}/companies/DEMO/faults", json={"http_5xx_rate": 1, "seed": 3})
    assert faults.json()["http_5xx_rate"] == 1.0
    assert (await sb.post(envelope(fn("<getAPISession/>")))).status_code == 503
    await sb.client.post(f"{ADMIN}/companies/DEMO/faults", json={"reset": True})
    assert (await sb.post(envelope(fn("<getAPISession/>")))).status_code == 200
    limits = await sb.client.post(f"{ADMIN}/companies/DEMO/limits", json={"calls_per_minute": 10})
    assert limits.json()["calls_per_minute"] == 10 == sb.demo.limits.calls_per_minute
    config = await sb.client.post(
        f"{ADMIN}/companies/DEMO/config",
        json={
            "ap_payment_approval": True,
            "auto_numbering": {"VENDOR": True},
            "books_closed_before": "2024-01-01",
        },
    )
    assert config.json()["ap_payment_approval"] is True
    assert sb.demo.config.auto_numbering["VENDOR"] is True
    assert sb.demo.config.books_closed_before == dt.date(2024, 1, 1)


@pytest.mark.asyncio
async def test_admin_errors(sb: Sandbox) -> None:
    assert (await sb.client.get(f"{ADMIN}/companies/NOPE/counters")).status_code == 404
    assert (await sb.client.post(f"{ADMIN}/companies/DEMO/faults", json={"boom": 1})).status_code == 400
    assert (await sb.client.post(f"{ADMIN}/companies/DEMO/faults", content=b"[1]")).status_code == 400
    assert (await sb.client.post(f"{ADMIN}/snapshot")).status_code == 409
    assert (await sb.client.get(f"{ADMIN}/nothing")).status_code == 404


@pytest.mark.asyncio
async def test_snapshot_round_trip(tmp_path: Path) -> None:
    state = SandboxState.demo()
    path = tmp_path / "sandbox.json"
    app = create_app(state, snapshot_path=str(path))
    async with httpx.AsyncClient(transport=SandboxTransport(app)) as client:
        create = fn("<create><CLASS><CLASSID>SNAP</CLASSID><NAME>n</NAME></CLASS></create>", "c1")
        await client.post("http://s/ia/xml/xmlgw.phtml", content=envelope(create, uniqueid=True))
        assert (await client.post("http://s/sandbox/admin/snapshot")).json() == {"saved": True}
    restored = load_snapshot(path)
    demo = restored.company("DEMO")
    assert demo.find_one("CLASS", CLASSID="SNAP") is not None
    assert "c1" in demo.executed_controlids
    assert (
        demo.exchange_rates[("GBP", "USD", DAILY_RATE)]
        == state.company("DEMO").exchange_rates[("GBP", "USD", DAILY_RATE)]
    )
    new = demo.insert("CLASS", {"CLASSID": "AFTER"})
    assert new > max(int(k) for k in state.company("DEMO").tables["CLASS"])
    save_snapshot(restored, tmp_path / "again.json")
    assert json.loads((tmp_path / "again.json").read_text())["format"] == 1


def test_seeded_demo_ids() -> None:
    demo = SandboxState.demo().company("DEMO")
    assert {e.id: (e.base_currency, e.country, e.tax_solution_id) for e in demo.entities.values()} == {
        "100": ("USD", "US", None),
        "200": ("GBP", "GB", "United Kingdom - VAT"),
    }
    assert row(demo, "CHECKINGACCOUNT", BANKACCOUNTID="BOA")["GLACCOUNTNO"] == "1010"
    assert row(demo, "GLACCOUNT", ACCOUNTNO="1010")["TITLE"] == "Bank - Checking"
    assert {r["NAME"] for r in demo.rows("PAYMENTMETHOD")} >= {"Printed Check", "EFT", "Cash", "Credit Card"}
    assert (demo.get("PAYMENTMETHOD", 6) or {}).get("NAME") == "Cash"
    assert row(demo, "VENDOR", VENDORID="V0003")["CURRENCY"] == "GBP"
    standard = row(demo, "TAXDETAIL", DETAILID="UK Purchase Standard Rate")
    assert (standard["VALUE"], standard["TAXTYPE"]) == ("20", "Purchase")
    rates = demo.exchange_rates[("GBP", "USD", DAILY_RATE)]
    assert rates[0][0] == dt.date(2015, 1, 1) and rates[-1][0] == dt.date(2027, 12, 31)
    day = next(rate for when, rate in rates if when == dt.date(2024, 6, 30))
    back = next(
        rate for when, rate in demo.exchange_rates[("USD", "GBP", DAILY_RATE)] if when == dt.date(2024, 6, 30)
    )
    assert Decimal("1.1") < day < Decimal("1.5")
    assert abs(day * back - 1) < Decimal("0.0001")


@pytest.mark.asyncio
async def test_seed_bulk_bills_page_through_query() -> None:
    state = SandboxState.demo()
    assert seed_bulk(state, "DEMO", "APBILL", 5_000, lines=2) == 5_000
    demo = state.company("DEMO")
    assert len(demo.table("APBILLITEM")) == 10_000
    async with httpx.AsyncClient(transport=SandboxTransport(create_app(state))) as client:
        seen = 0
        offset = 0
        while True:
            body = envelope(fn(
                "<query><select><field>RECORDNO</field><field>TOTALENTERED</field></select><object>APBILL</object>"
                f"<pagesize>2000</pagesize><offset>{offset}</offset></query>"
            ))  # fmt: skip
            response = await client.post("http://s/ia/xml/xmlgw.phtml", content=body)
            page = child(parse_xml(response.content), ".//data")
            assert page.get("totalcount") == "5000"
            seen += int(page.get("count", "0"))
            offset += 2000
            if page.get("numremaining") == "0":
                break
    assert seen == 5_000
    with pytest.raises(ValueError, match="cannot generate"):
        seed_bulk(state, "DEMO", "GLBATCH", 1)


def test_package_exports_match_all() -> None:
    exported = {name for name in dir(sandbox_package) if not name.startswith("_")}
    assert set(sandbox_package.__all__) <= exported
    assert sandbox_package.__all__ == sorted(sandbox_package.__all__)
