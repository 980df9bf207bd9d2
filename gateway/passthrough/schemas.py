"""Bodies of the passthrough routes (the gateway's own paths; Codat has no equivalent for Intacct).

Names are the platform's own (``PROJECT``, ``PROJECTID``): passthrough is for objects the unified
model does not cover, so nothing is translated. They are restricted to plain identifiers because
they end up in the platform's query.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import Meta

from datamodel._base import Model

ObjectName = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
FieldName = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[A-Za-z][A-Za-z0-9_.]*$")]
#: Intacct returns at most 2000 rows per query page.
PassthroughPageSize = Annotated[int, Meta(ge=1, le=2000)]


class PassthroughQuery(Model):
    """``POST …/passthrough/query``: read ``fields`` of ``object`` rows matching ``filter``.

    ``filter`` is the connector's JSON filter; for Intacct ``{"STATUS": "active"}`` (all fields
    equal), ``{"field": "WHENMODIFIED", "op": "ge", "value": "01/31/2025 00:00:00"}`` or
    ``{"and": [...]}`` / ``{"or": [...]}``.
    """

    object: ObjectName
    fields: Annotated[list[FieldName], Meta(min_length=1, max_length=200)]
    filter: dict[str, Any] | None = None
    page: Annotated[int, Meta(ge=1)] = 1
    page_size: PassthroughPageSize = 100


class PassthroughQueryResult(Model):
    """One page of raw platform rows."""

    object: str
    results: list[dict[str, Any]]
    page_number: int
    page_size: int
    total_results: int


class PassthroughWrite(Model):
    """``POST …/passthrough/write``: create or update one ``object`` record with ``fields``.

    ``operationKey`` makes a retry of the same write safe (the platform refuses it as a duplicate
    instead of creating a second record); a random one is used when absent.
    """

    object: ObjectName
    action: Literal["create", "update"]
    fields: Annotated[dict[str, Any], Meta(min_length=1, max_length=500)]
    operation_key: Annotated[str, Meta(min_length=1, max_length=100)] | None = None


class PassthroughWriteResult(Model):
    """The key fields of the record as the platform now holds it."""

    object: str
    action: str
    operation_key: str
    record: dict[str, Any]
