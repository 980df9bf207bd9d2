"""Filter trees shared by ``query`` (XML ``<filter>``) and ``readByQuery`` (query strings).

Both front ends build the same small tree (``Compare``, ``And``, ``Or``, ``Not``); ``Matcher``
evaluates it against stored records with SQL's three-valued logic, because Intacct runs these filters
in an SQL database: a comparison with an empty (NULL) field is *unknown*, and ``NOT unknown`` is still
unknown, so ``NOT VENDORID = 'V1'`` does not return rows without a vendor.

Values compare by field kind (``schema.field_kind``): numbers numerically, dates chronologically
(``MM/DD/YYYY`` or ``MM/DD/YYYY HH:MM:SS``; ISO literals are refused like Intacct refuses them), text
case-sensitively unless ``caseinsensitive``. ``readByQuery`` strings compare stored codes
(``STATUS = 'T'``) while ``query`` filters compare printed values (``active``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lxml import etree

from connectors.intacct.sandbox.schema import (
    ObjectSpec,
    field_kind,
    looks_iso,
    parse_any_datetime,
    parse_us_datetime,
    stored_code,
)


class FilterError(Exception):
    """The filter cannot be evaluated (bad operator, bad date literal): Intacct's DL02000001."""


@dataclass(frozen=True)
class Value:
    text: str
    #: an unquoted word that is not a number (``RECORDID = 142507-P``): matches nothing, no error
    bare: bool = False


@dataclass(frozen=True)
class Compare:
    field: str
    op: str  # = != < <= > >= like notlike in notin between isnull isnotnull
    values: tuple[Value, ...] = ()


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Compare | And | Or | Not
Truth = bool | None

_XML_OPS = {
    "equalto": "=",
    "notequalto": "!=",
    "lessthan": "<",
    "lessthanorequalto": "<=",
    "greaterthan": ">",
    "greaterthanorequalto": ">=",
    "like": "like",
    "notlike": "notlike",
    "in": "in",
    "notin": "notin",
    "between": "between",
    "isnull": "isnull",
    "isnotnull": "isnotnull",
}


def from_xml_filter(element: etree._Element) -> Node:
    """``<filter>`` (or one operator element inside it) -> tree."""
    children = [c for c in element if isinstance(c.tag, str)]
    tag = str(element.tag)
    if tag == "filter":
        if len(children) != 1:
            raise FilterError("filter must hold exactly one operator")
        return from_xml_filter(children[0])
    if tag in ("and", "or"):
        if not children:
            raise FilterError(f"<{tag}> needs operators")
        items = tuple(from_xml_filter(c) for c in children)
        return And(items) if tag == "and" else Or(items)
    op = _XML_OPS.get(tag)
    if op is None:
        raise FilterError(f"unknown filter operator <{tag}>")
    field = (element.findtext("field") or "").strip()
    if not field:
        raise FilterError(f"<{tag}> needs a <field>")
    values = tuple(Value(v.text or "") for v in element.findall("value"))
    expected = {"between": 2, "isnull": 0, "isnotnull": 0}.get(op)
    if expected is not None and len(values) != expected:
        raise FilterError(f"<{tag}> takes {expected} value(s)")
    if op in ("in", "notin") and not 1 <= len(values) <= 1000:
        raise FilterError(f"<{tag}> takes 1 to 1000 values")
    if expected is None and op not in ("in", "notin") and len(values) != 1:
        raise FilterError(f"<{tag}> takes one value")
    return Compare(field, op, values)


def fields_of(node: Node) -> Iterator[str]:
    for compare in _compares(node):
        yield compare.field


def _like_regex(pattern: str, caseinsensitive: bool) -> re.Pattern[str]:
    parts = ["^"]
    for char in pattern:
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
    parts.append("$")
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if caseinsensitive else 0))


class Matcher:
    """Evaluates one tree against records of one object.

    ``value_of(record, field)`` reads a (possibly dotted/related) field; ``ROWNUM`` is the Oracle-style
    pseudo column: the row number the record would get if it is accepted.
    """

    def __init__(
        self,
        node: Node | None,
        *,
        spec: ObjectSpec | None,
        value_of: Callable[[dict[str, object], str], str],
        coded: bool,
        caseinsensitive: bool = False,
    ) -> None:
        self.node = node
        self.spec = spec
        self.value_of = value_of
        self.coded = coded
        self.caseinsensitive = caseinsensitive
        self._likes: dict[str, re.Pattern[str]] = {}
        self._sets: dict[int, tuple[set[Decimal], set[str], bool]] = {}
        if node is not None:
            self._check_literals(node)

    def _check_literals(self, node: Node) -> None:
        for compare in _compares(node):
            if field_kind(compare.field) == "date":
                for value in compare.values:
                    if not value.bare and value.text and looks_iso(value.text):
                        raise FilterError(f"invalid date {value.text!r} (use MM/DD/YYYY)")

    def select(self, records: list[dict[str, object]]) -> list[dict[str, object]]:
        if self.node is None:
            return list(records)
        accepted: list[dict[str, object]] = []
        for record in records:
            if self._eval(self.node, record, len(accepted) + 1) is True:
                accepted.append(record)
        return accepted

    # -- evaluation -------------------------------------------------------------------------------
    def _eval(self, node: Node, record: dict[str, object], rownum: int) -> Truth:
        if isinstance(node, Compare):
            return self._compare(node, record, rownum)
        if isinstance(node, Not):
            inner = self._eval(node.item, record, rownum)
            return None if inner is None else not inner
        results = [self._eval(item, record, rownum) for item in node.items]
        if isinstance(node, And):
            if any(r is False for r in results):
                return False
            return None if any(r is None for r in results) else True
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False

    def _compare(self, node: Compare, record: dict[str, object], rownum: int) -> Truth:
        if node.field.upper() == "ROWNUM":
            raw = str(rownum)
            kind = "number"
        else:
            raw = self.value_of(record, node.field)
            kind = field_kind(node.field)
            if self.coded and kind == "text":
                raw = stored_code(self.spec, node.field.upper(), raw, record)
        if node.op == "isnull":
            return raw == ""
        if node.op == "isnotnull":
            return raw != ""
        if raw == "":
            return None
        if node.op in ("like", "notlike"):
            pattern = node.values[0].text
            regex = self._likes.get(pattern)
            if regex is None:
                regex = self._likes[pattern] = _like_regex(pattern, self.caseinsensitive)
            found = regex.match(raw) is not None
            return found if node.op == "like" else not found
        if node.op in ("in", "notin") and kind != "date":
            hit, unknown = self._member(node, kind, raw)
            if node.op == "in":
                return True if hit else (None if unknown else False)
            return False if hit else (None if unknown else True)
        if node.op in ("in", "notin"):
            outcomes = [self._order(kind, raw, v) for v in node.values]
            hit = any(o == 0 for o in outcomes)
            if node.op == "in":
                return True if hit else (None if any(o is None for o in outcomes) else False)
            return False if hit else (None if any(o is None for o in outcomes) else True)
        if node.op == "between":
            low, high = (self._order(kind, raw, v) for v in node.values)
            if low is None or high is None:
                return None
            return low >= 0 and high <= 0
        order = self._order(kind, raw, node.values[0])
        if order is None:
            return None
        return {
            "=": order == 0,
            "!=": order != 0,
            "<": order < 0,
            "<=": order <= 0,
            ">": order > 0,
            ">=": order >= 0,
        }[node.op]

    def _member(self, node: Compare, kind: str, raw: str) -> tuple[bool, bool]:
        """(``raw`` is in the list, the list holds an unknown) via sets built once per filter.

        An ``in`` of 1,000 record numbers is what the line queries of every pull page send; comparing
        each row with each value one by one made a 10,000-line page cost seconds.
        """
        sets = self._sets.get(id(node))
        if sets is None:
            numbers: set[Decimal] = set()
            texts: set[str] = set()
            for value in node.values:
                if value.bare:
                    continue
                if kind == "number":
                    try:
                        numbers.add(Decimal(value.text))
                        continue
                    except InvalidOperation:
                        pass
                texts.add(value.text.casefold() if self.caseinsensitive else value.text)
            sets = self._sets[id(node)] = (numbers, texts, any(v.bare for v in node.values))
        numbers, texts, unknown = sets
        if kind == "number":
            try:
                if Decimal(raw) in numbers:
                    return True, unknown
            except InvalidOperation:
                pass
        return (raw.casefold() if self.caseinsensitive else raw) in texts, unknown

    def _order(self, kind: str, raw: str, value: Value) -> int | None:
        """-1/0/1 for raw vs value, ``None`` when they cannot be compared (SQL unknown)."""
        if value.bare:
            return None
        if kind == "number":
            try:
                left, right = Decimal(raw), Decimal(value.text)
                return (left > right) - (left < right)
            except InvalidOperation:
                pass
        elif kind == "date":
            moment, wanted = parse_any_datetime(raw), parse_us_datetime(value.text)
            if moment is not None and wanted is not None:
                return (moment > wanted) - (moment < wanted)
        a, b = raw, value.text
        if self.caseinsensitive:
            a, b = a.casefold(), b.casefold()
        return (a > b) - (a < b)


def _compares(node: Node) -> Iterator[Compare]:
    if isinstance(node, Compare):
        yield node
    elif isinstance(node, And | Or):
        for item in node.items:
            yield from _compares(item)
    else:
        yield from _compares(node.item)
