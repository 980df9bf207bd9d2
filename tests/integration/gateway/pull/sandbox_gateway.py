"""A gateway app whose connectors talk to an in-process Intacct sandbox, for the pull/data/linking tests.

The app is a separate instance from the session's ``app`` fixture (that one must keep reaching no
Intacct at all), started on the same test database with ``app.state.connector_http_client`` set to an
``httpx.AsyncClient`` on ``SandboxTransport`` before its lifespan runs. Pulls are run explicitly with
``run_pulls`` (no background worker), so every test decides when the platform is read.

The sandbox clock is a ``Clock`` the test moves: DEMO's seed data (and ``seed_bulk``'s) is dated in the
past, older than any pull's watermark, and a change made after ``clock.advance_past_now()`` is newer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from connectors.intacct.sandbox import SandboxState, SandboxTransport, create_app
from gateway.jobs.models import Operation
from gateway.pull.handler import PullHandler
from gateway.pull.inline import run_operation
from gateway.settings import Settings
from tests.integration.gateway.helpers import DEMO_AUTH, make_company, make_connection

SANDBOX_URL = "https://sandbox.test/ia/xml/xmlgw.phtml"
#: Every test talks to the same company (DEMO), and the per-company call rate is counted in the shared
#: database: at Intacct's 300 calls a minute, consecutive tests would wait on each other's calls. The
#: limiter itself is tested elsewhere; these tests raise the rate (connection settings and sandbox).
FAST_LIMITS = {"callsPerMinute": 100_000}
PAST = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


class Clock:
    """The sandbox's notion of now: real time shifted (it must keep moving, or the sandbox's per-minute
    rate window would never slide). DEMO is seeded at ``PAST``; then the clock runs on real time, so
    sessions carry real expiry times."""

    def __init__(self, start: dt.datetime = PAST) -> None:
        self.offset = start - dt.datetime.now(dt.UTC)

    def real(self) -> None:
        self.offset = dt.timedelta(0)

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance_past_now(self, minutes: int = 60) -> None:
        """Jump to after the real time, so later writes are newer than every pull's watermark."""
        self.offset = dt.timedelta(minutes=minutes)


@dataclass
class SandboxGateway:
    app: Any
    client: httpx.AsyncClient
    sandbox: SandboxState
    sandbox_http: httpx.AsyncClient
    clock: Clock
    settings: Settings
    progress: list[tuple[str, str, int, int]] = field(default_factory=list)
    connectors: dict[str, Any] = field(default_factory=dict)
    provider: Any = None
    #: Every request body sent to the sandbox, in order (what the gateway asked Intacct for).
    sent: list[bytes] = field(default_factory=list)

    @property
    def pool(self) -> Any:
        return self.app.state.pool

    @property
    def demo(self) -> Any:
        return self.sandbox.company("DEMO")

    def connector(self, entity: str | None = "100") -> Any:
        """A connector of its own on the sandbox (one per entity and test: one sign-in, facts loaded once),
        sharing the gateway's limit store so that all calls count against one per-company rate."""
        from connectors.base import ConnectorContext
        from connectors.intacct.connector import IntacctConnector
        from gateway.jobs.limit_store import PostgresLimitStore

        key = entity or ""
        if key not in self.connectors:
            context = ConnectorContext(
                http_client=self.sandbox_http, limit_store=PostgresLimitStore(self.pool)
            )
            self.connectors[key] = IntacctConnector(
                self.auth(entityId=entity), settings=FAST_LIMITS, context=context
            )
        return self.connectors[key]

    def auth(self, **changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {**DEMO_AUTH, "endpointUrl": SANDBOX_URL, **changes}
        return {k: v for k, v in body.items() if v is not None}

    def handler(self, **options: Any) -> PullHandler:
        from gateway.connections.crypto import CredentialCipher
        from gateway.connections.factory import ConnectorProvider

        if self.provider is None:  # one per test, caching connectors as a worker's does
            self.provider = ConnectorProvider(
                self.pool,
                CredentialCipher.from_settings(self.settings.security),
                allow_endpoint_override=True,
                http_client=self.sandbox_http,
                cache_seconds=300,
            )
        provider = self.provider

        def record(op: Operation, stage: str, progress: int, read: int) -> None:
            self.progress.append((op.data_type or "", stage, progress, read))

        return PullHandler(self.pool, provider, on_progress=record, **options)

    async def link(self, headers: dict[str, str], **auth: Any) -> tuple[str, str, httpx.Response]:
        """A new company and connection, authorized with DEMO's credentials (``auth`` overrides)."""
        company = await make_company(self.client, headers, f"Pull Co {uuid.uuid4().hex[:6]}")
        connection = await make_connection(self.client, headers, company["id"])
        await self.pool.execute(  # see FAST_LIMITS
            "UPDATE connections SET settings = $2::jsonb WHERE id = $1",
            uuid.UUID(connection["id"]),
            json.dumps(FAST_LIMITS),
        )
        response = await self.client.put(
            f"/companies/{company['id']}/connections/{connection['id']}/authorization",
            json=self.auth(**auth),
            headers=headers,
        )
        return company["id"], connection["id"], response

    async def pending_pulls(self, company_id: str, data_type: str | None = None) -> list[uuid.UUID]:
        rows = await self.pool.fetch(
            "SELECT id FROM operations WHERE company_id = $1 AND kind = 'pull' AND status = 'Pending' "
            "AND ($2::text IS NULL OR data_type = $2) ORDER BY requested_at, id",
            uuid.UUID(company_id),
            data_type,
        )
        return [row["id"] for row in rows]

    async def run_pulls(
        self, company_id: str, data_type: str | None = None, **options: Any
    ) -> dict[str, Operation]:
        """Run the company's pending pulls (of one type, or all) here; data type -> final operation."""
        handler = self.handler(**options)
        done: dict[str, Operation] = {}
        for operation_id in await self.pending_pulls(company_id, data_type):
            final = await run_operation(self.pool, handler, operation_id)
            assert final is not None
            done[final.data_type or ""] = final
        return done

    async def queue(self, headers: dict[str, str], company_id: str, data_type: str) -> dict[str, Any]:
        response = await self.client.post(f"/companies/{company_id}/data/queue/{data_type}", headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def pull(self, headers: dict[str, str], company_id: str, data_type: str) -> Operation:
        """Queue through the API, run it, return the finished operation."""
        queued = await self.queue(headers, company_id, data_type)
        final = await run_operation(self.pool, self.handler(), uuid.UUID(queued["id"]))
        assert final is not None
        return final

    async def list_all(self, headers: dict[str, str], path: str, **params: Any) -> list[dict[str, Any]]:
        """Every record of a list route, following ``_links.next``."""
        results: list[dict[str, Any]] = []
        response = await self.client.get(path, params={"pageSize": 500, **params}, headers=headers)
        while True:
            assert response.status_code == 200, response.text
            body = response.json()
            results += body["results"]
            following = body["_links"].get("next")
            if not following:
                return results
            response = await self.client.get(following["href"], headers=headers)


@asynccontextmanager
async def sandbox_gateway(settings: Settings) -> AsyncIterator[SandboxGateway]:
    """Start the app (lifespan in its own task, as tests/conftest.py does) wired to a fresh sandbox."""
    from gateway.app import create_app as create_gateway

    clock = Clock()
    state = SandboxState.demo(clock=clock)
    clock.real()
    state.company("DEMO").limits.calls_per_minute = FAST_LIMITS["callsPerMinute"]
    sent: list[bytes] = []

    async def remember(request: httpx.Request) -> None:
        sent.append(request.content)

    sandbox_http = httpx.AsyncClient(
        transport=SandboxTransport(create_app(state)), timeout=30.0, event_hooks={"request": [remember]}
    )
    application = create_gateway(settings)
    application.state.connector_http_client = sandbox_http
    started, stop = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        async with application.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()
    transport = httpx.ASGITransport(app=application)  # type: ignore[arg-type]  # Litestar types its ASGI args narrowly
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield SandboxGateway(application, client, state, sandbox_http, clock, settings, sent=sent)
    finally:
        stop.set()
        await task
        await sandbox_http.aclose()


def _push_bodies(bill: dict[str, str], invoice: dict[str, str]) -> dict[str, dict[str, Any]]:
    """One valid unified record per pushable transaction type, against DEMO's seeded master data."""
    note = {"totalTaxAmount": 0, "totalDiscount": 0, "discountPercentage": 0, "status": "Submitted"}
    return {
        "billCreditNotes": {
            **note,
            "supplierRef": {"id": bill["VENDORID"]},
            "issueDate": "2024-05-01T00:00:00",
            "currency": "USD",
            "totalAmount": 50,
            "subTotal": 50,
            "lineItems": [
                {
                    "description": "Returned toner",
                    "unitAmount": 50,
                    "quantity": 1,
                    "accountRef": {"id": "6000"},
                }
            ],
        },
        "billPayments": {
            "supplierRef": {"id": bill["VENDORID"]},
            "paymentMethodRef": {"id": "6"},
            "accountRef": {"id": "1010"},
            "totalAmount": 10,
            "currency": "USD",
            "date": "2024-05-02T00:00:00",
            "lines": [{"amount": 10, "links": [{"type": "Bill", "id": bill["RECORDNO"], "amount": -10}]}],
        },
        "creditNotes": {
            **note,
            "customerRef": {"id": invoice["CUSTOMERID"]},
            "issueDate": "2024-05-03T00:00:00",
            "currency": "USD",
            "totalAmount": 20,
            "subTotal": 20,
            "remainingCredit": 20,
            "lineItems": [
                {"description": "Goodwill", "unitAmount": 20, "quantity": 1, "accountRef": {"id": "4000"}}
            ],
        },
        "payments": {
            "customerRef": {"id": invoice["CUSTOMERID"]},
            "accountRef": {"id": "1010"},
            "paymentMethodRef": {"id": "6"},
            "date": "2024-05-04T00:00:00",
            "totalAmount": 15,
            "currency": "USD",
            "lines": [
                {"amount": 15, "links": [{"id": invoice["RECORDNO"], "type": "Invoice", "amount": -15}]}
            ],
        },
        "directIncomes": {
            "reference": "Walk-in customer",
            "note": "cash sale",
            "issueDate": "2024-05-05T00:00:00",
            "currency": "USD",
            "lineItems": [{"accountRef": {"id": "4000"}, "unitAmount": 30, "quantity": 1}],
            "paymentAllocations": [
                {
                    "payment": {
                        "accountRef": {"id": "1010"},
                        "paidOnDate": "2024-05-05T00:00:00",
                        "totalAmount": 30,
                    },
                    "allocation": {"totalAmount": 30},
                }
            ],
            "subTotal": 30,
            "taxAmount": 0,
            "totalAmount": 30,
        },
        "journalEntries": {
            "description": "Accrued rent",
            "postedOn": "2024-05-06T00:00:00Z",
            "journalRef": {"id": "GJ"},
            "journalLines": [
                {"description": "rent", "netAmount": 9, "accountRef": {"id": "6000"}},
                {"description": "accrual", "netAmount": -9, "accountRef": {"id": "6200"}},
            ],
        },
    }


async def seed_every_type(gw: SandboxGateway, *, bills: int = 3, invoices: int = 3) -> dict[str, str]:
    """Records of every transaction type in DEMO: bills and invoices in bulk, transfers, and one record
    of each other type written through the connector (entity 100, which owns the bank accounts).

    Returns data type -> id of the pushed record.
    """
    from connectors.base import PushRequest
    from connectors.intacct.sandbox import seed_bulk
    from connectors.intacct.sandbox.handlers.cash import seed_transfers

    seed_bulk(gw.sandbox, "DEMO", "APBILL", bills, lines=2)
    seed_bulk(gw.sandbox, "DEMO", "ARINVOICE", invoices, lines=2)
    seed_transfers(gw.demo)
    bill = next(iter(gw.demo.rows("APBILL")))
    invoice = next(iter(gw.demo.rows("ARINVOICE")))
    connector = gw.connector("100")
    pushed: dict[str, str] = {}
    for data_type, body in _push_bodies(bill, invoice).items():
        (outcome,) = await connector.push([PushRequest(f"seed-{data_type}", data_type, "create", body)])
        assert outcome.ok and outcome.record_id, (data_type, outcome.message, outcome.errors)
        pushed[data_type] = outcome.record_id
    return pushed
