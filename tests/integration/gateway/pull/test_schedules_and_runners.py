"""Scheduled syncs through the API, ``gateway serve``'s in-process worker, and ``gateway pull``."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import threading
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from gateway.data.catalog import DATA_TYPES
from gateway.jobs import fire_due_schedules
from gateway.pull.repository import db_now
from tests.integration.gateway.helpers import error_fields
from tests.integration.gateway.pull.sandbox_gateway import SandboxGateway, sandbox_gateway

pytestmark = pytest.mark.asyncio(loop_scope="session")
ROOT = Path(__file__).resolve().parents[4]


async def test_schedules_fire_pulls_that_never_overlap(gw: SandboxGateway, owner) -> None:
    company_id, connection_id, _ = await gw.link(owner.headers)
    await gw.run_pulls(company_id)  # the initial pulls queued by linking
    base = f"/companies/{company_id}/schedules"

    listed = (await gw.client.get(base, headers=owner.headers)).json()["results"]
    assert {(s["dataType"], s["intervalMinutes"], s["enabled"]) for s in listed} == {
        ("chartOfAccounts", 60, True),
        ("suppliers", 60, True),
    }
    assert all(s["connectionId"] == connection_id for s in listed)
    created = await gw.client.put(f"{base}/bills", json={"intervalMinutes": 30}, headers=owner.headers)
    assert created.status_code == 200 and created.json()["dataType"] == "bills", created.text
    paused = await gw.client.put(
        f"{base}/chartOfAccounts", json={"intervalMinutes": 60, "enabled": False}, headers=owner.headers
    )
    assert paused.json()["enabled"] is False
    bad = await gw.client.put(f"{base}/bills", json={"intervalMinutes": 0}, headers=owner.headers)
    assert bad.status_code == 400 and error_fields(bad) == {"intervalMinutes"}
    unknown = await gw.client.put(f"{base}/balanceSheet", json={"intervalMinutes": 60}, headers=owner.headers)
    assert unknown.status_code == 404
    assert (await gw.client.get(f"{base}/invoices", headers=owner.headers)).status_code == 404

    company = uuid.UUID(company_id)
    first = await db_now(gw.pool) + timedelta(hours=2)
    batches = await asyncio.gather(*(fire_due_schedules(gw.pool, as_of=first) for _ in range(4)))
    mine = [f for batch in batches for f in batch if f.company_id == company]
    assert sorted(f.data_type for f in mine) == ["bills", "suppliers"]  # once each; accounts is paused
    assert all(f.operation_id is not None for f in mine)
    assert len(await gw.pending_pulls(company_id)) == 2

    # Their next slots come round while the pulls are still queued: nothing new is started.
    second = first + timedelta(minutes=61)
    again = [f for f in await fire_due_schedules(gw.pool, as_of=second) if f.company_id == company]
    assert again and all(f.operation_id is None for f in again)
    assert len(await gw.pending_pulls(company_id)) == 2

    done = await gw.run_pulls(company_id)
    assert {k: v.status.value for k, v in done.items()} == {"bills": "Success", "suppliers": "Success"}
    suppliers = (await gw.client.get(f"{base}/suppliers", headers=owner.headers)).json()
    fired_op = next(f.operation_id for f in mine if f.data_type == "suppliers")
    assert suppliers["lastPullOperationId"] == str(fired_op) and suppliers["lastRun"]
    history = (
        await gw.client.get(f"/companies/{company_id}/data/history/{fired_op}", headers=owner.headers)
    ).json()
    assert history["status"] == "Complete"
    third = second + timedelta(minutes=61)
    later = [f for f in await fire_due_schedules(gw.pool, as_of=third) if f.company_id == company]
    assert {f.data_type for f in later if f.operation_id is not None} == {"bills", "suppliers"}


async def test_serve_runs_the_initial_pulls_in_its_own_worker(settings, owner) -> None:
    with_worker = replace(settings, sync=replace(settings.sync, in_process_worker=True))
    async with sandbox_gateway(with_worker) as gw:
        assert gw.app.state.worker is not None
        company_id, _, linked = await gw.link(owner.headers)
        assert linked.json()["status"] == "Linked"
        expected = {spec.dataset for spec in DATA_TYPES}
        # Bounded wait, generous: in the full suite the shared database also holds other tests'
        # leftover operations, which this worker claims too.
        for _ in range(600):
            status = (
                await gw.client.get(f"/companies/{company_id}/dataStatus", headers=owner.headers)
            ).json()
            if set(status) == expected and all(s["currentStatus"] == "Complete" for s in status.values()):
                break
            await asyncio.sleep(0.2)
        else:
            pytest.fail(f"the in-process worker did not finish the initial pulls: {status}")
        suppliers = (
            await gw.client.get(f"/companies/{company_id}/data/suppliers", headers=owner.headers)
        ).json()
        assert suppliers["totalResults"] == 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _gateway(*args: str, database_url: str) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GATEWAY_SECRET_KEY": "test-secret-key-not-for-production",
        "DB_AUTO_MIGRATE": "false",
        "LOG_LEVEL": "WARNING",
        "GATEWAY_ENV": "development",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway.cli",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_gateway_pull_command_runs_pulls_and_shows_progress(
    gw: SandboxGateway, owner, database_url
) -> None:
    from connectors.intacct.sandbox import make_server

    port = _free_port()
    server: Any = make_server("127.0.0.1", port, state=gw.sandbox)  # the same sandbox, over loopback
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            await asyncio.sleep(0.05)
        endpoint = f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml"
        company_id, _, linked = await gw.link(owner.headers, endpointUrl=endpoint)
        assert linked.json()["status"] == "Linked"

        code, out, err = await _gateway("pull", company_id, "suppliers", database_url=database_url)
        assert code == 0, (out, err)
        assert "suppliers: Fetching" in out and "suppliers: Complete — Full pull: read 5 records" in out, out
        stored = (
            await gw.client.get(f"/companies/{company_id}/data/suppliers", headers=owner.headers)
        ).json()
        assert stored["totalResults"] == 5

        name = (await gw.client.get(f"/companies/{company_id}", headers=owner.headers)).json()["name"]
        code, out, err = await _gateway("pull", name, database_url=database_url)
        assert code == 0, (out, err)
        for spec in DATA_TYPES:
            assert f"\n{spec.dataset}: Complete" in f"\n{out}", (spec.dataset, out)
        assert await gw.pending_pulls(company_id) == []

        code, out, err = await _gateway("pull", str(uuid.uuid4()), database_url=database_url)
        assert code == 1 and "no company" in err
    finally:
        server.should_exit = True
        thread.join(timeout=10)
