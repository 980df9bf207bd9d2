"""The sandbox in a process of its own with several companies: ``serve()`` on loopback.

``python -m tests.reliability.sandbox_main --port 8123 --company S1 --company S2`` serves the seeded
``DEMO`` plus an independent copy of it per ``--company`` (own ledger, counters, limits and faults), with
uvicorn on 127.0.0.1. Faults are switched on later through the admin API
(``/sandbox/admin/companies/{id}/faults``). ``gateway sandbox serve`` is the same server with ``DEMO``
only; the soak and load tests need more than one Intacct company.
"""

from __future__ import annotations

import argparse
import sys

from connectors.intacct.sandbox import SandboxState, serve
from tests.reliability.world import add_company


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--company", action="append", default=[])
    args = parser.parse_args(argv)
    from gateway.logging import configure_logging
    from gateway.settings import LogSettings

    configure_logging(LogSettings(level="WARNING"))
    state = SandboxState.demo()
    for company_id in args.company:
        add_company(state, company_id)
    serve("127.0.0.1", args.port, state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
