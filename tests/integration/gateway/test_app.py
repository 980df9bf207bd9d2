"""App-wide behaviour: request ids, integrations, probes, the sandbox mount."""

from __future__ import annotations

import sys
import types
from typing import Any

import httpx
import msgspec
import pytest

from datamodel.platform import Integration, Integrations
from gateway.app import create_app
from gateway.settings import Settings

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_request_id_is_echoed_or_generated(client, tenant) -> None:
    t = await tenant()
    given = await client.get("/companies", headers={**t.headers, "X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    generated = await client.get("/companies", headers={**t.headers, "X-Request-ID": "bad id with spaces"})
    assert (
        generated.headers["x-request-id"] != "bad id with spaces"
        and len(generated.headers["x-request-id"]) == 32
    )
    failed = await client.get("/companies/not-a-company", headers={**t.headers, "X-Request-ID": "req-404"})
    assert failed.status_code == 404 and failed.json()["correlationId"] == "req-404"
    assert failed.headers.get_list("x-request-id") == ["req-404"]
    unrouted = await client.get("/no/such/route", headers={"X-Request-ID": "req-unrouted"})
    assert unrouted.status_code == 404 and unrouted.headers.get_list("x-request-id") == ["req-unrouted"]


async def test_integrations_list_and_get(client, tenant) -> None:
    t = await tenant()
    page = msgspec.convert((await client.get("/integrations", headers=t.headers)).json(), Integrations)
    assert [i.key for i in page.results] == ["knfz"] and page.total_results == 1
    one = msgspec.convert((await client.get("/integrations/knfz", headers=t.headers)).json(), Integration)
    assert (one.name, one.enabled, one.source_type) == ("Sage Intacct", True, "Accounting")
    assert page.results[0] == one
    assert (await client.get("/integrations", params={"query": "key=xero"}, headers=t.headers)).json()[
        "results"
    ] == []
    assert (await client.get("/integrations", params={"query": "name~intacct"}, headers=t.headers)).json()[
        "totalResults"
    ] == 1
    logo = await client.get("/integrations/knfz/logo.svg")
    assert logo.status_code == 200 and logo.headers["content-type"].startswith("image/svg+xml")
    assert one.logo_url.endswith("/integrations/knfz/logo.svg")


async def test_probes(client) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    assert (await client.get("/health/ready")).json() == {"status": "ok"}


async def test_sandbox_is_mounted_publicly_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def create_fake() -> Any:
        async def sandbox(scope: Any, receive: Any, send: Any) -> None:
            seen.append(scope["path"])
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/xml")]}
            )
            await send({"type": "http.response.body", "body": b"<response/>"})

        return sandbox

    fake = types.ModuleType("connectors.intacct.sandbox.server")
    fake.create_app = create_fake  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "connectors.intacct.sandbox.server", fake)
    base = Settings.for_tests(database_url="postgresql://unused/db")
    app = create_app(base.with_overrides(http=base.http.__class__(mount_sandbox=True)))
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.post("/sandbox/intacct/ia/xml/xmlgw.phtml", content=b"<request/>")
    assert response.status_code == 200 and response.text == "<response/>"
    assert seen == ["/ia/xml/xmlgw.phtml"]

    without = create_app(base)
    assert not any(r.path.startswith("/sandbox") for r in without.routes)


async def test_request_log_carries_request_tenant_and_company(client, tenant, settings) -> None:
    import io
    import json
    import logging

    from gateway.logging import configure_logging
    from gateway.settings import LogSettings
    from tests.integration.gateway.helpers import make_company

    t = await tenant()
    company = await make_company(client, t.headers)
    stream = io.StringIO()
    configure_logging(LogSettings(level="INFO", format="json"))
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_gateway_handler", False))
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        await client.get(f"/companies/{company['id']}", headers={**t.headers, "X-Request-ID": "log-req-1"})
    finally:
        configure_logging(settings.log)
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    [done] = [e for e in events if e["event"] == "request.completed" and e.get("request_id") == "log-req-1"]
    assert done["tenant_id"] == str(t.tenant_id) and done["company_id"] == company["id"]
    assert done["status"] == 200 and done["path"] == f"/companies/{company['id']}"
    assert t.api_key not in stream.getvalue()
