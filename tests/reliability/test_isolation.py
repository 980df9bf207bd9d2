"""No tenant sees another's data: each tenant-scoped route x another tenant's ids -> 404; revoked key -> 401.

Two tenants on one gateway and one sandbox. The owner links ``DEMO``, pushes a record of every type,
uploads an attachment, pulls, and registers a webhook: real ids of every kind. The intruder links
``DEMO2`` (a copy of ``DEMO``, so its store holds records too, but not the owner's pushed ones) and
walks every route the app has:

* with the owner's company (and connection) in the path -> 404 on every method;
* with its OWN company and connection and one of the owner's operation, dataset, record, attachment or
  webhook ids -> 404 on every read and delete (writes that take an upstream record id are not
  tenant-scoped ids: Intacct decides, and the intruder's Intacct company is its own);
* no answer carries the owner's company name or record references, and the owner's data is unchanged.

Then the intruder's key is revoked with ``gateway tenants revoke-key`` (a real CLI process): every
guarded route answers 401 to it while the owner's key keeps working.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from litestar.routes import HTTPRoute

from gateway.tenancy.guards import require_tenant
from tests.integration.gateway.helpers import error_body
from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import Linked, PushEnv
from tests.reliability import world
from tests.reliability.figures import record

pytestmark = pytest.mark.asyncio(loop_scope="session")

REPO = Path(__file__).resolve().parents[2]
PARAM = re.compile(r"\{(\w+)\}")


@dataclass
class Owner:
    tenant: world.Tenant
    linked: Linked
    name: str
    values: dict[str, str] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)


def guarded_routes(app: Any) -> list[tuple[str, str]]:
    out = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format.startswith("/schema"):
            continue
        for handler in route.route_handlers:
            if require_tenant not in handler.resolve_guards():
                continue
            for method in handler.http_methods - {"OPTIONS", "HEAD"}:
                out.append((method, route.path_format))
    return sorted(out)


def fill(path: str, values: dict[str, str]) -> str:
    """``path`` with its parameters from ``values`` (a fresh uuid for any not given)."""
    return PARAM.sub(lambda m: values.get(m.group(1), str(uuid.uuid4())), path)


async def build_owner(env: PushEnv) -> Owner:
    tenant = await world.new_tenant(env, "owner")
    name = f"Owner Secret Co {uuid.uuid4().hex[:6]}"
    linked = await world.link(env, tenant, name=name)
    tag = uuid.uuid4().hex[:8]
    async with env.worker(env.handlers(world.ALL_KINDS)):
        ids = await world.push_every_type(env, linked, tag)
        att_bill = world.record_id(await world.push_and_wait(env, linked, "bills", b.bill(f"{tag}-att")))
        upload = await env.client.post(
            f"{linked.base}/push/bills/{att_bill}/attachments",
            files={"file": ("owner.txt", b"owner's file", "text/plain")},
            headers=linked.headers,
        )
        assert upload.status_code == 200, upload.text
        uploaded = await world.wait(env, linked, upload.json()["pushOperationKey"])
        assert uploaded["status"] == "Success", uploaded
        await world.settle(env, linked.company_id)  # first pulls queued by linking
        pull = await env.client.post(f"/companies/{linked.company_id}/data/all", headers=linked.headers)
        assert pull.status_code < 300, pull.text
        await world.settle(env, linked.company_id)
    webhook = await env.client.post(
        "/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "eventTypes": ["bills.write.successful"]},
        headers=linked.headers,
    )
    assert webhook.status_code < 300, webhook.text
    history = (
        await env.client.get(f"/companies/{linked.company_id}/data/history", headers=linked.headers)
    ).json()
    dataset = history["results"][0]["id"]
    values = {
        "companyId": linked.company_id,
        "connectionId": linked.connection_id,
        "pushOperationKey": upload.json()["pushOperationKey"],
        "datasetId": dataset,
        "webhookId": webhook.json()["id"],
        "attachmentId": uploaded["changes"][0]["attachmentId"],
        "billId": att_bill,
        "invoiceId": ids["invoices"],
        "supplierId": ids["suppliers"],
        "customerId": ids["customers"],
        "creditNoteId": ids["creditNotes"],
        "billCreditNoteId": ids["billCreditNotes"],
        "directIncomeId": ids["directIncomes"],
        "journalEntryId": ids["journalEntries"],
        "paymentId": ids["payments"],
        "billPaymentId": ids["billPayments"],
    }
    owner = Owner(tenant, linked, name, values, markers=[name, f"B-{tag}", f"Consulting {tag}"])
    # the owner itself reads every one of those ids: they are real
    for path in (
        f"/companies/{linked.company_id}/data/bills/{att_bill}",
        f"/companies/{linked.company_id}/data/suppliers/{ids['suppliers']}",
        f"/companies/{linked.company_id}/push/{values['pushOperationKey']}",
        f"/companies/{linked.company_id}/data/history/{dataset}",
        f"/webhooks/{values['webhookId']}",
        f"{linked.base}/data/bills/{att_bill}/attachments/{values['attachmentId']}",
    ):
        response = await env.client.get(path, headers=linked.headers)
        assert response.status_code == 200, (path, response.text)
    return owner


async def build_intruder(env: PushEnv) -> tuple[world.Tenant, Linked]:
    world.add_company(env.sandbox, "DEMO2")
    tenant = await world.new_tenant(env, "intruder")
    linked = await world.link(env, tenant, sandbox_company="DEMO2")
    async with env.worker(env.handlers(world.ALL_KINDS)):
        await world.settle(env, linked.company_id)
    return tenant, linked


def intruder_values(linked: Linked) -> dict[str, str]:
    """The intruder's own ids, and harmless ones for what it has none of."""
    values = {"companyId": linked.company_id, "connectionId": linked.connection_id, "dataType": "bills"}
    values["platformKey"] = "knfz"
    return values


async def test_every_route_with_another_tenants_ids_is_404(env: PushEnv) -> None:
    owner = await build_owner(env)
    intruder, mine = await build_intruder(env)
    routes = guarded_routes(env.app)
    own = intruder_values(mine)
    probes = 0
    leaks: list[str] = []
    wrong: list[str] = []

    async def probe(method: str, url: str) -> None:
        nonlocal probes
        probes += 1
        response = await env.client.request(method, url, headers=intruder.headers, json={})
        leaks.extend(f"{method} {url}: {m}" for m in owner.markers if m in response.text)
        if response.status_code != 404:
            wrong.append(f"{method} {url} -> {response.status_code} {response.text[:200]}")
        else:
            assert error_body(response).status_code == 404

    for method, path in routes:
        params = PARAM.findall(path)
        if not params or params == ["platformKey"]:
            continue
        # 1. the owner's ids throughout (its company first: the guard's door)
        if "companyId" in params or "webhookId" in params:
            await probe(method, fill(path, {**own, **owner.values}))
        # 2. the intruder's own company/connection, one owner id at a time
        push_write = "/push/" in path and method != "GET"
        for param in params:
            if param in ("companyId", "dataType", "platformKey") or param not in owner.values:
                continue
            if param != "connectionId" and (method not in ("GET", "DELETE") or push_write):
                continue  # a write naming an upstream record: the intruder's own Intacct decides
            values = {**owner.values, **own, param: owner.values[param]}
            await probe(method, fill(path, values))

    assert leaks == []
    assert wrong == [], "\n".join(wrong)
    assert probes >= 150
    record(
        "tenant isolation",
        "probes with another tenant's ids",
        f"{probes} across {len(routes)} guarded routes, all 404",
    )

    # nothing of the owner's changed
    company = await env.client.get(f"/companies/{owner.linked.company_id}", headers=owner.linked.headers)
    assert company.status_code == 200 and company.json()["name"] == owner.name
    assert company.json()["dataConnections"][0]["status"] == "Linked"
    for path in (
        f"/webhooks/{owner.values['webhookId']}",
        f"/companies/{owner.linked.company_id}/push/{owner.values['pushOperationKey']}",
    ):
        assert (await env.client.get(path, headers=owner.linked.headers)).status_code == 200


async def test_a_revoked_key_is_401_everywhere_and_other_keys_still_work(env: PushEnv) -> None:
    owner, intruder = await world.new_tenant(env, "keep"), await world.new_tenant(env, "revoked")
    linked = await world.link(env, intruder)
    before = await env.client.get(f"/companies/{linked.company_id}", headers=intruder.headers)
    assert before.status_code == 200

    environment = {
        **os.environ,
        "DATABASE_URL": env.settings.database.url or "",
        "DB_AUTO_MIGRATE": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }
    command = [sys.executable, "-m", "gateway.cli", "tenants", "revoke-key"]
    done = await asyncio.to_thread(
        subprocess.run,
        [*command, intruder.api_key],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "revoked" in done.stdout.lower() and intruder.api_key not in done.stdout
    again = await asyncio.to_thread(
        subprocess.run,
        [*command, intruder.api_key],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 1 and "no active api key" in again.stderr.lower()

    values = {**intruder_values(linked), "pushOperationKey": str(uuid.uuid4())}
    count = 0
    for method, path in guarded_routes(env.app):
        url = fill(path, values)
        response = await env.client.request(method, url, headers=intruder.headers, json={})
        assert response.status_code == 401, (method, url, response.status_code, response.text)
        assert linked.company_id not in response.text
        count += 1
    assert (await env.client.get("/companies", headers=owner.headers)).status_code == 200
    record("tenant isolation", "routes answering 401 to a revoked key", count)
