"""What Sage Intacct requires of a direct income (an other receipt, ``record_otherreceipt``), codat.md §7.

Intacct's receipt has a mandatory payee and deposits into a bank account; Codat maps the payee from
``reference`` (so it is required and at most 80 characters) and the bank from the single payment
allocation's ``payment.accountRef`` — a GL account that must be tied to a checking or savings account.
Fields Intacct has no place for are accepted and reported as ignored warnings, as Codat does.
"""

from __future__ import annotations

from collections.abc import Iterator

from connectors.intacct.mapping._ar_common import ignored_rule, lines_present_rule, max_length_rule
from connectors.intacct.mapping._common import (
    bank_account,
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
    info,
    lines,
    required,
    values_at,
)

ALLOCATION = "paymentAllocations.payment"


def _single_allocation(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if len(lines(record, "paymentAllocations")) != 1:
        yield "paymentAllocations"


def _bank_tied(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    for where, value in values_at(record, f"{ALLOCATION}.accountRef.id"):
        if isinstance(value, str) and value and bank_account(value, facts) is None:
            yield where


RULES = RuleSet(
    data_type="directIncomes",
    display_name="Direct Income",
    description="Direct Income",
    validator="DirectIncome",
    fields=(
        FieldSpec("reference", "The payee of the receipt", required=True),
        FieldSpec("issueDate", "The date the income was received", required=True),
        FieldSpec("paymentAllocations", "The payment that received the income", required=True),
        FieldSpec(ALLOCATION, "The payment", required=True),
        FieldSpec(f"{ALLOCATION}.paidOnDate", "The date the receipt was deposited", required=True),
        FieldSpec(f"{ALLOCATION}.accountRef", "The bank account the receipt was deposited to", required=True),
        FieldSpec(f"{ALLOCATION}.accountRef.id", "The identifier of the bank's GL account", required=True),
        FieldSpec("lineItems", "A collection of lines that detail the income", required=True),
        FieldSpec("lineItems.unitAmount", "The price of each unit of goods or services", required=True),
        FieldSpec("lineItems.taxRateRef", "Reference to the tax rate code the line item is linked to"),
        FieldSpec("lineItems.taxRateRef.id", "The reference identifier for the tax rate"),
        FieldSpec("lineItems.accountRef", "Reference to the income account of the line", required=True),
        FieldSpec("lineItems.accountRef.id", "The identifier for the account", required=True),
        FieldSpec("lineItems.description", "Description of the line"),
        FieldSpec("lineItems.trackingCategoryRefs", "A collection of categories the line is tracked against"),
        FieldSpec("lineItems.trackingCategoryRefs.id", "The identifier of the tracking category"),
        FieldSpec("lineItems.trackingCategoryRefs.name", "The name of the tracking category"),
        FieldSpec("currency", "Currency of the receipt"),
        FieldSpec("note", "Description of the receipt"),
        FieldSpec("currencyRate", "Rate to the base currency; leave empty to use the Intacct Daily Rate"),
    ),
    rules=(
        required("reference", "Must be used to provide payee's name and contain no more than 80 characters."),
        max_length_rule(
            "reference", 80, "Must be used to provide payee's name and contain no more than 80 characters."
        ),
        required("issueDate", "Must be provided."),
        Rule("paymentAllocations", "Must contain a single payment allocation.", _single_allocation),
        required(f"{ALLOCATION}.paidOnDate", "Must be provided."),
        required(f"{ALLOCATION}.accountRef.id", "Must be used to provide bank account id."),
        Rule(
            f"{ALLOCATION}.accountRef.id",
            "Must be a GL account tied to a checking or savings account in Sage Intacct.",
            _bank_tied,
        ),
        lines_present_rule(),
        required("lineItems.unitAmount", "Must be provided."),
        required(
            "lineItems.accountRef.id", "Must be used to provide an account id not linked to a bank account."
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
        info("paymentAllocations", "The payment method is always Cash: Intacct receipts take no other here."),
        *(
            ignored_rule(path)
            for path in (
                "paymentAllocations.allocation.currency",
                "paymentAllocations.allocation.totalAmount",
                "paymentAllocations.allocation.allocatedOnDate",
                f"{ALLOCATION}.id",
                f"{ALLOCATION}.note",
                f"{ALLOCATION}.reference",
                f"{ALLOCATION}.currency",
                f"{ALLOCATION}.totalAmount",
                "subTotal",
                "totalAmount",
                "taxAmount",
            )
        ),
    ),
)
