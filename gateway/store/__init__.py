"""The gateway's store: PostgreSQL through asyncpg, ordered SQL migrations, the embedded server."""

from __future__ import annotations

from gateway.store.embedded import EmbeddedPostgres, start_embedded, stop_embedded
from gateway.store.migrate import MIGRATIONS_DIR, Migration, applied_versions, discover, upgrade
from gateway.store.pool import create_database, create_pool, drop_database, with_database

__all__ = [
    "MIGRATIONS_DIR",
    "EmbeddedPostgres",
    "Migration",
    "applied_versions",
    "create_database",
    "create_pool",
    "discover",
    "drop_database",
    "start_embedded",
    "stop_embedded",
    "upgrade",
    "with_database",
]
