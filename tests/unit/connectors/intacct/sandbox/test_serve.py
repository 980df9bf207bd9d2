"""The sandbox over real loopback sockets (uvicorn), including the community ``sageintacctsdk`` client
working unchanged against it (only its HTTP target is redirected to the sandbox)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from connectors.intacct.sandbox import SandboxState, make_server
from connectors.intacct.sandbox.reader import Reader
from connectors.intacct.sandbox.schema import SPECS
from connectors.intacct.xml.parse import parse_xml

from ._core_support import envelope, fn


class Running:
    def __init__(self, state: SandboxState, url: str) -> None:
        self.state = state
        self.url = url


@pytest_asyncio.fixture
async def running() -> AsyncIterator[Running]:
    state = SandboxState.demo()
    server = make_server("127.0.0.1", 0, state)
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # wait for uvicorn to bind (it exposes a flag, not an event)
        if server.started:
            break
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield Running(state, f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml")
    server.should_exit = True
    await task


@pytest.mark.asyncio
async def test_loopback_session_endpoint_and_dropped_connection(running: Running) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(running.url, content=envelope(fn("<getAPISession/>")))
        assert parse_xml(response.content).findtext(".//endpoint") == running.url
        running.state.company("DEMO").faults.drop_after_commit_rate = 1.0
        body = envelope(fn("<create><CLASS><CLASSID>NET</CLASSID><NAME>n</NAME></CLASS></create>"))
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(running.url, content=body)
    assert running.state.company("DEMO").find_one("CLASS", CLASSID="NET") is not None


def test_sdk_default_field_lists_are_known_to_the_sandbox() -> None:
    constants = pytest.importorskip("sageintacctsdk.apis.constants")
    reader = Reader(SandboxState.demo().company("DEMO"))
    for obj, fields in constants.dimensions_fields_mapping.items():
        if obj in SPECS:
            assert reader.unknown_fields(obj, fields, relations=True) == [], obj


@pytest.mark.asyncio
async def test_sageintacctsdk_works_against_the_sandbox(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    sdk_module = pytest.importorskip("sageintacctsdk")
    api_base = pytest.importorskip("sageintacctsdk.apis.api_base")
    exceptions = pytest.importorskip("sageintacctsdk.exceptions")
    real_post = api_base.requests.post

    def to_sandbox(url: str, **kwargs: Any) -> Any:
        # the SDK posts to api.intacct.com (or the session endpoint): send it to the sandbox instead
        return real_post(running.url, **kwargs)

    monkeypatch.setattr(api_base.requests, "post", to_sandbox)

    def use_sdk() -> dict[str, Any]:
        sdk = sdk_module.SageIntacctSDK(
            sender_id="demo-sender",
            sender_password="demo-sender-pw",
            user_id="demo-user",
            company_id="DEMO",
            user_password="demo-user-pw",
        )
        vendors = sdk.vendors.get_all()
        one = sdk.vendors.get(field="VENDORID", value="V0001")
        created = sdk.classes.post({"CLASSID": "SDK1", "NAME": "From the SDK"})
        count = sdk.accounts.count()
        try:
            sdk.vendors.get(field="NOPE", value="x")
            refused = None
        except exceptions.WrongParamsError as exc:
            refused = exc
        return {"vendors": vendors, "one": one, "created": created, "count": count, "refused": refused}

    out = await asyncio.to_thread(use_sdk)
    assert {v["VENDORID"] for v in out["vendors"]} >= {"V0001", "V0002", "V0003"}
    found = out["one"].get("VENDOR") or out["one"].get("vendor")  # query (1.28) or readByQuery (older)
    assert found[0]["NAME"] == "Office Supplies Co"
    assert out["created"]["status"] == "success"
    assert out["created"]["data"]["class"]["CLASSID"] == "SDK1"
    assert out["count"] == len(running.state.company("DEMO").table("GLACCOUNT"))
    assert out["refused"] is not None
