"""Customers and suppliers are the same record to Intacct (CUSTOMER / VENDOR): an id, a name, a status,
tax id, currency and one ``DISPLAYCONTACT`` with one ``MAILADDRESS``. This module writes and reads that
shape once; ``customers`` and ``suppliers`` only say where their fields come from.

Writes follow Codat's update semantics for Intacct: ``null``/absent keeps the stored value (the element
is omitted), ``""`` clears it (an empty element); on create an empty value is simply not sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from connectors.intacct.mapping._common import custom_values, generic_custom_fields, text
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import PlanWarning, WritePlan
from connectors.intacct.rules._base import RecordView
from connectors.intacct.xml.tree import EMPTY
from datamodel import Address, AddressType

__all__ = [
    "ADDRESS",
    "NAME_PART",
    "STATUS_OUT",
    "party_body",
    "party_plan",
    "read_address",
    "read_contact",
    "read_fields",
    "split_contact_name",
    "write_value",
]

#: Intacct keeps at most this many characters of a first or last name.
NAME_PART: Final = 40
STATUS_OUT: Final = {"Active": "active", "Archived": "inactive"}
#: (unified address field, ``MAILADDRESS`` child).
ADDRESS: Final = (
    ("line1", "ADDRESS1"),
    ("line2", "ADDRESS2"),
    ("city", "CITY"),
    ("region", "STATE"),
    ("postalCode", "ZIP"),
    ("country", "COUNTRY"),
)
_CONTACT_FIELDS: Final = (
    "FIRSTNAME",
    "LASTNAME",
    "EMAIL1",
    "PHONE1",
    *(f"MAILADDRESS.{f}" for _, f in ADDRESS),
)


def split_contact_name(name: str) -> tuple[str, str]:
    """``"Joe Bloggs"`` -> ``("Joe", "Bloggs")``: split at the last space, 40 characters each."""
    first, _, last = name.strip().rpartition(" ")
    return first.strip()[:NAME_PART], last.strip()[:NAME_PART]


def write_value(source: Mapping[str, Any], key: str, *, update: bool) -> Any:
    """Create: the value or nothing. Update: ``null``/absent keeps (omit), ``""`` clears (empty element)."""
    value = source.get(key)
    if value is None:
        return None
    if value == "":
        return EMPTY if update else None
    return value


def party_body(
    view: RecordView,
    primary: Mapping[str, Any],
    facts: CompanyFacts,
    *,
    id_field: str,
    name_key: str,
    data_type: str,
    update: bool,
) -> dict[str, Any]:
    """The CUSTOMER/VENDOR element's children.

    ``primary`` holds the contact's ``contactName``, ``phone``, ``emailAddress`` and ``address`` (the
    caller decides where they come from); everything else is read from ``view``.
    """
    contact: dict[str, Any] = {}
    name = view.get(name_key)
    if name:
        contact |= {"PRINTAS": name, "COMPANYNAME": name}
    contact_name = primary.get("contactName")
    if contact_name:
        first, last = split_contact_name(contact_name)
        contact |= {"FIRSTNAME": first or (EMPTY if update else None), "LASTNAME": last}
    elif contact_name == "" and update:
        contact |= {"FIRSTNAME": EMPTY, "LASTNAME": EMPTY}
    contact |= {
        "PHONE1": write_value(primary, "phone", update=update),
        "EMAIL1": write_value(primary, "emailAddress", update=update),
    }
    address = primary.get("address")
    if isinstance(address, Mapping):
        mail = {field: write_value(address, key, update=update) for key, field in ADDRESS}
        if any(v is not None for v in mail.values()):
            contact["MAILADDRESS"] = mail
    status = view.get("status")
    return {
        id_field: view.get("id") or None,
        "NAME": name or None,
        "DISPLAYCONTACT": contact if any(v is not None for v in contact.values()) else None,
        "STATUS": STATUS_OUT.get(str(status)) if status else None,
        "TAXID": write_value(view, "taxNumber", update=update),
        "CURRENCY": write_value(view, "defaultCurrency", update=update),
        **generic_custom_fields(custom_values(view, facts, data_type)),
    }


def party_plan(
    obj: str,
    id_field: str,
    body: Mapping[str, Any],
    warnings: tuple[PlanWarning, ...],
    *,
    record_id: str | None = None,
) -> WritePlan:
    """Generic ``create`` (no ``record_id``) or ``update`` of ``obj``.

    Neither object has an external id: a lost create is found by the id sent, or by ``NAME`` when the
    company numbers the records itself.
    """
    if record_id is not None:
        function, lookup = "update", {id_field: record_id}
    elif body[id_field]:
        function, lookup = "create", {id_field: str(body[id_field])}
    else:
        function, lookup = "create", {"NAME": str(body["NAME"])}
    return WritePlan(
        function=function,
        body={obj: dict(body)},
        read_object=obj,
        key_kind="recordno",
        lookup=lookup,
        warnings=warnings,
    )


# --- reading -------------------------------------------------------------------------------------------


def read_fields(id_field: str) -> tuple[str, ...]:
    """The fields a CUSTOMER/VENDOR read asks for."""
    return (
        "RECORDNO",
        id_field,
        "NAME",
        "STATUS",
        "CURRENCY",
        "TAXID",
        "WHENMODIFIED",
        *(f"DISPLAYCONTACT.{name}" for name in _CONTACT_FIELDS),
    )


def read_contact(row: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(contact name, email, phone) of the row's ``DISPLAYCONTACT``."""
    first, last = text(row, "DISPLAYCONTACT.FIRSTNAME"), text(row, "DISPLAYCONTACT.LASTNAME")
    name = " ".join(part for part in (first, last) if part) or None
    return name, text(row, "DISPLAYCONTACT.EMAIL1"), text(row, "DISPLAYCONTACT.PHONE1")


def read_address(row: Mapping[str, Any]) -> Address | None:
    """The ``MAILADDRESS`` as an address, or ``None`` when every part is empty."""
    values = {key: text(row, f"DISPLAYCONTACT.MAILADDRESS.{field}") for key, field in ADDRESS}
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
