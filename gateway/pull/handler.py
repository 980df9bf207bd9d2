"""The worker side of a pull: read one data type from the platform into the records store.

``PullHandler`` is the ``Handler`` for operations of kind ``pull`` (``gateway/jobs/handlers.py``).

How a pull runs, and why:

* **Streaming.** ``connector.read`` yields pages; each page is upserted while the next one is read and
  mapped, then dropped, so memory holds two pages whatever the company's size.
* **Incremental.** The first pull of a type (or the first after the company changed connection) reads
  everything. Later pulls read only records changed since the previous successful pull *began*, minus
  ``overlap`` for clock skew between the platform and the database; re-reading a record is harmless
  because an upsert with identical content changes nothing.
* **Deletions.** After the read, ``connector.list_ids`` (key fields only, cheap) gives every id that
  still exists; stored records of the type that are not among them get ``metadata.isDeleted = true``.
  Listing after reading (not before) means a record created during the pull is never flagged. A full
  read whose id count equals the total the platform reported at its start already holds that list, so
  it is used instead (a deletion during the read changes the count and falls back to listing).
* **Outcomes.** Credentials refused -> ``AuthError`` and the connection becomes ``Unlinked``; the type
  unsupported -> ``NotSupported``; platform unavailable or throttling -> the worker retries later
  (``FetchError``/``RateLimitError`` once attempts run out). The watermark only moves on success.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import structlog

from connectors.base import Capability, Connector
from connectors.errors import (
    ConnectorConfigError,
    ConnectorError,
    ConnectorTransientError,
    ConnectorUnsupported,
)
from datamodel.enums import DatasetStatus
from datamodel.platform import DataConnectionStatus
from gateway.connections.factory import ConnectorProvider
from gateway.connections.repository import ConnectionRepository
from gateway.connections.service import ConnectionService
from gateway.data.catalog import COMPANY_INFO, COMPANY_INFO_RECORD_ID, DataTypeSpec, find
from gateway.jobs.models import Operation
from gateway.jobs.worker import OperationFailed
from gateway.pull import repository as pulls
from gateway.pull.events import emit_read_completed
from gateway.records import RecordsRepository, UpsertResult

log = structlog.get_logger(__name__)

DEFAULT_OVERLAP = timedelta(minutes=5)
#: Told about a running pull after each page: (operation, dataset status, progress 0-100, records read).
Progress = Callable[[Operation, str, int, int], None]


class _Failed(Exception):
    """A pull outcome that ends the operation: the dataset status and the message for the user."""

    def __init__(self, status: DatasetStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _progress(pages: int, read: int, total: int | None) -> int:
    """0-90 while reading: by records when the platform told the total, else creeping per page."""
    if total:
        return min(90, 5 + (85 * read) // total)
    return 90 - int(90 * 0.8**pages)


class PullHandler:
    """Runs pull operations against the connection's connector (see the module docstring)."""

    def __init__(
        self,
        pool: Any,
        provider: ConnectorProvider,
        *,
        overlap: timedelta = DEFAULT_OVERLAP,
        detect_deletions: bool = True,
        base_url: str = "",
        on_progress: Progress | None = None,
    ) -> None:
        self.pool = pool
        self.provider = provider
        self.overlap = overlap
        self.detect_deletions = detect_deletions
        self.base_url = base_url
        self.on_progress = on_progress
        self.records = RecordsRepository(pool)

    async def __call__(self, op: Operation) -> Mapping[str, Any]:
        spec = find(op.data_type or "")
        if op.company_id is None or spec is None:
            raise OperationFailed(
                f"Nothing to pull: data type {op.data_type!r}",
                error={"type": "NotSupported", "message": f"Unknown data type {op.data_type!r}."},
            )
        bound = log.bind(operation_id=str(op.id), data_type=spec.name, company_id=str(op.company_id))
        connection_id: uuid.UUID | None = op.connection_id
        since: datetime | None = None
        try:
            connection_id = connection_id or await self._linked_connection(op)
            await pulls.set_stage(self.pool, op.id, DatasetStatus.FETCHING.value, 0)
            connector = await self.provider.for_connection(op.tenant_id, op.company_id, connection_id)
            try:
                result, since = await self._pull(op, spec, connector, connection_id, bound)
            finally:
                await self.provider.release(connector)
        except _Failed as failed:
            await self._finish_failed(op, spec, connection_id, since, failed.status, failed.message)
        except ConnectorConfigError as exc:
            if connection_id is not None:
                await self._unlink(op, connection_id, exc)
            await self._finish_failed(op, spec, connection_id, since, DatasetStatus.AUTH_ERROR, exc.message)
        except ConnectorUnsupported as exc:
            await self._finish_failed(
                op, spec, connection_id, since, DatasetStatus.NOT_SUPPORTED, exc.message
            )
        except ConnectorTransientError as exc:
            throttled = exc.retry_after is not None or "rate limit" in exc.message.lower()
            status = DatasetStatus.RATE_LIMIT_ERROR if throttled else DatasetStatus.FETCH_ERROR
            await pulls.set_stage(self.pool, op.id, status.value)
            if op.attempts >= op.max_attempts:  # the worker records the failure; tell the subscribers
                await self._emit(op, spec, connection_id, status, False, since, exc.message)
            bound.warning("pull.transient", error=exc.message, attempt=op.attempts)
            raise
        except ConnectorError as exc:
            await self._finish_failed(op, spec, connection_id, since, DatasetStatus.FETCH_ERROR, exc.message)
        except (OperationFailed, KeyboardInterrupt):
            raise
        except Exception:
            await pulls.set_stage(self.pool, op.id, DatasetStatus.INTERNAL_ERROR.value)
            raise
        bound.info("pull.completed", **{k: v for k, v in result.items() if isinstance(v, int | bool)})
        return result

    async def _pull(
        self, op: Operation, spec: DataTypeSpec, connector: Connector, connection_id: uuid.UUID, bound: Any
    ) -> tuple[dict[str, Any], datetime | None]:
        assert op.company_id is not None
        name = spec.connector_name(connector.data_types)
        read = getattr(connector, "read", None)
        if name is None or read is None:
            raise _Failed(
                DatasetStatus.NOT_SUPPORTED,
                f"Datatype {spec.dataset} is not supported by {getattr(connector, 'name', 'the platform')}.",
            )
        state = await pulls.get_state(self.pool, op.tenant_id, op.company_id, spec.name)
        full = bool(
            op.payload.get("full")
            or state is None
            or state.watermark is None
            or state.connection_id != connection_id
            or Capability.INCREMENTAL_READ not in connector.capabilities
            or spec is COMPANY_INFO
        )
        since = None if full or state is None or state.watermark is None else state.watermark - self.overlap
        started = await pulls.db_now(self.pool)
        counts = {"read": 0, "inserted": 0, "updated": 0, "unchanged": 0, "deleted": 0, "pages": 0}
        total: int | None = None
        seen: set[str] | None = set() if full else None
        # One page is stored while the next is read and mapped: PostgreSQL and this process work at the
        # same time, and at most one page waits on the database (pages are stored in the order read).
        storing: asyncio.Task[UpsertResult] | None = None

        async def stored() -> None:
            nonlocal storing
            if storing is not None:
                done, storing = await storing, None
                counts["inserted"] += done.inserted
                counts["updated"] += done.updated
                counts["unchanged"] += done.unchanged

        try:
            async for page in read(name, modified_since=since):
                records = [self._with_id(spec, record) for record in page.records]
                if seen is not None:
                    seen.update(record["id"] for record in records)
                await stored()
                if records:
                    storing = asyncio.create_task(
                        self.records.upsert(
                            op.tenant_id, op.company_id, spec.name, records, connection_id=connection_id
                        )
                    )
                counts["read"] += len(records)
                counts["pages"] += 1
                total = page.total if page.total is not None else total
                progress = _progress(counts["pages"], counts["read"], total)
                await pulls.set_stage(self.pool, op.id, DatasetStatus.FETCHING.value, progress)
                if self.on_progress is not None:
                    self.on_progress(op, DatasetStatus.FETCHING.value, progress, counts["read"])
            await stored()
        finally:
            if storing is not None:
                storing.cancel()
                await asyncio.gather(storing, return_exceptions=True)
        if self.detect_deletions and spec is not COMPANY_INFO:
            await pulls.set_stage(self.pool, op.id, DatasetStatus.PROCESSING.value, 95)
            if seen is not None and total is not None and len(seen) == total:
                # A full read that saw exactly as many records as the platform counted when it began
                # has the complete id list already: listing the ids again would cost a second pass.
                counts["deleted"] = await self.records.mark_missing_deleted(
                    op.tenant_id, op.company_id, spec.name, seen
                )
            else:
                counts["deleted"] = await self._flag_deleted(op, spec, connector, name, bound)
        live = await pulls.count_live(self.pool, op.tenant_id, op.company_id, spec.name)
        await pulls.record_success(
            self.pool,
            tenant_id=op.tenant_id,
            company_id=op.company_id,
            data_type=spec.name,
            connection_id=connection_id,
            operation_id=op.id,
            watermark=started,
            full=full,
            records=live,
        )
        modified = bool(counts["inserted"] or counts["updated"] or counts["deleted"])
        description = (
            f"{'Full' if full else 'Incremental'} pull: read {counts['read']} records "
            f"({counts['inserted']} new, {counts['updated']} changed, {counts['deleted']} deleted)."
        )
        await self._emit(op, spec, connection_id, DatasetStatus.COMPLETE, modified, since, None)
        result: dict[str, Any] = {
            "datasetStatus": DatasetStatus.COMPLETE.value,
            "description": description,
            "full": full,
            "modifiedSince": since.isoformat() if since else None,
            "recordsModified": modified,
            **counts,
        }
        return result, since

    @staticmethod
    def _with_id(spec: DataTypeSpec, record: Any) -> Any:
        """Company info is one object without an id: store it under a fixed one."""
        if spec is COMPANY_INFO and isinstance(record, Mapping) and not record.get("id"):
            return {**record, "id": COMPANY_INFO_RECORD_ID}
        if not isinstance(record, Mapping) or not isinstance(record.get("id"), str) or not record["id"]:
            raise _Failed(DatasetStatus.MAP_ERROR, f"The connector returned a {spec.singular} without an id.")
        return record

    async def _flag_deleted(
        self, op: Operation, spec: DataTypeSpec, connector: Connector, name: str, bound: Any
    ) -> int:
        assert op.company_id is not None
        list_ids = getattr(connector, "list_ids", None)
        if list_ids is None:
            return 0
        try:
            present = await list_ids(name)
        except (ConnectorUnsupported, NotImplementedError) as exc:
            bound.info("pull.deletions_not_detected", reason=str(exc))
            return 0
        deleted: int = await self.records.mark_missing_deleted(
            op.tenant_id, op.company_id, spec.name, present
        )
        return deleted

    async def _linked_connection(self, op: Operation) -> uuid.UUID:
        """The company's linked connection, for pulls queued without one (schedules, ``data/all``)."""
        row = await self.pool.fetchrow(
            "SELECT id FROM connections WHERE tenant_id = $1 AND company_id = $2 AND status = 'Linked' "
            "ORDER BY created_at, id LIMIT 1",
            op.tenant_id,
            op.company_id,
        )
        if row is None:
            raise _Failed(
                DatasetStatus.PREREQUISITE_NOT_MET,
                "The company has no linked connection: link one with PUT …/connections/{id}/authorization.",
            )
        connection_id: uuid.UUID = row["id"]
        await self.pool.execute(
            "UPDATE operations SET connection_id = $2 WHERE id = $1", op.id, connection_id
        )
        return connection_id

    async def _unlink(self, op: Operation, connection_id: uuid.UUID, exc: ConnectorConfigError) -> None:
        assert op.company_id is not None
        code = exc.errors[0].code if exc.errors else None
        service = ConnectionService(
            ConnectionRepository(self.pool), self.provider.cipher, base_url=self.base_url
        )
        try:
            await service.set_status(
                op.tenant_id,
                op.company_id,
                connection_id,
                DataConnectionStatus.UNLINKED,
                error=exc.message,
                error_code=code,
            )
        except Exception as error:  # the connection may have been deleted meanwhile
            log.warning("pull.unlink_failed", error=str(error))

    async def _finish_failed(
        self,
        op: Operation,
        spec: DataTypeSpec,
        connection_id: uuid.UUID | None,
        since: datetime | None,
        status: DatasetStatus,
        message: str,
    ) -> None:
        await pulls.set_stage(self.pool, op.id, status.value)
        await self._emit(op, spec, connection_id, status, False, since, message)
        log.info(
            "pull.failed", operation_id=str(op.id), data_type=spec.name, status=status.value, error=message
        )
        raise OperationFailed(
            message,
            result={"datasetStatus": status.value, "description": message},
            error={"type": status.value, "message": message, "datasetStatus": status.value},
        )

    async def _emit(
        self,
        op: Operation,
        spec: DataTypeSpec,
        connection_id: uuid.UUID | None,
        status: DatasetStatus,
        modified: bool,
        since: datetime | None,
        message: str | None,
    ) -> None:
        assert op.company_id is not None
        await emit_read_completed(
            self.pool,
            tenant_id=op.tenant_id,
            company_id=op.company_id,
            connection_id=connection_id,
            dataset=spec.dataset,
            status=status,
            records_modified=modified,
            modified_since=since,
            message=message,
            base_url=self.base_url,
        )
