"""Pulls as the API sees them: queue one type or all, data status, dataset history, schedules.

Queueing only writes an operation row; a worker (``PullHandler``) does the reading. At most one pull
per company and data type is pending or running — the queue's unique index decides, so a second
request (or a schedule firing at the same moment) gets Codat's ``DatasetAlreadyInProgressException``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from connectors.registry import get_connector
from datamodel.operations import DataStatus, PullOperation, PullOperations
from gateway.data.catalog import DATA_TYPES, DataTypeSpec, find, supported
from gateway.errors import Conflict, NotFound
from gateway.jobs import PULL, ActiveOperationExists, NewOperation, Schedule, enqueue
from gateway.jobs import schedules as jobs_schedules
from gateway.paging import PageRequest
from gateway.pull import repository as pulls
from gateway.pull.schemas import SyncSchedule, SyncSchedules, SyncScheduleUpdate
from gateway.records import build_links

log = structlog.get_logger(__name__)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def declared_types(integration_key: str) -> Mapping[str, Any]:
    """The data types the platform's connector declares (a class attribute: no credentials needed)."""
    declared: Mapping[str, Any] = getattr(get_connector(integration_key), "data_types", {})
    return declared


def resolve(data_type: str) -> DataTypeSpec:
    """The catalog entry for any of a type's names; NotFound in Codat's words otherwise."""
    spec = find(data_type)
    if spec is None:
        raise NotFound(f"Datatype {data_type} not supported by platform(s) Sage Intacct.")
    return spec


class PullService:
    """Works on the pool directly: every statement is scoped by the caller's tenant id."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    async def _connection(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID | None
    ) -> tuple[uuid.UUID, str]:
        """(id, integration key) of the named connection, or of the company's linked one."""
        row = await self.pool.fetchrow(
            """SELECT id, integration_key, status FROM connections
               WHERE tenant_id = $1 AND company_id = $2 AND ($3::uuid IS NULL OR id = $3)
               ORDER BY (status = 'Linked') DESC, created_at, id LIMIT 1""",
            tenant_id,
            company_id,
            connection_id,
        )
        if row is None and connection_id is not None:
            raise NotFound(f"No connection found with id {connection_id}.")
        if row is None or row["status"] != "Linked":
            raise Conflict(
                "The company has no linked connection to pull from: link one with "
                "PUT /companies/{companyId}/connections/{connectionId}/authorization first."
            )
        return row["id"], row["integration_key"]

    async def queue(
        self,
        tenant_id: uuid.UUID,
        company_id: uuid.UUID,
        data_type: str,
        *,
        connection_id: uuid.UUID | None = None,
        full: bool = False,
        trigger: str = "api",
    ) -> PullOperation:
        """Queue a pull of one type (``POST …/data/queue/{dataType}``)."""
        spec = resolve(data_type)
        connection, key = await self._connection(tenant_id, company_id, connection_id)
        if spec.connector_name(declared_types(key)) is None:
            raise NotFound(f"Datatype {spec.dataset} not supported by platform(s) Sage Intacct.")
        new = NewOperation(
            tenant_id=tenant_id,
            kind=PULL,
            company_id=company_id,
            connection_id=connection,
            data_type=spec.name,
            payload={"trigger": trigger, "full": full},
            max_attempts=5,
        )
        try:
            queued = await enqueue(self.pool, new)
        except ActiveOperationExists as exc:
            running = f" (dataset {exc.operation.id})" if exc.operation is not None else ""
            raise Conflict(
                f"DatasetAlreadyInProgressException: a pull of {spec.dataset} is already queued or running "
                f"for this company{running}."
            ) from None
        pull = await pulls.get_pull(self.pool, tenant_id, company_id, queued.operation.id)
        assert pull is not None
        return pull

    async def queue_all(
        self,
        tenant_id: uuid.UUID,
        company_id: uuid.UUID,
        *,
        connection_id: uuid.UUID | None = None,
        trigger: str = "api",
    ) -> list[PullOperation]:
        """Queue every type the connection supports; types already in flight are left as they are."""
        connection, key = await self._connection(tenant_id, company_id, connection_id)
        queued: list[PullOperation] = []
        for spec in supported(declared_types(key)):
            try:
                queued.append(
                    await self.queue(
                        tenant_id, company_id, spec.name, connection_id=connection, trigger=trigger
                    )
                )
            except Conflict:
                continue
        log.info("pull.queued_all", company_id=str(company_id), count=len(queued))
        return queued

    async def data_status(self, tenant_id: uuid.UUID, company_id: uuid.UUID) -> dict[str, DataStatus]:
        return await pulls.data_status(self.pool, tenant_id, company_id)

    async def history(self, tenant_id: uuid.UUID, company_id: uuid.UUID, page: PageRequest) -> PullOperations:
        results, total = await pulls.list_pulls(
            self.pool,
            tenant_id,
            company_id,
            query=page.parsed_query(),
            order=page.parsed_order_by(),
            limit=page.page_size,
            offset=page.offset,
        )
        return PullOperations(
            results=results,
            page_number=page.page,
            page_size=page.page_size,
            total_results=total,
            links=build_links(
                f"/companies/{company_id}/data/history",
                page=page.page,
                page_size=page.page_size,
                total=total,
                query=page.query,
                order_by=page.order_by,
            ),
        )

    async def get(self, tenant_id: uuid.UUID, company_id: uuid.UUID, dataset_id: str) -> PullOperation:
        try:
            key = uuid.UUID(dataset_id)
        except ValueError:
            key = None
        found = None if key is None else await pulls.get_pull(self.pool, tenant_id, company_id, key)
        if found is None:
            raise NotFound(f"No pull operation found with id {dataset_id}.")
        return found

    # -- schedules -------------------------------------------------------------------------------

    @staticmethod
    def _schedule_view(schedule: Schedule) -> SyncSchedule:
        spec = find(schedule.data_type)
        return SyncSchedule(
            data_type=spec.dataset if spec else schedule.data_type,
            interval_minutes=schedule.interval_seconds // 60,
            enabled=schedule.enabled,
            next_run=_iso(schedule.next_run_at) or "",
            last_run=_iso(schedule.last_fired_at),
            last_pull_operation_id=str(schedule.last_operation_id) if schedule.last_operation_id else None,
            connection_id=str(schedule.connection_id) if schedule.connection_id else None,
        )

    async def schedules(self, tenant_id: uuid.UUID, company_id: uuid.UUID) -> SyncSchedules:
        found = await jobs_schedules.list_schedules(self.pool, tenant_id=tenant_id, company_id=company_id)
        return SyncSchedules(results=[self._schedule_view(s) for s in found])

    async def schedule(self, tenant_id: uuid.UUID, company_id: uuid.UUID, data_type: str) -> SyncSchedule:
        spec = resolve(data_type)
        found = await jobs_schedules.list_schedules(self.pool, tenant_id=tenant_id, company_id=company_id)
        for schedule in found:
            if schedule.data_type == spec.name:
                return self._schedule_view(schedule)
        raise NotFound(f"No schedule for {spec.dataset}: PUT one with intervalMinutes to create it.")

    async def set_schedule(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, data_type: str, body: SyncScheduleUpdate
    ) -> SyncSchedule:
        """Create or change the schedule; a new one first fires after one interval."""
        spec = resolve(data_type)
        linked = await self.pool.fetchval(
            "SELECT id FROM connections WHERE tenant_id = $1 AND company_id = $2 AND status = 'Linked' "
            "ORDER BY created_at, id LIMIT 1",
            tenant_id,
            company_id,
        )
        exists = any(
            s.data_type == spec.name
            for s in await jobs_schedules.list_schedules(
                self.pool, tenant_id=tenant_id, company_id=company_id
            )
        )
        interval = timedelta(minutes=body.interval_minutes)
        schedule = await jobs_schedules.upsert_schedule(
            self.pool,
            tenant_id=tenant_id,
            company_id=company_id,
            data_type=spec.name,
            interval=interval,
            connection_id=linked,
            enabled=body.enabled,
            next_run_at=None if exists else await pulls.db_now(self.pool) + interval,
        )
        log.info(
            "pull.schedule_set", data_type=spec.name, minutes=body.interval_minutes, enabled=body.enabled
        )
        return self._schedule_view(schedule)


def all_datasets() -> list[str]:
    """Codat keys of every type the gateway knows (documentation of the queue route)."""
    return [spec.dataset for spec in DATA_TYPES]
