"""The Intacct XML gateway simulator (DESIGN.md §5): an ASGI app with a seeded ``DEMO`` company.

Typical use in tests::

    state = SandboxState.demo()
    client = httpx.AsyncClient(transport=SandboxTransport(create_app(state)), base_url="http://sandbox")
    ...
    assert state.company("DEMO").counters.functions == 3
"""

from __future__ import annotations

from connectors.intacct.sandbox.bulk import seed_bulk
from connectors.intacct.sandbox.faults import FaultSettings
from connectors.intacct.sandbox.limits import LimitSettings
from connectors.intacct.sandbox.seed import seed_demo
from connectors.intacct.sandbox.server import SandboxApp, create_app
from connectors.intacct.sandbox.snapshot import load_snapshot, save_snapshot
from connectors.intacct.sandbox.state import CompanyConfig, CompanyState, Counters, Entity, SandboxState
from connectors.intacct.sandbox.transport import SandboxTransport, make_server, serve

__all__ = [
    "CompanyConfig",
    "CompanyState",
    "Counters",
    "Entity",
    "FaultSettings",
    "LimitSettings",
    "SandboxApp",
    "SandboxState",
    "SandboxTransport",
    "create_app",
    "load_snapshot",
    "make_server",
    "save_snapshot",
    "seed_bulk",
    "seed_demo",
    "serve",
]
