"""Liveness and readiness probes (public, outside the tenant guard, not in the API schema)."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.datastructures import State


@get("/health/live", operation_id="health-live", include_in_schema=False, opt={"public": True})
async def live() -> dict[str, str]:
    """The process answers HTTP."""
    return {"status": "ok"}


@get("/health/ready", operation_id="health-ready", include_in_schema=False, opt={"public": True})
async def ready(state: State) -> Response[dict[str, Any]]:
    """The store answers: the process can serve API requests."""
    try:
        async with state.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
    except Exception as exc:  # any failure means "not ready"; the reason is for the operator
        return Response({"status": "unavailable", "reason": type(exc).__name__}, status_code=503)
    return Response({"status": "ok"})
