"""What Sage Intacct requires of a customer, written as a CUSTOMER (codat.md §7.1-7.2).

Intacct keeps one contact on the customer record (``DISPLAYCONTACT``), so only the primary contact and one
address are written; more are reported as ignored. ``id`` becomes ``CUSTOMERID`` and is required unless
the company numbers customers itself (``facts.numbers("CUSTOMER")``).
"""

from __future__ import annotations

from collections.abc import Iterator

from connectors.intacct.mapping._ar_common import ignored_rule
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import (
    FieldSpec,
    RecordView,
    Rule,
    RuleSet,
    is_blank,
    length_between,
    lines,
    one_of,
    required,
)
from connectors.intacct.rules.suppliers import COUNTRIES

STATUSES = ("Active", "Archived")
_COUNTRY_SET = frozenset(COUNTRIES)


def _id_needed(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    if not facts.numbers("CUSTOMER") and is_blank(record.get("id")):
        yield "id"


def _contact_missing(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    """``contactName``, or the name of the primary contact it is taken from."""
    contacts = lines(record, "contacts")
    if is_blank(record.get("contactName")) and (not contacts or is_blank(contacts[0].get("name"))):
        yield "contactName"


def _too_many_addresses(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if len(lines(record, "addresses")) > 1:
        yield "addresses"


def _extra_contacts(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for index in range(1, len(lines(record, "contacts"))):
        yield f"contacts[{index}]"


def _country_for_tax_number(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if is_blank(record.get("taxNumber")):
        return
    addresses = lines(record, "addresses")
    if not addresses:
        yield "addresses"
    elif is_blank(addresses[0].get("country")):
        yield "addresses[0].country"


def _unknown_country(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for index, address in enumerate(lines(record, "addresses")):
        country = address.get("country")
        if isinstance(country, str) and country and country not in _COUNTRY_SET:
            yield f"addresses[{index}].country"


def _unknown_currency(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    value = record.get("defaultCurrency")
    if isinstance(value, str) and value and value not in {*facts.currencies, facts.base_currency}:
        yield "defaultCurrency"


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
        FieldSpec("addresses.line1", "The first line of the address"),
        FieldSpec("addresses.line2", "The second line of the address"),
        FieldSpec("addresses.city", "The third line of the address, or city"),
        FieldSpec("addresses.region", "The fourth line of the address, or region"),
        FieldSpec("addresses.postalCode", "The postal (or zip) code for the address"),
        FieldSpec(
            "addresses.country", "The country for the address", choices=tuple((c, c) for c in COUNTRIES)
        ),
        FieldSpec("contacts", "The customer's primary contact (Intacct keeps one)"),
    ),
    rules=(
        Rule("id", "Must be provided when the company does not number customers automatically.", _id_needed),
        required("customerName", "Must be between 1 and 100 characters (the name cannot be cleared)."),
        length_between("customerName", 1, 100, "Must be between 1 and 100 characters."),
        Rule("contactName", "Must be between 1 and 200 characters.", _contact_missing),
        length_between("contactName", 1, 200, "Must be between 1 and 200 characters."),
        required("status"),
        one_of("status", STATUSES, "Must be Active or Archived."),
        length_between("phone", 0, 30, "Must be no greater than 30 characters."),
        length_between("emailAddress", 0, 200, "Must be no greater than 200 characters."),
        length_between("taxNumber", 0, 20, "Must be no greater than 20 characters."),
        length_between("registrationNumber", 0, 100, "Must be no greater than 100 characters."),
        ignored_rule("registrationNumber"),
        Rule(
            "defaultCurrency",
            "Must be a currency enabled in the Sage Intacct entity, or empty to clear it.",
            _unknown_currency,
        ),
        Rule("addresses", "If supplied, must contain only 1 address.", _too_many_addresses),
        Rule(
            "addresses",
            "If TaxNumber is supplied, an Address with a Country is required.",
            _country_for_tax_number,
        ),
        length_between("addresses.line1", 0, 200, "Must be no greater than 200 characters."),
        length_between("addresses.line2", 0, 200, "Must be no greater than 200 characters."),
        length_between("addresses.city", 0, 80, "Must be no greater than 80 characters."),
        length_between("addresses.region", 0, 40, "Must be no greater than 40 characters."),
        length_between("addresses.postalCode", 0, 30, "Must be no greater than 30 characters."),
        Rule("addresses.country", "Must be one of the country names Sage Intacct accepts.", _unknown_country),
        Rule(
            "contacts",
            "Only the primary (first) contact is written to Sage Intacct; the others are ignored.",
            _extra_contacts,
            "warning",
        ),
    ),
)
