"""A standalone worker process for the multi-process tests (``python -m ...worker_child``).

It runs one :class:`gateway.jobs.Worker` with the recording handler for the given kinds until SIGTERM
(graceful: finish within ``--grace`` seconds, else release) or SIGKILL.
"""

from __future__ import annotations

import argparse
import asyncio

from gateway.jobs import Worker, run_until_signalled
from gateway.store import create_pool
from tests.integration.gateway.jobs.support import recording_handler


async def main(args: argparse.Namespace) -> None:
    pool = await create_pool(args.dsn, min_size=1, max_size=2 * args.concurrency + 2)
    try:
        handler = recording_handler(pool, args.id)
        worker = Worker(
            pool,
            dict.fromkeys(args.kind, handler),
            id=args.id,
            concurrency=args.concurrency,
            lease_seconds=args.lease,
            poll_seconds=0.05,
            maintenance_seconds=0.3,
            fire_schedules=False,
        )
        await run_until_signalled([worker], grace=args.grace)
    finally:
        await pool.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--id", required=True)
    parser.add_argument("--kind", action="append", required=True)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--grace", type=float, default=20.0)
    asyncio.run(main(parser.parse_args()))
