"""One rule table per data type drives both pre-send validation and ``GET …/options/{dataType}``.

Why one table: Codat's options tree tells a developer what Intacct needs (required fields, allowed values,
"must be provided for account based line items" notes). If validation were written separately, the two
would drift and the options endpoint would lie. Here every note in the options tree *is* a rule: the
``details`` text is what the options tree shows and what a refused push says, and ``check`` is the code
that enforces it (``None`` only for facts that Intacct itself checks, such as "must match an existing
Supplier Id", whose failures come back from Intacct through the error table).

Paths are wire (camelCase) dotted paths with arrays implicit: ``lineItems.accountRef.id``. Checks get
a ``RecordView`` (the record as a plain dict tree) and the ``CompanyFacts`` and yield the concrete paths
that break the rule (``lineItems[2].accountRef.id``), so the error names the exact field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from connectors.intacct.mapping.facts import CompanyFacts

RecordView = Mapping[str, Any]
#: Yields the concrete paths of the values that break the rule.
Check = Callable[[RecordView, CompanyFacts], Iterable[str]]
Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One broken rule on one field, ready to become a Codat ``ValidationItem``."""

    field: str
    message: str
    validator: str
    severity: Severity = "error"


@dataclass(frozen=True, slots=True)
class Rule:
    """A requirement on ``field``; ``details`` is shown in the options tree and used as the message."""

    field: str
    details: str
    check: Check | None = None
    severity: Severity = "error"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field Intacct accepts for this data type, as the options tree describes it."""

    path: str
    description: str
    required: bool = False
    #: Allowed values: fixed, or computed from the company (currencies, payment methods ...).
    choices: tuple[tuple[str, str], ...] | Callable[[CompanyFacts], tuple[tuple[str, str], ...]] = ()


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Everything Intacct requires of one unified data type."""

    data_type: str
    display_name: str
    description: str
    validator: str
    fields: tuple[FieldSpec, ...]
    rules: tuple[Rule, ...] = field(default=())

    def validate(self, record: RecordView, facts: CompanyFacts) -> list[Issue]:
        """All broken rules of ``record``; errors first, in table order."""
        issues: list[Issue] = []
        for rule in self.rules:
            if rule.check is None:
                continue
            for path in rule.check(record, facts):
                issues.append(Issue(path, rule.details, self.validator, rule.severity))
        issues.sort(key=lambda issue: issue.severity != "error")
        return issues


# -- walking records ----------------------------------------------------------------------------------


def values_at(record: RecordView, path: str) -> Iterator[tuple[str, Any]]:
    """Every (concrete path, value) at a dotted path, descending into lists; absent leaves give None.

    Walked one path segment at a time over a flat list (no recursion of generators: every rule table
    calls this for each record it checks).
    """
    parts = path.split(".")
    last = len(parts) - 1
    # (concrete path so far, node, finished): finished entries keep their place in the output order
    level: list[tuple[str, Any, bool]] = [("", record, False)]
    for depth, head in enumerate(parts):
        more = depth < last
        following: list[tuple[str, Any, bool]] = []
        for prefix, node, finished in level:
            if finished:
                following.append((prefix, node, True))
                continue
            here = f"{prefix}.{head}" if prefix else head
            if not (type(node) is dict or isinstance(node, Mapping)):
                following.append((here, None, True))
                continue
            child = node.get(head)
            if isinstance(child, list):
                if not more:
                    following.append((here, child, True))
                else:
                    following.extend((f"{here}[{index}]", item, False) for index, item in enumerate(child))
                continue
            following.append((here, child, False))
        level = following
    return iter([(where, value) for where, value, _ in level])


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def as_decimal(value: Any) -> Decimal | None:
    if type(value) is Decimal:  # views keep model money as Decimal: ``Decimal(str(d))`` would be ``d``
        return value
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def lines(record: RecordView, key: str = "lineItems") -> list[Mapping[str, Any]]:
    found = record.get(key)
    if not isinstance(found, list):
        return []
    # ``type(...) is dict`` first: views are plain dicts, and the ``Mapping`` ABC check costs far more
    return [line for line in found if type(line) is dict or isinstance(line, Mapping)]


# -- rule builders (the common shapes; anything else is a plain function) -----------------------------

When = Callable[[RecordView, CompanyFacts], bool]


def _always(_record: RecordView, _facts: CompanyFacts) -> bool:
    return True


def required(path: str, details: str | None = None, *, when: When = _always) -> Rule:
    def check(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
        if when(record, facts):
            yield from (where for where, value in values_at(record, path) if is_blank(value))

    return Rule(path, details or "Must be provided.", check)


def absent(path: str, details: str, *, when: When = _always) -> Rule:
    def check(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
        if when(record, facts):
            yield from (where for where, value in values_at(record, path) if not is_blank(value))

    return Rule(path, details, check)


def length_between(
    path: str, low: int, high: int, details: str | None = None, *, when: When = _always
) -> Rule:
    def check(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
        if not when(record, facts):
            return
        for where, value in values_at(record, path):
            if isinstance(value, str) and not low <= len(value) <= high:
                yield where

    return Rule(path, details or f"Must be between {low} and {high} characters.", check)


def number_at_least(
    path: str, minimum: Decimal, details: str, *, strict: bool = False, when: When = _always
) -> Rule:
    def check(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
        if not when(record, facts):
            return
        for where, value in values_at(record, path):
            number = as_decimal(value)
            if number is None:
                continue
            if number < minimum or (strict and number == minimum):
                yield where

    return Rule(path, details, check)


def one_of(path: str, allowed: Iterable[str], details: str | None = None) -> Rule:
    choices = tuple(allowed)

    def check(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
        for where, value in values_at(record, path):
            if value is not None and value not in choices:
                yield where

    return Rule(path, details or f"Must be one of: {', '.join(choices)}.", check)


def info(path: str, details: str) -> Rule:
    """A note Intacct itself enforces (e.g. "Must match to an existing Supplier Id.")."""
    return Rule(path, details, None)
