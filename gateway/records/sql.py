"""Compile a parsed query / orderBy into a PostgreSQL WHERE / ORDER BY fragment over a JSONB column.

Nothing from the query is ever spliced into SQL text: field paths travel as ``text[]`` parameters
(``data #>> $3::text[]``) and values as typed parameters. The only identifiers written into the SQL
are the JSONB column and the mapped timestamp columns, which come from code, never from a request;
path names are still re-checked here so that a hand-built AST cannot smuggle anything in.

Comparison semantics, per value type (``t`` is the field as text, NULL when absent or JSON null):

* ``null`` — ``=`` is ``t IS NULL``, ``!=`` is ``t IS NOT NULL``.
* text and booleans — case-insensitive equality, as Codat does (``status=paid`` matches ``Paid``).
* numbers — numeric when the stored JSON value is a number (a guarded CASE, so text rows never reach
  the cast); for ``=``/``!=`` a stored string is compared as text instead (``nominalCode=12100``).
* dates — both sides become UTC instants through ``records_timestamptz`` (migration 0002), which
  returns NULL instead of raising on anything that is not a real ISO date.
* ``~`` — case-insensitive "contains" with LIKE wildcards escaped.
* ``!=`` is the negation of ``=`` and so also matches rows where the field is absent
  (``metadata.isDeleted!=true`` keeps rows without the flag).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gateway.records.query import FIELD_NAME, And, Comparison, Node, Op, Or, OrderBy
from gateway.records.values import ValueKind

_SQL_OP = {Op.EQ: "=", Op.NE: "<>", Op.GT: ">", Op.LT: "<", Op.GE: ">=", Op.LE: "<="}
_TIMESTAMP_FN = "records_timestamptz"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*", re.ASCII)
# Fields kept in a real column as well as in the JSON: comparisons and ordering on them use the column
# (and its index). The repository keeps both copies identical.
DEFAULT_TIMESTAMP_COLUMNS: Mapping[tuple[str, ...], str] = {("modifiedDate",): "modified_date"}


@dataclass(slots=True)
class Params:
    """Positional parameters of one statement; ``add`` returns the ``$n`` placeholder of a value."""

    values: list[object] = field(default_factory=list)

    def add(self, value: object) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def _number(text: str, json: str) -> str:
    """The field as numeric when the stored JSON value is a number, else NULL (never a failed cast)."""
    return f"(CASE WHEN jsonb_typeof({json}) = 'number' THEN ({text})::numeric END)"


def check_path(path: Sequence[str]) -> tuple[str, ...]:
    """The path as a tuple, after proving every name is a plain identifier."""
    if not path or not all(isinstance(name, str) and FIELD_NAME.fullmatch(name) for name in path):
        raise ValueError(f"invalid field path: {path!r}")
    return tuple(path)


def like_contains(text: str) -> str:
    """An ILIKE pattern matching ``text`` anywhere, with ``\\``, ``%`` and ``_`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class Compiler:
    """Turns AST nodes into SQL over ``column`` (JSONB), adding values to a ``Params``."""

    column: str = "data"
    timestamp_columns: Mapping[tuple[str, ...], str] = field(
        default_factory=lambda: DEFAULT_TIMESTAMP_COLUMNS
    )

    def __post_init__(self) -> None:
        for name in (self.column, *self.timestamp_columns.values()):
            if not _IDENTIFIER.fullmatch(name):
                raise ValueError(f"not a plain SQL identifier: {name!r}")

    def where(self, node: Node, params: Params) -> str:
        """A boolean SQL expression for ``node``."""
        if isinstance(node, Comparison):
            return self._comparison(node, params)
        if isinstance(node, And | Or):
            joiner = " AND " if isinstance(node, And) else " OR "
            return "(" + joiner.join(self.where(child, params) for child in node.operands) + ")"
        raise TypeError(f"not a query node: {node!r}")

    def order_by(self, order: OrderBy | None, params: Params, *, tiebreak: str = "record_id") -> str:
        """ORDER BY keys (without the keywords): number-, date- then text-aware, ties by ``tiebreak``.

        Numbers sort numerically, ISO dates by instant, text case-insensitively and then byte-wise
        (``COLLATE "C"``: the same order whatever the database's locale). Absent values sort first
        ascending and last descending, as the smallest value (the way Codat's .NET/SQL Server stack
        orders nulls). A descending order is the exact reverse of the ascending one.
        """
        if not _IDENTIFIER.fullmatch(tiebreak):
            raise ValueError(f"not a plain SQL identifier: {tiebreak!r}")
        if order is None:
            return f"{tiebreak} ASC"
        direction = "DESC" if order.descending else "ASC"
        nulls = "NULLS LAST" if order.descending else "NULLS FIRST"
        path = check_path(order.path)
        mapped = self.timestamp_columns.get(path)
        if mapped is not None:
            return f"{mapped} {direction}, {tiebreak} {direction}"
        text, json = self._field(path, params)
        keys = (
            _number(text, json),
            f"{_TIMESTAMP_FN}({text})",
            f'lower({text}) COLLATE "C"',
            f'{text} COLLATE "C"',
        )
        return ", ".join(f"{key} {direction} {nulls}" for key in keys) + f", {tiebreak} {direction}"

    def _field(self, path: tuple[str, ...], params: Params) -> tuple[str, str]:
        placeholder = params.add(list(path))
        return f"({self.column} #>> {placeholder}::text[])", f"({self.column} #> {placeholder}::text[])"

    def _comparison(self, node: Comparison, params: Params) -> str:
        path = check_path(node.path)
        value, op = node.value, node.op
        if op is Op.CONTAINS:
            text, _ = self._field(path, params)
            return f"({text} ILIKE {params.add(like_contains(value.text))}::text ESCAPE '\\')"
        if value.kind is ValueKind.NULL:
            if op not in (Op.EQ, Op.NE):
                raise ValueError("null compares with = and != only")
            text, _ = self._field(path, params)
            return f"({text} IS {'NOT ' if op is Op.NE else ''}NULL)"
        if op is Op.EQ:
            return self._equals(path, node, params)
        if op is Op.NE:
            return f"({self._equals(path, node, params)} IS NOT TRUE)"
        return self._range(path, node, params)

    def _equals(self, path: tuple[str, ...], node: Comparison, params: Params) -> str:
        value = node.value
        mapped = self.timestamp_columns.get(path)
        if value.kind is ValueKind.DATE and mapped is not None:
            return f"({mapped} = {params.add(value.instant)}::timestamptz)"
        text, json = self._field(path, params)
        as_text = f"lower({text}) = lower({params.add(value.text)}::text)"
        if value.kind is ValueKind.NUMBER:
            typed = f"{_number(text, json)} = {params.add(value.number)}::numeric"
        elif value.kind is ValueKind.DATE:
            typed = f"{_TIMESTAMP_FN}({text}) = {params.add(value.instant)}::timestamptz"
        else:
            return f"({as_text})"
        return f"coalesce({typed}, {as_text})"

    def _range(self, path: tuple[str, ...], node: Comparison, params: Params) -> str:
        value, sql_op = node.value, _SQL_OP[node.op]
        if value.kind is ValueKind.DATE:
            mapped = self.timestamp_columns.get(path)
            if mapped is not None:
                return f"({mapped} {sql_op} {params.add(value.instant)}::timestamptz)"
            text, _ = self._field(path, params)
            return f"({_TIMESTAMP_FN}({text}) {sql_op} {params.add(value.instant)}::timestamptz)"
        if value.kind is ValueKind.NUMBER:
            text, json = self._field(path, params)
            return f"({_number(text, json)} {sql_op} {params.add(value.number)}::numeric)"
        raise ValueError(f"{node.op.value} compares numbers and dates only")


def compile_where(node: Node | None, params: Params, *, compiler: Compiler | None = None) -> str:
    """SQL for ``node`` (``TRUE`` when there is no query)."""
    if node is None:
        return "TRUE"
    return (compiler or Compiler()).where(node, params)


def compile_order_by(order: OrderBy | None, params: Params, *, compiler: Compiler | None = None) -> str:
    """ORDER BY keys for ``order`` (record id when None)."""
    return (compiler or Compiler()).order_by(order, params)
