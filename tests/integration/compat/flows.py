"""Run a client script in its venv against the gateway process, and check what it saw.

Scripts run with ``python -I`` (isolated: no PYTHONPATH, no script directory on ``sys.path``), so they
can import only what their venv holds — the SDK or the generated client — never the gateway's code.
Both scripts print the same JSON summary; ``assert_fintech_flow`` holds the expectations they share.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.integration.compat.server import GatewayProcess

SCRIPTS = Path(__file__).resolve().parent / "scripts"
SCRIPT_TIMEOUT_SECONDS = 120.0


def new_reference(prefix: str) -> str:
    """A bill reference no other test (or earlier run on the same sandbox) has used."""
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


def run_flow(
    python: Path, script: str, gateway: GatewayProcess, api_key: str, reference: str
) -> dict[str, Any]:
    """The script's JSON summary; fails the test with the script's error and the gateway log tail."""
    command = [
        str(python),
        "-I",
        str(SCRIPTS / script),
        gateway.base_url,
        api_key,
        gateway.sandbox_endpoint,
        reference,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_SECONDS, check=False, cwd=SCRIPTS
    )
    lines = result.stdout.strip().splitlines()
    try:
        summary: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        summary = {}
    if result.returncode != 0 or not summary or "error" in summary:
        error = summary.get("error") or {"stderr": result.stderr[-3000:], "stdout": result.stdout[-3000:]}
        pytest.fail(
            f"{script} failed (exit {result.returncode}) at step {error.get('step', '?')!r}:\n"
            f"{json.dumps(error, indent=2)}\n--- gateway log (tail) ---\n{gateway.output()[-3000:]}"
        )
    return summary


def assert_fintech_flow(summary: dict[str, Any], reference: str) -> str:
    """Company, connection, link, push, poll, pull and query all did what Codat's API promises.

    Returns the id of the bill Intacct created.
    """
    company, connection = summary["company"], summary["connection"]
    assert uuid.UUID(company["id"]) and company["name"].endswith(reference)
    assert company["redirect"].startswith("http")
    assert connection["integrationKey"] == "knfz"
    assert connection["platformName"] == "Sage Intacct"
    assert connection["status"] == "PendingAuth"
    assert summary["linked"]["status"] == "Linked"

    push = summary["push"]
    assert push["httpStatus"] == 200
    assert push["status"] == "Pending" and push["pushOperationKey"]
    assert push["dataType"] == "bills" and push["reference"] == reference

    operation = summary["operation"]
    assert operation["status"] == "Success", operation
    assert operation["statusCode"] == 200 and operation["errors"] == []
    assert operation["completedOnUtc"]
    [change] = operation["changes"]
    assert change["type"] == "Created" and change["dataType"] == "bills"
    bill_id: str = change["recordId"]
    assert bill_id

    pull = summary["pull"]
    assert pull["dataType"] == "bills"
    assert pull["isCompleted"] is True and pull["isErrored"] is False, pull
    assert pull["status"] == "Complete" and pull["progress"] == 100

    # The query selected exactly the pushed bill, and one naming another reference selected nothing.
    listed = summary["listed"]
    assert listed["totalResults"] == 1 and listed["pageNumber"] == 1
    [bill] = listed["results"]
    assert bill["id"] == bill_id and bill["reference"] == reference
    assert bill["status"] == "Open" and bill["supplierId"] == "V0001"
    assert summary["listedNone"] == {"totalResults": 0}
    assert summary["got"] == {"id": bill_id, "reference": reference}
    return bill_id
