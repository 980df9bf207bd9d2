"""Suppliers <-> Intacct vendors (VENDOR), via the generic ``create`` / ``update``.

Unified ``id`` is the ``VENDORID``. The contact lives in ``DISPLAYCONTACT``: ``contactName`` is split at its
last space into first and last name (40 characters each, Intacct's limits), the one address is its
``MAILADDRESS``. ``status`` Active/Archived is ``STATUS`` active/inactive.

Updates follow Codat's rules for Intacct: a field sent as ``null`` (or absent) keeps Intacct's value, an
empty string clears it (``defaultCurrency: ""`` clears the currency); the name can never be cleared.

Lost-answer ``lookup``: ``VENDORID`` when the plan sends it; with auto-numbering the ``NAME``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from msgspec import UNSET

from connectors.intacct.mapping._common import (
    checked,
    custom_values,
    generic_custom_fields,
    or_unset,
    read_timestamp,
    text,
    view_of,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import ReadSpec, WritePlan
from connectors.intacct.rules._base import RecordView
from connectors.intacct.rules.suppliers import RULES
from connectors.intacct.xml.tree import EMPTY
from datamodel import Address, Metadata, Supplier
from datamodel.enums import AddressType, SupplierStatus

__all__ = ["READ", "RULES", "plan_create", "plan_update", "split_contact_name", "to_unified"]

OBJECT = "VENDOR"
NAME_PART = 40
_STATUS_OUT = {"Active": "active", "Archived": "inactive"}
_ADDRESS = (
    ("line1", "ADDRESS1"),
    ("line2", "ADDRESS2"),
    ("city", "CITY"),
    ("region", "STATE"),
    ("postalCode", "ZIP"),
    ("country", "COUNTRY"),
)


def split_contact_name(name: str) -> tuple[str, str]:
    """``"Joe Bloggs"`` -> ``("Joe", "Bloggs")``: split at the last space, 40 characters each."""
    first, _, last = name.strip().rpartition(" ")
    return first.strip()[:NAME_PART], last.strip()[:NAME_PART]


def _value(view: RecordView, key: str, *, update: bool) -> Any:
    """Create: the value or nothing. Update: ``null``/absent keeps (omit), ``""`` clears (empty element)."""
    value = view.get(key)
    if value is None:
        return None
    if value == "":
        return EMPTY if update else None
    return value


def _vendor(view: RecordView, facts: CompanyFacts, *, update: bool) -> dict[str, Any]:
    contact: dict[str, Any] = {}
    name = view.get("supplierName")
    if name:
        contact |= {"PRINTAS": name, "COMPANYNAME": name}
    contact_name = view.get("contactName")
    if contact_name:
        first, last = split_contact_name(contact_name)
        contact |= {"FIRSTNAME": first or (EMPTY if update else None), "LASTNAME": last}
    elif contact_name == "" and update:
        contact |= {"FIRSTNAME": EMPTY, "LASTNAME": EMPTY}
    contact |= {
        "PHONE1": _value(view, "phone", update=update),
        "EMAIL1": _value(view, "emailAddress", update=update),
    }
    addresses = view.get("addresses") or []
    if addresses:
        first_address = addresses[0]
        mail = {field: _value(first_address, key, update=update) for key, field in _ADDRESS}
        if any(v is not None for v in mail.values()):
            contact["MAILADDRESS"] = mail
    status = view.get("status")
    return {
        "VENDORID": view.get("id") or None,
        "NAME": name,
        "DISPLAYCONTACT": contact if any(v is not None for v in contact.values()) else None,
        "STATUS": _STATUS_OUT.get(str(status)) if status else None,
        "TAXID": _value(view, "taxNumber", update=update),
        "CURRENCY": _value(view, "defaultCurrency", update=update),
        **generic_custom_fields(custom_values(view, facts, "suppliers")),
    }


def plan_create(record: Supplier, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``create VENDOR``."""
    del operation_key  # VENDOR has no external id; VENDORID/NAME identify it
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    vendor = _vendor(view, facts, update=False)
    lookup = {"VENDORID": str(vendor["VENDORID"])} if vendor["VENDORID"] else {"NAME": str(vendor["NAME"])}
    return WritePlan(
        function="create",
        body={OBJECT: vendor},
        read_object=OBJECT,
        key_kind="recordno",
        lookup=lookup,
        warnings=warnings,
    )


def plan_update(record_id: str, record: Supplier, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``update VENDOR`` keyed by ``VENDORID`` (the unified id); see the module notes on clearing."""
    del operation_key
    view = {**view_of(record), "id": record_id}
    warnings = checked(RULES, view, facts)
    vendor = _vendor(view, facts, update=True)
    return WritePlan(
        function="update",
        body={OBJECT: vendor},
        read_object=OBJECT,
        key_kind="recordno",
        lookup={"VENDORID": record_id},
        warnings=warnings,
    )


# --- read ----------------------------------------------------------------------------------------------


def _address(row: Mapping[str, Any]) -> list[Address]:
    values = {key: text(row, f"DISPLAYCONTACT.MAILADDRESS.{field}") for key, field in _ADDRESS}
    if not any(values.values()):
        return []
    return [
        Address(
            type=AddressType.UNKNOWN,
            line1=values["line1"] or "",
            line2=values["line2"] or "",
            city=values["city"] or "",
            region=values["region"] or "",
            country=values["country"] or "",
            postal_code=values["postalCode"] or "",
        )
    ]


def to_unified(row: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts) -> Supplier:
    """A VENDOR row (flat ``query`` names or nested ``read`` blocks) as a unified supplier."""
    del lines, facts
    first, last = text(row, "DISPLAYCONTACT.FIRSTNAME"), text(row, "DISPLAYCONTACT.LASTNAME")
    contact = " ".join(part for part in (first, last) if part) or None
    status = (text(row, "STATUS") or "").lower()
    email, phone = text(row, "DISPLAYCONTACT.EMAIL1"), text(row, "DISPLAYCONTACT.PHONE1")
    return Supplier(
        id=text(row, "VENDORID"),
        supplier_name=text(row, "NAME"),
        contact_name=or_unset(contact),
        email_address=or_unset(email),
        phone=or_unset(phone),
        default_currency=text(row, "CURRENCY") or UNSET,
        registration_number="",
        tax_number=text(row, "TAXID") or "",
        addresses=_address(row),
        status=SupplierStatus.ACTIVE
        if status in {"active", "t", "true"}
        else SupplierStatus.ARCHIVED
        if status in {"inactive", "f", "false"}
        else SupplierStatus.UNKNOWN,
        source_modified_date=read_timestamp(text(row, "WHENMODIFIED")),
        metadata=Metadata(is_deleted=False),
    )


READ = ReadSpec(
    data_type="suppliers",
    object=OBJECT,
    fields=(
        "RECORDNO",
        "VENDORID",
        "NAME",
        "STATUS",
        "CURRENCY",
        "TAXID",
        "WHENMODIFIED",
        *(
            f"DISPLAYCONTACT.{name}"
            for name in (
                "FIRSTNAME",
                "LASTNAME",
                "EMAIL1",
                "PHONE1",
                *(f"MAILADDRESS.{f}" for _, f in _ADDRESS),
            )
        ),
    ),
    to_unified=to_unified,
    key_field="VENDORID",
)
