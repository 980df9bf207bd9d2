"""Helpers for the sandbox core tests: envelopes, an in-process client, and element-path comparison."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
from lxml import etree

from connectors.intacct.sandbox import CompanyState, SandboxState, SandboxTransport, create_app
from connectors.intacct.sandbox.seed import SENDER_ID, SENDER_PASSWORD, USER_ID, USER_PASSWORD
from connectors.intacct.sandbox.state import Record
from connectors.intacct.xml.parse import parse_xml

REFERENCE = Path(__file__).resolve().parents[5] / ".." / "shared" / "reference"
FIXTURES = REFERENCE / "intacct-fixtures"
URL = "http://sandbox.test/ia/xml/xmlgw.phtml"
SENDER, SENDER_PW, USER, USER_PW = SENDER_ID, SENDER_PASSWORD, USER_ID, USER_PASSWORD


def login(
    company: str = "DEMO", *, entity: str | None = None, user: str = USER, password: str = USER_PW
) -> str:
    location = f"<locationid>{entity}</locationid>" if entity is not None else ""
    return (
        f"<login><userid>{user}</userid><companyid>{company}</companyid><password>{password}</password>"
        f"{location}</login>"
    )


def session(session_id: str) -> str:
    return f"<sessionid>{session_id}</sessionid>"


def envelope(
    functions: str,
    *,
    auth: str | None = None,
    transaction: bool = False,
    uniqueid: bool = False,
    sender: str = SENDER,
    sender_password: str = SENDER_PW,
    policy: str | None = None,
    controlid: str = "req-1",
) -> bytes:
    auth = login() if auth is None else auth
    policy_el = f"<policyid>{policy}</policyid>" if policy else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><request><control>'
        f"<senderid>{sender}</senderid><password>{sender_password}</password>"
        f"<controlid>{controlid}</controlid>"
        f"<uniqueid>{'true' if uniqueid else 'false'}</uniqueid><dtdversion>3.0</dtdversion>{policy_el}"
        "<includewhitespace>false</includewhitespace></control>"
        f'<operation transaction="{"true" if transaction else "false"}">'
        f"<authentication>{auth}</authentication>"
        f"<content>{functions}</content></operation></request>"
    ).encode()


def fn(body: str, controlid: str = "f1") -> str:
    return f'<function controlid="{controlid}">{body}</function>'


class Clock:
    """A settable clock so expiry and rate windows are tested without sleeping."""

    def __init__(self, start: dt.datetime = dt.datetime(2024, 7, 1, 12, 0, 0)) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class Sandbox:
    """A seeded sandbox and an httpx client talking to it in-process."""

    def __init__(self, state: SandboxState | None = None, *, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.state = state if state is not None else SandboxState.demo(clock=self.clock)
        self.app = create_app(self.state)
        self.client = httpx.AsyncClient(transport=SandboxTransport(self.app))

    @property
    def demo(self) -> CompanyState:
        return self.state.company("DEMO")

    async def post(self, body: bytes, **kwargs: object) -> httpx.Response:
        return await self.client.post(URL, content=body, **kwargs)  # type: ignore[arg-type]

    async def call(self, functions: str, **kwargs: object) -> etree._Element:
        response = await self.post(envelope(functions, **kwargs))  # type: ignore[arg-type]
        assert response.status_code == 200, response.text
        return parse_xml(response.content)

    async def one(self, body: str, **kwargs: object) -> etree._Element:
        """Run one function; returns its ``<result>``."""
        root = await self.call(fn(body), **kwargs)
        result = root.find("operation/result")
        assert result is not None, etree.tostring(root)
        return result

    async def ok(self, body: str, **kwargs: object) -> etree._Element:
        result = await self.one(body, **kwargs)
        assert result.findtext("status") == "success", etree.tostring(result).decode()
        return result

    async def session_id(self, entity: str | None = None) -> str:
        result = await self.ok("<getAPISession/>", auth=login(entity=entity))
        sid = result.findtext("data/api/sessionid")
        assert sid
        return sid

    async def close(self) -> None:
        await self.client.aclose()


def child(element: etree._Element | None, path: str) -> etree._Element:
    """``element.find(path)``, failing the test when it is absent."""
    assert element is not None
    found = element.find(path)
    assert found is not None, f"no {path} in {etree.tostring(element)[:300]!r}"
    return found


def row(company: CompanyState, obj: str, **equals: str) -> Record:
    """The one record of ``obj`` with these field values, failing the test when there is none."""
    found = company.find_one(obj, **equals)
    assert found is not None, f"no {obj} {equals}"
    return found


def attrs(element: etree._Element) -> dict[str, str]:
    return {str(k): str(v) for k, v in element.attrib.items()}


def text(element: etree._Element | None, path: str) -> str:
    assert element is not None
    return element.findtext(path) or ""


def errors_of(element: etree._Element | None) -> list[tuple[str, str]]:
    assert element is not None
    return [(e.findtext("errorno") or "", e.findtext("description2") or "") for e in element.iter("error")]


def element_paths(element: etree._Element, prefix: str = "") -> set[str]:
    """Every element path (``response/operation/result/status``) and attribute (``…/data@count``)."""
    path = f"{prefix}/{element.tag}" if prefix else str(element.tag)
    paths = {path} | {f"{path}@{name!s}" for name in element.attrib}
    for child in element:
        if isinstance(child.tag, str):
            paths |= element_paths(child, path)
    return paths


def fixture(name: str) -> etree._Element:
    return parse_xml((FIXTURES / name).read_bytes())
