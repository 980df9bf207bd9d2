"""/metrics: HTTP series by route template, the store-derived operation gauges, and Intacct calls made
through the gateway's own connector wiring (app.state.connector_metrics -> ConnectorProvider ->
IntacctClient), scraped the way Prometheus does."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.jobs import NewOperation, claim, enqueue
from gateway.metrics import GatewayMetrics
from gateway.settings import Settings
from gateway.store import create_pool, upgrade
from tests.conftest import TenantHandle
from tests.integration.gateway.helpers import DEMO_AUTH, make_company, make_connection
from tests.integration.gateway.ops.conftest import Samples, parse_samples, running, value
from tests.integration.gateway.ops.test_health import BrokenPool, unstarted_client

Scrape = Callable[[], Awaitable[Samples]]
REQUESTS = "gateway_http_requests_total"
DURATION = "gateway_http_request_duration_seconds_count"


@pytest.mark.asyncio(loop_scope="session")
async def test_requests_are_counted_by_route_template_and_status(
    client: Any, tenant: Callable[..., Awaitable[TenantHandle]], scrape: Scrape
) -> None:
    who = await tenant()
    unknown = uuid.uuid4()
    before = await scrape()
    assert (await client.get("/companies", headers=who.headers)).status_code == 200
    assert (await client.get("/companies", headers=who.headers)).status_code == 200
    assert (await client.get("/companies")).status_code == 401
    assert (await client.get(f"/companies/{unknown}", headers=who.headers)).status_code == 404
    assert (await client.get(f"/no/such/route/{unknown}")).status_code == 404
    response = await client.get("/metrics")
    after = parse_samples(response.text)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta(REQUESTS, method="GET", route="/companies", status="200") == 2
    assert delta(REQUESTS, method="GET", route="/companies", status="401") == 1
    assert delta(DURATION, method="GET", route="/companies") == 3
    company_routes = {
        dict(labels)["route"]
        for (name, labels) in after
        if name == REQUESTS
        and dict(labels)["route"].startswith("/companies/{")
        and dict(labels)["status"] == "404"
    }
    assert company_routes, "the unknown company was not counted under its route template"
    assert delta(REQUESTS, method="GET", route="unmatched", status="404") == 1
    # Raw ids never become label values (unbounded series).
    assert str(unknown) not in response.text


@pytest.mark.asyncio(loop_scope="session")
async def test_operation_gauges_come_from_the_store(
    db_pool: Any, tenant: Callable[..., Awaitable[TenantHandle]], scrape: Scrape
) -> None:
    kind = f"metrics-{uuid.uuid4().hex[:8]}"
    who = await tenant()
    ids = []
    for delay in (0.0, 0.0, 0.0, 3600.0):
        new = NewOperation(tenant_id=who.tenant_id, kind=kind, data_type="bills", delay_seconds=delay)
        ids.append((await enqueue(db_pool, new)).operation.id)
    try:
        # The oldest claimable one has waited 90 s for a worker.
        await db_pool.execute(
            "UPDATE operations SET run_after = now() - interval '90 seconds' WHERE id = $1", ids[0]
        )
        claimed = await claim(db_pool, "metrics-test", {kind: None}, 30.0, limit=1)  # type: ignore[dict-item]
        assert len(claimed) == 1 and claimed[0].operation.id == ids[0]
        await db_pool.execute(
            "UPDATE operations SET run_after = now() - interval '60 seconds' WHERE id = $1", ids[1]
        )

        samples = await scrape()
        assert value(samples, "gateway_store_up") == 1
        assert value(samples, "gateway_operations", kind=kind, data_type="bills", status="Running") == 1
        assert value(samples, "gateway_operations", kind=kind, data_type="bills", status="Pending") == 3
        assert value(samples, "gateway_operations_queue_depth", kind=kind) == 2
        assert value(samples, "gateway_operations_delayed", kind=kind) == 1
        assert 60 <= value(samples, "gateway_operations_oldest_pending_age_seconds", kind=kind) < 3600
        # push and pull always have their series, so "nothing queued" reads 0 instead of no data.
        for known in ("push", "pull"):
            assert ("gateway_operations_queue_depth", (("kind", known),)) in samples
    finally:
        await db_pool.execute("DELETE FROM operations WHERE kind = $1", kind)
    samples = await scrape()
    assert value(samples, "gateway_operations", kind=kind, data_type="bills", status="Pending") == 0


@pytest.mark.asyncio(loop_scope="session")
async def test_a_broken_store_still_answers_with_process_metrics() -> None:
    app = create_app(Settings.for_tests(database_url="postgresql://postgres@127.0.0.1:1/none"))
    app.state.pool = BrokenPool()
    async with unstarted_client(app) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    samples = parse_samples(response.text)
    assert value(samples, "gateway_store_up") == 0
    assert ("gateway_operations_queue_depth", (("kind", "push"),)) not in samples
    assert any(name == "gateway_build_info" for name, _ in samples)


@pytest.mark.asyncio(loop_scope="session")
async def test_intacct_calls_of_a_link_are_counted(empty_database: str) -> None:
    """Linking DEMO through the API signs in to the sandbox: the call shows up in /metrics."""
    from connectors.intacct.sandbox import SandboxState, SandboxTransport
    from connectors.intacct.sandbox import create_app as sandbox_app
    from gateway.tenancy.repository import TenantRepository
    from tests.conftest import basic_auth

    pool = await create_pool(empty_database, min_size=1, max_size=2)
    try:
        await upgrade(pool)
        _, api_key = await TenantRepository(pool).create_tenant("metrics")
    finally:
        await pool.close()
    headers = basic_auth(api_key)
    sandbox = SandboxState.demo()
    app = create_app(Settings.for_tests(database_url=empty_database))
    async with httpx.AsyncClient(transport=SandboxTransport(sandbox_app(sandbox))) as intacct:
        app.state.connector_http_client = intacct
        assert isinstance(app.state.connector_metrics, GatewayMetrics)
        async with running(app) as client:
            before = parse_samples((await client.get("/metrics")).text)
            company = await make_company(client, headers)
            connection = await make_connection(client, headers, company["id"])
            body = {**DEMO_AUTH, "endpointUrl": "http://sandbox.test/ia/xml/xmlgw.phtml"}
            response = await client.put(
                f"/companies/{company['id']}/connections/{connection['id']}/authorization",
                json=body,
                headers=headers,
            )
            assert response.status_code == 200, response.text
            assert response.json()["status"] == "Linked", response.text

            sandbox.company("DEMO").faults.configure({"http_5xx_rate": 1.0})
            await client.put(
                f"/companies/{company['id']}/connections/{connection['id']}/authorization",
                json=body,
                headers=headers,
            )
            after = parse_samples((await client.get("/metrics")).text)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("gateway_intacct_calls_total", function="getAPISession", outcome="success") == 1
    assert delta("gateway_intacct_calls_total", function="query:LOCATIONENTITY", outcome="success") >= 1
    # The second check never got an answer (HTTP 503, retried until the link check's timeout).
    assert delta("gateway_intacct_calls_total", function="getAPISession", outcome="cancelled") == 1
    assert delta("gateway_intacct_call_duration_seconds_count", function="getAPISession") == 2
    assert delta("gateway_intacct_retries_total", reason="http_5xx") >= 1
    assert delta("gateway_intacct_limit_wait_seconds_count", kind="rate") >= 1
