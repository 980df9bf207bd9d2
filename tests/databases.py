"""A throw-away PostgreSQL database for the suites that run the gateway as separate processes.

The benchmarks and the reliability proofs both start API and worker processes that need a real database
URL (the in-process fixtures of ``tests/conftest.py`` cannot serve them): this makes one with every
migration applied, on ``TEST_DATABASE_URL``'s server or else an embedded server in a temporary folder,
and drops it (and the embedded server) afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path


@contextlib.asynccontextmanager
async def throwaway_database(server_url: str | None = None, *, prefix: str = "gw_tmp") -> AsyncIterator[str]:
    """URL of a fresh, migrated database named ``<prefix>_<random>`` on ``server_url`` (default:
    ``TEST_DATABASE_URL``, else an embedded server); dropped on exit."""
    from gateway.store import EmbeddedPostgres, create_database, create_pool, drop_database, upgrade

    server_url = server_url or os.environ.get("TEST_DATABASE_URL")
    embedded: EmbeddedPostgres | None = None
    root: Path | None = None
    if not server_url:
        root = Path(tempfile.mkdtemp(prefix=f"{prefix.replace('_', '-')}-pg-"))
        embedded = EmbeddedPostgres(root / "pgdata", cleanup="delete")
        server_url = embedded.url
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        url = await create_database(server_url, name)
        try:
            pool = await create_pool(url, min_size=1, max_size=2)
            try:
                await upgrade(pool)
            finally:
                await pool.close()
            yield url
        finally:
            await drop_database(server_url, name)
    finally:
        if embedded is not None:
            embedded.close()
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)
