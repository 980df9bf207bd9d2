"""What Sage Intacct needs of a bill credit note, written as an AP adjustment (debit memo) (codat.md §7)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from connectors.intacct.mapping._common import (
    currency_choices,
    currency_rules,
    posting_account_rule,
    tax_rules,
    tracking_rule,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import (
    FieldSpec,
    RecordView,
    Rule,
    RuleSet,
    as_decimal,
    info,
    is_blank,
    length_between,
    lines,
    number_at_least,
    one_of,
    required,
)

STATUSES = ("Draft", "Submitted")
ZERO = Decimal(0)


def _no_lines(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if not lines(record):
        yield "lineItems"


def _tax_amount_without_rate(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for index, line in enumerate(lines(record)):
        amount = as_decimal(line.get("taxAmount"))
        if amount is not None and amount != 0 and is_blank((line.get("taxRateRef") or {}).get("id")):
            yield f"lineItems[{index}].taxRateRef"


RULES = RuleSet(
    data_type="billCreditNotes",
    display_name="Accounts Payable Credit Note",
    description="A bill credit note is a supplier's voucher that reduces what the business owes; Sage "
    "Intacct records it as an AP adjustment (debit memo).",
    validator="BillCreditNote",
    fields=(
        FieldSpec("status", "The current state of a credit note", choices=tuple((s, s) for s in STATUSES)),
        FieldSpec(
            "supplierRef", "Reference to the supplier the credit note has been issued by", required=True
        ),
        FieldSpec("supplierRef.id", "The reference identifier for the supplier", required=True),
        FieldSpec("issueDate", "The date the credit note was issued", required=True),
        FieldSpec("allocatedOnDate", "The date the credit note was allocated"),
        FieldSpec(
            "currency",
            "Currency of the credit note",
            choices=currency_choices,
        ),
        FieldSpec("currencyRate", "The exchange rate between the credit note currency and the base currency"),
        FieldSpec("note", "Note about the credit note"),
        FieldSpec(
            "lineItems", "A collection of lines that detail items related to the credit note", required=True
        ),
        FieldSpec("lineItems.description", "Friendly name of the goods or services credited"),
        FieldSpec("lineItems.unitAmount", "The price of each unit of goods or services", required=True),
        FieldSpec("lineItems.taxRateRef", "Reference to the tax rate code the line item is linked to"),
        FieldSpec("lineItems.taxRateRef.id", "The reference identifier for the tax rate", required=True),
        FieldSpec("lineItems.taxAmount", "The amount of tax for the line"),
        FieldSpec(
            "lineItems.accountRef",
            "Reference to the nominal account the line item is linked to",
            required=True,
        ),
        FieldSpec("lineItems.accountRef.id", "The identifier for the account", required=True),
        FieldSpec(
            "lineItems.trackingCategoryRefs", "A collection of categories this line item is tracked against"
        ),
        FieldSpec(
            "lineItems.trackingCategoryRefs.id", "The identifier of the tracking category", required=True
        ),
    ),
    rules=(
        one_of("status", STATUSES),
        Rule("status", "If not specified will default to Submitted.", None, severity="warning"),
        required("supplierRef.id"),
        info("supplierRef.id", "Must match to an existing Supplier Id."),
        required("issueDate"),
        *currency_rules(),
        length_between("note", 0, 1000, "Must contain no more than 1000 characters."),
        Rule("lineItems", "Must contain at least one line item.", _no_lines),
        length_between("lineItems.description", 0, 1000, "Must contain no more than 1000 characters."),
        number_at_least("lineItems.unitAmount", ZERO, "Must not be negative."),
        required("lineItems.accountRef.id"),
        posting_account_rule("lineItems.accountRef.id"),
        Rule("lineItems.taxRateRef", "Must be provided when TaxAmount is set.", _tax_amount_without_rate),
        number_at_least("lineItems.taxAmount", ZERO, "Must not be negative."),
        *tax_rules(),
        tracking_rule("lineItems.trackingCategoryRefs.id"),
        tracking_rule("lineItems.tracking.categoryRefs.id"),
    ),
)
