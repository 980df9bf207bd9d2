"""``gateway pull COMPANY [DATATYPE]``: pull now, in this process, and show how it goes.

For operators: the company is named by id or by exact name (across tenants). Each data type is
queued like an API request would queue it and then run inline (``gateway.pull.inline``), so the
history, data status and webhooks look exactly as if a worker had done it. A pull of that type already
pending is run here instead of waiting for a worker; one already running elsewhere is waited for.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

from gateway.connections.crypto import CredentialCipher
from gateway.connections.factory import ConnectorProvider
from gateway.data.catalog import DataTypeSpec, supported
from gateway.errors import GatewayError
from gateway.jobs.models import Operation, OperationStatus
from gateway.pull import repository as pulls
from gateway.pull.handler import PullHandler
from gateway.pull.inline import run_operation
from gateway.pull.service import PullService, declared_types, resolve
from gateway.settings import Settings

Printer = Callable[[str], None]


class CommandError(Exception):
    """Something the operator must fix (unknown company, no linked connection ...)."""


async def find_company(pool: Any, name_or_id: str) -> tuple[uuid.UUID, uuid.UUID, str]:
    """(tenant id, company id, name) of the company with this id or this exact name."""
    try:
        rows = await pool.fetch(
            "SELECT tenant_id, id, name FROM companies WHERE id = $1", uuid.UUID(name_or_id)
        )
    except ValueError:
        rows = await pool.fetch("SELECT tenant_id, id, name FROM companies WHERE name = $1", name_or_id)
    if not rows:
        raise CommandError(f"no company with id or name {name_or_id!r}")
    if len(rows) > 1:
        ids = ", ".join(str(row["id"]) for row in rows)
        raise CommandError(f"several companies are named {name_or_id!r}; use one of their ids: {ids}")
    row = rows[0]
    return row["tenant_id"], row["id"], row["name"]


async def _active_pull(pool: Any, tenant_id: uuid.UUID, company_id: uuid.UUID, data_type: str) -> Any:
    return await pool.fetchrow(
        "SELECT id, status FROM operations WHERE tenant_id = $1 AND company_id = $2 AND kind = 'pull' "
        "AND data_type = $3 AND status IN ('Pending', 'Running')",
        tenant_id,
        company_id,
        data_type,
    )


async def _wait(pool: Any, operation_id: uuid.UUID, poll_seconds: float = 0.5) -> None:
    while True:
        status = await pool.fetchval("SELECT status FROM operations WHERE id = $1", operation_id)
        if status not in ("Pending", "Running"):
            return
        await asyncio.sleep(poll_seconds)


async def pull_company(
    pool: Any,
    settings: Settings,
    company: str,
    data_type: str | None,
    *,
    out: Printer = print,
    http_client: Any = None,
) -> bool:
    """Pull one type (or every supported one) of ``company``; True when every pull completed."""
    tenant_id, company_id, name = await find_company(pool, company)
    service = PullService(pool)
    key = await pool.fetchval(
        "SELECT integration_key FROM connections WHERE tenant_id = $1 AND company_id = $2 "
        "AND status = 'Linked' ORDER BY created_at, id LIMIT 1",
        tenant_id,
        company_id,
    )
    if key is None:
        raise CommandError(f"company {name!r} has no linked connection: link it first")
    specs: list[DataTypeSpec] = [resolve(data_type)] if data_type else supported(declared_types(key))
    provider = ConnectorProvider(
        pool,
        CredentialCipher.from_settings(settings.security),
        allow_endpoint_override=settings.security.allow_endpoint_override,
        http_client=http_client,
    )

    def progress(op: Operation, stage: str, percent: int, read: int) -> None:
        out(f"  {op.data_type}: {stage} {percent}% ({read} records read)")

    handler = PullHandler(pool, provider, base_url=settings.http.base_url, on_progress=progress)
    out(f"Pulling {', '.join(s.dataset for s in specs)} for company {name!r} ({company_id})")
    all_ok = True
    for spec in specs:
        operation_id = await _queue_or_join(service, pool, tenant_id, company_id, spec, out)
        final = await run_operation(pool, handler, operation_id)
        if final is None:  # a worker has it: wait for its outcome
            out(f"  {spec.dataset}: being pulled by a worker, waiting")
            await _wait(pool, operation_id)
        view = await pulls.get_pull(pool, tenant_id, company_id, operation_id)
        assert view is not None
        ok = view.status.value == "Complete"
        all_ok = all_ok and ok
        detail = view.status_description if ok else (view.error_message or view.status_description)
        out(f"{spec.dataset}: {view.status.value}" + (f" — {detail}" if isinstance(detail, str) else ""))
        if final is not None and final.status is OperationStatus.PENDING:
            out(f"  {spec.dataset}: will be retried by a worker ({view.status.value})")
    return all_ok


async def _queue_or_join(
    service: PullService,
    pool: Any,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    spec: DataTypeSpec,
    out: Printer,
) -> uuid.UUID:
    try:
        queued = await service.queue(tenant_id, company_id, spec.name, trigger="cli")
        return uuid.UUID(queued.id)
    except GatewayError as exc:
        active = await _active_pull(pool, tenant_id, company_id, spec.name)
        if active is None:
            raise CommandError(f"{spec.dataset}: {exc.message}") from None
        out(f"  {spec.dataset}: joining the pull already {active['status'].lower()} ({active['id']})")
        operation_id: uuid.UUID = active["id"]
        return operation_id
