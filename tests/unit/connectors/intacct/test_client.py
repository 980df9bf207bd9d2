"""IntacctClient against FakeIntacct: sessions, re-sign-in, duplicates, throttling, batching, bytes sent."""

from __future__ import annotations

import asyncio
import copy

import httpx
import pytest
from lxml import etree

from connectors.errors import (
    ConnectorConfigError,
    ConnectorOutcomeUnknown,
    ConnectorProtocolError,
    ConnectorTransientError,
)
from connectors.intacct.client import Function
from connectors.intacct.errors import IntacctDuplicateError, IntacctRateLimited
from connectors.intacct.limits import LimitSettings
from connectors.intacct.session import SessionCache
from connectors.intacct.xml import functions as fn
from connectors.intacct.xml.parse import parse_xml
from connectors.intacct.xml.response import FunctionResult
from connectors.testing.xml import assert_xml_equal
from tests.unit.connectors.intacct._support import (
    Call,
    FakeIntacct,
    FakeSleep,
    credentials,
    fixture,
    fixture_element,
    make_client,
    response_xml,
    result,
    xml_response,
)

DUPLICATE = "A successful transaction has already been recorded with the control id {}"


def ok_read(call: Call) -> etree._Element:
    return result(call, data={"listtype": "CLASS", "count": 1}, records=[("CLASS", {"RECORDNO": "1"})])


def _normalise_ids(body: bytes) -> etree._Element:
    root = parse_xml(body)
    control_id = root.find("control/controlid")
    assert control_id is not None
    control_id.text = "unittest"
    for function in root.iterfind("operation/content/function"):
        function.set("controlid", "unittest")
    return root


def _expected_request(control_fixture: str, operation: etree._Element) -> etree._Element:
    root = etree.Element("request")
    root.append(fixture_element(control_fixture))
    root.append(operation)
    return root


@pytest.mark.asyncio
async def test_login_request_matches_the_sdk_fixtures() -> None:
    fake = FakeIntacct()
    fake.on("readMore", ok_read)
    client = make_client(fake)
    await client.execute_one(Function.read(fn.read_more("r1")))
    login, data = fake.bodies
    expected_login = _expected_request(
        "control-block-defaults.xml", fixture_element("operation-login-getapisession.xml")
    )
    expected_login.find("control/senderid").text = "testsenderid"  # type: ignore[union-attr]
    assert_xml_equal(expected_login, _normalise_ids(login))
    sent = _normalise_ids(data)
    assert sent.findtext("operation/authentication/sessionid") == "session-1.."
    assert sent.findtext("control/uniqueid") == "false"
    function = sent.find("operation/content/function")
    assert function is not None
    assert_xml_equal(
        fixture("readmore-request.xml").replace(b"6465763031VyprCMCoHYQAAGr@aRsAAAAU4", b"r1"), function
    )


@pytest.mark.asyncio
async def test_entity_login_sends_locationid() -> None:
    fake = FakeIntacct()
    fake.on("readMore", ok_read)
    client = make_client(fake, creds=credentials(entity_id="testentity"))
    await client.execute_one(Function.read(fn.read_more("r1")))
    login = parse_xml(fake.bodies[0])
    auth = login.find("operation/authentication")
    assert auth is not None
    assert_xml_equal(fixture("authentication-login-entity-locationid.xml"), auth)
    session = await client.get_api_session()
    assert session.location_id == "testentity"


@pytest.mark.asyncio
async def test_twenty_concurrent_calls_share_one_sign_in() -> None:
    fake = FakeIntacct(login_delay=0.01)
    fake.on("readMore", ok_read)
    client = make_client(fake, limits=LimitSettings(max_concurrent=50))
    results = await asyncio.gather(
        *(client.execute_one(Function.read(fn.read_more(f"r{i}"))) for i in range(20))
    )
    assert len(results) == 20 and all(r.ok for r in results)
    assert fake.logins == 1
    assert {c.session_id for c in fake.calls if c.name == "readMore"} == {"session-1.."}


@pytest.mark.asyncio
async def test_sessions_are_shared_between_clients_of_the_same_credentials() -> None:
    fake = FakeIntacct()
    fake.on("readMore", ok_read)
    cache = SessionCache()
    await make_client(fake, sessions=cache).execute_one(Function.read(fn.read_more("a")))
    await make_client(fake, sessions=cache).execute_one(Function.read(fn.read_more("b")))
    assert fake.logins == 1
    await make_client(fake, sessions=cache, creds=credentials(entity_id="200")).execute_one(
        Function.read(fn.read_more("c"))
    )
    assert fake.logins == 2


@pytest.mark.asyncio
async def test_expired_session_is_renewed_once_then_the_request_succeeds() -> None:
    fake = FakeIntacct()
    fake.on("readMore", ok_read)
    client = make_client(fake)
    await client.execute_one(Function.read(fn.read_more("a")))
    fake.expire_sessions()
    results = await asyncio.gather(
        *(client.execute_one(Function.read(fn.read_more(f"x{i}"))) for i in range(5))
    )
    assert all(r.ok for r in results)
    assert fake.logins == 2


@pytest.mark.asyncio
async def test_second_authentication_failure_is_a_configuration_error() -> None:
    fake = FakeIntacct()
    fake.on("readMore", ok_read)
    client = make_client(fake)
    await client.get_api_session()

    def reject_sessions(request: httpx.Request, number: int) -> httpx.Response | None:
        if b"<sessionid>" in request.content:
            return xml_response(response_xml([], auth_status="failure"))
        return None

    fake.before = reject_sessions
    with pytest.raises(ConnectorConfigError) as caught:
        await client.execute_one(Function.read(fn.read_more("a")))
    assert "sign-in" in caught.value.message.lower()
    assert fake.logins == 2  # the first session plus exactly one renewal
    assert sum(b"<sessionid>" in b for b in fake.bodies) == 2


@pytest.mark.asyncio
async def test_wrong_password_is_a_configuration_error_without_retries() -> None:
    fake = FakeIntacct(password="other")
    client = make_client(fake)
    with pytest.raises(ConnectorConfigError):
        await client.get_api_session()
    assert len(fake.bodies) == 1


@pytest.mark.asyncio
async def test_session_endpoint_is_used_only_when_trustworthy() -> None:
    fake = FakeIntacct(endpoint="https://na12.intacct.com/ia/xml/xmlgw.phtml")
    client = make_client(fake)
    assert (await client.get_api_session()).endpoint == "https://na12.intacct.com/ia/xml/xmlgw.phtml"
    evil = FakeIntacct(endpoint="https://evil.example.com/steal")
    client = make_client(evil)
    assert (await client.get_api_session()).endpoint == credentials().endpoint_url


@pytest.mark.asyncio
async def test_writes_use_uniqueid_and_reads_do_not_in_separate_requests() -> None:
    fake = FakeIntacct()
    fake.on("create", lambda call: result(call, data={"listtype": "objects", "count": 1}))
    fake.on("readMore", ok_read)
    client = make_client(fake)
    write = Function.write(fn.create("CLASS", {"CLASSID": "UT01"}), "op-1:class")
    read = Function.read(fn.read_more("r"))
    results = await client.execute([read, write])
    assert [r.function for r in results] == ["readMore", "create"]
    by_name = {c.name: c for c in fake.calls}
    assert by_name["create"].uniqueid is True and by_name["create"].controlid == "op-1:class"
    assert by_name["readMore"].uniqueid is False
    assert by_name["create"].request is not by_name["readMore"].request


@pytest.mark.asyncio
async def test_functions_are_split_into_requests_of_at_most_the_limit() -> None:
    fake = FakeIntacct()
    fake.on("readMore", ok_read)
    client = make_client(fake, limits=LimitSettings(functions_per_request=100, max_concurrent=5))
    functions = [Function.read(fn.read_more(f"r{i}"), controlid=f"c{i}") for i in range(250)]
    results = await client.execute(functions)
    assert [r.controlid for r in results] == [f"c{i}" for i in range(250)]
    sizes = sorted(len(parse_xml(b).findall("operation/content/function")) for b in fake.bodies[1:])
    assert sizes == [50, 100, 100]


@pytest.mark.asyncio
async def test_transaction_groups_writes_in_one_request() -> None:
    fake = FakeIntacct()
    fake.on("create", lambda call: result(call, data={"listtype": "objects", "count": 1}))
    client = make_client(fake)
    writes = [Function.write(fn.create("CLASS", {"CLASSID": f"U{i}"}), f"w{i}") for i in range(3)]
    await client.execute(writes, transaction=True)
    assert {c.transaction for c in fake.calls if c.name == "create"} == {True}
    assert len(fake.bodies) == 2
    with pytest.raises(ValueError):
        await client.execute([*writes, Function.read(fn.read_more("r"))], transaction=True)
    too_many = [Function.write(fn.create("CLASS", {}), f"t{i}") for i in range(101)]
    with pytest.raises(ValueError):
        await client.execute(too_many, transaction=True)


@pytest.mark.asyncio
async def test_uniqueid_write_resent_after_524_and_duplicate_resolved_by_lookup() -> None:
    fake = FakeIntacct()
    executed: list[str] = []

    def create(call: Call) -> etree._Element:
        if call.controlid in executed:
            return result(call, status="failure", errors=[("XL03000006", DUPLICATE.format(call.controlid))])
        executed.append(call.controlid)
        return result(call, data={"listtype": "objects", "count": 1}, records=[("class", {"RECORDNO": "77"})])

    fake.on("create", create)
    real = fake.__call__
    cut = {"done": False}

    async def flaky(request: httpx.Request) -> httpx.Response:
        response = await real(request)
        if b"<create>" in request.content and not cut["done"]:
            cut["done"] = True  # Intacct applied the write, Cloudflare gave up
            return httpx.Response(524, content=b"<html>timeout</html>", headers={"content-type": "text/html"})
        return response

    lookups: list[IntacctDuplicateError] = []

    async def look_up(error: IntacctDuplicateError) -> FunctionResult:
        lookups.append(error)
        return FunctionResult.resolved(error.controlid or "", "create", key="77")

    client = make_client(flaky)
    function = Function.write(fn.create("CLASS", {"CLASSID": "UT01"}), "op-9:class", on_duplicate=look_up)
    resolved = await client.execute_one(function)
    assert executed == ["op-9:class"]
    create_bodies = [b for b in fake.bodies if b"<create>" in b]
    assert len(create_bodies) == 2
    assert {parse_xml(b).find("operation/content/function").get("controlid") for b in create_bodies} == {  # type: ignore[union-attr]
        "op-9:class"
    }
    assert all(parse_xml(b).findtext("control/uniqueid") == "true" for b in create_bodies)
    assert resolved.ok and resolved.resolved_duplicate and resolved.key == "77"
    assert [e.controlid for e in lookups] == ["op-9:class"]


@pytest.mark.asyncio
async def test_duplicate_without_resolver_raises_duplicate_error() -> None:
    fake = FakeIntacct()
    fake.on(
        "create",
        lambda call: result(call, status="failure", errors=[("X", DUPLICATE.format(call.controlid))]),
    )
    client = make_client(fake)
    with pytest.raises(IntacctDuplicateError) as caught:
        await client.execute_one(Function.write(fn.create("CLASS", {}), "op-1"))
    assert caught.value.controlid == "op-1" and not caught.value.record_exists


@pytest.mark.asyncio
async def test_524_on_a_write_without_uniqueid_is_outcome_unknown() -> None:
    fake = FakeIntacct()

    def cut(request: httpx.Request, number: int) -> httpx.Response | None:
        if b"<create>" in request.content:
            return httpx.Response(524, content=b"<html/>", headers={"content-type": "text/html"})
        return None

    fake.before = cut
    client = make_client(fake)
    function = Function(controlid="w1", element=fn.create("CLASS", {}), is_write=True)
    with pytest.raises(ConnectorOutcomeUnknown):
        await client._run([function], uniqueid=False, transaction=False)
    assert sum(b"<create>" in b for b in fake.bodies) == 1


@pytest.mark.asyncio
async def test_rate_limit_in_a_200_body_is_waited_out() -> None:
    fake = FakeIntacct()
    fake.on("readMore", ok_read)
    throttled = {"n": 0}

    def limit(request: httpx.Request, number: int) -> httpx.Response | None:
        if b"<readMore>" in request.content and throttled["n"] < 2:
            throttled["n"] += 1
            if throttled["n"] == 1:
                return httpx.Response(
                    200, content=b"API rate limit exceeded", headers={"content-type": "text/plain"}
                )
            body = response_xml(
                [], control_status="failure", control_errors=[("GW-0010", "Too many requests")]
            )
            return httpx.Response(429, content=body, headers={"content-type": "text/xml", "retry-after": "2"})
        return None

    fake.before = limit
    sleep = FakeSleep()
    client = make_client(fake, sleep=sleep)
    assert (await client.execute_one(Function.read(fn.read_more("r")))).ok
    assert throttled["n"] == 2
    assert 2.0 in sleep.delays


@pytest.mark.asyncio
async def test_persistent_rate_limit_gives_up() -> None:
    fake = FakeIntacct()
    fake.on("readMore", lambda call: result(call, status="failure", errors=[("", "API rate limit exceeded")]))
    client = make_client(fake, max_retries=2)
    with pytest.raises(IntacctRateLimited):
        await client.execute_one(Function.read(fn.read_more("r")))
    assert sum(b"<readMore>" in b for b in fake.bodies) == 3


@pytest.mark.asyncio
async def test_dl02000001_read_retried_once() -> None:
    fake = FakeIntacct()
    seen: list[str] = []

    def flaky(call: Call) -> etree._Element:
        seen.append(call.controlid)
        if len(seen) == 1:
            return result(
                call, status="failure", errors=[("DL02000001", "There was an error processing the request.")]
            )
        return ok_read(call)

    fake.on("readMore", flaky)
    client = make_client(fake)
    assert (await client.execute_one(Function.read(fn.read_more("r")))).ok
    assert len(seen) == 2

    always = FakeIntacct()
    always.on("readMore", lambda call: result(call, status="failure", errors=[("DL02000001", "error")]))
    with pytest.raises(ConnectorProtocolError):
        await make_client(always).execute_one(Function.read(fn.read_more("r")))
    assert len([c for c in always.calls if c.name == "readMore"]) == 2


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("response", "error"),
    [
        (
            httpx.Response(
                200, content=b"<!DOCTYPE html><html>Cloudflare</html>", headers={"content-type": "text/html"}
            ),
            ConnectorProtocolError,
        ),
        (
            httpx.Response(403, content=b"<html>denied</html>", headers={"content-type": "text/html"}),
            ConnectorConfigError,
        ),
        (
            httpx.Response(
                200,
                content=b'<?xml version="1.0"?><response><control><sta',
                headers={"content-type": "text/xml"},
            ),
            ConnectorTransientError,
        ),
    ],
)
async def test_non_xml_and_truncated_bodies(response: httpx.Response, error: type[Exception]) -> None:
    fake = FakeIntacct()

    def answer(request: httpx.Request, number: int) -> httpx.Response | None:
        return copy.copy(response) if b"<readMore>" in request.content else None

    fake.before = answer
    with pytest.raises(error) as caught:
        await make_client(fake).execute_one(Function.read(fn.read_more("r")))
    assert "HTTP" in str(caught.value) or "cut off" in str(caught.value)


@pytest.mark.asyncio
async def test_truncated_answer_to_a_write_is_outcome_unknown() -> None:
    fake = FakeIntacct()

    def answer(request: httpx.Request, number: int) -> httpx.Response | None:
        if b"<create>" in request.content:
            return httpx.Response(
                200, content=b"<?xml version='1.0'?><response><con", headers={"content-type": "text/xml"}
            )
        return None

    fake.before = answer
    with pytest.raises(ConnectorOutcomeUnknown):
        await make_client(fake).execute_one(Function.write(fn.create("CLASS", {}), "w"))


@pytest.mark.asyncio
async def test_missing_result_is_a_protocol_error() -> None:
    fake = FakeIntacct()
    fake.on("readMore", lambda call: result(Call(call.request, call.function, "other", False, False, None)))
    with pytest.raises(ConnectorProtocolError):
        await make_client(fake).execute_one(Function.read(fn.read_more("r"), controlid="mine"))


@pytest.mark.asyncio
async def test_check_lists_entities_with_a_fresh_sign_in() -> None:
    fake = FakeIntacct()
    fake.on(
        "query",
        lambda call: result(
            call,
            data={"listtype": "LOCATIONENTITY", "count": 2, "totalcount": 2, "numremaining": 0, "offset": 0},
            records=[
                ("LOCATIONENTITY", {"RECORDNO": "1", "LOCATIONID": "100", "NAME": "US", "CURRENCY": "USD"}),
                ("LOCATIONENTITY", {"RECORDNO": "2", "LOCATIONID": "200", "NAME": "UK", "CURRENCY": "GBP"}),
            ],
        ),
    )
    client = make_client(fake)
    await client.get_api_session()
    check = await client.check()
    assert check.ok and [(e.id, e.currency) for e in check.entities] == [("100", "USD"), ("200", "GBP")]
    assert fake.logins == 2  # check proves the credentials now
    query = next(c for c in fake.calls if c.name == "query")
    assert query.function.findtext("object") == "LOCATIONENTITY"


def test_credentials_never_show_in_client_repr() -> None:
    client = make_client(FakeIntacct())
    assert "testpass" not in repr(client) and "pass123" not in repr(client)
