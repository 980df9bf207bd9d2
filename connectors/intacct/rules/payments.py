"""What Sage Intacct requires of a payment (an AR receipt, ``ARPYMT``), codat.md §7.1-7.2.

Codat's payment lines follow one convention for Intacct: each line pays exactly one invoice, the
``Invoice`` link carries (negatively) everything applied to that invoice, ``CreditNote`` and
``PaymentOnAccount`` links (positively) what credit is used, and the line's own ``amount`` is the cash —
so a line's amount plus its links' amounts is zero. The checks below hold a payment to that convention
before anything is sent, because Intacct would otherwise apply the wrong amounts without complaint.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from connectors.intacct.mapping._ar_common import lines_present_rule, max_length_rule
from connectors.intacct.mapping._common import currency_rules
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.payment_methods import AR_METHODS, choices, method_names
from connectors.intacct.rules._base import (
    FieldSpec,
    RecordView,
    Rule,
    RuleSet,
    as_decimal,
    info,
    is_blank,
    lines,
    number_at_least,
    one_of,
    required,
)

LINK_TYPES = ("Invoice", "CreditNote", "PaymentOnAccount")


def _links(line: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = line.get("links")
    return [link for link in found if isinstance(link, Mapping)] if isinstance(found, list) else []


def _payment_lines(record: RecordView) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for index, line in enumerate(lines(record, "lines")):
        yield f"lines[{index}]", line


def _one_invoice(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for path, line in _payment_lines(record):
        if sum(1 for link in _links(line) if link.get("type") == "Invoice") != 1:
            yield f"{path}.links"


def _at_most_two(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for path, line in _payment_lines(record):
        if len(_links(line)) > 2:
            yield f"{path}.links"


def _nets_to_zero(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for path, line in _payment_lines(record):
        amount = as_decimal(line.get("amount")) or Decimal(0)
        linked = sum((as_decimal(link.get("amount")) or Decimal(0) for link in _links(line)), Decimal(0))
        if amount + linked != 0:
            yield f"{path}.amount"


def _total_is_sum(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    total = as_decimal(record.get("totalAmount"))
    if total is None:
        return
    lines_total = sum(
        (as_decimal(line.get("amount")) or Decimal(0) for _p, line in _payment_lines(record)), Decimal(0)
    )
    if total != lines_total:
        yield "totalAmount"


def _link_sign(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for path, line in _payment_lines(record):
        for index, link in enumerate(_links(line)):
            amount = as_decimal(link.get("amount"))
            if amount is None or link.get("type") not in LINK_TYPES:
                continue
            if (link.get("type") == "Invoice") != (amount < 0) and amount != 0:
                yield f"{path}.links[{index}].amount"


def _integer_ids(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for path, line in _payment_lines(record):
        for index, link in enumerate(_links(line)):
            value = link.get("id")
            if isinstance(value, str) and value and not value.isdigit():
                yield f"{path}.links[{index}].id"


def _rate_with_currency(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    currency = record.get("currency")
    if currency and currency != facts.base_currency and is_blank(record.get("currencyRate")):
        yield "currencyRate"


def _known_method(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    method = (record.get("paymentMethodRef") or {}).get("id")
    if method and method_names(facts).get(str(method)) not in AR_METHODS:
        yield "paymentMethodRef.id"


def _known_account(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    account = (record.get("accountRef") or {}).get("id")
    if account and facts.accounts and facts.account(str(account)) is None:
        yield "accountRef.id"


def _method_choices(facts: CompanyFacts) -> tuple[tuple[str, str], ...]:
    return choices(facts, AR_METHODS)


RULES = RuleSet(
    data_type="payments",
    display_name="Payment",
    description="A payment represents an allocation of transactions across an 'accounts receivable' account "
    "(customer)",
    validator="Payment",
    fields=(
        FieldSpec("totalAmount", "Amount of the payment in the payment currency", required=True),
        FieldSpec("note", "Notes attached to the payment"),
        FieldSpec("paymentMethodRef", "The payment method the payment was made with", required=True),
        FieldSpec("paymentMethodRef.id", "The identifier of the payment method", True, _method_choices),
        FieldSpec("reference", "Reference of the payment (Document/Check No. in Sage Intacct)"),
        FieldSpec("currency", "Currency of the payment"),
        FieldSpec("currencyRate", "Rate to the base currency"),
        FieldSpec("date", "The date the payment was recorded", required=True),
        FieldSpec(
            "customerRef", "Reference to the customer the payment has been received from", required=True
        ),
        FieldSpec("customerRef.id", "The reference identifier for the customer", required=True),
        FieldSpec("accountRef", "The account the payment is deposited to", required=True),
        FieldSpec("accountRef.id", "The identifier for the account", required=True),
        FieldSpec("lines", "Lines that make up the payment", required=True),
        FieldSpec("lines.amount", "Cash applied on the line", required=True),
        FieldSpec("lines.links", "Documents the line applies to", required=True),
        FieldSpec("lines.links.id", "Record number of the linked document", required=True),
        FieldSpec("lines.links.type", "Type of the linked document", True, tuple((t, t) for t in LINK_TYPES)),
        FieldSpec("lines.links.amount", "Amount applied to the linked document", required=True),
    ),
    rules=(
        info("lines", "Sage Intacct handles allocated payments only."),
        required("customerRef.id", "Must be an existing customer ID in Sage Intacct."),
        required("accountRef.id", "For undeposited payments use the GL account record number to charge."),
        Rule("accountRef.id", "Must match an existing Account Id.", _known_account),
        info(
            "accountRef.id",
            "To charge either a savings, checking or credit card account use its associated GL account "
            "number.",
        ),
        required("paymentMethodRef.id", "Must be provided."),
        Rule(
            "paymentMethodRef.id", "Must be a payment method Sage Intacct accepts on receipts.", _known_method
        ),
        required("totalAmount", "Must equal the sum of Lines.Amount."),
        Rule("totalAmount", "Must equal the sum of Lines.Amount.", _total_is_sum),
        required("date", "Must occur after the date the invoice was created."),
        info("reference", "Can be used to set the Document/Check No. in Sage Intacct."),
        max_length_rule("note", 1000, "Must be less than 1000 characters."),
        Rule("currencyRate", "Is required if currency is provided.", _rate_with_currency),
        *currency_rules(),
        lines_present_rule("lines", "Must contain at least one payment line."),
        number_at_least("lines.amount", Decimal(0), "Must be zero or greater: refunds are not supported."),
        Rule(
            "lines.amount",
            "When added together with the sum of the Links.Amount the total must be zero.",
            _nets_to_zero,
        ),
        Rule("lines.links", "Must contain only one Invoice.", _one_invoice),
        Rule(
            "lines.links",
            "No more than two links can exist when paying for an invoice via a CreditNote or "
            "PaymentOnAccount.",
            _at_most_two,
        ),
        one_of("lines.links.type", LINK_TYPES, "Must be one of Invoice or CreditNote or PaymentOnAccount."),
        required("lines.links.id", "Must be a valid Record No. from accounts receivable."),
        Rule("lines.links.id", "Must be an integer.", _integer_ids),
        info("lines.links.id", "Must relate to CustomerRef.Id in Sage Intacct."),
        required("lines.links.amount", "Must be provided."),
        Rule(
            "lines.links.amount",
            "Must be negative for an Invoice (the amount applied to it) and positive for a CreditNote or "
            "PaymentOnAccount (the credit used).",
            _link_sign,
        ),
        info(
            "lines.links.amount",
            "Must not be more than the total amount due for an invoice or the available funds in the account "
            "to be charged.",
        ),
    ),
)
