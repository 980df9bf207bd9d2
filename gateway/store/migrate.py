"""Ordered SQL migrations: ``gateway/store/migrations/NNNN_name.sql`` applied in filename order.

Why plain SQL files: one dialect (PostgreSQL), reviewable diffs, and every feature owns its own file
(``0001_foundation.sql``, ``0002_records.sql``, ``0003_operations.sql``, ...). Each file runs in its own
transaction and is recorded in ``schema_migrations`` with a checksum. A session-level advisory lock
serialises concurrent starters (several gateway replicas, ``gateway db upgrade`` during a deploy), so a
migration is applied exactly once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Arbitrary constant, the same in every process: pg_advisory_lock key for migrations.
_LOCK_KEY = 0x6761746577617931

_BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     text PRIMARY KEY,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file; ``version`` is the file name without ``.sql``."""

    version: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """All migration files of ``directory`` in order; a misnamed or duplicate-number file is an error."""
    migrations: list[Migration] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise ValueError(f"migration file {path.name!r} is not named NNNN_name.sql")
        number = match.group(1)
        if number in seen:
            raise ValueError(f"migrations {seen[number]!r} and {path.name!r} share the number {number}")
        seen[number] = path.name
        migrations.append(Migration(version=path.stem, sql=path.read_text(encoding="utf-8")))
    return migrations


async def applied_versions(conn: Any) -> dict[str, str]:
    """``version -> checksum`` of what the database already has (empty before the first upgrade)."""
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return {}
    rows = await conn.fetch("SELECT version, checksum FROM schema_migrations")
    return {r["version"]: r["checksum"] for r in rows}


async def upgrade(target: Any, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every pending migration; returns the versions applied by this call.

    ``target`` is an asyncpg ``Pool`` or ``Connection``. The advisory lock is taken on one session for
    the whole run, so a second starter waits and then finds nothing left to do.
    """
    migrations = discover(directory)
    if hasattr(target, "acquire"):
        async with target.acquire() as conn:
            return await _upgrade_on(conn, migrations)
    return await _upgrade_on(target, migrations)


async def _upgrade_on(conn: Any, migrations: list[Migration]) -> list[str]:
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await conn.execute(_BOOTSTRAP)
        done = await applied_versions(conn)
        applied: list[str] = []
        for migration in migrations:
            if migration.version in done:
                if done[migration.version] != migration.checksum:
                    log.warning("migration.changed_after_apply", version=migration.version)
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)",
                    migration.version,
                    migration.checksum,
                )
            log.info("migration.applied", version=migration.version)
            applied.append(migration.version)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
