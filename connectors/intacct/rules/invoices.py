"""What Sage Intacct requires of an invoice (codat.md §7.1-7.2), as one table for validation and options.

An invoice goes to one of two Intacct objects, decided by its lines: ``itemRef`` on every line makes an
Order Entry *sales invoice* (``create_sotransaction``), ``itemRef`` on no line an AR *invoice*
(``create_invoice``); a mix is refused. Most line rules therefore depend on that kind, and ``invoice_kind``
is the single place that decides it, for the rules and for the mapping.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal

from connectors.intacct.mapping._ar_common import document_lines, lines_present_rule
from connectors.intacct.mapping._common import (
    currency_rules,
    line_tracking_refs,
    posting_account_rule,
    split_tracking_id,
    tax_rules,
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
    number_at_least,
    one_of,
    required,
)

InvoiceKind = Literal["invoice", "salesInvoice", "mixed"]

NEGATIVE = "Sage Intacct does not accept negative invoices: write a credit note instead."
DIMENSIONS_TEXT = "DEPARTMENT, LOCATION, CLASS, ITEM, PROJECT, WAREHOUSE, TASK, CONTRACT, CUSTOMER, SUPPLIER"


def _has_item(line: Mapping[str, Any]) -> bool:
    return not is_blank((line.get("itemRef") or {}).get("id"))


def invoice_kind(record: RecordView) -> InvoiceKind:
    """``salesInvoice`` when every line names an item, ``invoice`` when none does, else ``mixed``."""
    flags = [_has_item(line) for _path, line in document_lines(record)]
    if flags and all(flags):
        return "salesInvoice"
    return "mixed" if any(flags) else "invoice"


def number_document(record: RecordView) -> str:
    """The Intacct document type whose numbering decides ``invoiceNumber``."""
    return "SODOCUMENT" if invoice_kind(record) == "salesInvoice" else "ARINVOICE"


def is_ar(record: RecordView, _facts: CompanyFacts) -> bool:
    return invoice_kind(record) == "invoice"


def is_sales(record: RecordView, _facts: CompanyFacts) -> bool:
    return invoice_kind(record) == "salesInvoice"


def _numbered_by_intacct(record: RecordView, facts: CompanyFacts) -> bool:
    return facts.numbers(number_document(record))


# --- checks that need more than the builders -----------------------------------------------------------


def _mixed(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if invoice_kind(record) == "mixed":
        for path, line in document_lines(record):
            if not _has_item(line):
                yield f"{path}.itemRef.id"


def _negative(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    total = as_decimal(record.get("totalAmount"))
    if total is not None and total < 0:
        yield "totalAmount"
    for path, line in document_lines(record):
        for key in ("quantity", "unitAmount", "subTotal", "totalAmount"):
            value = as_decimal(line.get(key))
            if value is not None and value < 0:
                yield f"{path}.{key}"


def _quantity_one(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    if is_ar(record, facts):
        for path, line in document_lines(record):
            quantity = as_decimal(line.get("quantity"))
            if quantity is not None and quantity != 1:
                yield f"{path}.quantity"


def _dimension_of(ref_id: str, facts: CompanyFacts) -> tuple[str, str] | None:
    """(dimension, id) of a tracking id given as ``DIM-id`` or as an exact value name."""
    parsed = split_tracking_id(ref_id, facts)
    if parsed is not None:
        return parsed
    matches = [(dim, names[ref_id]) for dim, names in facts.dimension_names.items() if ref_id in names]
    return matches[0] if len(matches) == 1 else None


def _warehouse_missing(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    if not is_sales(record, facts):
        return
    for path, line in document_lines(record):
        dims = [_dimension_of(ref_id, facts) for _where, ref_id in line_tracking_refs(line, path)]
        if not any(found and found[0] == "WAREHOUSE" for found in dims):
            yield f"{path}.trackingCategoryRefs"


def _item_mismatch(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    if not is_sales(record, facts):
        return
    for path, line in document_lines(record):
        item_id = (line.get("itemRef") or {}).get("id")
        for where, ref_id in line_tracking_refs(line, path):
            found = _dimension_of(ref_id, facts)
            if found and found[0] == "ITEM" and found[1] != item_id:
                yield where


RULES = RuleSet(
    data_type="invoices",
    display_name="Invoice",
    description="An invoice is an itemised record of goods sold or services rendered to a customer",
    validator="Invoice",
    fields=(
        FieldSpec("customerRef", "Reference to the customer the invoice has been sent to", required=True),
        FieldSpec("customerRef.id", "The reference identifier for the customer", required=True),
        FieldSpec("issueDate", "The issuing date of the invoice", required=True),
        FieldSpec("dueDate", "The date the invoice is due to be paid by", required=True),
        FieldSpec("note", "Note about the invoice"),
        FieldSpec(
            "status",
            "The current state of the invoice",
            True,
            (("Draft", "Draft"), ("Submitted", "Submitted")),
        ),
        FieldSpec("lineItems", "A collection of lines that detail items related to the invoice", True),
        FieldSpec(
            "lineItems.itemRef", "Reference to the product or service the line item is linked to", True
        ),
        FieldSpec("lineItems.itemRef.id", "The reference identifier for the item", True),
        FieldSpec("lineItems.unitAmount", "The price of each unit of goods or services", True),
        FieldSpec(
            "lineItems.trackingCategoryRefs", "A collection of categories this item is tracked against", True
        ),
        FieldSpec(
            "lineItems.trackingCategoryRefs.id", "The identifier of the category, as DIMENSION-id", True
        ),
        FieldSpec(
            "lineItems.accountRef", "Reference to the nominal account the line item is linked to", True
        ),
        FieldSpec("lineItems.accountRef.id", "The identifier for the account", True),
        FieldSpec("lineItems.quantity", "The number of units of goods or services", True),
        FieldSpec("lineItems.taxRateRef", "Reference to the tax rate code the line item is linked to", True),
        FieldSpec("lineItems.taxRateRef.id", "The reference identifier for the tax rate", True),
    ),
    rules=(
        required("customerRef.id", "Must be used to provide the Customer Id."),
        info("customerRef.id", "Must match an existing Customer Id in Sage Intacct."),
        required("issueDate", "Must be provided."),
        required("dueDate", "Must be provided: Sage Intacct requires a due date on every invoice."),
        one_of("status", ("Draft", "Submitted"), "Must be either Draft or Submitted."),
        required(
            "invoiceNumber",
            "Must be provided when Sage Intacct is not configured to number invoices automatically.",
            when=lambda record, facts: not _numbered_by_intacct(record, facts),
        ),
        info(
            "invoiceNumber",
            "Is replaced by the next number of Intacct's document sequence when auto-sequencing is on.",
        ),
        Rule("totalAmount", NEGATIVE, _negative),
        lines_present_rule(),
        number_at_least("lineItems.unitAmount", Decimal(0), "Must be greater than zero.", strict=True),
        Rule(
            "lineItems.itemRef.id",
            "Must be set for all line items when creating a sales invoice otherwise this field must be "
            "empty.",
            _mixed,
        ),
        required("lineItems.accountRef.id", "Must be set when creating an invoice.", when=is_ar),
        posting_account_rule("lineItems.accountRef.id"),
        Rule("lineItems.quantity", "Must be set to 1 for an invoice.", _quantity_one),
        *tax_rules(when_lines=lambda record, _line: invoice_kind(record) == "invoice"),
        absent("lineItems.accountRef.id", "Must not be set when creating a sales invoice.", when=is_sales),
        absent("lineItems.taxRateRef.id", "Must not be set for a sales invoice.", when=is_sales),
        number_at_least(
            "lineItems.quantity",
            Decimal(0),
            "Must be greater than 0 for a sales invoice.",
            strict=True,
            when=is_sales,
        ),
        Rule(
            "lineItems.trackingCategoryRefs",
            "When creating a sales invoice WAREHOUSE must be supplied.",
            _warehouse_missing,
        ),
        Rule(
            "lineItems.trackingCategoryRefs.id",
            "When creating a sales invoice the ITEM category id must match the ItemRef.Id.",
            _item_mismatch,
        ),
        tracking_rule("lineItems.trackingCategoryRefs.id"),
        info("lineItems.trackingCategoryRefs.id", f"Available tracking categories {DIMENSIONS_TEXT}."),
        info(
            "lineItems",
            "Sales invoice lines are written with the unit 'Each' (items whose unit group is Count).",
        ),
        *currency_rules(),
    ),
)
