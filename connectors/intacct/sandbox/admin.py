"""JSON admin API of the sandbox, for tests and benchmarks that run it in another process.

Routes (relative to ``…/sandbox/admin``):

========  ==========================================  ===============================================
GET       ``/companies``                              company ids
GET       ``/companies/{id}/counters``                counters (http_requests, functions, by_function …)
POST      ``/companies/{id}/counters/reset``          zero the counters
GET/POST  ``/companies/{id}/faults``                  read / change fault switches (``{"reset": true}``
                                                      switches everything off first)
GET/POST  ``/companies/{id}/limits``                  read / change calls_per_minute, max_concurrent …
GET/POST  ``/companies/{id}/config``                  read / change CompanyConfig (approvals, numbering …)
POST      ``/snapshot``                               write the state to the app's configured snapshot
                                                      file (only when the app was given one)
========  ==========================================  ===============================================

The admin API never takes a file path from the caller.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from connectors.intacct.sandbox.state import CompanyConfig, CompanyState

if TYPE_CHECKING:
    from connectors.intacct.sandbox.server import SandboxApp


def _json(status: int, payload: Any) -> tuple[int, bytes]:
    return status, json.dumps(payload, sort_keys=True, default=str).encode()


def config_as_dict(config: CompanyConfig) -> dict[str, Any]:
    return {
        "auto_numbering": dict(config.auto_numbering),
        "ap_payment_approval": config.ap_payment_approval,
        "ap_bill_approval": config.ap_bill_approval,
        "ar_automatic_payment_summaries": config.ar_automatic_payment_summaries,
        "ap_automatic_payment_summaries": config.ap_automatic_payment_summaries,
        "ap_automatic_bill_summaries": config.ap_automatic_bill_summaries,
        "ar_automatic_invoice_summaries": config.ar_automatic_invoice_summaries,
        "books_closed_before": config.books_closed_before.isoformat() if config.books_closed_before else None,
        "session_duration_seconds": int(config.session_duration.total_seconds()),
        "demo_expired": config.demo_expired,
    }


def configure(config: CompanyConfig, changes: dict[str, Any]) -> None:
    """Apply JSON settings to a company's configuration; unknown keys are refused."""
    for key, value in changes.items():
        if key == "auto_numbering":
            config.auto_numbering.update({str(k): bool(v) for k, v in dict(value).items()})
        elif key == "books_closed_before":
            config.books_closed_before = dt.date.fromisoformat(value) if value else None
        elif key == "session_duration_seconds":
            config.session_duration = dt.timedelta(seconds=int(value))
        elif key in (
            "ap_payment_approval",
            "ap_bill_approval",
            "ar_automatic_payment_summaries",
            "ap_automatic_payment_summaries",
            "ap_automatic_bill_summaries",
            "ar_automatic_invoice_summaries",
            "demo_expired",
        ):
            setattr(config, key, bool(value))
        else:
            raise ValueError(f"unknown config setting {key!r}")


def _company_route(
    company: CompanyState, method: str, rest: list[str], changes: dict[str, Any]
) -> tuple[int, bytes]:
    if rest == ["counters"] and method == "GET":
        return _json(200, company.counters.as_dict())
    if rest == ["counters", "reset"] and method == "POST":
        company.counters.reset()
        return _json(200, company.counters.as_dict())
    if rest == ["faults"]:
        if method == "POST":
            if changes.pop("reset", False):
                company.faults.reset()
            company.faults.configure(changes)
        return _json(200, company.faults.as_dict())
    if rest == ["limits"]:
        if method == "POST":
            company.limits.configure(changes)
        return _json(200, company.limits.as_dict())
    if rest == ["config"]:
        if method == "POST":
            configure(company.config, changes)
        return _json(200, config_as_dict(company.config))
    return _json(404, {"error": "not found"})


def handle_admin(app: SandboxApp, method: str, subpath: str, body: bytes) -> tuple[int, bytes]:
    parts = [p for p in subpath.split("/") if p]
    try:
        changes = json.loads(body) if body.strip() else {}
        if not isinstance(changes, dict):
            raise ValueError("the body must be a JSON object")
        if parts == ["companies"] and method == "GET":
            return _json(200, sorted(app.state.companies))
        if parts == ["snapshot"] and method == "POST":
            if app.snapshot_path is None:
                return _json(409, {"error": "this sandbox was started without a snapshot file"})
            from connectors.intacct.sandbox.snapshot import save_snapshot

            save_snapshot(app.state, app.snapshot_path)
            return _json(200, {"saved": True})
        if len(parts) >= 3 and parts[0] == "companies":
            company = app.state.find_company(parts[1])
            if company is None:
                return _json(404, {"error": f"unknown company {parts[1]!r}"})
            return _company_route(company, method, parts[2:], changes)
    except (ValueError, TypeError) as exc:
        return _json(400, {"error": str(exc)})
    return _json(404, {"error": "not found"})
