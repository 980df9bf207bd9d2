"""Passthrough: read and write Intacct objects the unified model does not cover (``PROJECT``, ``CLASS`` …).

The calls go through the same client as everything else — sessions, per-company limits, retries and the
error table — so a passthrough can neither bypass the rate limit nor leak an unclassified error.

Filters are JSON, turned into ``query`` filters:

* ``{"STATUS": "active", "PARENTID": "P100"}`` — all fields equal;
* ``{"field": "WHENMODIFIED", "op": "ge", "value": "01/31/2025 00:00:00"}`` — ops ``eq ne lt le gt ge like
  notlike in notin between isnull isnotnull`` (``in``/``notin``/``between`` take a list);
* ``{"and": [f1, f2, …]}`` / ``{"or": [...]}`` — nesting allowed.

Writes are generic ``create``/``update`` with a controlid derived from the caller's operation key; a
retried write refused as already done is answered by looking the record up by the fields it set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

from connectors.errors import ConnectorRejectedError, FieldIssue
from connectors.intacct import query as q
from connectors.intacct.client import Function
from connectors.intacct.errors import IntacctDuplicateError
from connectors.intacct.facts_loader import Read, query_many
from connectors.intacct.xml import functions as fn

if TYPE_CHECKING:
    from connectors.intacct.client import IntacctClient

__all__ = ["Passthrough", "filter_from_json"]

Record = dict[str, Any]
_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
_COMPARE: Final[dict[str, type[q._Compare]]] = {
    "eq": q.Eq,
    "ne": q.Ne,
    "lt": q.Lt,
    "le": q.Le,
    "gt": q.Gt,
    "ge": q.Ge,
    "like": q.Like,
    "notlike": q.NotLike,
}


def _refuse(path: str, message: str) -> ConnectorRejectedError:
    return ConnectorRejectedError(f"{path}: {message}", issues=[FieldIssue(path, message)])


def _name(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise _refuse(path, f"{value!r} is not an Intacct object or field name")
    return value


def _value(value: Any, path: str) -> q.Value:
    if isinstance(value, str | int | bool):
        return value
    raise _refuse(path, "Values must be strings, numbers or booleans")


def filter_from_json(node: Any, path: str = "filter") -> q.Filter:
    """The ``query`` filter a passthrough's JSON filter describes (see the module docstring)."""
    if not isinstance(node, Mapping) or not node:
        raise _refuse(path, "A filter is a non-empty object")
    for joiner, kind in (("and", q.And), ("or", q.Or)):
        if joiner in node:
            parts = node[joiner]
            if not isinstance(parts, list) or not parts:
                raise _refuse(f"{path}.{joiner}", "Must be a non-empty list of filters")
            return kind(*(filter_from_json(p, f"{path}.{joiner}[{i}]") for i, p in enumerate(parts)))
    if "field" not in node:
        return q.And(*(q.Eq(_name(k, f"{path}.{k}"), _value(v, f"{path}.{k}")) for k, v in node.items()))
    field_name = _name(node["field"], f"{path}.field")
    op = str(node.get("op", "eq")).lower()
    value = node.get("value")
    if op in _COMPARE:
        return _COMPARE[op](field_name, _value(value, f"{path}.value"))
    if op in ("in", "notin", "between"):
        if not isinstance(value, list) or not value or (op == "between" and len(value) != 2):
            raise _refuse(
                f"{path}.value", f"{op} needs a list of values" + (" (two)" if op == "between" else "")
            )
        values = [_value(v, f"{path}.value[{i}]") for i, v in enumerate(value)]
        if op == "between":
            return q.Between(field_name, values[0], values[1])
        return (q.In if op == "in" else q.NotIn)(field_name, values)
    if op in ("isnull", "isnotnull"):
        return (q.IsNull if op == "isnull" else q.IsNotNull)(field_name)
    raise _refuse(f"{path}.op", f"Unknown operator {op!r}")


class Passthrough:
    """Generic ``query``/``create``/``update`` on any Intacct object."""

    def __init__(self, client: IntacctClient) -> None:
        self._client = client

    async def query(
        self,
        object_name: str,
        fields: Sequence[str],
        *,
        filter: Mapping[str, Any] | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> tuple[list[Record], int]:
        """One page of raw rows (Intacct's field names) and the total number of matching rows."""
        obj = _name(object_name, "object")
        selected = [_name(f, f"fields[{i}]") for i, f in enumerate(fields)]
        if not selected:
            raise _refuse("fields", "Name at least one field (Intacct's query has no select *)")
        if page < 1 or not 1 <= page_size <= fn.QUERY_MAX_PAGESIZE:
            raise _refuse("pageSize", f"page must be >= 1 and pageSize 1..{fn.QUERY_MAX_PAGESIZE}")
        condition = q.simplify(filter_from_json(filter)) if filter else None
        element = fn.query(obj, selected, filter=condition, pagesize=page_size, offset=(page - 1) * page_size)
        result = await self._client.execute_one(Function.read(element))
        data = result.data
        rows = list(result.records)
        total = data.totalcount if data is not None and data.totalcount is not None else len(rows)
        return rows, total

    async def write(
        self,
        object_name: str,
        action: Literal["create", "update"],
        fields: Mapping[str, Any],
        *,
        operation_key: str,
    ) -> Record:
        """Create or update one object; answers Intacct's key fields of it (``RECORDNO`` and its ID)."""
        obj = _name(object_name, "object").upper()
        if action not in ("create", "update"):
            raise _refuse("action", "Must be create or update")
        if not fields:
            raise _refuse("fields", "Give at least one field")
        for key in fields:
            _name(key, f"fields.{key}")
        element = (fn.create if action == "create" else fn.update)(obj, fields)
        (result,) = await self._client.execute([Function.write(element, f"{operation_key}:0")])
        if result.ok:
            return dict(result.records[0]) if result.records else {}
        if isinstance(result.error, IntacctDuplicateError) and not result.error.record_exists:
            found = await self._look_up(obj, fields)
            if found is not None:
                return found
        result.raise_for_status()
        return {}

    async def _look_up(self, obj: str, fields: Mapping[str, Any]) -> Record | None:
        """The record an already-executed write produced, found by the scalar fields it set."""
        keys = {"RECORDNO"} & set(fields)
        scalars = {k: v for k, v in fields.items() if isinstance(v, str | int) and not isinstance(v, bool)}
        chosen = {k: scalars[k] for k in keys} or scalars
        if not chosen:
            return None
        condition = q.And(*(q.Eq(k, v) for k, v in chosen.items()))
        (rows,) = await query_many(self._client, [Read(obj, ["RECORDNO", *sorted(chosen)], condition)])
        if not rows:
            return None
        newest: Record = max(rows, key=lambda r: int(str(r.get("RECORDNO") or 0)))
        return dict(newest)
