"""asyncpg pool creation and the few server-level operations the gateway and its tests need.

The pool registers no type codecs: ``jsonb`` and ``json`` travel as text in both directions, so
every feature encodes and decodes with msgspec itself and nobody is surprised by another feature's
codec. A connection returned to the pool has an open transaction rolled back and its listener
callbacks dropped, but no reset statement is sent (``GatewayConnection``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class GatewayConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pooled connection released without asyncpg's reset statement.

    Why: asyncpg sends ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` on every release
    — a round trip per pool checkout, which a push worker does several times per operation. The gateway
    leaves no session state behind to reset: settings are ``SET LOCAL`` (transaction scoped), the only
    session advisory lock (migrations) is released in a ``finally``, no cursor outlives its transaction,
    and the worker's LISTEN is ended with ``remove_listener``. Open transactions are still rolled back
    by asyncpg itself, reset statement or not.
    """

    def get_reset_query(self) -> str:
        return ""


async def create_pool(
    url: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    command_timeout: float | None = 60.0,
) -> asyncpg.Pool:
    """Open a pool on ``url`` (any libpq URL asyncpg accepts, including ``?host=/socket/dir``)."""
    pool: asyncpg.Pool | None = await asyncpg.create_pool(
        dsn=url,
        min_size=min_size,
        max_size=max_size,
        command_timeout=command_timeout,
        connection_class=GatewayConnection,
    )
    if pool is None:  # pragma: no cover - asyncpg returns None only when not awaited
        raise RuntimeError("asyncpg.create_pool returned no pool")
    return pool


def with_database(url: str, database: str) -> str:
    """``url`` with its database (path) replaced, keeping host, user and query (socket dir)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def _checked_name(name: str) -> str:
    if not _DB_NAME.match(name):
        raise ValueError(f"invalid database name: {name!r}")
    return name


async def create_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the server of ``server_url`` and return its URL."""
    conn: Any = await asyncpg.connect(dsn=server_url)
    try:
        await conn.execute(f'CREATE DATABASE "{_checked_name(name)}"')
    finally:
        await conn.close()
    return with_database(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    """Drop database ``name`` (closing other sessions on it first); missing is fine."""
    conn: Any = await asyncpg.connect(dsn=server_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{_checked_name(name)}" WITH (FORCE)')
    finally:
        await conn.close()
