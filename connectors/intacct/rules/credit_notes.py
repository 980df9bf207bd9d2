"""What Sage Intacct requires of a credit note (an AR adjustment / credit memo), codat.md §7.1-7.2.

The adjustment number is the one numbering rule that cuts both ways: when Intacct numbers adjustments
(``facts.numbers("ARADJUSTMENT")``) a ``creditNoteNumber`` is refused, otherwise it is required.
"""

from __future__ import annotations

from decimal import Decimal

from connectors.intacct.mapping._ar_common import lines_present_rule, max_length_rule
from connectors.intacct.mapping._common import currency_rules, posting_account_rule, tax_rules, tracking_rule
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import (
    FieldSpec,
    RecordView,
    RuleSet,
    absent,
    info,
    number_at_least,
    one_of,
    required,
)

NUMBER_TEXT = (
    "Must be provided if Sage Intacct is not configured to auto-generate an Adjustment Number, "
    "otherwise cannot be used."
)


def _numbered_by_intacct(_record: RecordView, facts: CompanyFacts) -> bool:
    return facts.numbers("ARADJUSTMENT")


def _numbered_by_us(record: RecordView, facts: CompanyFacts) -> bool:
    return not _numbered_by_intacct(record, facts)


RULES = RuleSet(
    data_type="creditNotes",
    display_name="Accounts Receivable Credit Note",
    description=(
        "A credit note can be thought of as a voucher issued to a customer. It can be applied against one "
        "or multiple invoices to reduce their balance."
    ),
    validator="CreditNote",
    fields=(
        FieldSpec(
            "customerRef", "Reference to the customer the credit note has been issued to", required=True
        ),
        FieldSpec("customerRef.id", "The reference identifier for the customer", required=True),
        FieldSpec("creditNoteNumber", "Adjustment number; only when Intacct does not number adjustments"),
        FieldSpec("issueDate", "The date the credit note was issued", required=True),
        FieldSpec("allocatedOnDate", "The date the credit note was allocated"),
        FieldSpec(
            "status",
            "The current state of the credit note",
            required=True,
            choices=(("Draft", "Draft"), ("Submitted", "Submitted")),
        ),
        FieldSpec("lineItems", "A collection of lines that detail the credit note", required=True),
        FieldSpec("lineItems.unitAmount", "The price of each unit of goods or services", required=True),
        FieldSpec("lineItems.taxRateRef", "Reference to the tax rate code the line item is linked to"),
        FieldSpec("lineItems.taxRateRef.id", "The reference identifier for the tax rate"),
        FieldSpec(
            "lineItems.accountRef", "Reference to the nominal account the line is linked to", required=True
        ),
        FieldSpec("lineItems.accountRef.id", "The identifier for the account", required=True),
        FieldSpec("lineItems.description", "Description of the line"),
        FieldSpec("lineItems.trackingCategoryRefs", "A collection of categories the line is tracked against"),
        FieldSpec("lineItems.trackingCategoryRefs.id", "The identifier of the tracking category"),
        FieldSpec("lineItems.trackingCategoryRefs.name", "The name of the tracking category"),
        FieldSpec("currency", "Currency of the credit note; leave empty for the entity's base currency"),
        FieldSpec("currencyRate", "Rate to the base currency; leave empty to use the Intacct Daily Rate"),
        FieldSpec("note", "Note about the credit note"),
    ),
    rules=(
        required("customerRef.id", "Must be used to provide Customer Id."),
        info("customerRef.id", "Must match an existing Customer Id in Sage Intacct."),
        required("creditNoteNumber", NUMBER_TEXT, when=_numbered_by_us),
        absent("creditNoteNumber", NUMBER_TEXT, when=_numbered_by_intacct),
        required("issueDate", "Must be used to provide the date the Credit Note was created."),
        one_of("status", ("Draft", "Submitted"), "Must be either Draft or Submitted."),
        lines_present_rule(),
        required("lineItems.unitAmount", "Must be provided and must be zero or greater."),
        number_at_least("lineItems.unitAmount", Decimal(0), "Must be provided and must be zero or greater."),
        number_at_least("lineItems.quantity", Decimal(0), "Must be zero or greater."),
        required(
            "lineItems.accountRef.id",
            "Must be an existing GL Account in Sage Intacct and not linked to any bank account.",
        ),
        posting_account_rule("lineItems.accountRef.id"),
        *tax_rules(),
        max_length_rule("lineItems.description", 1000, "Must not contain more than 1000 characters."),
        tracking_rule("lineItems.trackingCategoryRefs.id"),
        *currency_rules(),
        info(
            "currency",
            "When supplying a currency ensure that it exists in your Sage Intacct entity otherwise the "
            "request will fail.",
        ),
    ),
)
