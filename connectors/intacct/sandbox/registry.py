"""Function handlers of the sandbox, registered by Intacct function name.

A handler receives the call context and the function's child element (``<create_bill>``,
``<create><APBILL>…</APBILL></create>`` is dispatched as ``create`` with the object element inside)
and returns the elements to put in ``<result>`` after ``<controlid>`` (e.g. a ``<key>`` element or a
``<data>`` element), or raises ``FunctionFailed`` with Intacct's error blocks.

Handlers live in the modules of ``sandbox/handlers/`` and register with ``@handler("name")``;
``handlers.load_all()`` imports those modules once, explicitly, when the app is created.

Contract with the server (see ``engine.py``): the server runs every function inside
``company.begin()``/``commit()``/``rollback()``, handles ``uniqueid`` duplicates, counting, faults and
limits; object handlers return the per-object elements (``<apbill>…</apbill>``) that the server wraps
in ``<data listtype="objects" count="N">``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from connectors.intacct.sandbox.state import CompanyState, Entity, SandboxState, Session


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
    #: The whole sandbox (sessions, result sets); ``None`` when a test calls a handler directly.
    sandbox: SandboxState | None = None
    #: URL of the XML endpoint this request came to (``getAPISession`` hands it out).
    endpoint: str = ""
    #: The API session used to authenticate, ``None`` for login credentials.
    session: Session | None = None


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
