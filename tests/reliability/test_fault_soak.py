"""Fault soak: 1,000 pushes of eight types across four companies of two tenants while the sandbox fails
10% of calls with HTTP 5xx, answers 2% with Cloudflare's 524 after committing, drops 2% of connections
after committing, and expires sessions every 100 calls.

All real processes on loopback (sandbox with four Intacct companies, ``gateway serve``, two ``gateway
worker``). Each POST carries an ``Idempotency-Key`` and is re-sent with the same key if the API answers
anything but 200 (what a careful client does). Then:

* every operation is terminal: Success, or Failed with a reason;
* Intacct (read back over its XML API, faults off) holds no record twice, and every Success's record
  exactly once, under the id the operation reported;
* after a pull of every company (faults back on), every Success is readable through the gateway.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from connectors.intacct.sandbox import SandboxState
from tests.integration.gateway.push import bodies as b
from tests.reliability.figures import record
from tests.reliability.stack import Remote, Stack

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.reliability]

PUSHES = 1000
COMPANIES = ("S1", "S2", "S3", "S4")
FAULTS = {
    "http_5xx_rate": 0.10,
    "http_524_after_commit_rate": 0.02,
    "drop_after_commit_rate": 0.02,
    "expire_sessions_every": 100,
}
_GJ = SandboxState.demo().company("DEMO").find_one("GLJOURNAL", SYMBOL="GJ")
assert _GJ is not None
JOURNAL = str(_GJ["RECORDNO"])  # the seeded general journal (the same in every copy of DEMO)

# type -> (body, Intacct object, field holding the tag, value of that field, field the gateway's id is)
Spec = tuple[Callable[[str], dict[str, Any]], str, str, Callable[[str], str], str]
TYPES: dict[str, Spec] = {
    "bills": (b.bill, "APBILL", "DOCNUMBER", lambda t: f"B-{t}", "RECORDNO"),
    "invoices": (b.invoice, "ARINVOICE", "DESCRIPTION", lambda t: f"Consulting {t}", "RECORDNO"),
    "suppliers": (b.supplier, "VENDOR", "VENDORID", lambda t: f"VS{t.upper()}", "VENDORID"),
    "customers": (b.customer, "CUSTOMER", "CUSTOMERID", lambda t: f"CS{t.upper()}", "CUSTOMERID"),
    "creditNotes": (b.credit_note, "ARADJUSTMENT", "DESCRIPTION", lambda t: f"Goodwill {t}", "RECORDNO"),
    "billCreditNotes": (b.bill_credit_note, "APADJUSTMENT", "RECORDID", lambda t: f"DM-{t}", "RECORDNO"),
    "directIncomes": (b.direct_income, "OTHERRECEIPTS", "PAYEE", lambda t: f"Walk-in {t}", "RECORDNO"),
    "journalEntries": (
        lambda t: b.journal_entry(t, JOURNAL),
        "GLBATCH",
        "BATCH_TITLE",
        lambda t: f"Accrued rent {t}",
        "RECORDNO",
    ),
}


def read_path(remote: Remote, data_type: str, record_id: str) -> str:
    if data_type == "directIncomes":  # Codat reads direct incomes per connection
        return f"{remote.base}/data/directIncomes/{record_id}"
    return f"/companies/{remote.company_id}/data/{data_type}/{record_id}"


async def test_a_thousand_pushes_through_faults_end_terminal_once_and_readable() -> None:
    started = time.monotonic()
    async with Stack.start(companies=COMPANIES) as stack:
        second_key = await stack.new_key()
        async with stack.api_client() as first, stack.api_client() as second:
            second.headers["Authorization"] = "Basic " + base64.b64encode(second_key.encode()).decode()
            clients = {"S1": first, "S2": first, "S3": second, "S4": second}
            remotes = {c: await stack.link(clients[c], c, keep_first_pulls=False) for c in COMPANIES}
            for seed, company in enumerate(COMPANIES, start=1):
                await stack.sandbox_admin(company, "faults", {"reset": True, "seed": seed, **FAULTS})
            for _ in range(2):
                await stack.start_worker(concurrency=16)

            run = uuid.uuid4().hex[:4]
            plan = []  # (company, data type, tag)
            for n in range(PUSHES):
                plan.append((COMPANIES[n % 4], list(TYPES)[(n // 4) % len(TYPES)], f"s{run}{n:04d}"))
            keys: dict[str, tuple[str, str, str]] = {}
            resent = Counter[int]()
            gate = asyncio.Semaphore(16)

            async def post(company: str, data_type: str, tag: str) -> None:
                remote, api = remotes[company], clients[company]
                idempotency = str(uuid.uuid4())
                async with gate:
                    for _ in range(10):
                        response = await api.post(
                            f"{remote.base}/push/{data_type}",
                            json=TYPES[data_type][0](tag),
                            headers={"Idempotency-Key": idempotency},
                        )
                        if response.status_code == 200:
                            keys[response.json()["pushOperationKey"]] = (company, data_type, tag)
                            return
                        resent[response.status_code] += 1
                        await asyncio.sleep(1.0)
                raise AssertionError(
                    f"POST {data_type} never accepted: {response.status_code} {response.text}"
                )

            await asyncio.gather(*(post(*item) for item in plan))
            assert len(keys) == PUSHES
            await stack.settle("push", within=480)
            pushed_in = time.monotonic() - started

            # -- every operation terminal, failures with a reason ---------------------------------------
            operations: dict[str, dict[str, Any]] = {}
            for key, (company, _, _) in keys.items():
                response = await clients[company].get(f"/companies/{remotes[company].company_id}/push/{key}")
                operations[key] = response.json()
            statuses = Counter(op["status"] for op in operations.values())
            assert set(statuses) <= {"Success", "Failed"}, statuses
            no_reason = [
                k for k, op in operations.items() if op["status"] == "Failed" and not op.get("errorMessage")
            ]
            assert no_reason == []

            # -- Intacct: nothing twice, every Success exactly once --------------------------------------
            counters = {c: await stack.sandbox_admin(c, "counters") for c in COMPANIES}
            for company in COMPANIES:
                await stack.sandbox_admin(company, "faults", {"reset": True})
            seen: dict[tuple[str, str], Counter[str]] = {}
            ids: dict[tuple[str, str], dict[str, str]] = {}
            for company in COMPANIES:
                for data_type, (_, obj, tag_field, _, id_field) in TYPES.items():
                    rows = await stack.ledger(company, obj, sorted({tag_field, id_field}))
                    seen[(company, data_type)] = Counter(str(r.get(tag_field)) for r in rows)
                    ids[(company, data_type)] = {str(r.get(tag_field)): str(r.get(id_field)) for r in rows}
            twice, missing, wrong_id, failed_but_written = [], [], [], []
            for key, (company, data_type, tag) in keys.items():
                value = TYPES[data_type][3](tag)
                count = seen[(company, data_type)][value]
                if count > 1:
                    twice.append((data_type, value, count))
                op = operations[key]
                if op["status"] == "Success":
                    if count != 1:
                        missing.append((data_type, value))
                    elif op["changes"][0]["recordRef"]["id"] != ids[(company, data_type)][value]:
                        wrong_id.append((data_type, value))
                elif count:
                    failed_but_written.append((data_type, value, op.get("errorMessage")))
            assert twice == [] and missing == [] and wrong_id == [], (twice, missing, wrong_id)
            assert failed_but_written == [], failed_but_written

            # -- a pull of everything (faults on again), then every Success reads back -------------------
            for seed, company in enumerate(COMPANIES, start=11):
                await stack.sandbox_admin(company, "faults", {"reset": True, "seed": seed, **FAULTS})
            for company in COMPANIES:
                queued = await clients[company].post(f"/companies/{remotes[company].company_id}/data/all")
                assert queued.status_code < 300, queued.text
            await stack.settle("pull", within=300)
            pulls = await stack.statuses("pull")
            unreadable = []
            for key, (company, data_type, _) in keys.items():
                op = operations[key]
                if op["status"] != "Success":
                    continue
                path = read_path(remotes[company], data_type, op["changes"][0]["recordRef"]["id"])
                if (await clients[company].get(path)).status_code != 200:
                    unreadable.append(path)
            assert unreadable == [], unreadable[:10]

    injected = Counter[str]()
    for company_counters in counters.values():
        injected.update(company_counters["faults"])
    section = "fault soak (1,000 pushes, 4 companies, 10% 5xx, 2% 524, 2% drops, sessions expire every 100)"
    record(section, "operations", dict(statuses))
    record(section, "faults injected during the pushes", dict(injected))
    record(
        section,
        "sessions expired / duplicates refused",
        (
            sum(c["sessions_expired"] for c in counters.values()),
            sum(c["duplicates_refused"] for c in counters.values()),
        ),
    )
    record(section, "POSTs re-sent with the same Idempotency-Key", dict(resent) or 0)
    record(section, "pulls after the soak", dict(pulls))
    record(section, "records twice in Intacct / Success not readable", "0 / 0")
    record(
        section, "time to push all / whole test", f"{pushed_in:.0f} s / {time.monotonic() - started:.0f} s"
    )
