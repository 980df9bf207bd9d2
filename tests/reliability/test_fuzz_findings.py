"""What schema fuzzing found, kept as fast regression tests in the normal suite.

1. A NUL character (``\\u0000``) in text the gateway stores in a column: PostgreSQL keeps none in
   ``text`` or ``jsonb``, and the driver's error was answered 500. Now 400 saying why.
2. A control character (or an unpaired surrogate) in a value that must travel in Intacct's XML (a record
   id in an attachments path, a password): lxml refused to build the element and the request ended 500.
   Now the connector refuses it as data (``ConnectorRejectedError`` naming the element): 400, or for
   credentials a connection left unlinked with the reason.
"""

from __future__ import annotations

import pytest

from tests.integration.gateway.helpers import DEMO_AUTH, error_body, make_connection
from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import SANDBOX_URL, PushEnv
from tests.reliability import world

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_nul_character_is_a_400_not_a_500(env: PushEnv) -> None:
    owner = await world.new_tenant(env, "nul")
    linked = await world.link(env, owner)
    renamed = await env.client.patch(
        f"/companies/{linked.company_id}", json={"name": "Acme\u0000Ltd"}, headers=owner.headers
    )
    assert renamed.status_code == 400, renamed.text
    assert "NUL" in error_body(renamed).error
    company = await env.client.get(f"/companies/{linked.company_id}", headers=owner.headers)
    assert "\u0000" not in company.json()["name"]  # nothing half-written
    # a push body is stored as JSON text (the escape is plain ASCII there): accepted, then the worker
    # finds the NUL cannot travel in XML and fails the operation saying so; nothing reaches Intacct
    pushed = await env.push(linked, "bills", b.bill("nul", note="June\u0000supplies"))
    assert pushed.status_code == 200, pushed.text
    async with env.worker():
        final = await world.wait(env, linked, pushed.json()["pushOperationKey"])
    assert final["status"] == "Failed" and final["statusCode"] == 400, final
    assert "cannot carry" in final["errorMessage"]
    assert [r for r in env.demo.rows("APBILL") if r.get("DOCNUMBER") == "B-nul"] == []


async def test_a_control_character_bound_for_intacct_is_refused_as_data(env: PushEnv) -> None:
    owner = await world.new_tenant(env, "ctl")
    linked = await world.link(env, owner)
    listed = await env.client.get(f"{linked.base}/data/bills/12%1B3/attachments", headers=owner.headers)
    assert listed.status_code == 400, listed.text
    assert "cannot carry" in error_body(listed).error

    connection = await make_connection(env.client, owner.headers, linked.company_id)
    auth = {**DEMO_AUTH, "userPassword": "pass\x15word", "endpointUrl": SANDBOX_URL}
    response = await env.client.put(
        f"/companies/{linked.company_id}/connections/{connection['id']}/authorization",
        json=auth,
        headers=owner.headers,
    )
    assert response.status_code < 500, response.text
    if response.status_code == 200:
        assert response.json()["status"] != "Linked"
        assert "cannot carry" in response.text
