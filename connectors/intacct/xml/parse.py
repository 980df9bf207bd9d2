"""The one hardened XML parser for everything that comes from (or goes to) an Intacct gateway.

Intacct bodies are data from the network: entities are never resolved, no network access, no DTD,
and the body size is capped before lxml sees it. Both the client and the sandbox parse through
``parse_xml`` so the same rules hold on each side of the wire.
"""

from __future__ import annotations

import re

from lxml import etree

from connectors.errors import ConnectorProtocolError

#: Largest body we agree to parse. Intacct answers of 2,000-record pages are a few MB.
MAX_XML_BYTES = 20 * 1024 * 1024

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    remove_blank_text=True,
    remove_comments=True,
    remove_pis=True,
    huge_tree=False,
    collect_ids=False,
)


#: A DTD or entity declaration anywhere: a prolog may hold megabytes of comments before its DOCTYPE, and
#: libxml2 opens a ``SYSTEM`` DTD's file even with ``load_dtd=False``. Searched without copying the body.
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class XmlRejected(ConnectorProtocolError):
    """The body is not acceptable XML: too large, malformed, or carries a DTD/entities."""

    def __init__(self, message: str, *, body_excerpt: str = "") -> None:
        super().__init__(message)
        self.body_excerpt = body_excerpt


class XmlForbidden(XmlRejected):
    """Well-formedness is not the issue: the body declares a DTD or entities, or is too large. Hostile or
    broken upstream; never worth a retry."""


def _excerpt(body: bytes) -> str:
    return body[:200].decode("utf-8", errors="replace")


def parse_xml(body: bytes, *, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parse ``body`` into an element, refusing DTDs, entities, oversize and malformed input."""
    if len(body) > max_bytes:
        raise XmlForbidden(f"XML body of {len(body)} bytes exceeds the {max_bytes}-byte limit")
    stripped = body.lstrip()
    if not stripped.startswith(b"<"):
        raise XmlRejected("body is not XML", body_excerpt=_excerpt(body))
    if _DECLARATION.search(body) is not None:
        raise XmlForbidden("XML with a DTD or entity declarations is refused", body_excerpt=_excerpt(body))
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise XmlRejected(f"malformed XML: {exc}", body_excerpt=_excerpt(body)) from exc
    if root is None:
        raise XmlRejected("empty XML document", body_excerpt=_excerpt(body))
    return root


def text_of(element: etree._Element | None, path: str, default: str | None = None) -> str | None:
    """Text of the first child at ``path`` (an ElementPath), or ``default`` when absent."""
    if element is None:
        return default
    found = element.find(path)
    if found is None:
        return default
    return found.text if found.text is not None else ""
