"""Test helpers for the Intacct client: fixture access and ``FakeIntacct`` on ``httpx.MockTransport``.

``FakeIntacct`` answers ``getAPISession`` itself (counting sign-ins, handing out session ids it then
accepts) and routes every other function to a responder registered with ``on(...)``. An unrouted
function fails the test, and ``assert_all_used`` fails when a registered route was never called.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from lxml import etree

from connectors.intacct.client import IntacctClient
from connectors.intacct.config import IntacctCredentials
from connectors.intacct.limits import InMemoryLimitStore, Limiter, LimitSettings
from connectors.intacct.session import SessionCache
from connectors.intacct.transport import IntacctTransport, RetryPolicy
from connectors.intacct.xml.parse import parse_xml
from connectors.intacct.xml.tree import append, to_element

REFERENCE = Path(__file__).resolve().parents[4] / ".." / "shared" / "reference"
FIXTURES = REFERENCE / "intacct-fixtures"
ENDPOINT = "https://api.intacct.com/ia/xml/xmlgw.phtml"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_element(name: str) -> etree._Element:
    return parse_xml(fixture(name))


def credentials(**overrides: Any) -> IntacctCredentials:
    values: dict[str, Any] = {
        "sender_id": "testsenderid",
        "sender_password": "pass123!",
        "company_id": "testcompany",
        "user_id": "testuser",
        "user_password": "testpass",
        "entity_id": None,
        "endpoint_url": ENDPOINT,
    }
    values.update(overrides)
    return IntacctCredentials(**values)


XML = {"content-type": 'text/xml; encoding="UTF-8"'}


def xml_response(body: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body, headers=XML)


@dataclass
class Call:
    """One function of one request, as the fake saw it."""

    request: etree._Element
    function: etree._Element  # the element inside <function>
    controlid: str
    uniqueid: bool
    transaction: bool
    session_id: str | None

    @property
    def name(self) -> str:
        return str(self.function.tag)


Responder = Callable[[Call], "etree._Element | Awaitable[etree._Element]"]


def result(
    call: Call,
    *,
    status: str = "success",
    data: dict[str, Any] | None = None,
    records: list[tuple[str, dict[str, Any]]] | None = None,
    key: str | None = None,
    errors: list[tuple[str, str]] | None = None,
) -> etree._Element:
    """A ``<result>`` for ``call``: data attributes, record elements, a key or ``(errorno, text)`` errors."""
    element = etree.Element("result")
    append(element, "status", status)
    append(element, "function", call.name)
    append(element, "controlid", call.controlid)
    if key is not None:
        append(element, "key", key)
    if data is not None or records is not None:
        data_el = etree.SubElement(element, "data")
        for name, value in (data or {}).items():
            data_el.set(name, str(value))
        for tag, record in records or []:
            data_el.append(to_element(tag, record))
    if errors:
        message = etree.SubElement(element, "errormessage")
        for errorno, text in errors:
            append(
                message,
                "error",
                {"errorno": errorno, "description": "", "description2": text, "correction": ""},
            )
    return element


def response_xml(
    results: list[etree._Element],
    *,
    auth_status: str = "success",
    auth_errors: list[tuple[str, str]] | None = None,
    control_status: str = "success",
    control_errors: list[tuple[str, str]] | None = None,
    timeout: str = "2031-01-01T00:00:00+00:00",
) -> bytes:
    root = etree.Element("response")
    append(
        root,
        "control",
        {
            "status": control_status,
            "senderid": "testsenderid",
            "controlid": "ctl",
            "uniqueid": "false",
            "dtdversion": "3.0",
        },
    )
    if control_status != "success":
        _errors(root, control_errors or [("XL03000006", "Incorrect Intacct XML Partner ID or password.")])
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    operation = etree.SubElement(root, "operation")
    append(
        operation,
        "authentication",
        {
            "status": auth_status,
            "userid": "testuser",
            "companyid": "testcompany",
            "locationid": "",
            "sessiontimestamp": "2030-01-01T00:00:00+00:00",
            "sessiontimeout": timeout,
        },
    )
    if auth_status != "success":
        _errors(operation, auth_errors or [("XL03000006", "Sign-in information is incorrect")])
    else:
        for element in results:
            operation.append(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _errors(parent: etree._Element, errors: list[tuple[str, str]]) -> None:
    message = etree.SubElement(parent, "errormessage")
    for errorno, text in errors:
        append(
            message, "error", {"errorno": errorno, "description": "", "description2": text, "correction": ""}
        )


@dataclass
class Route:
    name: str
    responder: Responder
    calls: int = 0


@dataclass
class FakeIntacct:
    """A callable for ``httpx.MockTransport`` that plays the Intacct XML gateway."""

    endpoint: str = ENDPOINT
    password: str = "testpass"
    routes: list[Route] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    logins: int = 0
    valid_sessions: set[str] = field(default_factory=set)
    #: Per-request hook that may answer instead of the normal flow (faults): return None to pass.
    before: Callable[[httpx.Request, int], httpx.Response | None] | None = None
    login_delay: float = 0.0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def on(self, name: str, responder: Responder) -> Route:
        route = Route(name, responder)
        self.routes.append(route)
        return route

    def expire_sessions(self) -> None:
        self.valid_sessions.clear()

    def assert_all_used(self) -> None:
        unused = [r.name for r in self.routes if r.calls == 0]
        assert not unused, f"routes never called: {unused}"

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        body = request.content
        self.bodies.append(body)
        if self.before is not None:
            early = self.before(request, len(self.bodies))
            if early is not None:
                return early
        root = parse_xml(body)
        control = root.find("control")
        assert control is not None
        operation = root.find("operation")
        assert operation is not None
        auth = operation.find("authentication")
        assert auth is not None
        session_id = auth.findtext("sessionid")
        login = auth.find("login")
        calls = [
            Call(
                request=root,
                function=function[0],
                controlid=function.get("controlid", ""),
                uniqueid=control.findtext("uniqueid") == "true",
                transaction=operation.get("transaction") == "true",
                session_id=session_id,
            )
            for function in operation.iterfind("content/function")
        ]
        self.calls.extend(calls)
        if login is not None:
            if login.findtext("password") != self.password:
                return xml_response(response_xml([], auth_status="failure"))
            assert [c.name for c in calls] == ["getAPISession"], "getAPISession goes alone"
            if self.login_delay:
                await asyncio.sleep(self.login_delay)
            self.logins += 1
            session = f"session-{next(self._ids)}.."
            self.valid_sessions.add(session)
            api = {
                "sessionid": session,
                "endpoint": self.endpoint,
                "locationid": login.findtext("locationid") or "",
            }
            return xml_response(response_xml([result(calls[0], records=[("api", api)])]))
        if session_id not in self.valid_sessions:
            return xml_response(response_xml([], auth_status="failure"))
        results = []
        for call in calls:
            route = next((r for r in self.routes if r.name == call.name), None)
            assert route is not None, f"FakeIntacct has no route for <{call.name}>"
            route.calls += 1
            produced = route.responder(call)
            if not isinstance(produced, etree._Element):
                produced = await produced
            results.append(produced)
        return xml_response(response_xml(results))


class FakeSleep:
    """``sleep`` that records delays and only yields control (tests never really wait)."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def make_client(
    handler: Callable[[httpx.Request], Any],
    *,
    creds: IntacctCredentials | None = None,
    limits: LimitSettings | None = None,
    sessions: SessionCache | None = None,
    sleep: FakeSleep | None = None,
    max_retries: int = 5,
) -> IntacctClient:
    """A client on a mock transport with its own session cache and limit store, and no real waiting."""
    sleeper = sleep or FakeSleep()
    http = IntacctTransport(
        httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        retry=RetryPolicy(max_retries=max_retries, base_delay=0.001, max_delay=0.01),
        sleep=sleeper,
    )
    settings = limits or LimitSettings()
    limiter = Limiter(InMemoryLimitStore(), settings, sleep=sleeper)
    return IntacctClient(
        creds or credentials(),
        limits=settings,
        session_cache=sessions or SessionCache(),
        http=http,
        limiter=limiter,
    )
