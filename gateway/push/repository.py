"""Push operations in PostgreSQL: the API's view of ``operations`` rows of kind ``push``.

Push operations are rows of the shared operations queue (migration 0003); this module only reads them
the way Codat shows them and inserts the ones refused by validation directly as ``Failed``. Every
statement is scoped by tenant_id (and company_id for the API).

The queryable view (``_QUERYABLE``) is the push operation as the API shows it, as JSONB, so the one
query compiler of ``gateway/records`` serves ``GET /companies/{companyId}/push?query=…&orderBy=…``
exactly as it serves the data lists; dates compare on the real timestamp columns.

JSON columns are read as text and decoded by the service with ``datamodel``'s codec, so amounts in
``data`` come back as ``Decimal`` with every digit (the pool registers no jsonb codec).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import msgspec

from gateway.jobs.models import PUSH
from gateway.jobs.rows import Db
from gateway.records import Compiler, Listing, Node, OrderBy, Params, in_order

# The push operation's statusCode, one definition for the list, the filter and the single read:
# the handler's own code once finished, else 202 while pending, 504 when timed out, 503 when retries
# of an unavailable upstream ran out, 500 for a worker that crashed on it.
STATUS_CODE_SQL = """coalesce(
    CASE WHEN o.status IN ('Success', 'Failed') AND jsonb_typeof(o.result -> 'statusCode') = 'number'
         THEN (o.result ->> 'statusCode')::integer END,
    CASE o.status
        WHEN 'Pending' THEN 202 WHEN 'Running' THEN 202 WHEN 'Success' THEN 200 WHEN 'TimedOut' THEN 504
        ELSE CASE WHEN o.error ->> 'type'
                       IN ('RetryLater', 'ConnectorTransientError', 'ConnectorOutcomeUnknown')
                  THEN 503 ELSE 500 END
    END)"""
API_STATUS_SQL = "CASE o.status WHEN 'Running' THEN 'Pending' ELSE o.status END"
ERROR_MESSAGE_SQL = """coalesce(o.result ->> 'errorMessage',
    CASE WHEN o.status IN ('Failed', 'TimedOut') THEN o.error ->> 'message' END)"""
_ISO = """to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""

_QUERYABLE = f"""
    SELECT o.id, o.requested_at, o.completed_at,
           jsonb_build_object(
               'pushOperationKey', o.id::text,
               'companyId', o.company_id::text,
               'dataConnectionKey', o.connection_id::text,
               'dataType', o.data_type,
               'status', {API_STATUS_SQL},
               'statusCode', {STATUS_CODE_SQL},
               'requestedOnUtc', {_ISO.format(col="o.requested_at")},
               'completedOnUtc', {_ISO.format(col="o.completed_at")},
               'timeoutInMinutes', o.timeout_in_minutes,
               'errorMessage', {ERROR_MESSAGE_SQL}
           ) AS data
    FROM operations AS o
    WHERE o.tenant_id = $1 AND o.company_id = $2 AND o.kind = '{PUSH}'
"""
_COMPILER = Compiler(
    column="data",
    timestamp_columns={("requestedOnUtc",): "requested_at", ("completedOnUtc",): "completed_at"},
)
_LISTING = Listing(_QUERYABLE, _COMPILER, "requested_at DESC, id DESC")

VIEW_COLUMNS = f"""
    o.id, o.company_id, o.connection_id, o.data_type, o.timeout_in_minutes, o.requested_at, o.completed_at,
    {API_STATUS_SQL} AS api_status, {STATUS_CODE_SQL} AS status_code, {ERROR_MESSAGE_SQL} AS error_message,
    (o.result -> 'validation')::text AS validation, (o.result -> 'changes')::text AS changes,
    (o.payload -> 'warnings')::text AS pending_warnings, o.payload ->> 'action' AS action
"""
# ``dataJson``/``recordJson`` are JSON text inside the jsonb (jsonb would reorder keys and the queue's
# encoder would write amounts as strings); the record comes back byte for byte as it was stored.
_DATA_COLUMN = """CASE WHEN o.status = 'Success' AND o.result ? 'dataJson' THEN o.result ->> 'dataJson'
                       ELSE o.payload ->> 'recordJson' END AS data"""

_INSERT_FINAL = f"""
INSERT INTO operations (
    id, tenant_id, company_id, connection_id, kind, data_type, status, payload, result, error,
    timeout_in_minutes, timeout_at, completed_at
) VALUES ($1, $2, $3, $4, '{PUSH}', $5, 'Failed', $6::jsonb, $7::jsonb, $8::jsonb,
          $9, now() + make_interval(mins => $9), now())
RETURNING id
"""


#: What :meth:`PushRepository.get` reads, for a statement that has the row at hand as ``o``.
VIEW_WITH_DATA = f"{VIEW_COLUMNS}, {_DATA_COLUMN}"


class PushRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def insert_failed(
        self,
        operation_id: uuid.UUID,
        *,
        tenant_id: uuid.UUID,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        data_type: str,
        payload_json: str,
        result_json: str,
        error: Mapping[str, Any] | None = None,
        timeout_in_minutes: int | None = None,
    ) -> None:
        """Store a push refused before sending (validation errors) as a finished Failed operation."""
        await self._db.execute(
            _INSERT_FINAL,
            operation_id,
            tenant_id,
            company_id,
            connection_id,
            data_type,
            payload_json,
            result_json,
            None if error is None else msgspec.json.encode(dict(error)).decode(),
            timeout_in_minutes,
        )

    async def get(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID | None, operation_id: uuid.UUID
    ) -> dict[str, Any] | None:
        """One push operation as the API shows it (``company_id`` None: any company of the tenant)."""
        row = await self._db.fetchrow(
            f"""SELECT {VIEW_WITH_DATA} FROM operations AS o
            WHERE o.id = $1 AND o.tenant_id = $2 AND ($3::uuid IS NULL OR o.company_id = $3)
              AND o.kind = '{PUSH}'""",
            operation_id,
            tenant_id,
            company_id,
        )
        return None if row is None else dict(row)

    async def list_page(
        self,
        tenant_id: uuid.UUID,
        company_id: uuid.UUID,
        *,
        query: Node | None,
        order: OrderBy | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of a company's push history (newest first unless ``orderBy`` says otherwise)."""
        params = Params([tenant_id, company_id])
        found, total = await _LISTING.page(self._db, params, query, order, limit, offset)
        ids = [r["id"] for r in found]
        rows = await self._db.fetch(
            f"SELECT {VIEW_COLUMNS} FROM operations AS o WHERE o.tenant_id = $1 AND o.id = ANY($2::uuid[])",
            tenant_id,
            ids,
        )
        return in_order(ids, rows, dict), total

    async def record_id_of(self, tenant_id: uuid.UUID, operation_id: uuid.UUID) -> str | None:
        """The id of the record a finished push wrote (from its first change), for webhooks."""
        value = await self._db.fetchval(
            "SELECT result #>> '{changes,0,recordRef,id}' FROM operations WHERE id = $1 AND tenant_id = $2",
            operation_id,
            tenant_id,
        )
        return None if value is None else str(value)
