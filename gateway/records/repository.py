"""The ``records`` table: batch upsert from pulls, deletion marking, filtered and paged reads.

Every statement is scoped by ``tenant_id`` first. The repository owns two fields of the stored JSON so
that they mean what Codat says they mean:

* ``modifiedDate`` — when the record last changed *in this store*. An upsert that brings identical
  content leaves it (and the row) alone, so a re-pull is idempotent and ``modifiedDate>=...`` returns
  only real changes. The same instant is kept in the ``modified_date`` column for indexing.
* ``metadata.isDeleted`` — false on every upsert, true once a pull no longer sees the record.

An upsert stamps both in Python with the transaction's ``now()`` and sends a digest of the content
(the record without those two fields, keys sorted) in ``content_hash``, so telling an unchanged record
costs PostgreSQL a 16-byte comparison rather than two JSON documents taken apart. ``source_modified_date``
is ``data.sourceModifiedDate`` read with the query language's own date parser (``records.values``, the
grammar SQL's ``records_timestamptz`` shares). JSON travels as text in both directions (the pool
registers no codecs); Decimals are encoded as JSON numbers, as Codat sends amounts.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from datamodel import to_builtins
from gateway.records.errors import InvalidParameter
from gateway.records.pages import PageReader, SetScope
from gateway.records.query import Node, OrderBy, parse_order_by, parse_query
from gateway.records.sql import Compiler
from gateway.records.values import InvalidDate, parse_datetime

Database = asyncpg.Pool | asyncpg.Connection
_ENCODER = msgspec.json.Encoder(decimal_format="number")
_DECODER = msgspec.json.Decoder(float_hook=Decimal)
#: This process's page reader: what it learnt about each listing serves every repository instance.
PAGES = PageReader()
# The store's clock as Codat prints it: UTC, ISO 8601, microseconds kept so the text and the column
# hold the same instant.
_NOW_TEXT = """to_jsonb(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))"""


def _with_deleted_flag(expr: str, deleted: bool) -> str:
    """``expr`` with ``metadata.isDeleted`` set (creating ``metadata`` when absent or not an object)."""
    flag = "true" if deleted else "false"
    metadata = f"(CASE WHEN jsonb_typeof({expr} -> 'metadata') = 'object' THEN {expr} -> 'metadata' END)"
    return f"""jsonb_set({expr}, '{{metadata}}', coalesce({metadata}, '{{}}') || '{{"isDeleted": {flag}}}')"""


def _stamped(expr: str, *, deleted: bool) -> str:
    return f"jsonb_set({_with_deleted_flag(expr, deleted)}, '{{modifiedDate}}', {_NOW_TEXT})"


def _content(expr: str) -> str:
    """The part of a record that counts as its content (without the store-owned fields)."""
    return f"(({expr} - 'modifiedDate') #- '{{metadata,isDeleted}}')"


_UPSERT = f"""
INSERT INTO records AS rec (tenant_id, company_id, connection_id, data_type, record_id, data, content_hash,
                            modified_date, source_modified_date, is_deleted)
SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, r.record_id, r.data::jsonb, r.content_hash,
       now(), r.source_modified, false
FROM unnest($5::text[], $6::text[], $7::bytea[], $8::timestamptz[])
     AS r(record_id, data, content_hash, source_modified)
ON CONFLICT (tenant_id, company_id, data_type, record_id) DO UPDATE SET
    connection_id = EXCLUDED.connection_id,
    data = EXCLUDED.data,
    content_hash = EXCLUDED.content_hash,
    modified_date = EXCLUDED.modified_date,
    source_modified_date = EXCLUDED.source_modified_date,
    is_deleted = false
WHERE rec.is_deleted
   OR rec.connection_id IS DISTINCT FROM EXCLUDED.connection_id
   OR CASE WHEN rec.content_hash IS NULL  -- written before content digests: compare the JSON
           THEN {_content("rec.data")} IS DISTINCT FROM {_content("EXCLUDED.data")}
           ELSE rec.content_hash <> EXCLUDED.content_hash END
RETURNING (xmax = 0) AS inserted
"""

_MARK_DELETED = f"""
WITH gone AS (
    UPDATE records
    SET is_deleted = true, modified_date = now(), data = {_stamped("data", deleted=True)}
    WHERE tenant_id = $1::uuid AND company_id = $2::uuid AND data_type = $3::text
      AND NOT is_deleted
      AND record_id NOT IN (SELECT unnest($4::text[]))  -- a hashed subplan: fine for 100k ids
      AND ($5::uuid IS NULL OR connection_id = $5::uuid)
    RETURNING 1
)
SELECT count(*) FROM gone
"""

_DIGEST_ENCODER = msgspec.json.Encoder(decimal_format="number", order="sorted")


def content_digest(content: Mapping[str, Any]) -> bytes:
    """16 bytes that change when the record's content does (keys sorted: insertion order is not content).

    ``content`` is the record without the store-owned fields (see :func:`stored_form`).
    """
    return hashlib.blake2b(_DIGEST_ENCODER.encode(content), digest_size=16).digest()


def stored_form(record: Mapping[str, Any], stamp: str) -> tuple[str, bytes, datetime | None]:
    """(JSON text to store, content digest, ``sourceModifiedDate`` as an instant) of one record.

    The store owns ``modifiedDate`` (``stamp``: when this write happens) and ``metadata.isDeleted``
    (false: the record was just seen); neither counts as content. ``source_modified_date`` is read with
    the query language's own date grammar, so the column and a ``sourceModifiedDate>`` filter agree.
    """
    metadata = record.get("metadata")
    content = {k: v for k, v in record.items() if k != "modifiedDate"}
    kept_metadata = (
        {k: v for k, v in metadata.items() if k != "isDeleted"} if isinstance(metadata, Mapping) else None
    )
    if kept_metadata is not None:
        content["metadata"] = kept_metadata
    else:
        content.pop("metadata", None)
    digest = content_digest(content)
    stored = {**content, "modifiedDate": stamp, "metadata": {**(kept_metadata or {}), "isDeleted": False}}
    return _ENCODER.encode(stored).decode(), digest, _source_instant(record.get("sourceModifiedDate"))


def _source_instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except InvalidDate:
        return None


def _codat_instant(moment: datetime) -> str:
    """``2024-06-30T12:00:00.123456Z``: what ``modifiedDate`` looks like (UTC, microseconds kept)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_COLUMNS = "record_id, data::text AS data, modified_date, is_deleted, connection_id"


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What an upsert did: new rows, changed rows, and rows whose content was already stored."""

    inserted: int
    updated: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One stored record; ``json`` is its Codat-shaped JSON text exactly as stored."""

    record_id: str
    json: str
    modified_date: datetime
    is_deleted: bool
    connection_id: UUID | None

    @property
    def raw(self) -> msgspec.Raw:
        """The JSON as a ``msgspec.Raw``, embedded verbatim when a response is encoded."""
        return msgspec.Raw(self.json.encode())

    def data(self) -> dict[str, Any]:
        """The JSON decoded, with every non-integer number as a ``Decimal``."""
        decoded = _DECODER.decode(self.json)
        if not isinstance(decoded, dict):  # pragma: no cover - the table's CHECK forbids it
            raise TypeError("stored record is not a JSON object")
        return decoded


def _record_id(record: Any) -> str:
    value = record.get("id") if isinstance(record, Mapping) else getattr(record, "id", None)
    if not isinstance(value, str) or not value:
        raise ValueError(f"record has no string 'id': {value!r}")
    return value


def _row(row: Any) -> StoredRecord:
    return StoredRecord(
        record_id=row["record_id"],
        json=row["data"],
        modified_date=row["modified_date"],
        is_deleted=row["is_deleted"],
        connection_id=row["connection_id"],
    )


class RecordsRepository:
    """SQL access to ``records``; ``db`` is an asyncpg pool or connection."""

    def __init__(self, db: Database, *, compiler: Compiler | None = None) -> None:
        self._db = db
        self._compiler = compiler or Compiler()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Any]:
        if isinstance(self._db, asyncpg.Pool):
            async with self._db.acquire() as conn, conn.transaction():
                yield conn
        else:
            async with self._db.transaction():
                yield self._db

    async def upsert(
        self,
        tenant_id: UUID,
        company_id: UUID,
        data_type: str,
        records: Iterable[Mapping[str, Any] | msgspec.Struct],
        *,
        connection_id: UUID | None = None,
        chunk_size: int = 1000,
    ) -> UpsertResult:
        """Insert or update records by ``id`` in one transaction; identical content is left alone.

        A record appearing twice in ``records`` is stored once (the last one wins).
        """
        latest: dict[str, Mapping[str, Any]] = {}
        for record in records:
            body = to_builtins(record) if isinstance(record, msgspec.Struct) else record
            if not isinstance(body, Mapping):
                raise TypeError(f"a record must be a mapping or a Struct, not {type(record).__name__}")
            record_id = _record_id(body)
            latest.pop(record_id, None)  # the last one wins, in its own position
            latest[record_id] = body
        ids = list(latest)
        inserted = updated = 0
        async with self._transaction() as conn:
            # now() is the transaction's start, the same for every row: stamp modifiedDate with it.
            stamp = _codat_instant(await conn.fetchval("SELECT now()"))
            for start in range(0, len(ids), chunk_size):
                chunk = [latest[record_id] for record_id in ids[start : start + chunk_size]]
                stored = [stored_form(body, stamp) for body in chunk]
                rows = await conn.fetch(
                    _UPSERT,
                    tenant_id,
                    company_id,
                    connection_id,
                    data_type,
                    ids[start : start + chunk_size],
                    [text for text, _, _ in stored],
                    [digest for _, digest, _ in stored],
                    [source for _, _, source in stored],
                )
                new = sum(1 for row in rows if row["inserted"])
                inserted += new
                updated += len(rows) - new
        return UpsertResult(inserted=inserted, updated=updated, unchanged=len(ids) - inserted - updated)

    async def mark_missing_deleted(
        self,
        tenant_id: UUID,
        company_id: UUID,
        data_type: str,
        present_ids: Iterable[str],
        *,
        connection_id: UUID | None = None,
    ) -> int:
        """Flag as deleted every live record of the type not in ``present_ids`` (a full pull's ids).

        Returns how many records were newly marked. With ``connection_id`` only that connection's
        records are considered.
        """
        count = await self._db.fetchval(
            _MARK_DELETED, tenant_id, company_id, data_type, list(present_ids), connection_id
        )
        return int(count or 0)

    async def get(
        self, tenant_id: UUID, company_id: UUID, data_type: str, record_id: str
    ) -> StoredRecord | None:
        """One record (deleted ones included, as Codat keeps them), or None."""
        row = await self._db.fetchrow(
            f"SELECT {_COLUMNS} FROM records WHERE tenant_id = $1 AND company_id = $2 "
            "AND data_type = $3 AND record_id = $4",
            tenant_id,
            company_id,
            data_type,
            record_id,
        )
        return None if row is None else _row(row)

    async def list_records(
        self,
        tenant_id: UUID,
        company_id: UUID,
        data_type: str,
        *,
        page: int = 1,
        page_size: int = 100,
        query: str | None = None,
        order_by: str | None = None,
        connection_id: UUID | None = None,
    ) -> tuple[list[StoredRecord], int]:
        """One page of records matching Codat's ``query``, sorted by ``orderBy``, and the total count.

        ``query``/``order_by`` are the raw parameters; malformed ones raise ``QueryError``.
        """
        node, order = _parsed(page, page_size, query, order_by)
        rows, total = await PAGES.rows(
            self._db,
            SetScope(tenant_id, company_id, data_type, connection_id),
            node,
            order,
            limit=page_size,
            offset=(page - 1) * page_size,
            compiler=self._compiler,
        )
        return [_row(row) for row in rows], total

    async def list_json(
        self,
        tenant_id: UUID,
        company_id: UUID,
        data_type: str,
        *,
        page: int = 1,
        page_size: int = 100,
        query: str | None = None,
        order_by: str | None = None,
        connection_id: UUID | None = None,
    ) -> tuple[msgspec.Raw, int]:
        """``list_records``'s page as the JSON array of its records, exactly as stored, and the total.

        What a list response embeds: PostgreSQL joins the records' JSON, so the page crosses the wire
        as one value and no record is decoded or wrapped in Python.
        """
        node, order = _parsed(page, page_size, query, order_by)
        results, total = await PAGES.joined(
            self._db,
            SetScope(tenant_id, company_id, data_type, connection_id),
            node,
            order,
            limit=page_size,
            offset=(page - 1) * page_size,
            compiler=self._compiler,
        )
        return msgspec.Raw(results.encode()), total


def _parsed(
    page: int, page_size: int, query: str | None, order_by: str | None
) -> tuple[Node | None, OrderBy | None]:
    """The parsed ``query`` and ``orderBy`` of a page request; ``InvalidParameter``/``QueryError`` else."""
    if page < 1 or page_size < 1:
        raise InvalidParameter("page and pageSize start at 1", parameter="page" if page < 1 else "pageSize")
    return parse_query(query), parse_order_by(order_by)
