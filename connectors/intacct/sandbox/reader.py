"""Reading records out of a company: visibility, field resolution, filtering, sorting, projection.

The function handlers (``handlers/query.py``) only parse their XML and print; this module decides
which records a call sees and what each field reads. Filter/sort results are cached per company and
keyed with the versions of every table they depend on, so paging through 100,000 bills with
``offset`` filters and sorts once, not once per page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from connectors.intacct.sandbox.catalogue import QUERYABLE_ONLY
from connectors.intacct.sandbox.predicates import And, Compare, Matcher, Node, fields_of
from connectors.intacct.sandbox.schema import ObjectSpec, field_kind, sort_key, spec_for
from connectors.intacct.sandbox.state import CompanyState, Record

_CACHE_LIMIT = 32


def _index_key(kind: str, text: str, caseinsensitive: bool) -> str:
    """Normalise a value the way ``Matcher`` compares it (numbers by value, text maybe case-folded)."""
    if kind == "number":
        try:
            return str(Decimal(text).normalize())
        except InvalidOperation:
            return text
    return text.casefold() if caseinsensitive else text


@dataclass(frozen=True)
class Visibility:
    """Which entity's private records a call may see (multi-entity rules, intacct-behaviour §8)."""

    entity_id: str | None
    show_private: bool

    def allows(self, record: Record) -> bool:
        owner = record.get("MEGAENTITYID") or ""
        if not owner:
            return True
        if self.entity_id is not None:
            return bool(owner == self.entity_id)
        return self.show_private


@dataclass(frozen=True)
class Order:
    field: str
    descending: bool = False


class Reader:
    """Field access and selection over one company's tables."""

    def __init__(self, company: CompanyState) -> None:
        self.company = company

    # -- objects and fields -----------------------------------------------------------------------
    def knows_object(self, obj: str) -> bool:
        return spec_for(obj) is not None or obj.upper() in self.company.tables

    def star_fields(self, obj: str) -> list[str]:
        """Fields printed for ``*``: the catalogue's order, then stored custom fields."""
        spec = spec_for(obj)
        listed = list(spec.fields) if spec is not None else []
        known = set(listed)
        extras = [f for f in self.company.fields_seen.get(obj.upper(), {}) if f not in known]
        if spec is not None and spec.lines is not None:
            extras = [f for f in extras if f != spec.lines.wrapper]
        return listed + extras

    def is_field(self, obj: str, name: str, *, relations: bool, hops: int = 0) -> bool:
        upper = name.upper()
        spec = spec_for(obj)
        if spec is not None and (upper in spec.fields or upper in QUERYABLE_ONLY.get(spec.name, ())):
            return True
        if upper in self.company.fields_seen.get(obj.upper(), {}):
            return True
        if not relations or "." not in upper or spec is None:
            return False
        head, rest = upper.split(".", 1)
        relation = spec.relations.get(head)
        if relation is None:
            return False
        if head == "PARENT" and hops >= 1:
            return False  # only one hierarchical hop is allowed (intacct-behaviour §1.3)
        return self.is_field(relation.object, rest, relations=True, hops=hops + (head == "PARENT"))

    def unknown_fields(self, obj: str, names: Iterable[str], *, relations: bool) -> list[str]:
        return [n for n in names if n.upper() != "ROWNUM" and not self.is_field(obj, n, relations=relations)]

    # -- values -----------------------------------------------------------------------------------
    def value(self, obj: str, record: Record, name: str) -> str:
        upper = name.upper()
        if upper in record:
            found = record[upper]
            return "" if found is None else str(found)
        spec = spec_for(obj)
        if spec is None or "." not in upper:
            return ""
        head, rest = upper.split(".", 1)
        relation = spec.relations.get(head)
        if relation is None:
            return ""
        key = record.get(relation.local)
        if not key:
            return ""
        target = self.index(relation.object, relation.target).get(str(key))
        return "" if target is None else self.value(relation.object, target, rest)

    def index(self, obj: str, field: str) -> dict[str, Record]:
        """``field`` value -> record of ``obj`` (first one wins), rebuilt when the table changes."""
        cache_key = ("index", obj.upper(), field)
        version = self.company.version(obj)
        cached = self.company.caches.get(cache_key)
        if cached is not None and cached[0] == version:
            return cached[1]  # type: ignore[no-any-return]
        built: dict[str, Record] = {}
        for record in self.company.table(obj).values():
            value = record.get(field)
            if value not in (None, "") and str(value) not in built:
                built[str(value)] = record
        self.company.caches[cache_key] = (version, built)
        return built

    # -- selection --------------------------------------------------------------------------------
    def select(
        self,
        obj: str,
        node: Node | None,
        *,
        visibility: Visibility,
        coded: bool,
        caseinsensitive: bool = False,
        order: Sequence[Order] = (),
        docparid: str | None = None,
    ) -> list[Record]:
        """Visible records of ``obj`` matching ``node``, sorted (RECORDNO when no order is given)."""
        spec = spec_for(obj)
        names = list(fields_of(node)) if node is not None else []
        names += [o.field for o in order]
        deps = sorted({obj.upper(), *self._related_objects(spec, names)})
        key = (
            "select",
            obj.upper(),
            repr(node),
            coded,
            caseinsensitive,
            tuple(order),
            visibility,
            docparid if spec is not None and spec.name == "SODOCUMENT" else None,
        )
        versions = tuple(self.company.version(d) for d in deps)
        cached = self.company.caches.get(key)
        if cached is not None and cached[0] == versions:
            return cached[1]  # type: ignore[no-any-return]
        candidates = self._candidates(obj, node, coded=coded, caseinsensitive=caseinsensitive)
        base = candidates if candidates is not None else self.company.table(obj).values()
        rows = [r for r in base if visibility.allows(r)]
        if key[-1]:
            rows = [r for r in rows if r.get("DOCPARID") == docparid]
        rows.sort(key=lambda r: sort_key("number", r.get("RECORDNO")))
        matcher = Matcher(
            node,
            spec=spec,
            value_of=lambda record, name: self.value(obj, record, name),
            coded=coded,
            caseinsensitive=caseinsensitive,
        )
        rows = matcher.select(rows)
        for step in reversed(order):
            rows.sort(key=self._sorter(obj, step.field), reverse=step.descending)
        self._remember(key, versions, rows)
        return rows

    def _candidates(
        self, obj: str, node: Node | None, *, coded: bool, caseinsensitive: bool
    ) -> list[Record] | None:
        """Records that can match an ``=``/``in`` conjunct on a stored field, from a hash index.

        Line queries (``RECORDKEY in (…)`` over a million ``APBILLITEM`` rows) would otherwise test every
        row of the table for every page; the full filter still runs on the candidates, so this only
        narrows, it never decides. ``None`` means no usable conjunct: scan the table.
        """
        if node is None or coded:
            return None
        conjuncts = node.items if isinstance(node, And) else (node,)
        for item in conjuncts:
            if not isinstance(item, Compare) or item.op not in ("=", "in") or "." in item.field:
                continue
            kind = field_kind(item.field)
            if kind == "date":
                continue
            field = item.field.upper()
            buckets = self._value_index(obj, field, kind, caseinsensitive)
            found: dict[int, Record] = {}
            for value in item.values:
                if value.bare:
                    continue
                for record in buckets.get(_index_key(kind, value.text, caseinsensitive), ()):
                    found[id(record)] = record
            return list(found.values())
        return None

    def _value_index(self, obj: str, field: str, kind: str, caseinsensitive: bool) -> dict[str, list[Record]]:
        cache_key = ("values", obj.upper(), field, kind, caseinsensitive)
        version = self.company.version(obj)
        cached = self.company.caches.get(cache_key)
        if cached is not None and cached[0] == version:
            return cached[1]  # type: ignore[no-any-return]
        built: dict[str, list[Record]] = {}
        for record in self.company.table(obj).values():
            raw = record.get(field)
            if raw in (None, ""):
                continue
            built.setdefault(_index_key(kind, str(raw), caseinsensitive), []).append(record)
        self.company.caches[cache_key] = (version, built)
        return built

    def _sorter(self, obj: str, name: str) -> Callable[[Record], tuple[int, int, object]]:
        kind = field_kind(name)

        def key(record: Record) -> tuple[int, int, object]:
            return _null_last(sort_key(kind, self.value(obj, record, name)))

        return key

    def _remember(self, key: tuple[object, ...], versions: tuple[int, ...], rows: list[Record]) -> None:
        caches = self.company.caches
        selects = [k for k in caches if isinstance(k, tuple) and k and k[0] == "select"]
        if len(selects) >= _CACHE_LIMIT:
            for old in selects[: len(selects) - _CACHE_LIMIT + 1]:
                caches.pop(old, None)
        caches[key] = (versions, rows)

    @staticmethod
    def _related_objects(spec: ObjectSpec | None, names: Iterable[str]) -> set[str]:
        found: set[str] = set()
        if spec is None:
            return found
        for name in names:
            head = name.upper().split(".", 1)[0]
            if "." in name and head in spec.relations:
                found.add(spec.relations[head].object)
        return found

    # -- output -----------------------------------------------------------------------------------
    def values(self, obj: str, records: Iterable[Record], names: Sequence[str]) -> Iterator[list[str]]:
        """The printed values of ``names`` for each record (``project`` without the names, for pages)."""
        direct = [name.isupper() and "." not in name for name in names]
        if all(direct):  # stored fields only: the common page, read without a call per field
            for record in records:
                yield [v if type(v) is str else "" if v is None else str(v) for v in map(record.get, names)]
            return
        for record in records:
            row = []
            for name, plain in zip(names, direct, strict=True):
                found = record.get(name)
                if found is None:
                    found = "" if plain else self.value(obj, record, name)
                row.append(found if type(found) is str else str(found))
            yield row

    def project(self, obj: str, record: Record, names: Sequence[str]) -> list[tuple[str, str]]:
        """``(name, printed value)`` pairs; stored fields are read directly (this is the hot path)."""
        pairs = []
        for name in names:
            found = record.get(name)
            if found is None:
                found = self.value(obj, record, name) if "." in name or not name.isupper() else ""
            pairs.append((name, found if type(found) is str else str(found)))
        return pairs

    def lines_of(self, obj: str, record: Record) -> list[Record]:
        spec = spec_for(obj)
        if spec is None or spec.lines is None:
            return []
        link = spec.lines
        return self.groups(link.object, link.link).get(str(record.get("RECORDNO", "")), [])

    def groups(self, obj: str, field: str) -> dict[str, list[Record]]:
        """``field`` value -> records of ``obj`` in line order (LINE_NO, then RECORDNO), cached."""
        cache_key = ("groups", obj.upper(), field)
        version = self.company.version(obj)
        cached = self.company.caches.get(cache_key)
        if cached is not None and cached[0] == version:
            return cached[1]  # type: ignore[no-any-return]
        built: dict[str, list[Record]] = {}
        for record in self.company.table(obj).values():
            built.setdefault(str(record.get(field, "")), []).append(record)
        for rows in built.values():
            rows.sort(
                key=lambda r: (sort_key("number", r.get("LINE_NO")), sort_key("number", r.get("RECORDNO")))
            )
        self.company.caches[cache_key] = (version, built)
        return built


def _null_last(key: tuple[int, object]) -> tuple[int, int, object]:
    """Empty values sort after everything on ascending order (Oracle's NULLS LAST)."""
    empty = key[1] == "" or key[1] is None
    return (1 if empty else 0, key[0], "" if empty else key[1])
