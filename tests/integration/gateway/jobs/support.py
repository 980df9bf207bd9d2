"""Shared by the jobs tests and the worker child process: test rows, the recording handler, waits.

The handler records every execution it *finishes* in ``jobs_test_runs`` and every start in
``jobs_test_starts``; tests count rows per operation to prove exactly-once execution.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from gateway.jobs import Handler, Operation, OperationFailed, get_operation

TEST_TABLES = """
CREATE TABLE IF NOT EXISTS jobs_test_starts (
    operation_id uuid NOT NULL, worker text NOT NULL, attempt int NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE IF NOT EXISTS jobs_test_runs (
    operation_id uuid NOT NULL, worker text NOT NULL, attempt int NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
"""


def recording_handler(pool: Any, worker_name: str, *, honour_hang: bool = True) -> Handler:
    """A handler driven by the operation's payload.

    ``sleep``: seconds to take; ``hang``: never finish (unless ``honour_hang`` is off: the rescuing
    worker of the kill test); ``fail``: finish as Failed (no retry).
    """

    async def handle(op: Operation) -> Mapping[str, Any] | None:
        await pool.execute(
            "INSERT INTO jobs_test_starts (operation_id, worker, attempt) VALUES ($1, $2, $3)",
            op.id,
            worker_name,
            op.attempts,
        )
        if op.payload.get("hang") and honour_hang:
            await asyncio.sleep(3600)
        if op.payload.get("sleep"):
            await asyncio.sleep(float(op.payload["sleep"]))
        await pool.execute(
            "INSERT INTO jobs_test_runs (operation_id, worker, attempt) VALUES ($1, $2, $3)",
            op.id,
            worker_name,
            op.attempts,
        )
        if op.payload.get("fail"):
            raise OperationFailed("refused on purpose", result={"worker": worker_name})
        return {"worker": worker_name, "n": op.payload.get("n")}

    return handle


async def wait_until(
    check: Callable[[], Awaitable[bool]], *, within: float = 30.0, interval: float = 0.05
) -> None:
    """Poll ``check`` until true; fail the test after ``within`` seconds (a bound, not a measurement)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(interval)


def new_tag() -> str:
    """A kind prefix unique to one test, so workers never touch another test's operations."""
    return "t" + uuid.uuid4().hex[:10]


async def load(db: Any, operation_id: uuid.UUID) -> Operation:
    """The operation, which the test knows exists."""
    op = await get_operation(db, operation_id)
    assert op is not None
    return op
