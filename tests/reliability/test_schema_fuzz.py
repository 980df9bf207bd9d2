"""Schema fuzzing: schemathesis generates requests from the committed ``openapi/openapi.json`` for every
operation and sends them to a running ``gateway serve`` on loopback (sandbox-linked company, no worker).

Checks: no 5xx (``not_a_server_error``), every answer's body matches the documented schema for its
status (``response_schema_conformance``), has a documented status code (``status_code_conformance``) and
a documented content type (``content_type_conformance``).

So the generated data reaches the handlers instead of stopping at the tenant guard, the company and
connection ids in paths are replaced by the linked ones; routes that would end the link (delete,
unlink) keep their generated ids, and ``PUT …/authorization`` goes to a spare connection with its
``endpointUrl`` pinned to the loopback sandbox (a generated URL must never be called). With no worker
running, generated webhooks are never delivered anywhere.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.reliability.figures import record
from tests.reliability.stack import Stack

OPENAPI = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
#: operations whose real ids would end the fuzzing company's link; they keep their generated ids
KEEP_GENERATED_IDS = {"delete-company", "delete-connection", "unlink-connection"}

schema = schemathesis.openapi.from_path(str(OPENAPI))
_calls: dict[str, int] = {}


@dataclass(frozen=True, slots=True)
class Target:
    base_url: str
    headers: dict[str, str]
    company_id: str
    connection_id: str
    spare_connection_id: str
    sandbox_url: str


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def target() -> AsyncIterator[Target]:
    async with Stack.start() as stack, stack.api_client() as api:
        remote = await stack.link(api, "DEMO", keep_first_pulls=False)
        spare = (
            await api.post(f"/companies/{remote.company_id}/connections", json={"platformKey": "knfz"})
        ).json()
        yield Target(
            stack.api_url,
            stack.headers,
            remote.company_id,
            remote.connection_id,
            spare["id"],
            stack.sandbox_url,
        )
    record("schema fuzzing (schemathesis, committed openapi.json)", "requests sent", sum(_calls.values()))
    record("schema fuzzing (schemathesis, committed openapi.json)", "operations fuzzed", len(_calls))


def aim(case: Any, target: Target) -> None:
    """Point the case at the real company; keep generated URLs away from the network."""
    operation_id = case.operation.definition.raw.get("operationId", "")
    params = case.path_parameters or {}
    if operation_id not in KEEP_GENERATED_IDS:
        if "companyId" in params:
            params["companyId"] = target.company_id
        if "connectionId" in params:
            params["connectionId"] = target.connection_id
    if operation_id == "update-connection-authorization":
        params["connectionId"] = target.spare_connection_id
        if isinstance(case.body, dict):
            case.body["endpointUrl"] = target.sandbox_url


@pytest.mark.reliability
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_every_answer_fits_the_schema(case: Any, target: Target) -> None:
    aim(case, target)
    label = case.operation.label
    _calls[label] = _calls.get(label, 0) + 1
    response = case.call(base_url=target.base_url, headers=target.headers, timeout=60)
    case.validate_response(response, checks=CHECKS)
