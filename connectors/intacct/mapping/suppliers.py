"""Suppliers <-> Intacct vendors (VENDOR), via the generic ``create`` / ``update``.

Unified ``id`` is the ``VENDORID``. The contact lives in ``DISPLAYCONTACT``: ``contactName`` is split at its
last space into first and last name (40 characters each, Intacct's limits), the one address is its
``MAILADDRESS``. ``status`` Active/Archived is ``STATUS`` active/inactive. The record shape shared with
customers is written and read by ``_parties``.

Updates follow Codat's rules for Intacct: a field sent as ``null`` (or absent) keeps Intacct's value, an
empty string clears it (``defaultCurrency: ""`` clears the currency); the name can never be cleared.

Lost-answer ``lookup``: ``VENDORID`` when the plan sends it; with auto-numbering the ``NAME``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from msgspec import UNSET

from connectors.intacct.mapping._common import checked, or_unset, read_timestamp, record_status, text, view_of
from connectors.intacct.mapping._parties import (
    party_body,
    party_plan,
    read_address,
    read_contact,
    read_fields,
    split_contact_name,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import ReadSpec, WritePlan
from connectors.intacct.rules._base import RecordView, lines
from connectors.intacct.rules.suppliers import RULES
from datamodel import Metadata, Supplier
from datamodel.enums import SupplierStatus

__all__ = ["READ", "RULES", "plan_create", "plan_update", "split_contact_name", "to_unified"]

OBJECT: Final = "VENDOR"
ID_FIELD: Final = "VENDORID"


def _vendor(view: RecordView, facts: CompanyFacts, *, update: bool) -> dict[str, Any]:
    addresses = lines(view, "addresses")
    primary = {
        "contactName": view.get("contactName"),
        "phone": view.get("phone"),
        "emailAddress": view.get("emailAddress"),
        "address": addresses[0] if addresses else None,
    }
    return party_body(
        view, primary, facts, id_field=ID_FIELD, name_key="supplierName", data_type="suppliers", update=update
    )


def plan_create(record: Supplier, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``create VENDOR``."""
    del operation_key  # VENDOR has no external id; VENDORID/NAME identify it
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    return party_plan(OBJECT, ID_FIELD, _vendor(view, facts, update=False), warnings)


def plan_update(record_id: str, record: Supplier, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``update VENDOR`` keyed by ``VENDORID`` (the unified id); see the module notes on clearing."""
    del operation_key
    view = {**view_of(record), "id": record_id}
    warnings = checked(RULES, view, facts)
    body = _vendor(view, facts, update=True)
    return party_plan(OBJECT, ID_FIELD, body, warnings, record_id=record_id)


# --- read ----------------------------------------------------------------------------------------------


def to_unified(row: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts) -> Supplier:
    """A VENDOR row (flat ``query`` names or nested ``read`` blocks) as a unified supplier."""
    del lines, facts
    contact, email, phone = read_contact(row)
    address = read_address(row)
    return Supplier(
        id=text(row, ID_FIELD),
        supplier_name=text(row, "NAME"),
        contact_name=or_unset(contact),
        email_address=or_unset(email),
        phone=or_unset(phone),
        default_currency=text(row, "CURRENCY") or UNSET,
        registration_number="",
        tax_number=text(row, "TAXID") or "",
        addresses=[address] if address else [],
        status=record_status(row, SupplierStatus),
        source_modified_date=read_timestamp(text(row, "WHENMODIFIED")),
        metadata=Metadata(is_deleted=False),
    )


READ = ReadSpec(
    data_type="suppliers",
    object=OBJECT,
    fields=read_fields(ID_FIELD),
    to_unified=to_unified,
    key_field=ID_FIELD,
)
