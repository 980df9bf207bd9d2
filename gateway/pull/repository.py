"""SQL of the pull feature: pull operations as Codat datasets, data status, and the pull watermark.

Pull operations are ``operations`` rows of kind ``pull``; the Codat view of one (``PullOperation``) is
built here in SQL, once, so that the history list, its ``query``/``orderBy`` and the single-dataset
route all see the same ``status``. The dataset status is derived from the queue status and the stage
the pull handler recorded (``dataset_status``), see ``DATASET_STATUS``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from datamodel.operations import DataStatus, PullOperation
from gateway.data.catalog import dataset_keys
from gateway.jobs.rows import Db
from gateway.records import Compiler, Listing, Node, OrderBy, Params

NIL_UUID = str(uuid.UUID(int=0))
#: Dataset statuses that mean "this pull failed" (what a Failed operation may have recorded).
ERROR_STATUSES = (
    "FetchError",
    "MapError",
    "InternalError",
    "ProcessingError",
    "ValidationError",
    "AuthError",
    "Cancelled",
    "NotSupported",
    "RateLimitError",
    "PermissionsError",
    "PrerequisiteNotMet",
)
_ERRORS_SQL = ", ".join(f"'{status}'" for status in ERROR_STATUSES)

# Queue status + recorded stage -> Codat dataset status. A pull that failed without recording why
# (its worker died for good) is an InternalError; one past its timeout a FetchError.
DATASET_STATUS = f"""(CASE o.status
    WHEN 'Pending' THEN 'Queued'
    WHEN 'Running' THEN CASE WHEN o.dataset_status IS NULL OR o.dataset_status IN ({_ERRORS_SQL})
                             THEN 'Fetching' ELSE o.dataset_status END
    WHEN 'Success' THEN 'Complete'
    WHEN 'TimedOut' THEN 'FetchError'
    ELSE CASE WHEN o.dataset_status IN ({_ERRORS_SQL}) THEN o.dataset_status ELSE 'InternalError' END
END)"""

_ISO = """to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""

# $1 tenant, $2 company, $3 jsonb map stored name -> dataset key.
_VIEW = f"""
SELECT o.id, o.requested_at, o.completed_at,
       jsonb_strip_nulls(jsonb_build_object(
           'id', o.id::text,
           'companyId', o.company_id::text,
           'connectionId', coalesce(o.connection_id::text, '{NIL_UUID}'),
           'dataType', coalesce($3::jsonb ->> o.data_type, o.data_type),
           'status', {DATASET_STATUS},
           'statusDescription', coalesce(o.result ->> 'description', o.error ->> 'description'),
           'errorMessage', CASE WHEN o.status IN ('Failed', 'TimedOut') THEN o.error ->> 'message' END,
           'requested', {_ISO.format(col="o.requested_at")},
           'completed', {_ISO.format(col="o.completed_at")},
           'progress', CASE WHEN o.status = 'Success' THEN 100 ELSE o.progress END,
           'isCompleted', o.status IN ('Success', 'Failed', 'TimedOut'),
           'isErrored', o.status IN ('Failed', 'TimedOut')
       )) AS data
FROM operations AS o
WHERE o.tenant_id = $1 AND o.company_id = $2 AND o.kind = 'pull'
"""
# ``completed`` stays a JSON field (absent while running) so that it sorts last descending, as the
# query language orders absent values; ``requested`` is never absent and uses its indexed column.
_COMPILER = Compiler(column="data", timestamp_columns={("requested",): "requested_at"})
_LISTING = Listing(_VIEW, _COMPILER, "requested_at DESC, id DESC", select="data::text AS data")
_DECODE = msgspec.json.Decoder(PullOperation)


@dataclass(frozen=True, slots=True)
class PullState:
    """Where the next pull of one data type starts (``watermark`` None: a full pull is due)."""

    connection_id: uuid.UUID | None
    watermark: datetime | None
    last_full_pull_at: datetime | None
    last_successful_sync: datetime | None


def _keys() -> str:
    return msgspec.json.encode(dataset_keys()).decode()


def _decode(row: Any) -> PullOperation:
    data = row["data"]
    return _DECODE.decode(data if isinstance(data, bytes | str) else msgspec.json.encode(data))


async def db_now(db: Db) -> datetime:
    """The database clock (every process agrees on it, unlike their own clocks)."""
    value: datetime = await db.fetchval("SELECT now()")
    return value


async def get_pull(
    db: Db, tenant_id: uuid.UUID, company_id: uuid.UUID, pull_id: uuid.UUID
) -> PullOperation | None:
    row = await db.fetchrow(
        f"WITH q AS ({_VIEW}) SELECT data::text AS data FROM q WHERE id = $4",
        tenant_id,
        company_id,
        _keys(),
        pull_id,
    )
    return None if row is None else _decode(row)


async def list_pulls(
    db: Db,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    *,
    query: Node | None,
    order: OrderBy | None,
    limit: int,
    offset: int,
) -> tuple[list[PullOperation], int]:
    """A page of the company's pull operations (newest first unless ``orderBy`` says otherwise)."""
    params = Params([tenant_id, company_id, _keys()])
    rows, total = await _LISTING.page(db, params, query, order, limit, offset)
    return [_decode(row) for row in rows], total


_DATA_STATUS = f"""
WITH latest AS (
    SELECT DISTINCT ON (o.data_type) o.data_type, o.id, {DATASET_STATUS} AS status
    FROM operations AS o
    WHERE o.tenant_id = $1 AND o.company_id = $2 AND o.kind = 'pull' AND o.data_type IS NOT NULL
    ORDER BY o.data_type, o.requested_at DESC, o.id DESC
), state AS (
    SELECT data_type, last_successful_sync, latest_successful_sync_id
    FROM pull_state WHERE tenant_id = $1 AND company_id = $2
)
SELECT coalesce(latest.data_type, state.data_type) AS data_type, latest.id AS latest_id,
       latest.status, {_ISO.format(col="state.last_successful_sync")} AS last_successful_sync,
       state.latest_successful_sync_id
FROM latest FULL JOIN state ON state.data_type = latest.data_type
ORDER BY 1
"""
#: What Codat's .NET back end prints for "never" (DataStatus.lastSuccessfulSync is required).
NEVER = "0001-01-01T00:00:00Z"


async def data_status(db: Db, tenant_id: uuid.UUID, company_id: uuid.UUID) -> dict[str, DataStatus]:
    """Codat's ``dataStatus``: per dataset key, the latest pull and the last successful one."""
    keys = dataset_keys()
    out: dict[str, DataStatus] = {}
    for row in await db.fetch(_DATA_STATUS, tenant_id, company_id):
        dataset = keys.get(row["data_type"], row["data_type"])
        status = row["status"] or "Complete"
        out[dataset] = msgspec.convert(
            {
                "dataType": dataset,
                "currentStatus": status,
                "lastSuccessfulSync": row["last_successful_sync"] or NEVER,
                "latestSyncId": str(row["latest_id"]) if row["latest_id"] else None,
                "latestSuccessfulSyncId": (
                    str(row["latest_successful_sync_id"]) if row["latest_successful_sync_id"] else None
                ),
            },
            DataStatus,
        )
    return out


async def set_stage(db: Db, operation_id: uuid.UUID, status: str, progress: int | None = None) -> None:
    """Record the dataset stage (and progress 0-100) of a running pull; a finished one is left alone."""
    await db.execute(
        "UPDATE operations SET dataset_status = $2, progress = coalesce($3, progress) "
        "WHERE id = $1 AND status = 'Running'",
        operation_id,
        status,
        None if progress is None else max(0, min(100, progress)),
    )


async def get_state(db: Db, tenant_id: uuid.UUID, company_id: uuid.UUID, data_type: str) -> PullState | None:
    row = await db.fetchrow(
        "SELECT connection_id, watermark, last_full_pull_at, last_successful_sync FROM pull_state "
        "WHERE tenant_id = $1 AND company_id = $2 AND data_type = $3",
        tenant_id,
        company_id,
        data_type,
    )
    if row is None:
        return None
    return PullState(
        connection_id=row["connection_id"],
        watermark=row["watermark"],
        last_full_pull_at=row["last_full_pull_at"],
        last_successful_sync=row["last_successful_sync"],
    )


_SUCCESS = """
WITH state AS (
    INSERT INTO pull_state AS s (tenant_id, company_id, data_type, connection_id, watermark,
                                 last_full_pull_at, last_successful_sync, latest_successful_sync_id, records)
    VALUES ($1, $2, $3, $4, $5::timestamptz, CASE WHEN $6::boolean THEN $5::timestamptz END, now(), $7, $8)
    ON CONFLICT (tenant_id, company_id, data_type) DO UPDATE SET
        connection_id = EXCLUDED.connection_id,
        watermark = EXCLUDED.watermark,
        last_full_pull_at = coalesce(EXCLUDED.last_full_pull_at, s.last_full_pull_at),
        last_successful_sync = EXCLUDED.last_successful_sync,
        latest_successful_sync_id = EXCLUDED.latest_successful_sync_id,
        records = EXCLUDED.records
    RETURNING 1
), company AS (
    UPDATE companies SET last_sync = now() WHERE tenant_id = $1 AND id = $2 RETURNING 1
), connection AS (
    UPDATE connections SET last_sync = now() WHERE tenant_id = $1 AND id = $4 RETURNING 1
)
SELECT (SELECT count(*) FROM state) + (SELECT count(*) FROM company) + (SELECT count(*) FROM connection)
"""


async def record_success(
    db: Db,
    *,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    data_type: str,
    connection_id: uuid.UUID,
    operation_id: uuid.UUID,
    watermark: datetime,
    full: bool,
    records: int,
) -> None:
    """Move the watermark forward and stamp the company's and connection's ``lastSync``."""
    await db.fetchval(
        _SUCCESS, tenant_id, company_id, data_type, connection_id, watermark, full, operation_id, records
    )


async def count_live(db: Db, tenant_id: uuid.UUID, company_id: uuid.UUID, data_type: str) -> int:
    """Records of the type the store holds and does not consider deleted."""
    value = await db.fetchval(
        "SELECT count(*) FROM records WHERE tenant_id = $1 AND company_id = $2 AND data_type = $3 "
        "AND NOT is_deleted",
        tenant_id,
        company_id,
        data_type,
    )
    return int(value)
