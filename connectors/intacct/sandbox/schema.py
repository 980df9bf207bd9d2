"""What the reader knows about each object: keys, owned lines, coded values, related objects, types.

* ``id_field``   the ``readByName`` key (``VENDORID``, ``ACCOUNTNO`` …).
* ``lines``      owned line object that ``read`` nests under an upper-case plural wrapper around
                 lower-case items (``<ARINVOICEITEMS><arinvoiceitem>``), linked by ``link`` = header RECORDNO.
* ``codes``      readByQuery strings compare stored codes (``STATUS = 'T'``, ``STATE = 'A'``) while
                 records print display words (``active``, ``Posted``): field -> display word -> code.
* ``relations``  many-to-one hops for dotted ``query`` fields: ``VENDOR.CREDITLIMIT`` on APBILL follows
                 ``APBILL.VENDORID`` to ``VENDOR.VENDORID``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from connectors.intacct.sandbox.catalogue import FIELDS


@dataclass(frozen=True)
class LineSpec:
    object: str
    link: str
    wrapper: str


@dataclass(frozen=True)
class Relation:
    object: str
    local: str
    target: str


@dataclass(frozen=True)
class ObjectSpec:
    name: str
    fields: tuple[str, ...]
    id_field: str | None = None
    lines: LineSpec | None = None
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    relations: Mapping[str, Relation] = field(default_factory=dict)


_STATUS = {"active": "T", "inactive": "F"}
_DOC_STATE = {
    "Draft": "D",
    "Submitted": "S",
    "Partially Approved": "PA",
    "Declined": "U",
    "Posted": "A",
    "Selected": "SE",
    "Partially Paid": "PP",
    "Paid": "P",
    "Reversed": "R",
}
_PAYMENT_STATE = {
    "Draft": "D",
    "Submitted": "S",
    "Approved": "A",
    "Complete": "C",
    "Posted": "C",
    "Voided": "V",
    "Declined": "U",
}
_GL_STATE = {
    "Draft": "I",
    "Submitted": "S",
    "Partially Approved": "X",
    "Approved": "A",
    "Posted": "P",
    "Declined": "R",
    "Reversal pending": "L",
    "Reversed": "Z",
}
_SO_STATE = {
    "Submitted": "S",
    "Approved": "A",
    "Partially Approved": "X",
    "Declined": "R",
    "Draft": "I",
    "Pending": "O",
    "Closed": "D",
    "In Progress": "G",
    "Converted": "C",
    "Partially Converted": "P",
}
_ITEMTYPE = {
    "Inventory": "I",
    "Non-Inventory": "NI",
    "Non-Inventory (Purchase only)": "NP",
    "Non-Inventory (Sales only)": "NS",
    "Kit": "K",
    "Stockable Kit": "SK",
}

_VENDOR = {"VENDOR": Relation("VENDOR", "VENDORID", "VENDORID")}
_CUSTOMER = {"CUSTOMER": Relation("CUSTOMER", "CUSTOMERID", "CUSTOMERID")}


def _lines(obj: str, link: str, wrapper: str | None = None) -> LineSpec:
    return LineSpec(obj, link, wrapper or f"{obj}S")


def _header(
    name: str, line: LineSpec | None, state: Mapping[str, str], rel: dict[str, Relation]
) -> ObjectSpec:
    return ObjectSpec(name, FIELDS[name], lines=line, codes={"STATE": state}, relations=rel)


def _line(name: str, header: str, link: str = "RECORDKEY") -> ObjectSpec:
    return ObjectSpec(name, FIELDS[name], relations={header: Relation(header, link, "RECORDNO")})


def _master(name: str, id_field: str, **extra_codes: Mapping[str, str]) -> ObjectSpec:
    parent = {"PARENT": Relation(name, "PARENTID", id_field)}
    return ObjectSpec(
        name, FIELDS[name], id_field=id_field, codes={"STATUS": _STATUS, **extra_codes}, relations=parent
    )


SPECS: dict[str, ObjectSpec] = {
    spec.name: spec
    for spec in (
        _header("APBILL", _lines("APBILLITEM", "RECORDKEY"), _DOC_STATE, _VENDOR),
        _line("APBILLITEM", "APBILL"),
        _header("APADJUSTMENT", _lines("APADJUSTMENTITEM", "RECORDKEY"), _DOC_STATE, _VENDOR),
        _line("APADJUSTMENTITEM", "APADJUSTMENT"),
        _header("APPYMT", _lines("APPYMTDETAIL", "PAYMENTKEY"), _PAYMENT_STATE, _VENDOR),
        _line("APPYMTDETAIL", "APPYMT", "PAYMENTKEY"),
        _header("ARINVOICE", _lines("ARINVOICEITEM", "RECORDKEY"), _DOC_STATE, _CUSTOMER),
        _line("ARINVOICEITEM", "ARINVOICE"),
        _header("ARADJUSTMENT", _lines("ARADJUSTMENTITEM", "RECORDKEY"), _DOC_STATE, _CUSTOMER),
        _line("ARADJUSTMENTITEM", "ARADJUSTMENT"),
        _header("ARPYMT", _lines("ARPYMTDETAIL", "PAYMENTKEY"), _PAYMENT_STATE, _CUSTOMER),
        _line("ARPYMTDETAIL", "ARPYMT", "PAYMENTKEY"),
        _header("OTHERRECEIPTS", _lines("OTHERRECEIPTSENTRY", "RECORDKEY", "OTHERRECEIPTSENTRIES"), {}, {}),
        _line("OTHERRECEIPTSENTRY", "OTHERRECEIPTS"),
        _header("DEPOSIT", _lines("DEPOSITENTRY", "RECORDKEY", "DEPOSITENTRIES"), {}, {}),
        _line("DEPOSITENTRY", "DEPOSIT"),
        _header("FUNDSTRANSFER", _lines("FUNDSTRANSFERENTRY", "RECORDKEY", "FUNDSTRANSFERENTRIES"), {}, {}),
        _line("FUNDSTRANSFERENTRY", "FUNDSTRANSFER"),
        _header(
            "GLBATCH",
            _lines("GLENTRY", "BATCHNO", "ENTRIES"),
            _GL_STATE,
            {"JOURNAL": Relation("GLJOURNAL", "JOURNAL", "SYMBOL")},
        ),
        _line("GLENTRY", "GLBATCH", "BATCHNO"),
        ObjectSpec(
            "SODOCUMENT",
            FIELDS["SODOCUMENT"],
            lines=_lines("SODOCUMENTENTRY", "DOCHDRNO", "SODOCUMENTENTRIES"),
            codes={"STATE": _SO_STATE},
            relations={
                "CUSTOMER": Relation("CUSTOMER", "CUSTVENDID", "CUSTOMERID"),
                "ARINVOICE": Relation("ARINVOICE", "PRRECORDKEY", "RECORDNO"),
            },
        ),
        _line("SODOCUMENTENTRY", "SODOCUMENT", "DOCHDRNO"),
        _master("VENDOR", "VENDORID"),
        _master("CUSTOMER", "CUSTOMERID"),
        _master("CONTACT", "CONTACTNAME"),
        _master("GLACCOUNT", "ACCOUNTNO", ACCOUNTTYPE={"balancesheet": "N", "incomestatement": "I"}),
        _master("CHECKINGACCOUNT", "BANKACCOUNTID"),
        _master("SAVINGSACCOUNT", "BANKACCOUNTID"),
        _master("GLJOURNAL", "SYMBOL"),
        _master("TAXDETAIL", "DETAILID", TAXTYPE={"Purchase": "P", "Sale": "S"}),
        _master("TAXSOLUTION", "SOLUTIONID"),
        _master("LOCATION", "LOCATIONID"),
        _master("LOCATIONENTITY", "LOCATIONID"),
        _master("DEPARTMENT", "DEPARTMENTID"),
        _master("CLASS", "CLASSID"),
        _master("PROJECT", "PROJECTID"),
        _master("TASK", "TASKID"),
        _master("ITEM", "ITEMID", ITEMTYPE=_ITEMTYPE),
        _master("WAREHOUSE", "WAREHOUSEID"),
        _master("EMPLOYEE", "EMPLOYEEID"),
        _master("CONTRACT", "CONTRACTID"),
        _master("EXCHANGERATETYPES", "ID"),
        ObjectSpec("EXCHANGERATE", FIELDS["EXCHANGERATE"]),
        ObjectSpec("EXCHANGERATEENTRY", FIELDS["EXCHANGERATEENTRY"]),
        _master("APTERM", "NAME"),
        _master("ARTERM", "NAME"),
        _master("PAYMENTMETHOD", "NAME"),
    )
}
# Projects reach their customer, checking accounts their GL account.
SPECS["PROJECT"] = ObjectSpec(
    "PROJECT",
    FIELDS["PROJECT"],
    id_field="PROJECTID",
    codes={"STATUS": _STATUS},
    relations={**SPECS["PROJECT"].relations, **_CUSTOMER},
)
SPECS["CHECKINGACCOUNT"] = ObjectSpec(
    "CHECKINGACCOUNT",
    FIELDS["CHECKINGACCOUNT"],
    id_field="BANKACCOUNTID",
    codes={"STATUS": _STATUS},
    relations={"GLACCOUNT": Relation("GLACCOUNT", "GLACCOUNTNO", "ACCOUNTNO")},
)


def spec_for(obj: str) -> ObjectSpec | None:
    return SPECS.get(obj.upper())


def stored_code(
    spec: ObjectSpec | None, name: str, value: str, record: Mapping[str, Any] | None = None
) -> str:
    """The code Intacct stores for a printed value (``active`` -> ``T``); booleans become T/F.

    ``STATE`` prefers the record's own ``RAWSTATE`` (the stored code) when the writer recorded one.
    """
    if name == "STATE" and record is not None and record.get("RAWSTATE"):
        return str(record["RAWSTATE"])
    if spec is not None:
        codes = spec.codes.get(name)
        if codes is not None and value in codes:
            return codes[value]
    if value == "true":
        return "T"
    if value == "false":
        return "F"
    return value


Kind = Literal["number", "date", "text"]
_NUMBER_NAMES = re.compile(
    r"(^RECORDNO$|KEY$|^LINE_NO$|^TR_TYPE$|^BATCHNO$|^BATCH_NUMBER$|^CREATEDBY$|^MODIFIEDBY$|^DOCHDRNO$"
    r"|AMOUNT|^TOTAL|^TRX_TOTAL|^TRX_ENTITYDUE|EXCHANGE_RATE|^EXCHRATE$|CREDITLIMIT|^VALUE$|PRICE$|QUANTITY"
    r"|^SUBTOTAL$|^TRX_SUBTOTAL$|^BALANCE$|_COST$|^DISCOUNT$|^DUE_IN_DAYS$|PERCENTAGE$|^COUNT\.)"
)
_DATE_NAMES = re.compile(r"(^WHEN|^AUWHENCREATED$|DATE$|^MODIFIED$|^REVERSED$|^CLRDATE$|^RECON_DATE$)")


def field_kind(name: str) -> Kind:
    """How values of a field compare and sort: as numbers, as dates/timestamps, or as text."""
    last = name.rsplit(".", 1)[-1]
    if _DATE_NAMES.search(last):
        return "date"
    if _NUMBER_NAMES.search(last) or _NUMBER_NAMES.search(name):
        return "number"
    return "text"


_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")


def parse_us_datetime(text: str) -> dt.datetime | None:
    """``MM/DD/YYYY`` or ``MM/DD/YYYY HH:MM:SS`` (the formats Intacct prints and filters with)."""
    match = _US_DATE.match(text.strip())
    if not match:
        return None
    month, day, year, hour, minute, second = match.groups()
    try:
        return dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None


def parse_any_datetime(text: str) -> dt.datetime | None:
    """Row values: US format, or ISO (one real ARINVOICEITEM read returned ``2024-12-09``)."""
    found = parse_us_datetime(text)
    if found is not None:
        return found
    match = _ISO_DATE.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second = match.groups()
    try:
        return dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None


def looks_iso(text: str) -> bool:
    return bool(_ISO_DATE.match(text.strip()))


def sort_key(kind: Kind, value: Any) -> tuple[int, Any]:
    """Typed sort key; values that do not parse as the kind sort as text after the typed ones."""
    text = "" if value is None else str(value)
    if kind == "number":
        try:
            return (0, Decimal(text))
        except InvalidOperation:
            return (1, text)
    if kind == "date":
        moment = parse_any_datetime(text)
        return (0, moment) if moment is not None else (1, text)
    return (0, text)
