"""What Sage Intacct needs of a bill payment, written as an AP payment (``APPYMT``) (codat.md §7).

The payment is allocated through ``lines[].links[]``: each line is cash in the payment currency, its links
say which bill it pays (negative, in the bill's currency) and which bill credit notes it applies on the way
(positive): line 45 = Bill -405 + CreditNote +360.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from connectors.intacct.mapping._common import bank_account, currency_choices, currency_rules
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import (
    FieldSpec,
    RecordView,
    Rule,
    RuleSet,
    as_decimal,
    is_blank,
    length_between,
    lines,
    number_at_least,
    one_of,
    required,
)

LINK_TYPES = ("Bill", "CreditNote")


def _links(line: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = line.get("links")
    return [link for link in found if isinstance(link, Mapping)] if isinstance(found, list) else []


def _each_line(record: RecordView) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for index, line in enumerate(lines(record, "lines")):
        yield f"lines[{index}]", line


def _not_a_bank_account(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    account_id = (record.get("accountRef") or {}).get("id")
    if isinstance(account_id, str) and account_id and bank_account(account_id, facts) is None:
        yield "accountRef.id"


def _unknown_method(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    method = (record.get("paymentMethodRef") or {}).get("id")
    if isinstance(method, str) and method and method not in facts.payment_methods:
        yield "paymentMethodRef.id"


def _no_lines(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if not lines(record, "lines"):
        yield "lines"


def _total_mismatch(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    total = as_decimal(record.get("totalAmount"))
    amounts = [as_decimal(line.get("amount")) for _, line in _each_line(record)]
    if total is not None and amounts and None not in amounts:
        if sum((a for a in amounts if a is not None), Decimal(0)) != total:
            yield "totalAmount"


def _no_links(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for path, line in _each_line(record):
        if not _links(line):
            yield f"{path}.links"


def _bill_pairing(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    """Credit notes are applied to a bill: a line with CreditNote links names exactly one Bill."""
    for path, line in _each_line(record):
        kinds = [link.get("type") for link in _links(line)]
        if ("CreditNote" in kinds and kinds.count("Bill") != 1) or (kinds and "Bill" not in kinds):
            yield f"{path}.links"


def _signs(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for path, line in _each_line(record):
        for index, link in enumerate(_links(line)):
            amount = as_decimal(link.get("amount"))
            if amount is None:
                continue
            if (link.get("type") == "Bill" and amount >= 0) or (
                link.get("type") == "CreditNote" and amount <= 0
            ):
                yield f"{path}.links[{index}].amount"


def _unbalanced(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    """Line amount plus its link amounts nets to zero (checked when no link crosses currencies)."""
    for path, line in _each_line(record):
        links = _links(line)
        amount = as_decimal(line.get("amount"))
        if not links or amount is None or any(not is_blank(link.get("currencyRate")) for link in links):
            continue
        link_amounts = [as_decimal(link.get("amount")) for link in links]
        if None in link_amounts:
            continue
        if amount + sum((a for a in link_amounts if a is not None), Decimal(0)) != 0:
            yield f"{path}.links"


def _method_choices(facts: CompanyFacts) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(facts.payment_methods.items(), key=lambda item: (len(item[0]), item[0])))


RULES = RuleSet(
    data_type="billPayments",
    display_name="BillPayment",
    description="A bill payment represents an allocation of transactions across an 'accounts payable' "
    "account (supplier)",
    validator="BillPayment",
    fields=(
        FieldSpec("supplierRef", "Reference to the supplier the payment has been sent to", required=True),
        FieldSpec("supplierRef.id", "The reference identifier for the supplier", required=True),
        FieldSpec("accountRef", "Reference to the nominal account the payment is linked to", required=True),
        FieldSpec("accountRef.id", "The identifier for the account", required=True),
        FieldSpec(
            "totalAmount", "The total amount of the payment, inclusive of discounts and tax", required=True
        ),
        FieldSpec(
            "currency",
            "Currency of the payment",
            choices=currency_choices,
        ),
        FieldSpec("date", "The date the payment was recorded", required=True),
        FieldSpec("note", "Any additional text based information associated with the payment"),
        FieldSpec("paymentMethodRef", "The method of payment", required=True),
        FieldSpec(
            "paymentMethodRef.id",
            "The reference identifier for the payment method",
            required=True,
            choices=_method_choices,
        ),
        FieldSpec("lines", "A collection of payment lines", required=True),
        FieldSpec("lines.amount", "The total amount for the line in the payment currency", required=True),
        FieldSpec("lines.links", "A collection of linked transactions", required=True),
        FieldSpec(
            "lines.links.type",
            "The type of transaction that is being linked",
            required=True,
            choices=tuple((t, t) for t in LINK_TYPES),
        ),
        FieldSpec("lines.links.id", "The identifier for the referenced transaction", required=True),
        FieldSpec(
            "lines.links.amount",
            "The amount by which the balance of the linked entity is altered, in its currency",
            required=True,
        ),
    ),
    rules=(
        required("supplierRef.id"),
        required("accountRef.id"),
        Rule(
            "accountRef.id",
            "Must be a GL account tied to a bank account, compatible with the type of PaymentMethodRef.",
            _not_a_bank_account,
        ),
        required("totalAmount"),
        number_at_least("totalAmount", Decimal(0), "Must be a positive amount.", strict=True),
        Rule("totalAmount", "Must equal the sum of the lines' amounts.", _total_mismatch),
        *currency_rules(),
        required("date"),
        length_between("note", 0, 1000, "Must be no greater than 1000 characters."),
        required("paymentMethodRef.id"),
        Rule("paymentMethodRef.id", "Must be one of the payment methods of the company.", _unknown_method),
        Rule("lines", "Must contain at least one line.", _no_lines),
        number_at_least("lines.amount", Decimal(0), "Must not be a negative amount."),
        Rule("lines.links", "Must contain at least one link.", _no_links),
        one_of("lines.links.type", LINK_TYPES, "Must be Bill or CreditNote."),
        required("lines.links.id"),
        required("lines.links.amount"),
        Rule(
            "lines.links",
            "Each line pays one Bill; CreditNote links are applied to the single Bill of their line.",
            _bill_pairing,
        ),
        Rule("lines.links.amount", "Bill links must be negative, CreditNote links positive.", _signs),
        Rule("lines.links", "The line amount plus its link amounts must net to zero.", _unbalanced),
    ),
)
