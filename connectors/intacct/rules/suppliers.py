"""What Sage Intacct needs of a supplier, written as a VENDOR (codat.md §7.1 "Supplier updates", §7.2).

The same table serves create and update: the name can never be cleared, only one address is kept, and a
tax number needs the address's country. The rules shared with customers live in ``rules._parties``.
"""

from __future__ import annotations

from connectors.intacct.mapping._common import currency_choices
from connectors.intacct.rules._base import FieldSpec, RuleSet, required
from connectors.intacct.rules._parties import (
    ADDRESS_FIELDS,
    ADDRESS_RULES,
    COUNTRIES,
    STATUSES,
    identity_rules,
)

__all__ = ["COUNTRIES", "RULES", "STATUSES"]

RULES = RuleSet(
    data_type="suppliers",
    display_name="Supplier",
    description="A Supplier is a person or organisation that provides a product or service",
    validator="Supplier",
    fields=(
        FieldSpec("supplierName", "Name of the supplier", required=True),
        FieldSpec("contactName", "Name of the main contact for the supplier", required=True),
        FieldSpec(
            "status",
            "The current state of the supplier",
            required=True,
            choices=tuple((s, s) for s in STATUSES),
        ),
        FieldSpec("phone", "The telephone number for the supplier"),
        FieldSpec("emailAddress", "The email address for the supplier"),
        FieldSpec("taxNumber", "The tax number of the supplier"),
        FieldSpec("registrationNumber", "The registration number of the supplier"),
        FieldSpec(
            "defaultCurrency",
            "The default currency for transactions recorded against the supplier",
            choices=currency_choices,
        ),
        FieldSpec("addresses", "A collection of addresses associated to the supplier"),
        *ADDRESS_FIELDS,
    ),
    rules=(
        *identity_rules(
            "VENDOR",
            "suppliers",
            "supplierName",
            required("contactName", "Must be between 1 and 200 characters."),
        ),
        *ADDRESS_RULES,
    ),
)
