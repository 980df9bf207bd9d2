"""The request envelope, built with lxml in the exact element order of Intacct's ``api.xsd`` (v3.0).

::

    <request>
      <control> senderid, password, controlid, uniqueid, dtdversion, [policyid], includewhitespace
      <operation transaction="true|false">
        <authentication> <login> userid, companyid, password, [locationid] </login> | <sessionid/>
        <content> <function controlid="…"> one function element </function> …

The order is what the official SDKs write; Intacct validates it. ``uniqueid`` is always written
explicitly (the docs disagree on its default). No HTTP here: ``build_request`` returns bytes.

``build_request`` streams the envelope with lxml's incremental writer (``etree.xmlfile``): the function
elements are serialised where they are, instead of being copied into a request tree first (a write's
body is most of the request, and the caller keeps its elements for retries).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from lxml import etree

from connectors.intacct.xml.tree import append, format_scalar, to_element

DTD_VERSION = "3.0"
#: What ``etree.tostring(root, xml_declaration=True, encoding="UTF-8")`` writes first.
_DECLARATION: Final = b"<?xml version='1.0' encoding='UTF-8'?>\n"


@dataclass(frozen=True, slots=True)
class ControlBlock:
    """Fields of ``<control>``; ``controlid`` is the request's correlation id (not the dedupe key)."""

    sender_id: str
    sender_password: str = field(repr=False)
    controlid: str
    uniqueid: bool = False
    policy_id: str | None = None
    include_whitespace: bool = False


@dataclass(frozen=True, slots=True)
class LoginAuth:
    """Sign in with the company user's credentials (``locationid`` = entity for entity-level login)."""

    user_id: str
    company_id: str
    password: str = field(repr=False)
    location_id: str | None = None


@dataclass(frozen=True, slots=True)
class SessionAuth:
    """Authenticate with a session id obtained from ``getAPISession``."""

    session_id: str = field(repr=False)


Authentication = LoginAuth | SessionAuth


def control_element(control: ControlBlock) -> etree._Element:
    return to_element(
        "control",
        {
            "senderid": control.sender_id,
            "password": control.sender_password,
            "controlid": control.controlid,
            "uniqueid": format_scalar(control.uniqueid),
            "dtdversion": DTD_VERSION,
            "policyid": control.policy_id or None,
            "includewhitespace": format_scalar(control.include_whitespace),
        },
    )


def authentication_element(auth: Authentication) -> etree._Element:
    element = etree.Element("authentication")
    if isinstance(auth, SessionAuth):
        append(element, "sessionid", auth.session_id)
        return element
    login = etree.SubElement(element, "login")
    append(login, "userid", auth.user_id)
    append(login, "companyid", auth.company_id)
    append(login, "password", auth.password)
    append(login, "locationid", auth.location_id or None)
    return element


def function_element(controlid: str, body: etree._Element) -> etree._Element:
    """``<function controlid="…">body</function>``; ``body`` is copied, so callers may reuse it."""
    if not controlid or len(controlid) > 256:
        raise ValueError("a function controlid must be 1 to 256 characters")
    element = etree.Element("function", controlid=controlid)
    element.append(_copy(body))
    return element


def operation_element(
    auth: Authentication, functions: Sequence[etree._Element], *, transaction: bool = False
) -> etree._Element:
    """``functions`` are ``<function>`` elements (see ``function_element``)."""
    element = etree.Element("operation", transaction=format_scalar(transaction))
    element.append(authentication_element(auth))
    content = etree.SubElement(element, "content")
    for function in functions:
        if function.tag != "function":
            raise ValueError(f"expected <function>, got <{function.tag}>")
        content.append(_copy(function))
    return element


def request_element(
    control: ControlBlock,
    auth: Authentication,
    functions: Sequence[etree._Element],
    *,
    transaction: bool = False,
) -> etree._Element:
    root = etree.Element("request")
    root.append(control_element(control))
    root.append(operation_element(auth, functions, transaction=transaction))
    return root


def build_request(
    control: ControlBlock,
    auth: Authentication,
    functions: Sequence[etree._Element],
    *,
    transaction: bool = False,
) -> bytes:
    """The whole request document as UTF-8 bytes with an XML declaration.

    The same bytes as ``etree.tostring(request_element(...), xml_declaration=True, encoding="UTF-8")``
    (a test holds them equal), written without copying ``functions``.
    """
    for function in functions:
        if function.tag != "function":
            raise ValueError(f"expected <function>, got <{function.tag}>")
    out = io.BytesIO()
    out.write(_DECLARATION)
    with etree.xmlfile(out, encoding="UTF-8") as xf, xf.element("request"):
        xf.write(control_element(control))
        with xf.element("operation", transaction=format_scalar(transaction)):
            xf.write(authentication_element(auth))
            if functions:
                with xf.element("content"):
                    for function in functions:
                        xf.write(function)
            else:
                xf.write(etree.Element("content"))  # ``<content/>``, as tostring writes an empty element
    return out.getvalue()


def _copy(element: etree._Element) -> etree._Element:
    # lxml moves an element that is appended elsewhere; a copy keeps the caller's tree intact (the same
    # function element is re-sent on retries and may be logged afterwards). An lxml element's copy is
    # always of its whole subtree (``copy.deepcopy`` ends in the same call, after a memo it does not need).
    return copy.copy(element)
