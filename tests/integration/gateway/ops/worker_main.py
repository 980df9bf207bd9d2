"""``gateway worker`` with a stand-in handler map, run as a child process by test_worker_command.py.

The real handlers need linked connections; this one records nothing and can be told to take a while
(payload ``{"sleep": seconds}``), which is what the SIGTERM test needs. It replaces
``gateway.jobs.handlers`` before the CLI imports it, so the CLI's own wiring (metrics hook, handler
instrumentation, pool, signals) is what runs.
"""

from __future__ import annotations

import asyncio
import os
import sys
import types
from collections.abc import Mapping
from typing import Any

KIND = "ops-worker-test"


async def handle(operation: Any) -> Mapping[str, Any]:
    await asyncio.sleep(float(operation.payload.get("sleep", 0)))
    return {"handled": True}


def build_handlers(
    pool: Any, settings: Any, *, http_client: Any = None, metrics: Any = None
) -> dict[str, Any]:
    assert metrics is not None and hasattr(metrics, "call"), "the CLI must pass the connector metrics hook"
    return {} if os.environ.get("WORKER_TEST_NO_HANDLERS") else {KIND: handle}


if __name__ == "__main__":
    stand_in = types.ModuleType("gateway.jobs.handlers")
    stand_in.build_handlers = build_handlers  # type: ignore[attr-defined]
    sys.modules["gateway.jobs.handlers"] = stand_in
    from gateway.cli import main

    sys.exit(main(sys.argv[1:]))
