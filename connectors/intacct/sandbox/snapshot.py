"""Saving the sandbox to a JSON file and loading it back (``--snapshot`` style persistence).

Kept: senders, transport policies, and per company its users, authorized senders, entities,
configuration, tables, sequences, exchange rates, executed function controlids, faults and limits.
Not kept: API sessions, readByQuery result sets, counters (they describe one run).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.intacct.sandbox.admin import config_as_dict, configure
from connectors.intacct.sandbox.state import CompanyState, Entity, SandboxState

FORMAT = 1


def _company(company: CompanyState) -> dict[str, Any]:
    return {
        "company_id": company.company_id,
        "name": company.name,
        "users": company.users,
        "authorized_senders": sorted(company.authorized_senders),
        "entities": [dataclasses.asdict(e) for e in company.entities.values()],
        "config": config_as_dict(company.config),
        "tables": {name: list(rows.values()) for name, rows in company.tables.items()},
        "sequences": company.sequences,
        "exchange_rates": [
            {"from": a, "to": b, "type": kind, "rates": [[d.isoformat(), str(r)] for d, r in rates]}
            for (a, b, kind), rates in company.exchange_rates.items()
        ],
        "executed_controlids": sorted(company.executed_controlids),
        "faults": company.faults.as_dict(),
        "limits": company.limits.as_dict(),
    }


def save_snapshot(state: SandboxState, path: str | os.PathLike[str]) -> None:
    """Write atomically (temp file + rename), so a crash never leaves half a snapshot."""
    payload = {
        "format": FORMAT,
        "senders": state.senders,
        "transport_policies": sorted(state.transport_policies),
        "companies": [_company(c) for c in state.companies.values()],
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=target.parent, delete=False, suffix=".tmp") as handle:
        json.dump(payload, handle, default=str)
        temp = handle.name
    os.replace(temp, target)


def load_snapshot(path: str | os.PathLike[str], *, state: SandboxState | None = None) -> SandboxState:
    payload = json.loads(Path(path).read_text())
    if payload.get("format") != FORMAT:
        raise ValueError(f"unsupported sandbox snapshot format {payload.get('format')!r}")
    state = state if state is not None else SandboxState()
    state.senders.update(payload["senders"])
    state.transport_policies.update(payload["transport_policies"])
    for data in payload["companies"]:
        company = state.add_company(data["company_id"])
        company.name = data["name"]
        company.users.update(data["users"])
        company.authorized_senders.update(data["authorized_senders"])
        company.entities = {e["id"]: Entity(**e) for e in data["entities"]}
        configure(company.config, data["config"])
        for name, rows in data["tables"].items():
            company.bulk_load(name, rows)
        company.sequences.update(data["sequences"])
        for item in data["exchange_rates"]:
            rates = [(dt.date.fromisoformat(d), Decimal(r)) for d, r in item["rates"]]
            company.exchange_rates[(item["from"], item["to"], item["type"])] = rates
        company.executed_controlids.update(data["executed_controlids"])
        company.faults.configure(data["faults"])
        company.limits.configure(data["limits"])
        top = max(
            (int(r["RECORDNO"]) for rows in company.tables.values() for r in rows.values()), default=999
        )
        while company.allocate_recordno() <= top:
            pass
    return state
