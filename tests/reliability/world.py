"""In-process worlds for the short reliability tests: the real gateway app on the test database, the
sandbox behind ``SandboxTransport`` (``tests/integration/gateway/push/env.py``), more sandbox companies,
tenants linked to any of them, and a worker that runs push, pull and webhook operations.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

from connectors.intacct.sandbox import SandboxState, seed_demo
from connectors.intacct.sandbox.seed import COMPANY_ID
from gateway.jobs import PULL, PUSH
from gateway.webhooks.delivery import WEBHOOK
from tests.conftest import basic_auth
from tests.integration.gateway.helpers import DEMO_AUTH, make_company, make_connection
from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import FAST_LIMITS, SANDBOX_URL, Linked, PushEnv

ALL_KINDS = (PUSH, PULL, WEBHOOK)
ACTIVE = ("Pending", "Running")


def add_company(state: SandboxState, company_id: str) -> None:
    """A second, independent copy of the seeded ``DEMO`` company under ``company_id`` (own ledger)."""
    if state.find_company(company_id) is not None:
        return
    scratch = SandboxState()
    company = seed_demo(scratch)
    del scratch.companies[COMPANY_ID]
    company.company_id = company_id
    company.name = f"Copy of DEMO as {company_id}"
    state.companies[company_id] = company
    for sender, password in scratch.senders.items():
        state.add_sender(sender, password)


@dataclass
class Tenant:
    tenant_id: uuid.UUID
    api_key: str
    headers: dict[str, str]


async def new_tenant(env: PushEnv, prefix: str) -> Tenant:
    from gateway.tenancy.repository import TenantRepository

    tenant_id, api_key = await TenantRepository(env.pool).create_tenant(f"{prefix}-{uuid.uuid4().hex[:10]}")
    return Tenant(tenant_id, api_key, basic_auth(api_key))


async def link(
    env: PushEnv, tenant: Tenant, *, sandbox_company: str = "DEMO", name: str | None = None
) -> Linked:
    """Company + Sage Intacct connection of ``tenant``, linked to ``sandbox_company`` (entity 100)."""
    company = await make_company(env.client, tenant.headers, name or f"Co {uuid.uuid4().hex[:6]}")
    connection = await make_connection(env.client, tenant.headers, company["id"])
    # The whole test run shares Intacct's per-company call window in one database (see push/env.py).
    raised = await env.client.put(
        f"/companies/{company['id']}/connections/{connection['id']}/settings",
        json=FAST_LIMITS,
        headers=tenant.headers,
    )
    assert raised.status_code == 200, raised.text
    auth = {**DEMO_AUTH, "companyId": sandbox_company, "endpointUrl": SANDBOX_URL, "entityId": "100"}
    response = await env.client.put(
        f"/companies/{company['id']}/connections/{connection['id']}/authorization",
        json=auth,
        headers=tenant.headers,
    )
    assert response.status_code == 200 and response.json()["status"] == "Linked", response.text
    return Linked(tenant.headers, company["id"], connection["id"])


async def settle(env: PushEnv, company_id: str, *, within: float = 120.0) -> None:
    """Wait until no operation of the company is pending or running (a worker must be running)."""
    deadline = time.monotonic() + within
    while True:
        active = await env.pool.fetchval(
            "SELECT count(*) FROM operations WHERE company_id = $1 AND status = ANY($2::text[])",
            uuid.UUID(company_id),
            list(ACTIVE),
        )
        if active == 0:
            return
        assert time.monotonic() < deadline, (
            f"{active} operations of {company_id} still active after {within}s"
        )
        await asyncio.sleep(0.1)


async def wait(env: PushEnv, linked: Linked, key: str, *, within: float = 60.0) -> dict[str, Any]:
    """Poll a push operation until it is final (Success, Failed, TimedOut)."""
    deadline = time.monotonic() + within
    while True:
        body = await env.operation(linked, key)
        if body["status"] not in ACTIVE:
            return body
        assert time.monotonic() < deadline, f"push {key} still {body['status']} after {within}s"
        await asyncio.sleep(0.05)


async def push_and_wait(env: PushEnv, linked: Linked, path: str, body: Any) -> dict[str, Any]:
    response = await env.push(linked, path, body)
    assert response.status_code == 200, response.text
    final = await wait(env, linked, response.json()["pushOperationKey"])
    assert final["status"] == "Success", (path, final.get("errorMessage"), final.get("validation"))
    return final


def record_id(operation: dict[str, Any]) -> str:
    return str(operation["changes"][0]["recordRef"]["id"])


async def push_every_type(env: PushEnv, linked: Linked, tag: str) -> dict[str, str]:
    """One record of every writable type (payments settle the pushed invoice and bill): type -> id."""
    journal = str(env.demo.find_one("GLJOURNAL", SYMBOL="GJ")["RECORDNO"])
    ids: dict[str, str] = {}
    for path, body in (
        ("bills", b.bill(tag)),
        ("invoices", b.invoice(tag)),
        ("suppliers", b.supplier(tag)),
        ("customers", b.customer(tag)),
        ("creditNotes", b.credit_note(tag)),
        ("billCreditNotes", b.bill_credit_note(tag)),
        ("directIncomes", b.direct_income(tag)),
        ("journalEntries", b.journal_entry(tag, journal)),
    ):
        ids[path] = record_id(await push_and_wait(env, linked, path, body))
    ids["payments"] = record_id(await push_and_wait(env, linked, "payments", b.payment(tag, ids["invoices"])))
    ids["billPayments"] = record_id(
        await push_and_wait(env, linked, "billPayments", b.bill_payment(tag, ids["bills"]))
    )
    return ids
