"""Payment methods: Intacct's fixed list, under the numeric ids Codat uses for it.

Intacct's XML gateway has no payment-method object to read (the methods are fixed words such as
``Printed Check`` or ``EFT``), so the list is data: the ids are the ones Codat's Sage Intacct examples
show (``6`` = Cash, ``12`` = ACH; paymentMethods-list-response-sage-intacct.json) and the statuses are
``Unknown`` as Codat reports them. ``facts.payment_methods`` (id -> name) may override the list for a
company; ``method_names`` is what the write mappings and the options choices use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from connectors.intacct.mapping.facts import CompanyFacts
from datamodel import Metadata, PaymentMethod, PaymentMethodStatus, PaymentMethodType

__all__ = [
    "AP_METHODS",
    "AR_METHODS",
    "PAYMENT_METHODS",
    "choices",
    "method_id",
    "method_names",
    "records",
]


@dataclass(frozen=True, slots=True)
class MethodFact:
    id: str
    name: str
    type: PaymentMethodType


PAYMENT_METHODS: Final = (
    MethodFact("1", "Printed Check", PaymentMethodType.CHECK),
    MethodFact("2", "Joint Check", PaymentMethodType.CHECK),
    MethodFact("3", "Credit Card", PaymentMethodType.CREDIT_CARD),
    MethodFact("5", "EFT", PaymentMethodType.BANK_TRANSFER),
    MethodFact("6", "Cash", PaymentMethodType.CASH),
    MethodFact("12", "ACH", PaymentMethodType.OTHER),
)
#: Methods Intacct accepts on AR receipts (ARPYMT ``PAYMENTMETHOD``) and AP payments (APPYMT).
AR_METHODS: Final = frozenset(
    {"Printed Check", "Cash", "EFT", "Credit Card", "Online Charge Card", "Online ACH Debit"}
)
AP_METHODS: Final = frozenset({"Printed Check", "Joint Check", "Cash", "EFT", "Credit Card", "ACH"})


def method_names(facts: CompanyFacts) -> Mapping[str, str]:
    """Payment method id -> Intacct name: the company's list when the connector gave one, else Intacct's."""
    if facts.payment_methods:
        return facts.payment_methods
    return {method.id: method.name for method in PAYMENT_METHODS}


def method_id(name: str | None, facts: CompanyFacts) -> str | None:
    """The unified id of an Intacct payment method name (``Cash`` -> ``6``)."""
    if not name:
        return None
    return next((key for key, value in method_names(facts).items() if value.lower() == name.lower()), None)


def choices(facts: CompanyFacts, allowed: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """(id, name) options for a push-options tree, limited to the methods a function accepts."""
    return tuple((key, name) for key, name in method_names(facts).items() if name in allowed)


def records(facts: CompanyFacts) -> list[PaymentMethod]:
    """The ``paymentMethods`` dataset of a company."""
    types = {method.name: method.type for method in PAYMENT_METHODS}
    return [
        PaymentMethod(
            id=key,
            name=name,
            type=types.get(name, PaymentMethodType.OTHER),
            status=PaymentMethodStatus.UNKNOWN,
            metadata=Metadata(is_deleted=False),
        )
        for key, name in method_names(facts).items()
    ]
