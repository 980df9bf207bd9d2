"""The benchmark's Intacct sandbox, in a process of its own, on loopback.

``python -m tests.benchmarks.sandbox_main --company DEMO --company REF --bulk BULK:APBILL:100000:1
--latency 0.1`` builds one ``SandboxState`` holding a clone of the seeded ``DEMO`` company per
``--company`` (own ledger, counters, rate window: the sides of a benchmark never share a limit), adds
bulk records, switches on the injected latency, keeps Intacct's default limits (300 calls a minute, 5
concurrent requests, 100 functions per request), binds 127.0.0.1 on a free port and prints
``READY <port>`` once uvicorn serves. Both clients reach it over real HTTP; the benchmark reads the
call counters through the sandbox's admin API (``/sandbox/admin/companies/{id}/counters``).

Why a process: the sandbox's CPU must not be charged to either client, and neither client's CPU may
slow the sandbox down for the other.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys

from connectors.intacct.sandbox import SandboxState, create_app, seed_bulk, seed_demo
from connectors.intacct.sandbox.seed import COMPANY_ID
from connectors.intacct.sandbox.state import CompanyState

XML_PATH = "/ia/xml/xmlgw.phtml"


def clone_demo(state: SandboxState, company_id: str) -> CompanyState:
    """Add a freshly seeded copy of ``DEMO`` under ``company_id`` (same sender, user, master data)."""
    existing = state.find_company(company_id)
    if existing is not None:
        return existing
    scratch = SandboxState()
    company = seed_demo(scratch)
    del scratch.companies[COMPANY_ID]
    company.company_id = company_id
    company.name = f"Benchmark {company_id}"
    state.companies[company_id] = company
    for sender, password in scratch.senders.items():
        state.add_sender(sender, password)
    return company


def build_state(companies: list[str], bulk: list[str], latency: float) -> SandboxState:
    state = SandboxState()
    for company_id in companies:
        clone_demo(state, company_id)
    for spec in bulk:
        company_id, obj, count, lines = spec.split(":")
        seed_bulk(state, clone_demo(state, company_id).company_id, obj, int(count), lines=int(lines))
    for company in state.companies.values():
        company.faults.latency_seconds = latency
    return state


async def serve(state: SandboxState, host: str) -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    config = uvicorn.Config(
        create_app(state), log_level="warning", lifespan="on", access_log=False, timeout_keep_alive=30
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--company", action="append", default=[], help="company id (a clone of DEMO)")
    parser.add_argument("--bulk", action="append", default=[], help="COMPANY:OBJECT:COUNT:LINES")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added to every call")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    from gateway.logging import configure_logging
    from gateway.settings import LogSettings

    configure_logging(LogSettings(level="WARNING"))
    state = build_state(args.company, args.bulk, args.latency)
    asyncio.run(serve(state, args.host))
    return 0


if __name__ == "__main__":
    sys.exit(main())
