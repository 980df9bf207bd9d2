"""The gateway API for the benchmarks, in a process of its own, plus one route only this instance has.

``python -m tests.benchmarks.api_main`` reads the usual settings from the environment (the harness sets
``DATABASE_URL`` to the throw-away database and switches the in-process worker off, so workers are the
separate processes each benchmark starts), builds the app exactly as ``gateway serve`` does
(``GatewayCore``), adds ``GET /bench/floor``, binds 127.0.0.1 on a free port and prints ``READY <port>``.

``/bench/floor`` is P4's floor: it answers bytes serialized before the request arrived — the file named
by ``BENCH_FLOOR_FILE``, which the benchmark fills with a real ``GET …/data/bills`` page — through the
same middleware stack (request id, logging context, metrics) as every API route, but with no tenant
lookup, no query and no serialization. The public app never has this route.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from functools import cache
from pathlib import Path

from litestar import Litestar, MediaType, Response, get

FLOOR_PATH = "/bench/floor"


@cache
def _floor_payload() -> bytes:
    path = os.environ.get("BENCH_FLOOR_FILE")
    return Path(path).read_bytes() if path else b"{}"


@get(FLOOR_PATH, include_in_schema=False, sync_to_thread=False)
def bench_floor() -> Response[bytes]:
    """Pre-serialized bytes: what the cheapest possible answer of this app costs."""
    return Response(content=_floor_payload(), media_type=MediaType.JSON)


def create_bench_app() -> Litestar:
    from gateway.core import GatewayCore
    from gateway.logging import configure_logging
    from gateway.settings import Settings

    settings = Settings.from_env()
    configure_logging(settings.log)
    return Litestar(route_handlers=[bench_floor], plugins=[GatewayCore(settings)])


async def serve(host: str) -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    config = uvicorn.Config(
        create_bench_app(), log_config=None, access_log=False, lifespan="on", timeout_keep_alive=30
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
            return
        await asyncio.sleep(0.01)
    print(f"READY {sock.getsockname()[1]}", flush=True)
    await task


def main() -> int:
    asyncio.run(serve(os.environ.get("BENCH_HOST", "127.0.0.1")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
