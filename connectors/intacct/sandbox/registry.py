"""Function handlers of the sandbox, registered by Intacct function name.

A handler receives the call context and the function's child element (``<create_bill>``,
``<create><APBILL>…</APBILL></create>`` is dispatched as ``create`` with the object element inside)
and returns the elements to put in ``<result>`` after ``<controlid>`` (e.g. a ``<key>`` element or a
``<data>`` element), or raises ``FunctionFailed`` with Intacct's error blocks.

Handlers live in modules of this package (``handlers_*.py``) and register with ``@handler("name")``;
``server.py`` imports those modules once, explicitly, at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from connectors.intacct.sandbox.state import CompanyState, Entity


@dataclass(frozen=True)
class IntacctError:
    """One ``<error>`` block exactly as Intacct prints it."""

    errorno: str
    description: str = ""
    description2: str = ""
    correction: str = ""


class FunctionFailed(Exception):
    """Raised by a handler: the function's ``<result>`` gets ``status=failure`` and these errors."""

    def __init__(self, *errors: IntacctError) -> None:
        super().__init__("; ".join(e.description2 or e.description for e in errors))
        self.errors = list(errors)


@dataclass
class CallContext:
    """What a handler knows about the call it serves."""

    company: CompanyState
    #: Entity of the session/login (``locationid``), ``None`` at top level.
    entity: Entity | None
    user_id: str
    function_controlid: str
    #: Filled by handlers that create documents, read by tests through the sandbox API.
    notes: list[str] = field(default_factory=list)


Handler = Callable[[CallContext, etree._Element], list[etree._Element]]
#: Generic ``create``/``update``/``delete`` are dispatched per object: key ``("create", "APBILL")``.
HANDLERS: dict[str, Handler] = {}
OBJECT_HANDLERS: dict[tuple[str, str], Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    """Register a legacy/named function handler (``create_bill``, ``query``, ``getAPISession`` …)."""

    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register


def object_handler(verb: str, obj: str) -> Callable[[Handler], Handler]:
    """Register a generic-function handler for one object: ``@object_handler("create", "APBILL")``.

    The element passed is the object element (``<APBILL>…</APBILL>``), not ``<create>``.
    """

    def register(fn: Handler) -> Handler:
        OBJECT_HANDLERS[(verb, obj.upper())] = fn
        return fn

    return register
