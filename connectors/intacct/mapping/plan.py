"""The output of a write mapping: which Intacct function to call, with what body, and how to find the
record again.

A mapping function is pure: ``plan_bill(bill, facts) -> WritePlan``. The connector turns the plan into a
``<function controlid=…>`` element (``connectors.intacct.xml.tree.to_element(plan.function, plan.body)``),
sends it with ``uniqueid=true`` and a controlid derived from the push operation, and then reads the record
back (``read_object`` + ``read_key``) to answer with the record as Intacct holds it.

``lookup`` says how to find the record when Intacct refuses the function as an already-executed duplicate
(the first attempt did write, but its answer was lost): a filter on fields the plan itself set, so the
look-up finds exactly the record of this operation and never writes again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

#: What the function's ``<result>`` returns: ``key`` (legacy create: RECORDNO), ``docid`` (OE
#: transactions: "Sales Invoice-SI0012"), ``recordno`` (generic create: ``<data><apbill><RECORDNO>``),
#: ``none`` (delete and other status-only answers).
KeyKind = Literal["key", "docid", "recordno", "none"]


@dataclass(frozen=True, slots=True)
class PlanWarning:
    """A note for the push operation's ``validation.warnings`` (the write itself goes ahead)."""

    field: str
    message: str
    validator: str


@dataclass(frozen=True, slots=True)
class WritePlan:
    """One Intacct function call that carries out one unified write."""

    #: Function element name: ``create_bill``, ``create`` (generic, body = {"APPYMT": {...}}), ``update`` …
    function: str
    #: Tree for ``to_element(function, body)`` (see ``xml/tree.py``), in the XSD's element order.
    body: Mapping[str, Any]
    #: Intacct object to read the result back from (``APBILL``, ``ARINVOICE``, ``SODOCUMENT`` …).
    read_object: str
    key_kind: KeyKind
    #: Equality filter (field -> value) that finds this write's record if the answer was lost.
    lookup: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[PlanWarning, ...] = ()
    #: Document-number field to compare after the write (e.g. ``RECORDID``) and the number we sent,
    #: so a number replaced by Intacct's sequence becomes a warning and a ``changes`` entry.
    number_field: str | None = None
    sent_number: str | None = None


def delete_plan(obj: str, record_id: str) -> WritePlan:
    """Generic ``delete`` of record ``record_id`` (RECORDNO) of ``obj``: the answer carries no key, and a
    lost answer is settled by looking the RECORDNO up."""
    return WritePlan(
        function="delete",
        body={"object": obj, "keys": record_id},
        read_object=obj,
        key_kind="none",
        lookup={"RECORDNO": record_id},
    )


@dataclass(frozen=True, slots=True)
class ReadSpec:
    """How one unified data type is read from Intacct: header object, its lines, and the mapper.

    The pull engine queries ``object`` with ``fields`` page by page (``query``, pagesize <= 2000), then
    ``line_object`` rows whose ``line_parent_field`` is in the page's keys, groups them per header and
    calls ``to_unified(header, lines, facts)``. ``where`` is a ``connectors.intacct.query`` filter that
    is always applied (e.g. AP payments awaiting approval are left out, as Codat does).
    """

    data_type: str
    object: str
    fields: tuple[str, ...]
    to_unified: Any
    key_field: str = "RECORDNO"
    line_object: str | None = None
    line_fields: tuple[str, ...] = ()
    line_parent_field: str = "RECORDKEY"
    where: Any = None
    #: False for reference data without WHENMODIFIED (then every pull is a full pull).
    incremental: bool = True
