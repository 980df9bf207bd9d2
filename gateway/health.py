"""Liveness and readiness probes (public, outside the tenant guard, not in the API schema).

* ``/healthz`` — the process answers HTTP. It touches nothing else, so a slow or unreachable database
  never gets a healthy process restarted (that would not help and would drop in-flight requests).
* ``/readyz`` — the process can serve the API: the store answers and every migration this code ships
  with is applied. During a deploy the new pods stay out of the load balancer until ``gateway db
  upgrade`` (the migration Job) has run; a database *ahead* of the code (versions this build does not
  know, applied by a newer release during a rolling update) is still ready.

``/health/live`` and ``/health/ready`` are the same probes under their earlier names.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from litestar import Response, get
from litestar.datastructures import State

from gateway.store.migrate import applied_versions, discover

LIVE_PATHS = ["/healthz", "/health/live"]
READY_PATHS = ["/readyz", "/health/ready"]


@lru_cache(maxsize=1)
def expected_versions() -> tuple[str, ...]:
    """The migration versions shipped with this build (read once: the files do not change at run time)."""
    return tuple(m.version for m in discover())


@get(LIVE_PATHS, operation_id="health-live", include_in_schema=False, opt={"public": True})
async def live() -> dict[str, str]:
    """The process answers HTTP."""
    return {"status": "ok"}


@get(READY_PATHS, operation_id="health-ready", include_in_schema=False, opt={"public": True})
async def ready(state: State) -> Response[dict[str, Any]]:
    """The store answers and holds every migration of this build: the process can serve API requests."""
    pool = getattr(state, "pool", None)
    if pool is None:
        return _unavailable("store not started")
    try:
        async with pool.acquire() as conn:
            applied = await applied_versions(conn)
    except Exception as exc:  # any failure means "not ready"; the reason is for the operator
        return _unavailable(type(exc).__name__)
    pending = [version for version in expected_versions() if version not in applied]
    if pending:
        return _unavailable("migrations pending: run `gateway db upgrade`", pending=pending)
    return Response({"status": "ok"})


def _unavailable(reason: str, **details: Any) -> Response[dict[str, Any]]:
    return Response({"status": "unavailable", "reason": reason, **details}, status_code=503)
