"""Customers <-> Intacct CUSTOMER, via the generic ``create`` / ``update`` (create-customer-request.xml).

Unified ``id`` is the ``CUSTOMERID``. Intacct reads and writes one contact per customer, the
``DISPLAYCONTACT``: ``contactName`` is split at its last space into first and last name (40 characters
each, as for suppliers), ``emailAddress``/``phone`` are its ``EMAIL1``/``PHONE1`` and the one address its
``MAILADDRESS``. When those header fields are absent the primary (first) entry of ``contacts`` supplies
them. ``status`` Active/Archived is ``STATUS`` active/inactive. The record shape shared with suppliers is
written and read by ``_parties``.

Updates keep Codat's Intacct semantics: ``null``/absent keeps the stored value, ``""`` clears it
(``defaultCurrency: ""`` clears the currency); the name cannot be cleared.

Lost-answer ``lookup``: ``CUSTOMERID`` when the plan sends one; with auto-numbering the ``NAME``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from connectors.intacct.mapping._common import checked, read_timestamp, record_status, text, view_of
from connectors.intacct.mapping._parties import (
    party_body,
    party_plan,
    read_address,
    read_contact,
    read_fields,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import ReadSpec, WritePlan
from connectors.intacct.rules._base import RecordView, lines
from connectors.intacct.rules.customers import RULES
from datamodel import (
    UNSET,
    Contact,
    Customer,
    CustomerStatus,
    Metadata,
    PhoneNumber,
    PhoneNumberType,
)

__all__ = ["READ", "RULES", "plan_create", "plan_update", "to_unified"]

OBJECT: Final = "CUSTOMER"
ID_FIELD: Final = "CUSTOMERID"


def _primary(view: RecordView) -> dict[str, Any]:
    """The header contact fields, filled from the first ``contacts`` entry where the header is silent."""
    contacts = lines(view, "contacts")
    first = contacts[0] if contacts else {}
    phones = [p for p in first.get("phone") or [] if isinstance(p, Mapping) and p.get("number")]
    merged = {
        "contactName": view.get("contactName"),
        "emailAddress": view.get("emailAddress"),
        "phone": view.get("phone"),
    }
    fallbacks = {"contactName": first.get("name"), "emailAddress": first.get("email")}
    fallbacks["phone"] = phones[0]["number"] if phones else None
    for key, fallback in fallbacks.items():
        if merged[key] is None and fallback:
            merged[key] = fallback
    addresses = lines(view, "addresses")
    merged["address"] = addresses[0] if addresses else first.get("address")
    return merged


def _customer(view: RecordView, facts: CompanyFacts, *, update: bool) -> dict[str, Any]:
    return party_body(
        view,
        _primary(view),
        facts,
        id_field=ID_FIELD,
        name_key="customerName",
        data_type="customers",
        update=update,
    )


def plan_create(record: Customer, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``create CUSTOMER`` (refused if a rule of ``RULES`` breaks)."""
    del operation_key  # CUSTOMER has no external id; CUSTOMERID/NAME identify it
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    return party_plan(OBJECT, ID_FIELD, _customer(view, facts, update=False), warnings)


def plan_update(record_id: str, record: Customer, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``update CUSTOMER`` keyed by ``CUSTOMERID`` (the unified id)."""
    del operation_key
    view = {**view_of(record), "id": record_id}
    warnings = checked(RULES, view, facts)
    body = _customer(view, facts, update=True)
    return party_plan(OBJECT, ID_FIELD, body, warnings, record_id=record_id)


# --- reading -------------------------------------------------------------------------------------------

FIELDS: Final = read_fields(ID_FIELD)


def to_unified(row: Mapping[str, Any], lines_: Sequence[Mapping[str, Any]], facts: CompanyFacts) -> Customer:
    """A CUSTOMER row (flat ``query`` names or nested ``read`` blocks) as a unified customer."""
    del lines_, facts
    contact_name, email, phone = read_contact(row)
    address = read_address(row)
    status = record_status(row, CustomerStatus)
    contacts: list[Contact] = []
    if contact_name or email or phone:
        contacts.append(
            Contact(
                name=contact_name if contact_name is not None else UNSET,
                email=email if email is not None else UNSET,
                phone=[PhoneNumber(number=phone, type=PhoneNumberType.PRIMARY)] if phone else [],
                address=address,
                status=status,
            )
        )
    return Customer(
        id=text(row, ID_FIELD),
        customer_name=text(row, "NAME"),
        contact_name=contact_name if contact_name is not None else UNSET,
        email_address=email if email is not None else UNSET,
        phone=phone if phone is not None else UNSET,
        default_currency=text(row, "CURRENCY"),
        tax_number=text(row, "TAXID") or "",
        addresses=[address] if address else [],
        contacts=contacts,
        status=status,
        source_modified_date=read_timestamp(text(row, "WHENMODIFIED")),
        metadata=Metadata(is_deleted=False),
    )


READ = ReadSpec(
    data_type="customers", object=OBJECT, fields=FIELDS, to_unified=to_unified, key_field=ID_FIELD
)
