"""The Intacct XML envelope on the server side: read a ``<request>``, write a ``<response>``.

Requests are parsed with the hardened ``parse_xml``; anything that is not a well-formed request with
a usable control block raises ``ControlFailure`` (the answer is a control-level ``<errormessage>``).
Responses are built with lxml in the element order of the fixtures: ``control`` (status, senderid,
controlid, uniqueid, dtdversion), then per operation ``authentication`` (status, userid, companyid,
locationid, sessiontimestamp, sessiontimeout) and one ``result`` per function (status, function,
controlid, then data/key, then errormessage).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from connectors.intacct.sandbox.registry import IntacctError
from connectors.intacct.xml.parse import XmlRejected, parse_xml

ROLLED_BACK = IntacctError(
    "XL03000009", "", "The entire transaction in this operation has been rolled back due to an error."
)


class ControlFailure(Exception):
    """The request fails at control level: no operation is run."""

    def __init__(self, error: IntacctError, *, echo: bool = True, http_status: int = 200) -> None:
        super().__init__(error.description2 or error.description)
        self.error = error
        #: echo the request's control fields (False: only status/senderid/controlid, left empty)
        self.echo = echo
        self.http_status = http_status


def xml_error(message: str) -> ControlFailure:
    return ControlFailure(
        IntacctError("XL03000003", "XML Parse schema error", message, "Correct the XML and send it again."),
        echo=False,
    )


@dataclass
class Control:
    senderid: str = ""
    password: str = ""
    controlid: str = ""
    uniqueid: bool = False
    dtdversion: str = "3.0"
    policyid: str = ""
    includewhitespace: bool = True


@dataclass
class Login:
    userid: str
    companyid: str
    password: str
    locationid: str | None


@dataclass
class FunctionCall:
    controlid: str
    #: the function element (``<readByQuery>``, ``<create>`` …); ``None`` when the wrapper is malformed
    element: etree._Element | None
    name: str


@dataclass
class Operation:
    transaction: bool
    login: Login | None
    sessionid: str | None
    functions: list[FunctionCall] = field(default_factory=list)


@dataclass
class Request:
    control: Control
    operations: list[Operation]


def _flag(text: str | None, default: bool) -> bool:
    if text is None or not text.strip():
        return default
    return text.strip().lower() in ("true", "1", "t", "yes")


def _text(parent: etree._Element, tag: str) -> str | None:
    found = parent.find(tag)
    if found is None:
        return None
    return (found.text or "").strip()


def parse_control(root: etree._Element) -> Control:
    control_el = root.find("control")
    if control_el is None:
        raise xml_error("The request has no <control> block.")
    senderid = _text(control_el, "senderid")
    controlid = _text(control_el, "controlid")
    dtdversion = _text(control_el, "dtdversion")
    required = (("senderid", senderid), ("controlid", controlid), ("dtdversion", dtdversion))
    missing = [name for name, value in required if not value]
    if not senderid or not controlid or not dtdversion:
        raise xml_error(f"The control block is missing required element(s): {', '.join(missing)}.")
    control = Control(
        senderid=senderid,
        password=_text(control_el, "password") or "",
        controlid=controlid,
        uniqueid=_flag(_text(control_el, "uniqueid"), False),
        dtdversion=dtdversion,
        policyid=_text(control_el, "policyid") or "",
        includewhitespace=_flag(_text(control_el, "includewhitespace"), True),
    )
    if dtdversion not in ("3.0", "3"):
        raise ControlFailure(
            IntacctError(
                "XL03000003", "", f"DTD version {dtdversion} is not supported.", "Use dtdversion 3.0."
            )
        )
    return control


def parse_operations(root: etree._Element) -> list[Operation]:
    operations: list[Operation] = []
    for op_el in root.findall("operation"):
        auth = op_el.find("authentication")
        login_el = auth.find("login") if auth is not None else None
        session_el = auth.find("sessionid") if auth is not None else None
        login = None
        if login_el is not None:
            login = Login(
                userid=_text(login_el, "userid") or "",
                companyid=_text(login_el, "companyid") or "",
                password=(login_el.findtext("password") or ""),
                locationid=_text(login_el, "locationid"),
            )
        sessionid = (session_el.text or "").strip() if session_el is not None else None
        operation = Operation(_flag(op_el.get("transaction"), False), login, sessionid)
        for content in op_el.findall("content"):
            for fn in content:
                if not isinstance(fn.tag, str):
                    continue
                children = [c for c in fn if isinstance(c.tag, str)]
                element = children[0] if fn.tag == "function" and len(children) == 1 else None
                name = str(element.tag) if element is not None else (str(children[0].tag) if children else "")
                operation.functions.append(FunctionCall(fn.get("controlid") or "", element, name))
        operations.append(operation)
    if not operations:
        raise xml_error("The request has no <operation> block.")
    return operations


def parse_request(body: bytes) -> Request:
    try:
        root = parse_xml(body)
    except XmlRejected as exc:
        raise xml_error(str(exc)) from exc
    if root.tag != "request":
        raise xml_error(f"The root element must be <request>, not <{root.tag}>.")
    return Request(parse_control(root), parse_operations(root))


# -- writing --------------------------------------------------------------------------------------
def timestamp(moment: dt.datetime) -> str:
    """Session timestamps carry an offset (record fields never do): ``2023-04-25T00:50:25+00:00``."""
    return moment.replace(tzinfo=dt.UTC, microsecond=0).isoformat()


def support_id() -> str:
    return uuid.uuid4().hex[:20] + "%7EZsbx"


def errormessage(errors: Sequence[IntacctError], *, support_ids: bool) -> etree._Element:
    block = etree.Element("errormessage")
    for index, error in enumerate(errors):
        item = etree.SubElement(block, "error")
        description2 = error.description2
        if support_ids and index == 0 and description2 and "[Support ID:" not in description2:
            description2 = f"{description2} [Support ID: {support_id()}]"
        for tag, value in (
            ("errorno", error.errorno),
            ("description", error.description),
            ("description2", description2),
            ("correction", error.correction),
        ):
            etree.SubElement(item, tag).text = value
    return block


def control_block(control: Control | None, status: str, *, echo: bool = True) -> etree._Element:
    block = etree.Element("control")
    etree.SubElement(block, "status").text = status
    if control is None or not echo:
        etree.SubElement(block, "senderid").text = ""
        etree.SubElement(block, "controlid").text = ""
        return block
    etree.SubElement(block, "senderid").text = control.senderid
    etree.SubElement(block, "controlid").text = control.controlid
    etree.SubElement(block, "uniqueid").text = "true" if control.uniqueid else "false"
    etree.SubElement(block, "dtdversion").text = control.dtdversion
    return block


def authentication_block(
    status: str,
    userid: str,
    companyid: str,
    locationid: str,
    *,
    now: dt.datetime | None = None,
    timeout: dt.datetime | None = None,
) -> etree._Element:
    block = etree.Element("authentication")
    for tag, value in (
        ("status", status),
        ("userid", userid),
        ("companyid", companyid),
        ("locationid", locationid),
    ):
        etree.SubElement(block, tag).text = value
    if now is not None:
        etree.SubElement(block, "sessiontimestamp").text = timestamp(now)
    if timeout is not None:
        etree.SubElement(block, "sessiontimeout").text = timestamp(timeout)
    return block


def result_block(
    status: str,
    function: str,
    controlid: str,
    payload: Sequence[etree._Element] = (),
    errors: Sequence[IntacctError] = (),
    *,
    support_ids: bool = True,
) -> etree._Element:
    block = etree.Element("result")
    etree.SubElement(block, "status").text = status
    etree.SubElement(block, "function").text = function
    etree.SubElement(block, "controlid").text = controlid
    for element in payload:
        block.append(element)
    if errors:
        block.append(errormessage(errors, support_ids=support_ids))
    return block


def serialize(root: etree._Element, *, pretty: bool) -> bytes:
    if pretty:
        etree.indent(root, space="    ")
    # Intacct writes the declaration with double quotes; lxml's own uses single quotes.
    body = etree.tostring(root, xml_declaration=False, encoding="UTF-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(body)
