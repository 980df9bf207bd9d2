"""``GET …/options/{dataType}``: Codat's push-options tree, built from the same rule table validation uses.

Each ``FieldSpec`` becomes a property (its JSON type read from the unified model, so the tree cannot
disagree with what the API accepts); each rule's ``details`` lands in the ``validation`` of the deepest
declared property on its path, with the field written the way Codat writes it (``LineItems.AccountRef.Id``).
Rules that refuse a push are ``warnings``; advice (severity ``warning``) is ``information``.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import msgspec
from msgspec import UNSET

from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import FieldSpec, Rule, RuleSet
from datamodel import (
    Account,
    Bill,
    BillCreditNote,
    BillPayment,
    CreditNote,
    Customer,
    DirectIncome,
    Invoice,
    JournalEntry,
    Payment,
    PushFieldValidation,
    PushOption,
    PushOptionChoice,
    PushOptionProperty,
    PushValidationInfo,
    Supplier,
)
from datamodel.enums import PushOptionType
from datamodel.types import DATETIME_META

__all__ = ["MODELS", "build_options", "display_name", "pascal_path"]

#: The unified model of each data type with a rule table (its field types give the tree's types).
MODELS: dict[str, type[msgspec.Struct]] = {
    "bills": Bill,
    "billCreditNotes": BillCreditNote,
    "billPayments": BillPayment,
    "suppliers": Supplier,
    "chartOfAccounts": Account,
    "journalEntries": JournalEntry,
    "invoices": Invoice,
    "creditNotes": CreditNote,
    "payments": Payment,
    "directIncomes": DirectIncome,
    "customers": Customer,
}
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_WORD_NAMES = {"ref": "Reference", "refs": "References", "id": "Identifier"}


def display_name(wire_name: str) -> str:
    """Display name of a wire name: ``supplierRef`` -> ``Supplier Reference``, ``id`` -> ``Identifier``."""
    words = _WORDS.findall(wire_name)
    return " ".join(_WORD_NAMES.get(w.lower(), w[:1].upper() + w[1:]) for w in words)


def pascal_path(path: str) -> str:
    """Codat's spelling of a field in validation notes (``lineItems.accountRef.id`` ->
    ``LineItems.AccountRef.Id``)."""
    return ".".join(part[:1].upper() + part[1:] for part in path.split("."))


# --- types from the unified model ----------------------------------------------------------------------


def _unwrap(tp: Any) -> Any:
    """Drop ``None``/``UNSET`` from unions; keep ``Annotated`` (it marks date-times)."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a not in (type(None), msgspec.UnsetType)]
        return _unwrap(args[0]) if len(args) == 1 else tp
    return tp


def _kind(tp: Any) -> tuple[PushOptionType, Any]:
    """(option type, the Struct to descend into for Object/Array) of a field annotation."""
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *extras = typing.get_args(tp)
        if any(extra is DATETIME_META for extra in extras):
            return PushOptionType.DATE_TIME, None
        return _kind(base)
    if origin is list:
        (item,) = typing.get_args(tp)
        return PushOptionType.ARRAY, _unwrap(item)
    if isinstance(tp, type):
        if issubclass(tp, msgspec.Struct):
            return PushOptionType.OBJECT, tp
        if issubclass(tp, bool):
            return PushOptionType.BOOLEAN, None
        if issubclass(tp, int | float | Decimal):
            return PushOptionType.NUMBER, None
    return PushOptionType.STRING, None


def _resolve(model: type[msgspec.Struct], path: str) -> PushOptionType:
    current: Any = model
    kind = PushOptionType.OBJECT
    for part in path.split("."):
        if not (isinstance(current, type) and issubclass(current, msgspec.Struct)):
            raise ValueError(f"{path!r}: {part!r} is below a scalar in {model.__name__}")
        found = next((f for f in msgspec.structs.fields(current) if f.encode_name == part), None)
        if found is None:
            raise ValueError(f"{path!r}: {model.__name__} has no field {part!r}")
        kind, current = _kind(found.type)
    return kind


# --- the tree ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    spec: FieldSpec | None
    kind: PushOptionType
    children: dict[str, _Node] = field(default_factory=dict)
    warnings: list[PushFieldValidation] = field(default_factory=list)
    information: list[PushFieldValidation] = field(default_factory=list)

    def validation(self) -> PushValidationInfo | None:
        if not self.warnings and not self.information:
            return None
        return PushValidationInfo(warnings=self.warnings, information=self.information)


def _choices(spec: FieldSpec, facts: CompanyFacts) -> list[PushOptionChoice] | None:
    values = spec.choices(facts) if callable(spec.choices) else spec.choices
    if not values:
        return None
    return [
        PushOptionChoice(value=value, type=PushOptionType.STRING, display_name=name, required=False)
        for value, name in values
    ]


def _attach(root: _Node, rule: Rule) -> None:
    node = root
    for part in rule.field.split("."):
        child = node.children.get(part)
        if child is None:
            break
        node = child
    note = PushFieldValidation(field=pascal_path(rule.field), details=rule.details)
    bucket = node.warnings if rule.severity == "error" else node.information
    if note not in bucket:
        bucket.append(note)


def _property(name: str, node: _Node, facts: CompanyFacts) -> PushOptionProperty:
    assert node.spec is not None
    children = {key: _property(key, child, facts) for key, child in node.children.items()}
    return PushOptionProperty(
        type=node.kind,
        display_name=display_name(name),
        description=node.spec.description,
        required=node.spec.required,
        options=_choices(node.spec, facts) or UNSET,
        properties=children or UNSET,
        validation=node.validation(),
    )


def build_options(rules: RuleSet, facts: CompanyFacts) -> PushOption:
    """The options tree of ``rules.data_type`` for the company ``facts`` describe (currencies, methods...)."""
    model = MODELS[rules.data_type]
    root = _Node(None, PushOptionType.OBJECT)
    for spec in rules.fields:
        *parents, leaf = spec.path.split(".")
        parent = root
        for part in parents:
            if part not in parent.children:
                raise ValueError(f"{rules.data_type}: {spec.path!r} is declared before {part!r}")
            parent = parent.children[part]
        parent.children[leaf] = _Node(spec, _resolve(model, spec.path))
    for rule in rules.rules:
        _attach(root, rule)
    properties = {key: _property(key, child, facts) for key, child in root.children.items()}
    return PushOption(
        type=PushOptionType.OBJECT,
        display_name=rules.display_name,
        description=rules.description,
        required=True,
        properties=properties or UNSET,
        validation=root.validation(),
    )
