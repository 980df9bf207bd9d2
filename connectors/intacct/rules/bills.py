"""What Sage Intacct needs of a bill (codat.md §7.2 "bills", §7.1 "Bill updates").

A bill is either *account based* (every line names a GL account: legacy ``create_bill``) or *item based*
(every line names an item: generic ``APBILL``); the two never mix. Most rules depend on that kind, so
``bill_kind`` is the one place that decides it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from connectors.intacct.mapping._common import (
    currency_choices,
    currency_rules,
    posting_account_rule,
    split_tracking_id,
    tax_rules,
    to_date,
    tracking_rule,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import (
    FieldSpec,
    RecordView,
    Rule,
    RuleSet,
    absent,
    as_decimal,
    info,
    is_blank,
    lines,
    required,
)

BillKind = Literal["account", "item", "mixed", "none"]
STATUSES = ("Draft", "Open")


def is_item_line(line: Mapping[str, Any]) -> bool:
    ref = line.get("itemRef")
    return not is_blank(ref.get("id")) if ref else False


def bill_kind(record: RecordView) -> BillKind:
    """``account``/``item`` when every line agrees, ``mixed`` when they do not, ``none`` without lines.

    Most rules ask, so this stops at the first line that disagrees and builds nothing on the way.
    """
    found = record.get("lineItems")
    if not isinstance(found, list):
        return "none"
    first: bool | None = None
    for line in found:
        if type(line) is not dict and not isinstance(line, Mapping):
            continue  # as ``lines`` skips it
        ref = line.get("itemRef")
        item = not is_blank(ref.get("id")) if ref else False  # ``is_item_line``, inlined: every rule asks
        if first is None:
            first = item
        elif item != first:
            return "mixed"
    if first is None:
        return "none"
    return "item" if first else "account"


def _item_based(record: RecordView, _facts: CompanyFacts) -> bool:
    return bill_kind(record) == "item"


def _account_line(_record: RecordView, line: Mapping[str, Any]) -> bool:
    return not is_item_line(line)


def _each_line(record: RecordView) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(index, line) of every line; checks format ``lineItems[<index>]`` only for the paths they yield."""
    return enumerate(lines(record))


def _reference_length(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    value = record.get("reference")
    # up to 45 characters suit both kinds; only a longer one needs the kind
    if isinstance(value, str) and not 1 <= len(value) <= 45:
        if not 1 <= len(value) <= (45 if bill_kind(record) == "item" else 100):
            yield "reference"


def _description_length(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for index, line in _each_line(record):
        value = line.get("description")
        if isinstance(value, str) and not 1 <= len(value) <= (400 if is_item_line(line) else 1000):
            yield f"lineItems[{index}].description"


def _due_date_missing(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if is_blank(record.get("dueDate")) and (record.get("status") != "Draft" or bill_kind(record) == "item"):
        yield "dueDate"


def _due_before_issue(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    issue, due = record.get("issueDate"), record.get("dueDate")
    if isinstance(issue, str) and isinstance(due, str):
        issue_day, due_day = to_date(issue), to_date(due)
        if issue_day and due_day and due_day < issue_day:
            yield "dueDate"


def _mixed(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if bill_kind(record) == "mixed":
        yield "lineItems"


def _no_lines(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if not lines(record):
        yield "lineItems"


def _custom_tracking_on_items(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    if bill_kind(record) != "item":
        return
    for line_index, line in _each_line(record):
        for index, ref in enumerate(line.get("trackingCategoryRefs") or []):
            parsed = split_tracking_id(str(ref.get("id") or ""), facts)
            if parsed and parsed[0] in facts.custom_dimensions:
                yield f"lineItems[{line_index}].trackingCategoryRefs[{index}].id"


def _item_quantities(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for index, line in _each_line(record):
        if not is_item_line(line):
            continue
        for name in ("quantity", "unitAmount"):
            value = as_decimal(line.get(name))
            if value is None or value < 0:
                yield f"lineItems[{index}].{name}"


def _account_quantities(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    """Account lines carry one amount (``subTotal``); quantity and unit amount, if sent, are 0 or agree."""
    for index, line in _each_line(record):
        if is_item_line(line):
            continue
        quantity, unit = as_decimal(line.get("quantity")), as_decimal(line.get("unitAmount"))
        if quantity is None or unit is None or (quantity == 0 and unit == 0):
            continue
        sub_total = as_decimal(line.get("subTotal"))
        if sub_total is None or quantity * unit != sub_total:
            yield f"lineItems[{index}].quantity"


def _item_id_missing(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if is_blank(record.get("id")) and bill_kind(record) == "item":
        yield "id"


def _id_ignored(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if not is_blank(record.get("id")) and bill_kind(record) == "account":
        yield "id"


def _line_rule(path: str, details: str, wanted: bool, *, item: bool) -> Rule:
    """``path`` (relative to a line) must be present (``wanted``) or absent on account/item lines."""

    parts = tuple(path.split("."))

    def check(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
        # Not mixed: every line is of the bill's kind, so the kind says whether this rule has lines to check.
        kind = bill_kind(record)
        if kind == "mixed" or (kind == "item") != item:
            return
        for index, line in _each_line(record):
            node: Any = line
            for part in parts:
                node = node.get(part) if isinstance(node, dict | Mapping) else None
            if is_blank(node) == wanted:
                yield f"lineItems[{index}].{path}"

    return Rule(f"lineItems.{path}", details, check)


_ACCOUNT_OR_ITEM = (
    "Must be provided for account based line items. Must not be provided for item based line items."
)
_ITEM_OR_ACCOUNT = (
    "Must be provided for item based line items. Must not be provided for account based line items."
)

RULES = RuleSet(
    data_type="bills",
    display_name="Bill",
    description="A bill is an itemised record of goods purchased from or services provided by a supplier",
    validator="Bill",
    fields=(
        FieldSpec("id", "The identifier for the bill, unique for the company"),
        FieldSpec("reference", "User friendly reference for the bill", required=True),
        FieldSpec("supplierRef", "Reference to the supplier the bill has been received from", required=True),
        FieldSpec("supplierRef.id", "The reference identifier for the supplier", required=True),
        FieldSpec("issueDate", "The date of the bill as recorded in the originating system.", required=True),
        FieldSpec("dueDate", "The date the bill is due to be paid by"),
        FieldSpec("currency", "Currency of the bill", choices=currency_choices),
        FieldSpec("currencyRate", "The exchange rate between the currency of the bill and the base currency"),
        FieldSpec("note", "Note about the bill"),
        FieldSpec("status", "The current state of the bill", choices=tuple((s, s) for s in STATUSES)),
        FieldSpec("lineItems", "A collection of lines that detail items related to the bill", required=True),
        FieldSpec("lineItems.description", "Friendly name of the goods or services purchased"),
        FieldSpec(
            "lineItems.trackingCategoryRefs", "A collection of categories this item is being tracked against"
        ),
        FieldSpec(
            "lineItems.trackingCategoryRefs.id", "The identifier of the tracking category", required=True
        ),
        FieldSpec(
            "lineItems.subTotal", "The amount of the line, inclusive of discounts but exclusive of tax"
        ),
        FieldSpec("lineItems.accountRef", "Reference to the nominal account the line item is linked to"),
        FieldSpec("lineItems.accountRef.id", "The identifier for the account", required=True),
        FieldSpec("lineItems.itemRef", "Reference to the product or service type, or inventory item"),
        FieldSpec("lineItems.itemRef.id", "The reference identifier for the item", required=True),
        FieldSpec("lineItems.taxRateRef", "Reference to the tax rate code the line item is linked to"),
        FieldSpec("lineItems.taxRateRef.id", "The reference identifier for the tax rate", required=True),
        FieldSpec("lineItems.quantity", "The number of units of goods or services purchased"),
        FieldSpec("lineItems.unitAmount", "The price of each unit of goods or services"),
    ),
    rules=(
        Rule(
            "id", "Required for item based line items: a unique number is appended to it.", _item_id_missing
        ),
        Rule(
            "id",
            "Is ignored for account based line items: Sage Intacct numbers the bill.",
            _id_ignored,
            severity="warning",
        ),
        required("reference"),
        Rule(
            "reference",
            "For account based line items, must be between 1 and 100 characters. For item based line items, "
            "must be between 1 and 45 characters.",
            _reference_length,
        ),
        required("supplierRef.id"),
        info("supplierRef.id", "Must match to an existing Supplier Id."),
        required("issueDate"),
        Rule(
            "dueDate",
            "Must be provided unless Status is Draft (always for item based line items).",
            _due_date_missing,
        ),
        Rule("dueDate", "Must not be earlier than IssueDate.", _due_before_issue),
        *currency_rules(),
        absent("note", "Is not supported for item based line items.", when=_item_based),
        Rule(
            "status",
            "Must be Draft or Open: a paid or void bill cannot be pushed.",
            lambda record, _facts: ["status"] if record.get("status") not in STATUSES else [],
        ),
        Rule("lineItems", "Must contain at least one line item.", _no_lines),
        Rule("lineItems", "Must either all be account based or all be item based.", _mixed),
        Rule(
            "lineItems.description",
            "For account based line items, must be between 1 and 1000 characters. For item based line items, "
            "must be between 1 and 400 characters.",
            _description_length,
        ),
        tracking_rule("lineItems.trackingCategoryRefs.id"),
        tracking_rule("lineItems.tracking.categoryRefs.id"),
        Rule(
            "lineItems.trackingCategoryRefs.id",
            "Custom tracking categories are only supported for account based line items.",
            _custom_tracking_on_items,
        ),
        _line_rule("subTotal", _ACCOUNT_OR_ITEM, True, item=False),
        _line_rule("subTotal", _ACCOUNT_OR_ITEM, False, item=True),
        _line_rule("accountRef.id", _ACCOUNT_OR_ITEM, True, item=False),
        _line_rule("accountRef", _ACCOUNT_OR_ITEM, False, item=True),
        posting_account_rule("lineItems.accountRef.id"),
        info("lineItems.itemRef", _ITEM_OR_ACCOUNT),
        info("lineItems.itemRef.id", "Must match to an existing Item Id."),
        _line_rule("taxRateRef", "Is not supported for item based line items.", False, item=True),
        *tax_rules(when_lines=_account_line),
        Rule(
            "lineItems.quantity",
            "For item based line items, quantity and unit amount must be provided and must not be negative.",
            _item_quantities,
        ),
        Rule(
            "lineItems.quantity",
            "For account based line items, quantity and unit amount must be 0 or multiply to SubTotal.",
            _account_quantities,
        ),
    ),
)
