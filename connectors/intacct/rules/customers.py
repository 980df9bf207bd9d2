"""What Sage Intacct requires of a customer, written as a CUSTOMER (codat.md §7.1-7.2).

Intacct keeps one contact on the customer record (``DISPLAYCONTACT``), so only the primary contact and one
address are written; more are reported as ignored. ``id`` becomes ``CUSTOMERID`` and is required unless
the company numbers customers itself (``facts.numbers("CUSTOMER")``).
"""

from __future__ import annotations

from collections.abc import Iterator

from connectors.intacct.mapping._ar_common import ignored_rule
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import FieldSpec, RecordView, Rule, RuleSet, is_blank, lines
from connectors.intacct.rules._parties import ADDRESS_FIELDS, ADDRESS_RULES, STATUSES, identity_rules

__all__ = ["RULES", "STATUSES"]


def _contact_missing(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    """``contactName``, or the name of the primary contact it is taken from."""
    contacts = lines(record, "contacts")
    if is_blank(record.get("contactName")) and (not contacts or is_blank(contacts[0].get("name"))):
        yield "contactName"


def _extra_contacts(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for index in range(1, len(lines(record, "contacts"))):
        yield f"contacts[{index}]"


def _currencies(facts: CompanyFacts) -> tuple[tuple[str, str], ...]:
    return tuple((c, c) for c in facts.currencies)


RULES = RuleSet(
    data_type="customers",
    display_name="Customer",
    description="A customer is a person or organisation that buys goods or services",
    validator="Customer",
    fields=(
        FieldSpec("id", "Customer ID; required unless Sage Intacct numbers customers automatically"),
        FieldSpec("customerName", "Name of the customer", required=True),
        FieldSpec("contactName", "Name of the main contact for the customer", required=True),
        FieldSpec("status", "The current state of the customer", True, tuple((s, s) for s in STATUSES)),
        FieldSpec("phone", "The telephone number for the customer"),
        FieldSpec("emailAddress", "The email address for the customer"),
        FieldSpec("taxNumber", "The tax number of the customer"),
        FieldSpec("registrationNumber", "The registration number of the customer"),
        FieldSpec(
            "defaultCurrency", "The default currency for the customer's transactions", choices=_currencies
        ),
        FieldSpec("addresses", "A collection of addresses associated to the customer"),
        *ADDRESS_FIELDS,
        FieldSpec("contacts", "The customer's primary contact (Intacct keeps one)"),
    ),
    rules=(
        *identity_rules(
            "CUSTOMER",
            "customers",
            "customerName",
            Rule("contactName", "Must be between 1 and 200 characters.", _contact_missing),
        ),
        ignored_rule("registrationNumber"),
        *ADDRESS_RULES,
        Rule(
            "contacts",
            "Only the primary (first) contact is written to Sage Intacct; the others are ignored.",
            _extra_contacts,
            "warning",
        ),
    ),
)
