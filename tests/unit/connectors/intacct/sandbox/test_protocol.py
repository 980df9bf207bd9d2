"""Envelope protocol of the sandbox: control checks, authentication, sessions, uniqueid, transactions."""

from __future__ import annotations

import gzip

import pytest
import pytest_asyncio

from connectors.intacct.xml.parse import parse_xml

from ._core_support import (
    Sandbox,
    child,
    envelope,
    errors_of,
    fn,
    login,
    session,
    text,
)

CLASS = "<create><CLASS><CLASSID>{id}</CLASSID><NAME>Class {id}</NAME></CLASS></create>"


@pytest_asyncio.fixture
async def sb():
    sandbox = Sandbox()
    yield sandbox
    await sandbox.close()


@pytest.mark.asyncio
async def test_control_block_is_echoed_and_content_type_is_intacct_s(sb: Sandbox) -> None:
    response = await sb.post(envelope(fn("<getAPISession/>"), controlid="my-request"))
    assert response.headers["content-type"] == 'text/xml; encoding="UTF-8"'
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    control = child(parse_xml(response.content), "control")
    assert [c.tag for c in control] == ["status", "senderid", "controlid", "uniqueid", "dtdversion"]
    assert control.findtext("controlid") == "my-request"
    assert control.findtext("status") == "success"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("sender", "password"), [("demo-sender", "wrong"), ("nobody", "demo-sender-pw"), ("demo-sender", "")]
)
async def test_wrong_sender_fails_at_control_level(sb: Sandbox, sender: str, password: str) -> None:
    root = await sb.call(fn("<getAPISession/>"), sender=sender, sender_password=password)
    assert root.findtext("control/status") == "failure"
    assert root.find("operation") is None
    assert errors_of(root)[0][0] == "XL03000006"
    assert errors_of(root)[0][1].startswith("Incorrect Intacct XML Partner ID or password.")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "body",
    [
        b"this is not xml",
        b"<request><control><senderid>demo-sender</senderid></control></request>",
        b"<notarequest/>",
        b'<?xml version="1.0"?><!DOCTYPE request [<!ENTITY x "y">]><request/>',
    ],
)
async def test_bad_xml_or_missing_control_fields_is_xl03000003(sb: Sandbox, body: bytes) -> None:
    response = await sb.post(body)
    root = parse_xml(response.content)
    assert response.status_code == 200
    assert root.findtext("control/status") == "failure"
    assert errors_of(root)[0][0] == "XL03000003"


@pytest.mark.asyncio
async def test_unsupported_dtdversion_is_refused(sb: Sandbox) -> None:
    body = envelope(fn("<getAPISession/>")).replace(
        b"<dtdversion>3.0</dtdversion>", b"<dtdversion>2.1</dtdversion>"
    )
    root = parse_xml((await sb.post(body)).content)
    assert errors_of(root)[0][0] == "XL03000003"


@pytest.mark.asyncio
async def test_operation_without_credentials_is_http_401_xmlgw_jpp0002(sb: Sandbox) -> None:
    body = envelope(fn("<getAPISession/>"), auth="")
    response = await sb.post(body)
    assert response.status_code == 401
    root = parse_xml(response.content)
    assert root.findtext("errormessage/error/errorno") == "XMLGW_JPP0002"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("auth", "text"),
    [
        (login(password="bad"), "Sign-in information is incorrect"),
        (login(user="someone"), "Sign-in information is incorrect"),
        (login(company="NOPE"), "Sign-in information is incorrect"),
        (login(entity="999"), "Sign-in information is incorrect"),
        (session("not-a-session.."), "Sign-in information is incorrect"),
    ],
)
async def test_authentication_failures_are_operation_level(sb: Sandbox, auth: str, text: str) -> None:
    root = await sb.call(fn("<getAPISession/>"), auth=auth)
    assert root.findtext("control/status") == "success"
    assert root.findtext("operation/authentication/status") == "failure"
    assert root.find("operation/result") is None
    assert errors_of(child(root, "operation")) == [("XL03000006", text)]


@pytest.mark.asyncio
async def test_sender_not_authorized_for_the_company(sb: Sandbox) -> None:
    sb.state.add_sender("other-sender", "other-pw")
    root = await sb.call(fn("<getAPISession/>"), sender="other-sender", sender_password="other-pw")
    assert errors_of(child(root, "operation")) == [("XL03000006", "Invalid Web Services Authorization")]


@pytest.mark.asyncio
async def test_authentication_block_carries_session_times(sb: Sandbox) -> None:
    root = await sb.call(fn("<getAPISession/>"))
    auth = child(root, "operation/authentication")
    assert [c.tag for c in auth] == [
        "status",
        "userid",
        "companyid",
        "locationid",
        "sessiontimestamp",
        "sessiontimeout",
    ]
    assert auth.findtext("sessiontimestamp") == "2024-07-01T12:00:00+00:00"
    assert auth.findtext("sessiontimeout") == "2024-07-01T20:00:00+00:00"


@pytest.mark.asyncio
async def test_get_api_session_returns_session_endpoint_and_entity(sb: Sandbox) -> None:
    result = await sb.ok("<getAPISession/>", auth=login(entity="200"))
    api = child(result, "data/api")
    assert [c.tag for c in api] == ["sessionid", "endpoint", "locationid"]
    assert text(api, "sessionid").endswith("..")
    assert api.findtext("endpoint") == "http://sandbox.test/ia/xml/xmlgw.phtml"
    assert api.findtext("locationid") == "200"
    sid = text(api, "sessionid")
    root = await sb.call(fn("<getAPISession/>"), auth=session(sid))
    assert root.findtext("operation/authentication/locationid") == "200"
    assert sb.demo.counters.logins == 1


@pytest.mark.asyncio
async def test_endpoint_keeps_the_mount_prefix(sb: Sandbox) -> None:
    response = await sb.client.post(
        "http://gw.test:8000/sandbox/intacct/ia/xml/xmlgw.phtml", content=envelope(fn("<getAPISession/>"))
    )
    endpoint = parse_xml(response.content).findtext(".//endpoint")
    assert endpoint == "http://gw.test:8000/sandbox/intacct/ia/xml/xmlgw.phtml"


@pytest.mark.asyncio
async def test_get_api_session_switches_entity_and_refuses_unknown_one(sb: Sandbox) -> None:
    sid = await sb.session_id(entity="100")
    result = await sb.ok("<getAPISession><locationid>200</locationid></getAPISession>", auth=session(sid))
    assert result.findtext("data/api/locationid") == "200"
    top = await sb.ok("<getAPISession><locationid/></getAPISession>", auth=session(sid))
    assert top.findtext("data/api/locationid") == ""
    bad = await sb.one("<getAPISession><locationid>999</locationid></getAPISession>", auth=session(sid))
    assert bad.findtext("status") == "failure"
    assert errors_of(bad)[0][0] == "Get API Session Failed"


@pytest.mark.asyncio
async def test_sessions_slide_and_expire_on_the_clock(sb: Sandbox) -> None:
    sid = await sb.session_id()
    sb.clock.advance(hours=7)
    root = await sb.call(fn("<getAPISession/>"), auth=session(sid))
    assert root.findtext("operation/authentication/status") == "success"
    assert root.findtext("operation/authentication/sessiontimeout") == "2024-07-02T03:00:00+00:00"
    sb.clock.advance(hours=8, seconds=1)
    root = await sb.call(fn("<getAPISession/>"), auth=session(sid))
    assert root.findtext("operation/authentication/status") == "failure"
    assert errors_of(root)[0][0] == "XL03000006"
    assert sb.demo.counters.sessions_expired == 1


@pytest.mark.asyncio
async def test_uniqueid_refuses_a_successful_controlid_and_does_not_execute_it(sb: Sandbox) -> None:
    first = await sb.call(fn(CLASS.format(id="U1"), "write-1"), uniqueid=True)
    assert first.findtext("operation/result/status") == "success"
    again = await sb.call(fn(CLASS.format(id="U2"), "write-1"), uniqueid=True)
    result = child(again, "operation/result")
    assert result.findtext("status") == "failure"
    errorno, text = errors_of(result)[0]
    assert errorno == "XL03000004"
    assert text.startswith("A successful transaction has already been recorded with the control id write-1")
    assert sb.demo.find("CLASS", CLASSID="U2") == []
    assert sb.demo.counters.duplicates_refused == 1
    assert sb.demo.counters.by_function["create:CLASS"] == 1


@pytest.mark.asyncio
async def test_failed_functions_can_be_retried_with_the_same_controlid(sb: Sandbox) -> None:
    bad = await sb.call(fn("<create><CLASS><NAME>No id</NAME></CLASS></create>", "w"), uniqueid=True)
    assert bad.findtext("operation/result/status") == "failure"
    good = await sb.call(fn(CLASS.format(id="R1"), "w"), uniqueid=True)
    assert good.findtext("operation/result/status") == "success"


@pytest.mark.asyncio
async def test_uniqueid_false_runs_the_same_controlid_again(sb: Sandbox) -> None:
    await sb.call(fn(CLASS.format(id="A1"), "same"))
    root = await sb.call(fn(CLASS.format(id="A2"), "same"))
    assert root.findtext("operation/result/status") == "success"


@pytest.mark.asyncio
async def test_transaction_rollback_leaves_tables_unchanged(sb: Sandbox) -> None:
    before = {name: dict(rows) for name, rows in sb.demo.tables.items()}
    functions = (
        fn(CLASS.format(id="T1"), "f1")
        + fn("<create><VENDOR><VENDORID>TV1</VENDORID><NAME>Temp</NAME></VENDOR></create>", "f2")
        + fn(CLASS.format(id="T1"), "f3")
        + fn(CLASS.format(id="T9"), "f4")
    )
    root = await sb.call(functions, transaction=True, uniqueid=True)
    results = root.findall("operation/result")
    assert [r.findtext("status") for r in results] == ["aborted", "aborted", "failure", "aborted"]
    assert [e[0] for e in errors_of(results[2])] == ["BL34000061", "BL01001973", "XL03000009"]
    for aborted in (results[0], results[1], results[3]):
        assert [e[0] for e in errors_of(aborted)] == ["XL03000009"]
    after = {name: dict(rows) for name, rows in sb.demo.tables.items() if rows or name in before}
    assert {k: v for k, v in after.items() if v} == {k: v for k, v in before.items() if v}
    # rolled back controlids are free again
    retry = await sb.call(fn(CLASS.format(id="T1"), "f1"), uniqueid=True)
    assert retry.findtext("operation/result/status") == "success"


@pytest.mark.asyncio
async def test_without_transaction_each_function_stands_alone(sb: Sandbox) -> None:
    functions = (
        fn(CLASS.format(id="N1"), "a") + fn(CLASS.format(id="N1"), "b") + fn(CLASS.format(id="N2"), "c")
    )
    root = await sb.call(functions)
    assert [r.findtext("status") for r in root.findall("operation/result")] == [
        "success",
        "failure",
        "success",
    ]
    assert len(sb.demo.find("CLASS", CLASSID="N1")) == 1
    assert len(sb.demo.find("CLASS", CLASSID="N2")) == 1


@pytest.mark.asyncio
async def test_unknown_and_malformed_functions_fail_without_crashing(sb: Sandbox) -> None:
    functions = (
        fn("<no_such_function/>", "a")
        + '<function controlid="b"><getAPISession/><getAPISession/></function>'
        + fn("<getAPISession/>", "c")
    )
    root = await sb.call(functions)
    statuses = [r.findtext("status") for r in root.findall("operation/result")]
    assert statuses == ["failure", "failure", "success"]
    assert errors_of(root.findall("operation/result")[0])[0][0] == "XL03000003"


@pytest.mark.asyncio
async def test_first_error_carries_a_support_id(sb: Sandbox) -> None:
    result = await sb.one("<readByQuery><object>NOPE</object><query/><fields>*</fields></readByQuery>")
    text = errors_of(result)[0][1]
    assert text.startswith("Object definition NOPE not found [Support ID: ")


@pytest.mark.asyncio
async def test_gzip_request_and_response(sb: Sandbox) -> None:
    body = gzip.compress(envelope(fn("<getAPISession/>")))
    response = await sb.post(body, headers={"content-encoding": "gzip", "accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert parse_xml(response.content).findtext("operation/result/status") == "success"


@pytest.mark.asyncio
async def test_includewhitespace_true_pretty_prints(sb: Sandbox) -> None:
    body = envelope(fn("<getAPISession/>")).replace(b"<includewhitespace>false", b"<includewhitespace>true")
    assert b"\n    <control>" in (await sb.post(body)).content
    assert b"\n" not in (await sb.post(envelope(fn("<getAPISession/>")))).content.split(b"?>", 1)[1].strip()


@pytest.mark.asyncio
async def test_xmltodict_style_request_from_the_python_sdk(sb: Sandbox) -> None:
    """sageintacctsdk sends ``False``/``3.0`` from Python values and ``<query></query>``."""
    body = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<request><control><senderid>demo-sender</senderid>'
        b"<password>demo-sender-pw</password><controlid>2024-07-01 12:00:00.123456</controlid>"
        b"<uniqueid>False</uniqueid><dtdversion>3.0</dtdversion><includewhitespace>False</includewhitespace>"
        b"</control><operation><authentication><login><userid>demo-user</userid><companyid>DEMO</companyid>"
        b"<password>demo-user-pw</password><locationid></locationid></login></authentication><content>"
        b'<function controlid="5b4c"><getAPISession></getAPISession></function>'
        b"</content></operation></request>"
    )
    root = parse_xml((await sb.post(body)).content)
    assert root.findtext("control/uniqueid") == "false"
    assert root.findtext("operation/result/data/api/locationid") == ""


@pytest.mark.asyncio
async def test_multiple_operations_are_answered_in_order(sb: Sandbox) -> None:
    body = envelope(fn("<getAPISession/>", "one")).replace(
        b"</operation>",
        b"</operation><operation><authentication>"
        + login().encode()
        + b"</authentication><content>"
        + fn("<getAPISession/>", "two").encode()
        + b"</content></operation>",
        1,
    )
    root = parse_xml((await sb.post(body)).content)
    assert [r.findtext("controlid") for r in root.iter("result")] == ["one", "two"]


@pytest.mark.asyncio
async def test_unknown_paths_and_methods(sb: Sandbox) -> None:
    assert (await sb.client.get("http://sandbox.test/ia/xml/xmlgw.phtml")).status_code == 405
    assert (await sb.client.get("http://sandbox.test/elsewhere")).status_code == 404
