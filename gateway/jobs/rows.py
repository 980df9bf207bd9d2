"""Row plumbing shared by the queue and the schedules: the column list, jsonb text codec, row decoding.

The store's pool registers no type codecs (see ``gateway/store/pool.py``), so ``jsonb`` travels as
text: we encode with msgspec and bind as ``$n::jsonb``, and decode the text we read back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import asyncpg
import msgspec
from asyncpg import Connection, Pool, Record
from asyncpg.pool import PoolConnectionProxy

from gateway.jobs.models import Operation

Db: TypeAlias = "Pool[Record] | Connection[Record] | PoolConnectionProxy[Record]"
"""Anything that runs a statement: the pool (autocommit) or a connection (e.g. inside a transaction)."""

OPERATION_COLUMNS = (
    "id",
    "tenant_id",
    "company_id",
    "connection_id",
    "kind",
    "data_type",
    "status",
    "payload",
    "result",
    "error",
    "idempotency_key",
    "body_hash",
    "attempts",
    "max_attempts",
    "lease_owner",
    "lease_expires_at",
    "heartbeat_at",
    "run_after",
    "timeout_in_minutes",
    "timeout_at",
    "schedule_id",
    "requested_at",
    "started_at",
    "completed_at",
)
_JSON_COLUMNS = ("payload", "result", "error")


def returning(alias: str = "") -> str:
    """The column list for ``RETURNING``/``SELECT``, qualified by ``alias`` when given."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + column for column in OPERATION_COLUMNS)


def encode_json(value: Mapping[str, Any] | None) -> str | None:
    """A mapping as JSON text for a ``$n::jsonb`` parameter (``None`` stays SQL NULL)."""
    if value is None:
        return None
    return msgspec.json.encode(value).decode()


def to_operation(row: asyncpg.Record) -> Operation:
    """Decode one ``operations`` row selected with :func:`returning`."""
    data = dict(row.items())
    for column in _JSON_COLUMNS:
        raw = data[column]
        if isinstance(raw, str):
            data[column] = msgspec.json.decode(raw)
    return msgspec.convert(data, Operation)
