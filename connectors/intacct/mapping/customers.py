"""Customers <-> Intacct CUSTOMER, via the generic ``create`` / ``update`` (create-customer-request.xml).

Unified ``id`` is the ``CUSTOMERID``. Intacct reads and writes one contact per customer, the
``DISPLAYCONTACT``: ``contactName`` is split at its last space into first and last name (40 characters
each, as for suppliers), ``emailAddress``/``phone`` are its ``EMAIL1``/``PHONE1`` and the one address its
``MAILADDRESS``. When those header fields are absent the primary (first) entry of ``contacts`` supplies
them. ``status`` Active/Archived is ``STATUS`` active/inactive.

Updates keep Codat's Intacct semantics: ``null``/absent keeps the stored value, ``""`` clears it
(``defaultCurrency: ""`` clears the currency); the name cannot be cleared.

Lost-answer ``lookup``: ``CUSTOMERID`` when the plan sends one; with auto-numbering the ``NAME``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from connectors.intacct.mapping._common import (
    checked,
    custom_values,
    generic_custom_fields,
    read_timestamp,
    text,
    view_of,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import ReadSpec, WritePlan
from connectors.intacct.mapping.suppliers import split_contact_name
from connectors.intacct.rules._base import RecordView, lines
from connectors.intacct.rules.customers import RULES
from connectors.intacct.xml.tree import EMPTY
from datamodel import (
    UNSET,
    Address,
    AddressType,
    Contact,
    Customer,
    CustomerStatus,
    Metadata,
    PhoneNumber,
    PhoneNumberType,
)

__all__ = ["READ", "RULES", "plan_create", "plan_update", "to_unified"]

OBJECT: Final = "CUSTOMER"
_STATUS_OUT: Final = {"Active": "active", "Archived": "inactive"}
_ADDRESS: Final = (
    ("line1", "ADDRESS1"),
    ("line2", "ADDRESS2"),
    ("city", "CITY"),
    ("region", "STATE"),
    ("postalCode", "ZIP"),
    ("country", "COUNTRY"),
)


def _value(source: Mapping[str, Any], key: str, *, update: bool) -> Any:
    """Create: the value or nothing. Update: ``null``/absent keeps (omit), ``""`` clears (empty element)."""
    value = source.get(key)
    if value is None:
        return None
    if value == "":
        return EMPTY if update else None
    return value


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
    primary = _primary(view)
    contact: dict[str, Any] = {}
    name = view.get("customerName")
    if name:
        contact |= {"PRINTAS": name, "COMPANYNAME": name}
    contact_name = primary["contactName"]
    if contact_name:
        first, last = split_contact_name(contact_name)
        contact |= {"FIRSTNAME": first or (EMPTY if update else None), "LASTNAME": last}
    elif contact_name == "" and update:
        contact |= {"FIRSTNAME": EMPTY, "LASTNAME": EMPTY}
    contact |= {
        "PHONE1": _value(primary, "phone", update=update),
        "EMAIL1": _value(primary, "emailAddress", update=update),
    }
    address = primary["address"]
    if isinstance(address, Mapping):
        mail = {field: _value(address, key, update=update) for key, field in _ADDRESS}
        if any(v is not None for v in mail.values()):
            contact["MAILADDRESS"] = mail
    status = view.get("status")
    return {
        "CUSTOMERID": view.get("id") or None,
        "NAME": name or None,
        "DISPLAYCONTACT": contact if any(v is not None for v in contact.values()) else None,
        "STATUS": _STATUS_OUT.get(str(status)) if status else None,
        "TAXID": _value(view, "taxNumber", update=update),
        "CURRENCY": _value(view, "defaultCurrency", update=update),
        **generic_custom_fields(custom_values(view, facts, "customers")),
    }


def plan_create(record: Customer, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``create CUSTOMER`` (refused if a rule of ``RULES`` breaks)."""
    del operation_key  # CUSTOMER has no external id; CUSTOMERID/NAME identify it
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    customer = _customer(view, facts, update=False)
    lookup = (
        {"CUSTOMERID": str(customer["CUSTOMERID"])}
        if customer["CUSTOMERID"]
        else {"NAME": str(customer["NAME"])}
    )
    return WritePlan(
        function="create",
        body={OBJECT: customer},
        read_object=OBJECT,
        key_kind="recordno",
        lookup=lookup,
        warnings=warnings,
    )


def plan_update(record_id: str, record: Customer, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``update CUSTOMER`` keyed by ``CUSTOMERID`` (the unified id)."""
    del operation_key
    view = {**view_of(record), "id": record_id}
    warnings = checked(RULES, view, facts)
    return WritePlan(
        function="update",
        body={OBJECT: _customer(view, facts, update=True)},
        read_object=OBJECT,
        key_kind="recordno",
        lookup={"CUSTOMERID": record_id},
        warnings=warnings,
    )


# --- reading -------------------------------------------------------------------------------------------

_CONTACT_FIELDS: Final = (
    "FIRSTNAME",
    "LASTNAME",
    "EMAIL1",
    "PHONE1",
    *(f"MAILADDRESS.{f}" for _, f in _ADDRESS),
)
FIELDS: Final = (
    "RECORDNO",
    "CUSTOMERID",
    "NAME",
    "STATUS",
    "CURRENCY",
    "TAXID",
    "WHENMODIFIED",
    *(f"DISPLAYCONTACT.{name}" for name in _CONTACT_FIELDS),
)


def _status(row: Mapping[str, Any]) -> CustomerStatus:
    word = (text(row, "STATUS") or "").lower()
    if word in {"active", "t", "true"}:
        return CustomerStatus.ACTIVE
    if word in {"inactive", "f", "false"}:
        return CustomerStatus.ARCHIVED
    return CustomerStatus.UNKNOWN


def _address(row: Mapping[str, Any]) -> Address | None:
    values = {key: text(row, f"DISPLAYCONTACT.MAILADDRESS.{field}") for key, field in _ADDRESS}
    if not any(values.values()):
        return None
    return Address(
        type=AddressType.UNKNOWN,
        line1=values["line1"] or "",
        line2=values["line2"] or "",
        city=values["city"] or "",
        region=values["region"] or "",
        country=values["country"] or "",
        postal_code=values["postalCode"] or "",
    )


def to_unified(row: Mapping[str, Any], lines_: Sequence[Mapping[str, Any]], facts: CompanyFacts) -> Customer:
    """A CUSTOMER row (flat ``query`` names or nested ``read`` blocks) as a unified customer."""
    del lines_, facts
    first, last = text(row, "DISPLAYCONTACT.FIRSTNAME"), text(row, "DISPLAYCONTACT.LASTNAME")
    contact_name = " ".join(part for part in (first, last) if part) or None
    email, phone = text(row, "DISPLAYCONTACT.EMAIL1"), text(row, "DISPLAYCONTACT.PHONE1")
    address = _address(row)
    status = _status(row)
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
        id=text(row, "CUSTOMERID"),
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
    data_type="customers", object=OBJECT, fields=FIELDS, to_unified=to_unified, key_field="CUSTOMERID"
)
