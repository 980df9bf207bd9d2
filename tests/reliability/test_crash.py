"""Crash: kill -9 a ``gateway worker`` in the middle of a batch, start another; nothing lost, nothing twice.

Everything is a real process on loopback: ``gateway sandbox serve``, ``gateway serve`` (API, no in-process
worker) and ``gateway worker``. The sandbox answers every call 1.5 s AFTER committing it (fault
``slow_seconds``, set through its admin API), so a worker killed while a request is in flight dies in
the worst window: Intacct has written the bills, the worker never learnt it. The kill comes once a first
batch has succeeded and a later one is in flight. A second worker then reclaims the dead worker's
operations when their leases expire and re-sends them with the same function ``controlid``s: Intacct
refuses the duplicates and the connector looks the bills up.

Then every operation is Success, every bill is in Intacct exactly once (read back over the XML gateway),
some operations ran twice, and the sandbox refused at least one duplicate (proof the kill hit after a
commit).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

import pytest

from tests.integration.gateway.push import bodies as b
from tests.reliability.figures import record
from tests.reliability.stack import Stack

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.reliability]

BILLS = 150


async def test_kill_9_mid_batch_loses_nothing_and_writes_nothing_twice() -> None:
    async with Stack.start(cli_sandbox=True) as stack, stack.api_client() as api:
        remote = await stack.link(api, "DEMO", keep_first_pulls=False)
        await stack.sandbox_admin("DEMO", "faults", {"reset": True, "slow_seconds": 1.5})
        tag = uuid.uuid4().hex[:8]
        keys = []
        for n in range(BILLS):
            response = await api.post(f"{remote.base}/push/bills", json=b.bill(f"{tag}-{n}"))
            assert response.status_code == 200 and response.json()["status"] == "Pending", response.text
            keys.append(response.json()["pushOperationKey"])

        doomed = await stack.start_worker(concurrency=40)
        deadline = time.monotonic() + 180
        while True:
            statuses = await stack.statuses()
            counters = await stack.sandbox_admin("DEMO", "counters")
            if statuses["Success"] >= 1 and statuses["Running"] >= 1 and counters["concurrent"] >= 1:
                break
            assert time.monotonic() < deadline, f"no batch in flight: {statuses} {counters}\n{stack.tails()}"
            await asyncio.sleep(0.05)
        doomed.kill()
        at_kill = await stack.statuses()
        assert at_kill["Running"] >= 1, at_kill

        await stack.start_worker(concurrency=40)
        await stack.settle("push", within=240)
        await stack.sandbox_admin("DEMO", "faults", {"reset": True})

        final = await stack.statuses()
        assert final == Counter({"Success": BILLS}), f"{final}\n{stack.tails()}"
        rows = await stack.ledger("DEMO", "APBILL", ["RECORDNO", "DOCNUMBER"])
        per_reference = Counter(
            str(r["DOCNUMBER"]) for r in rows if str(r.get("DOCNUMBER", "")).startswith(f"B-{tag}-")
        )
        lost = [n for n in range(BILLS) if per_reference[f"B-{tag}-{n}"] == 0]
        twice = {ref: count for ref, count in per_reference.items() if count > 1}
        assert lost == [] and twice == {}, (lost, twice)
        # every operation names the bill Intacct holds for it
        ids = {str(r["RECORDNO"]) for r in rows}
        for key in keys:
            operation = (await api.get(f"/companies/{remote.company_id}/push/{key}")).json()
            assert operation["changes"][0]["recordRef"]["id"] in ids
        reran = await stack.pool.fetchval(
            "SELECT count(*) FROM operations WHERE kind = 'push' AND attempts > 1"
        )
        counters = await stack.sandbox_admin("DEMO", "counters")
        assert reran >= 1
        assert counters["duplicates_refused"] >= 1, counters
    record(
        "crash (kill -9 mid-batch)",
        f"{BILLS} bills",
        f"killed with {at_kill['Success']} done / {at_kill['Running']} running; {reran} operations re-run, "
        f"{counters['duplicates_refused']} duplicates refused by Intacct; 0 lost, 0 written twice",
    )
