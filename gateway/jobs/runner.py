"""Running workers as a process: signal handling and the body of ``gateway worker``.

Why separate from ``worker.py``: the Worker is a plain object that tests and ``gateway serve`` drive
directly; only a standalone process owns the signals and the pool.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import structlog

from gateway.jobs.worker import Handler, Worker
from gateway.store.pool import create_pool

log = structlog.get_logger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def install_signal_handlers(
    workers: Sequence[Worker],
    *,
    grace: float | None = 20.0,
    signals: Sequence[signal.Signals] = STOP_SIGNALS,
) -> Callable[[], None]:
    """Make SIGTERM/SIGINT stop ``workers`` gracefully; a second signal releases at once.

    Returns a function that removes the handlers again. Must be called from the running loop's thread.
    """
    loop = asyncio.get_running_loop()
    received = 0

    def on_signal(signum: signal.Signals) -> None:
        nonlocal received
        received += 1
        log.info("worker.signal", signal=signum.name, count=received)
        for worker in workers:
            worker.stop(grace if received == 1 else 0.0)

    for signum in signals:
        loop.add_signal_handler(signum, on_signal, signum)

    def remove() -> None:
        for signum in signals:
            loop.remove_signal_handler(signum)

    return remove


async def run_until_signalled(workers: Sequence[Worker], *, grace: float | None = 20.0) -> None:
    """Run ``workers`` until SIGTERM or SIGINT, then drain them and return."""
    remove = install_signal_handlers(workers, grace=grace)
    try:
        await asyncio.gather(*(worker.run() for worker in workers))
    finally:
        remove()


async def run_worker_process(
    database_url: str,
    handlers: Mapping[str, Handler],
    *,
    workers: int = 1,
    concurrency: int = 4,
    grace: float | None = 20.0,
    **options: Any,
) -> None:
    """The body of ``gateway worker``: a pool, ``workers`` Workers sharing it, run until signalled.

    ``options`` are passed to :class:`Worker` (lease_seconds, poll_seconds, ...). The pool is sized for
    every running operation and its heartbeat, plus each worker's listening connection.
    """
    pool = await create_pool(database_url, min_size=1, max_size=workers * (2 * concurrency + 1) + 1)
    try:
        crew = [Worker(pool, handlers, concurrency=concurrency, **options) for _ in range(workers)]
        await run_until_signalled(crew, grace=grace)
    finally:
        await pool.close()
