"""The pull handler's contract with any connector: streaming, outcomes, deletions, events.

A scripted connector stands in for the platform so every outcome can be forced; the database, the
queue and the records store are the real ones.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
import pytest_asyncio

from connectors.base import Capability, ReadPage
from connectors.errors import (
    ConnectorConfigError,
    ConnectorTransientError,
    ConnectorUnsupported,
    UpstreamError,
)
from gateway.connections.crypto import CredentialCipher
from gateway.connections.factory import ConnectorProvider
from gateway.jobs import PULL, NewOperation, enqueue
from gateway.jobs.models import OperationStatus
from gateway.pull import events
from gateway.pull import repository as pulls
from gateway.pull.handler import PullHandler
from gateway.pull.inline import run_operation

pytestmark = pytest.mark.asyncio(loop_scope="session")


@dataclass
class Script:
    """What the fake platform does: pages of records, the ids that exist, a failure to raise."""

    pages: list[list[dict[str, Any]]] = field(default_factory=list)
    total: int | None = None
    ids: set[str] | None = None
    error: Exception | None = None
    declared: tuple[str, ...] = ("suppliers", "accounts", "bills")
    on_page: Any = None
    calls: list[tuple[str, datetime | None]] = field(default_factory=list)


class FakeConnector:
    key = "knfz"
    name = "Fake platform"
    capabilities = frozenset({Capability.READ, Capability.INCREMENTAL_READ})

    def __init__(self, script: Script) -> None:
        self.script = script
        self.data_types = {name: object for name in script.declared}
        self.closed = False

    async def read(
        self, data_type: str, *, modified_since: datetime | None = None
    ) -> AsyncIterator[ReadPage]:
        self.script.calls.append((data_type, modified_since))
        if self.script.error is not None:
            raise self.script.error
        for number, page in enumerate(self.script.pages):
            if self.script.on_page is not None:
                await self.script.on_page(number)
            yield ReadPage(page, total=self.script.total)

    async def list_ids(self, data_type: str) -> set[str]:
        if self.script.ids is None:
            raise ConnectorUnsupported("no id scan here")
        return set(self.script.ids)

    async def aclose(self) -> None:
        self.closed = True


class FakeProvider:
    def __init__(self, pool: Any, script: Script) -> None:
        self.pool = pool
        self.cipher = CredentialCipher(["test"])
        self.script = script
        self.released: list[FakeConnector] = []

    async def for_connection(self, *args: Any, **kwargs: Any) -> FakeConnector:
        return FakeConnector(self.script)

    async def release(self, connector: FakeConnector) -> None:
        self.released.append(connector)


@dataclass
class Ids:
    tenant_id: uuid.UUID
    company_id: uuid.UUID
    connection_id: uuid.UUID


@pytest_asyncio.fixture(loop_scope="session")
async def ids(db_pool: Any) -> AsyncIterator[Ids]:
    made = Ids(uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    await db_pool.execute(
        "INSERT INTO tenants (id, name) VALUES ($1, $2)", made.tenant_id, f"pull-{made.tenant_id}"
    )
    await db_pool.execute(
        "INSERT INTO companies (id, tenant_id, name) VALUES ($1, $2, 'Scripted Co')",
        made.company_id,
        made.tenant_id,
    )
    await db_pool.execute(
        "INSERT INTO connections (id, tenant_id, company_id, integration_key, status) "
        "VALUES ($1, $2, $3, 'knfz', 'Linked')",
        made.connection_id,
        made.tenant_id,
        made.company_id,
    )
    yield made
    await db_pool.execute("DELETE FROM tenants WHERE id = $1", made.tenant_id)


@pytest.fixture
def emitted(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Events the handler hands to the webhooks feature."""
    seen: list[dict[str, Any]] = []

    async def emit(db: Any, **event: Any) -> uuid.UUID:
        seen.append(event)
        return uuid.uuid4()

    monkeypatch.setattr(events, "_emitter", lambda: emit)
    return seen


def suppliers(start: int, n: int, name: str = "Supplier") -> list[dict[str, Any]]:
    return [
        {"id": f"S{i:05d}", "supplierName": f"{name} {i}", "status": "Active"}
        for i in range(start, start + n)
    ]


async def run(pool: Any, ids: Ids, script: Script, data_type: str = "suppliers", **payload: Any) -> Any:
    queued = await enqueue(
        pool,
        NewOperation(
            tenant_id=ids.tenant_id,
            kind=PULL,
            company_id=ids.company_id,
            connection_id=ids.connection_id,
            data_type=data_type,
            payload=payload,
        ),
    )
    provider = FakeProvider(pool, script)
    final = await run_operation(pool, PullHandler(pool, provider), queued.operation.id)  # type: ignore[arg-type]
    assert final is not None
    assert all(c.closed is False for c in provider.released) and provider.released
    view = await pulls.get_pull(pool, ids.tenant_id, ids.company_id, final.id)
    return final, view


async def stored(pool: Any, ids: Ids, data_type: str = "suppliers") -> dict[str, bool]:
    rows = await pool.fetch(
        "SELECT record_id, is_deleted FROM records "
        "WHERE tenant_id = $1 AND company_id = $2 AND data_type = $3",
        ids.tenant_id,
        ids.company_id,
        data_type,
    )
    return {row["record_id"]: row["is_deleted"] for row in rows}


async def test_pages_are_stored_one_by_one_and_the_watermark_moves(db_pool, ids, emitted) -> None:
    seen_before_page: list[int] = []

    async def before_page(number: int) -> None:
        # A page is stored while the next is read: when a page is asked for, every page but the one just
        # read is in the store (at most one waits on the database, and pages are stored in order).
        seen_before_page.append(len(await stored(db_pool, ids)))

    pages = [suppliers(n * 100, 100) for n in range(5)]
    script = Script(pages=pages, total=500, ids={r["id"] for p in pages for r in p}, on_page=before_page)
    final, view = await run(db_pool, ids, script)
    assert final.status is OperationStatus.SUCCESS
    assert seen_before_page[0] == 0
    assert all(100 * (n - 1) <= seen <= 100 * n for n, seen in enumerate(seen_before_page)), seen_before_page
    assert view.status.value == "Complete" and view.progress == 100 and view.is_completed
    assert final.result["inserted"] == 500 and final.result["full"] is True
    assert script.calls == [("suppliers", None)]
    state = await pulls.get_state(db_pool, ids.tenant_id, ids.company_id, "suppliers")
    assert state is not None and state.watermark is not None and state.connection_id == ids.connection_id
    assert state.watermark <= final.started_at + (final.completed_at - final.started_at)

    # The next pull is incremental from that watermark minus the overlap, and flags what vanished.
    script.pages = [suppliers(0, 1, "Renamed")]
    script.ids = {f"S{i:05d}" for i in range(0, 499)}
    script.calls.clear()
    final, view = await run(db_pool, ids, script)
    (call,) = script.calls
    assert call[1] is not None and call[1] < state.watermark
    assert final.result["full"] is False and final.result["updated"] == 1 and final.result["deleted"] == 1
    flags = await stored(db_pool, ids)
    assert flags["S00499"] is True and sum(flags.values()) == 1

    # Events: one per pull, Codat's read.completed shape.
    assert [e["event_type"] for e in emitted] == ["read.completed", "read.completed"]
    payload = emitted[-1]["payload"]
    assert payload.reference_company.name == "Scripted Co"
    (item,) = payload.data_types
    assert (item.data_type, item.status.value, item.records_modified) == ("suppliers", "Complete", True)
    assert item.connection_id == str(ids.connection_id) and payload.modified_from_date


async def test_a_full_pull_is_forced_and_accounts_are_reported_as_chart_of_accounts(
    db_pool, ids, emitted
) -> None:
    script = Script(pages=[[{"id": "1000", "name": "Cash"}]], ids={"1000"})
    await run(db_pool, ids, script, "accounts")
    script.calls.clear()
    final, view = await run(db_pool, ids, script, "accounts", full=True)
    assert script.calls == [("accounts", None)] and final.result["full"] is True
    assert view.data_type == "chartOfAccounts"
    assert emitted[-1]["payload"].data_types[0].data_type == "chartOfAccounts"
    assert emitted[-1]["payload"].data_types[0].records_modified is False


async def test_refused_credentials_fail_the_pull_and_unlink_the_connection(db_pool, ids, emitted) -> None:
    error = ConnectorConfigError(
        "Intacct refused the user's credentials: check the user id and password.",
        errors=[UpstreamError(code="XL03000006", description="Sign-in information is incorrect")],
    )
    final, view = await run(db_pool, ids, Script(error=error))
    assert final.status is OperationStatus.FAILED
    assert view.status.value == "AuthError" and view.is_errored and view.error_message == error.message
    row = await db_pool.fetchrow(
        "SELECT status, data_connection_errors::text AS errors FROM connections WHERE id = $1",
        ids.connection_id,
    )
    assert row["status"] == "Unlinked" and "check the user id and password" in row["errors"]
    assert "XL03000006" in row["errors"]
    assert emitted[-1]["payload"].data_types[0].status.value == "AuthError"


async def test_transient_trouble_is_retried_then_reported(db_pool, ids, emitted) -> None:
    script = Script(error=ConnectorTransientError("API rate limit exceeded", retry_after=120))
    final, view = await run(db_pool, ids, script)
    assert final.status is OperationStatus.PENDING and final.attempts == 1
    assert view.status.value == "Queued" and not view.is_completed
    assert (final.run_after - final.requested_at).total_seconds() > 100
    assert emitted == []  # not final yet
    # The last allowed attempt fails for good, as RateLimitError.
    await db_pool.execute(
        "UPDATE operations SET attempts = max_attempts - 1, run_after = now() WHERE id = $1", final.id
    )
    last = await run_operation(db_pool, PullHandler(db_pool, FakeProvider(db_pool, script)), final.id)  # type: ignore[arg-type]
    assert last is not None and last.status is OperationStatus.FAILED
    again = await pulls.get_pull(db_pool, ids.tenant_id, ids.company_id, final.id)
    assert again is not None and again.status.value == "RateLimitError" and again.is_errored
    assert [e["payload"].data_types[0].status.value for e in emitted] == ["RateLimitError"]
    status = await pulls.data_status(db_pool, ids.tenant_id, ids.company_id)
    assert status["suppliers"].current_status.value == "RateLimitError"
    assert status["suppliers"].last_successful_sync == pulls.NEVER


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (Script(declared=("accounts",)), "NotSupported"),
        (Script(error=ConnectorUnsupported("suppliers cannot be read here")), "NotSupported"),
        (Script(pages=[[{"supplierName": "no id"}]]), "MapError"),
        (Script(error=RuntimeError("bug")), "InternalError"),
    ],
)
async def test_other_outcomes_have_codat_dataset_statuses(db_pool, ids, emitted, script, expected) -> None:
    final, view = await run(db_pool, ids, script)
    assert final.status is OperationStatus.FAILED and view.status.value == expected, (final.error, view)
    assert view.is_errored and view.error_message


async def test_without_an_id_scan_nothing_is_flagged_and_without_a_linked_connection_nothing_runs(
    db_pool, ids, emitted
) -> None:
    final, _ = await run(db_pool, ids, Script(pages=[suppliers(0, 3)], ids=None))
    assert final.status is OperationStatus.SUCCESS and final.result["deleted"] == 0
    await db_pool.execute("UPDATE connections SET status = 'Unlinked' WHERE id = $1", ids.connection_id)
    queued = await enqueue(
        db_pool,
        NewOperation(tenant_id=ids.tenant_id, kind=PULL, company_id=ids.company_id, data_type="suppliers"),
    )
    handler = PullHandler(db_pool, FakeProvider(db_pool, Script()))  # type: ignore[arg-type]
    done = await run_operation(db_pool, handler, queued.operation.id)
    view = await pulls.get_pull(db_pool, ids.tenant_id, ids.company_id, queued.operation.id)
    assert done is not None and view is not None and view.status.value == "PrerequisiteNotMet"


async def test_the_provider_refuses_forbidden_endpoints_and_caches_per_credentials(db_pool) -> None:
    cipher = CredentialCipher(["k"])
    creds = {
        "sender_id": "s",
        "sender_password": "p",
        "company_id": "C",
        "user_id": "u",
        "user_password": "w",
    }
    strict = ConnectorProvider(db_pool, cipher, allow_endpoint_override=False)
    with pytest.raises(ConnectorConfigError, match="ALLOW_ENDPOINT_URL_OVERRIDE"):
        strict.build("knfz", {**creds, "endpoint_url": "http://evil.example/x"})
    assert strict.build("knfz", creds).credentials.company_id == "C"  # type: ignore[attr-defined]


async def test_workers_reuse_a_connections_connector_until_its_credentials_change(db_pool, ids) -> None:
    cipher = CredentialCipher(["k"])
    creds = {
        "sender_id": "s",
        "sender_password": "p",
        "company_id": "C",
        "user_id": "u",
        "user_password": "w",
    }

    async def store(credentials: dict[str, str]) -> None:
        await db_pool.execute(
            "UPDATE connections SET credentials = $2 WHERE id = $1",
            ids.connection_id,
            cipher.encrypt(credentials),
        )

    await store(creds)
    where = (ids.tenant_id, ids.company_id, ids.connection_id)
    cached = ConnectorProvider(db_pool, cipher, allow_endpoint_override=True, cache_seconds=60)
    first = await cached.for_connection(*where)
    await cached.release(first)
    assert await cached.for_connection(*where) is first
    await store({**creds, "user_password": "rotated"})
    assert await cached.for_connection(*where) is not first
    uncached = ConnectorProvider(db_pool, cipher, allow_endpoint_override=True)
    assert await uncached.for_connection(*where) is not await uncached.for_connection(*where)
