"""Acceptance: the official Codat SDKs from PyPI, unchanged, with only ``server_url`` set to the gateway.

``scripts/codat_sdk_flow.py`` runs in its own venv (the SDKs pin pydantic/requests/httpx ranges of their
own) and does what a fintech does: create a company and a Sage Intacct connection, link the sandbox's
DEMO company, push a bill and poll it to Success, queue a pull of bills and list them with a query.
"""

from __future__ import annotations

import pytest

from tests.integration.compat.flows import assert_fintech_flow, new_reference, run_flow
from tests.integration.compat.server import GatewayProcess
from tests.integration.compat.venvs import ensure_venv, locked

pytestmark = pytest.mark.slow

# The newest pair pip installs together: codat-accounting 0.36 pins pydantic<2.10, which codat-platform 6
# cannot use, so `pip install codat-platform codat-accounting` resolves to these. Pinned so that a new
# SDK release changes this test only when someone bumps it here.
SDK_REQUIREMENTS = ("codat-platform==6.0.0", "codat-accounting==0.35.0")


def test_codat_sdks_create_link_push_poll_pull_and_query(compat_gateway: GatewayProcess) -> None:
    with locked("codat-sdk"):
        venv = ensure_venv("codat-sdk", SDK_REQUIREMENTS)
    api_key = compat_gateway.create_tenant("codat-sdk")
    reference = new_reference("SDK")

    summary = run_flow(venv.python, "codat_sdk_flow.py", compat_gateway, api_key, reference)

    assert summary["sdk"] == {"codat-platform": "6.0.0", "codat-accounting": "0.35.0"}
    assert_fintech_flow(summary, reference)
    # Reads a dashboard makes after the flow: every answer parsed in the SDK's strict models.
    read_back = summary["readBack"]
    assert read_back["companyIds"] == [summary["company"]["id"]]
    assert read_back["connectionStatuses"] == ["Linked"]
    assert read_back["pushKeys"] == [summary["push"]["pushOperationKey"]]
    assert read_back["billsStatus"] == "Complete"
    assert summary["pull"]["id"] in read_back["billsPullIds"]
    assert read_back["optionsType"] == "Object"
    assert "supplierRef" in read_back["optionsRequired"]
    # The SDK decoded Decimal amounts exactly as the gateway sent them.
    assert summary["listed"]["results"][0]["totalAmount"] == "123.45"
