"""Rules for master records created through generic ``create``/``update`` (CUSTOMER, VENDOR, GLACCOUNT,
and the dimensions PROJECT, DEPARTMENT, LOCATION, CLASS).

Errors follow Intacct's layout (intacct-behaviour §3): the specific error first, then ``BL01001973``
"Could not create <Label> record!". Duplicates use ``BL34000061`` "Another <Label> with the given
value(s) <id>  already exists" (two spaces, as captured), except GL accounts, which answer with the
developer docs' "Duplicate account number" block (fixture ``error-response-create-failure-BL01001973``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.intacct.sandbox.registry import FunctionFailed, IntacctError
from connectors.intacct.sandbox.state import CompanyState, Record

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class MasterSpec:
    obj: str
    id_field: str
    name_field: str
    label: str
    #: key in CompanyConfig.auto_numbering and prefix of generated ids
    numbering: str | None = None
    id_prefix: str = ""
    #: owned contact that gets a CONTACT record and a default CONTACTNAME "NAME(<letter><id>)"
    contact_letter: str | None = None
    term_table: str | None = None
    defaults: dict[str, str] = field(default_factory=dict)
    #: field -> allowed values
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: field -> (object, field) that must hold the value
    references: dict[str, tuple[str, str, str]] = field(default_factory=dict)


_STATUS: dict[str, tuple[str, ...]] = {"STATUS": ("active", "inactive")}

MASTERS: dict[str, MasterSpec] = {
    spec.obj: spec
    for spec in (
        MasterSpec(
            "CUSTOMER",
            "CUSTOMERID",
            "NAME",
            "Customer",
            "CUSTOMER",
            "C-",
            "C",
            "ARTERM",
            defaults={"STATUS": "active", "ONETIME": "false", "ONHOLD": "false"},
            choices=_STATUS,
            references={"PARENTID": ("CUSTOMER", "CUSTOMERID", "Parent Customer")},
        ),
        MasterSpec(
            "VENDOR",
            "VENDORID",
            "NAME",
            "Vendor",
            "VENDOR",
            "V-",
            "V",
            "APTERM",
            defaults={"STATUS": "active", "ONETIME": "false", "ONHOLD": "false", "DONOTCUTCHECK": "false"},
            choices=_STATUS,
            references={"PARENTID": ("VENDOR", "VENDORID", "Parent Vendor")},
        ),
        MasterSpec(
            "GLACCOUNT",
            "ACCOUNTNO",
            "TITLE",
            "GL Account",
            defaults={
                "STATUS": "active",
                "ACCOUNTTYPE": "incomestatement",
                "NORMALBALANCE": "debit",
                "CLOSINGTYPE": "non-closing account",
            },
            choices={
                **_STATUS,
                "ACCOUNTTYPE": ("balancesheet", "incomestatement"),
                "NORMALBALANCE": ("debit", "credit"),
            },
        ),
        MasterSpec(
            "PROJECT",
            "PROJECTID",
            "NAME",
            "Project",
            defaults={"STATUS": "active", "PROJECTCATEGORY": "Contract", "PROJECTSTATUS": "In Progress"},
            choices=_STATUS,
            references={
                "CUSTOMERID": ("CUSTOMER", "CUSTOMERID", "Customer"),
                "PARENTID": ("PROJECT", "PROJECTID", "Parent Project"),
            },
        ),
        MasterSpec(
            "DEPARTMENT",
            "DEPARTMENTID",
            "TITLE",
            "Department",
            defaults={"STATUS": "active"},
            choices=_STATUS,
            references={"PARENTID": ("DEPARTMENT", "DEPARTMENTID", "Parent Department")},
        ),
        MasterSpec(
            "LOCATION",
            "LOCATIONID",
            "NAME",
            "Location",
            defaults={"STATUS": "active"},
            choices=_STATUS,
            references={"PARENTID": ("LOCATION", "LOCATIONID", "Parent Location")},
        ),
        MasterSpec(
            "CLASS",
            "CLASSID",
            "NAME",
            "Class",
            defaults={"STATUS": "active"},
            choices=_STATUS,
            references={"PARENTID": ("CLASS", "CLASSID", "Parent Class")},
        ),
    )
}


def flatten(tree: Any, prefix: str = "") -> dict[str, str]:
    """Nested element dict -> dotted upper-case keys (``DISPLAYCONTACT.MAILADDRESS.CITY``)."""
    out: dict[str, str] = {}
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key.startswith("@") or key == "#text":
                continue
            out.update(flatten(value, f"{prefix}{key.upper()}."))
    elif isinstance(tree, list):
        out[prefix[:-1]] = "#~#".join(str(v) for v in tree if not isinstance(v, dict | list))
    else:
        out[prefix[:-1]] = str(tree).strip()
    return out


def wrapped(spec: MasterSpec, verb: str, *errors: IntacctError) -> FunctionFailed:
    return FunctionFailed(
        *errors, IntacctError("BL01001973", "", f"Could not {verb} {spec.label} record!", "")
    )


def duplicate(spec: MasterSpec, value: str) -> FunctionFailed:
    if spec.obj == "GLACCOUNT":
        return FunctionFailed(
            IntacctError(
                "BL01001973",
                "Duplicate account number",
                f"The account number '{value}' already exists",
                "Enter unique account number",
            ),
            IntacctError("BL01001973", "", "Could not create GL Account record.", ""),
        )
    return wrapped(
        spec,
        "create",
        IntacctError(
            "BL34000061",
            "",
            f"Another {spec.label} with the given value(s) {value}  already exists",
            "Use a unique value instead.",
        ),
    )


def validate(company: CompanyState, spec: MasterSpec, values: Record, verb: str) -> None:
    """Check choices, references, terms, currency and e-mail formats of the values being written."""
    for name, allowed in spec.choices.items():
        if name in values and values[name] not in allowed:
            raise wrapped(spec, verb, invalid(f"{name.title()} value", values[name]))
    for name, (obj, target, label) in spec.references.items():
        wanted = values.get(name)
        if wanted and company.find_one(obj, **{target: wanted}) is None:
            raise wrapped(spec, verb, invalid(label, wanted))
    term = values.get("TERMNAME")
    if term and spec.term_table and company.table(spec.term_table):
        if company.find_one(spec.term_table, NAME=term) is None:
            raise wrapped(spec, verb, invalid("Term", term))
    currency = values.get("CURRENCY")
    if currency and not _CURRENCY.match(currency):
        raise wrapped(spec, verb, invalid("Currency", currency))
    for key in ("EMAIL1", "EMAIL2"):
        email = values.get(f"DISPLAYCONTACT.{key}")
        if email and not _EMAIL.match(email):
            label = "Primary Email Address" if key == "EMAIL1" else "Secondary Email Address"
            raise wrapped(
                spec,
                verb,
                IntacctError("BL03000018", "", f"Illegal format for Contactversion : {label} {email}.", ""),
                IntacctError("BL01001973", "", "Validate contactversion record failed!", ""),
            )


def invalid(label: str, value: str) -> IntacctError:
    """Intacct's generic pattern for a reference that does not exist (intacct-behaviour §3)."""
    return IntacctError("BL01001973", "", f"Invalid {label} '{value}' specified.", "")


def missing(spec: MasterSpec, verb: str, name: str) -> FunctionFailed:
    return wrapped(spec, verb, IntacctError("BL01001973", "", f"Required field {name} is missing", ""))
