"""Acceptance: a client generated from ``openapi/openapi.json`` by openapi-python-client does what a
fintech does with the Codat SDKs (``scripts/generated_client_flow.py``), through typed models only.

The generator must finish without a warning (``genclient.py``), so a schema it cannot model fails here
instead of silently vanishing from the client.
"""

from __future__ import annotations

import pytest

from tests.integration.compat.flows import assert_fintech_flow, new_reference, run_flow
from tests.integration.compat.genclient import ensure_generated_client
from tests.integration.compat.server import GatewayProcess

pytestmark = pytest.mark.slow


def test_generated_client_create_link_push_poll_pull_and_query(compat_gateway: GatewayProcess) -> None:
    venv = ensure_generated_client()
    api_key = compat_gateway.create_tenant("genclient")
    reference = new_reference("GEN")

    summary = run_flow(venv.python, "generated_client_flow.py", compat_gateway, api_key, reference)

    bill_id = assert_fintech_flow(summary, reference)
    # The polled operation carries the record as Intacct created it (PushOperation.data).
    assert summary["operation"]["dataId"] == bill_id
    assert summary["operation"]["dataReference"] == reference
    # Amounts are JSON numbers on the wire; the typed model hands them over as numbers.
    assert float(summary["listed"]["results"][0]["totalAmount"]) == pytest.approx(250.10)
