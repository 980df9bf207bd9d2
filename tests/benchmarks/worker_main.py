"""A ``gateway worker`` for the benchmarks: the same handlers and ``Worker``, a bounded pool.

``python -m tests.benchmarks.worker_main --concurrency 100 --pool-size 12`` does what ``gateway worker
--concurrency 100`` does — the deployment's handler map (``gateway.jobs.handlers.build_handlers``), one
``Worker`` on the ``DATABASE_URL`` store, run until SIGTERM — with the pool size as a flag (``gateway
worker`` caps it at ``WORKER_POOL_CAP`` + 2; the benchmarks pass 12), so operations wait for a connection
instead. It prints ``READY <pid>`` once the worker starts claiming, which is when a benchmark may start
its clock or take the idle memory reading. With ``--hold`` it prints ``READY`` when everything is built
and starts claiming only when a line arrives on stdin, so several workers can start at the same moment.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys


async def _wait_for_go() -> None:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)


async def run(concurrency: int, pool_size: int, grace: float, hold: bool) -> None:
    from connectors.intacct.transport import close_shared_client
    from gateway.jobs import Worker, run_until_signalled
    from gateway.jobs.handlers import build_handlers
    from gateway.logging import configure_logging
    from gateway.settings import Settings
    from gateway.store import create_pool

    settings = Settings.from_env()
    configure_logging(settings.log)
    if not settings.database.url:
        raise SystemExit("DATABASE_URL must be set")
    pool = await create_pool(settings.database.url, min_size=1, max_size=pool_size)
    try:
        worker = Worker(pool, build_handlers(pool, settings), concurrency=concurrency)
        print(f"READY {os.getpid()}", flush=True)
        if hold:
            await _wait_for_go()
        await run_until_signalled([worker], grace=grace)
    finally:
        await close_shared_client()
        await pool.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--pool-size", type=int, default=12)
    parser.add_argument("--grace", type=float, default=10.0)
    parser.add_argument("--hold", action="store_true", help="start claiming when a line arrives on stdin")
    args = parser.parse_args(argv)
    asyncio.run(run(args.concurrency, args.pool_size, args.grace, args.hold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
