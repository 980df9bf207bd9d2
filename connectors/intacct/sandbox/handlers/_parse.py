"""Reading function bodies into normalized inputs for the transaction handlers.

Legacy functions (``create_bill`` …) and generic objects (``<APBILL>``) spell the same facts
differently: lower-case elements and ``<year>/<month>/<day>`` dates versus upper-case fields and
``MM/DD/YYYY``. Both are parsed here into ``DocInput``/``LineInput`` so the business rules in
``_docs.py`` run once, whichever style the caller used. Malformed values are refused with Intacct's
illegal-format error rather than crashing the sandbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from connectors.intacct.sandbox.validate import ILLEGAL_FORMAT, refuse
from connectors.intacct.xml.tree import as_list, from_element

Tree = dict[str, Any]

#: Legacy line element -> dimension kind (validate.DIMENSIONS).
LEGACY_DIMENSIONS = {
    "departmentid": "department",
    "locationid": "location",
    "projectid": "project",
    "taskid": "task",
    "customerid": "customer",
    "vendorid": "vendor",
    "employeeid": "employee",
    "itemid": "item",
    "classid": "class",
    "contractid": "contract",
    "warehouseid": "warehouse",
}
#: Generic line field -> dimension kind. GLENTRY spells location/department without ``ID``.
OBJECT_DIMENSIONS = {key.upper(): kind for key, kind in LEGACY_DIMENSIONS.items()} | {
    "COSTTYPEID": "costtype"
}
GL_DIMENSIONS = {k: v for k, v in OBJECT_DIMENSIONS.items() if v not in ("department", "location")} | {
    "DEPARTMENT": "department",
    "LOCATION": "location",
}


def body(element: etree._Element) -> Tree:
    """The element's children as a dict tree (an empty element gives ``{}``)."""
    tree = from_element(element)
    return tree if isinstance(tree, dict) else {}


def text(tree: Tree, key: str) -> str:
    """Text of a leaf child, stripped; "" when absent or not a leaf."""
    value = tree.get(key)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict) and isinstance(value.get("#text"), str):
        return str(value["#text"]).strip()
    return ""


def opt(tree: Tree, key: str) -> str | None:
    return text(tree, key) or None


def children(tree: Tree, wrapper: str, item: str) -> list[Tree]:
    """Repeated ``item`` elements inside ``wrapper`` (``billitems/lineitem``), as dict trees."""
    holder = tree.get(wrapper)
    if not isinstance(holder, dict):
        return []
    return [entry if isinstance(entry, dict) else {} for entry in as_list(holder.get(item))]


def decimal(value: str, field_name: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        refuse(f"Illegal format for {field_name}: '{value}' is not a number.", ILLEGAL_FORMAT)
    if not number.is_finite():
        refuse(f"Illegal format for {field_name}: '{value}' is not a number.", ILLEGAL_FORMAT)
    return number


def boolean(value: str) -> bool | None:
    if not value:
        return None
    return value.lower() in ("true", "t", "1", "yes")


def object_date(value: str, field_name: str) -> dt.date | None:
    """``MM/DD/YYYY`` (also ``M/D/YYYY``) as generic functions take dates."""
    if not value:
        return None
    try:
        month, day, year = (int(part) for part in value.split("/"))
        return dt.date(year, month, day)
    except ValueError:
        refuse(f"Illegal format for {field_name}: '{value}'. Use MM/DD/YYYY.", ILLEGAL_FORMAT)


def legacy_date(tree: Tree, key: str) -> dt.date | None:
    """A legacy ``<key><year/><month/><day/></key>`` block."""
    block = tree.get(key)
    if not isinstance(block, dict):
        return None
    parts = (text(block, "year"), text(block, "month"), text(block, "day"))
    if not any(parts):
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        refuse(f"Illegal format for {key}: {'/'.join(parts)} is not a date.", ILLEGAL_FORMAT)


def custom_fields(tree: Tree) -> dict[str, str]:
    """``customfields/customfield{customfieldname, customfieldvalue}`` -> ``{NAME: value}``."""
    out: dict[str, str] = {}
    for entry in children(tree, "customfields", "customfield"):
        name = text(entry, "customfieldname")
        if name:
            out[name.upper()] = text(entry, "customfieldvalue")
    return out


@dataclass
class TaxInput:
    detail_id: str
    trx_tax: Decimal | None = None


@dataclass
class LineInput:
    account_no: str = ""
    account_label: str = ""
    offset_account_no: str = ""
    amount: Decimal | None = None
    #: Gross amount (``TOTALTRXAMOUNT``) when the caller sent one: tax = gross - amount.
    gross: Decimal | None = None
    memo: str = ""
    dims: dict[str, str] = field(default_factory=dict)
    taxes: list[TaxInput] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class DocInput:
    party_id: str = ""
    date: dt.date | None = None
    posted: dt.date | None = None
    due: dt.date | None = None
    term: str = ""
    action: str = ""
    batch_key: str = ""
    batch_name: str = ""
    number: str = ""
    reference: str = ""
    description: str = ""
    basecurr: str = ""
    currency: str = ""
    exch_date: dt.date | None = None
    exch_type: str = ""
    exch_rate: Decimal | None = None
    supdoc_id: str = ""
    tax_solution: str = ""
    onhold: bool | None = None
    payto: str = ""
    returnto: str = ""
    lines: list[LineInput] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)


def legacy_taxes(tree: Tree) -> list[TaxInput]:
    return [
        TaxInput(text(entry, "detailid"), decimal(text(entry, "trx_tax"), "trx_tax"))
        for entry in children(tree, "taxentries", "taxentry")
    ]


def legacy_line(tree: Tree) -> LineInput:
    line = LineInput(
        account_no=text(tree, "glaccountno"),
        account_label=text(tree, "accountlabel"),
        offset_account_no=text(tree, "offsetglaccountno"),
        amount=decimal(text(tree, "amount"), "amount"),
        memo=text(tree, "memo"),
        dims={kind: text(tree, key) for key, kind in LEGACY_DIMENSIONS.items() if text(tree, key)},
        taxes=legacy_taxes(tree),
        extra=custom_fields(tree),
    )
    for key, target in (
        ("billable", "BILLABLE"),
        ("form1099type", "FORM1099TYPE"),
        ("form1099box", "FORM1099BOX"),
        ("revrectemplate", "REVRECTEMPLATE"),
        ("defrevaccount", "DEFERREDREVACCTNO"),
    ):
        if text(tree, key):
            line.extra[target] = text(tree, key)
    for key, target in (("revrecstartdate", "REVRECSTARTDATE"), ("revrecenddate", "REVRECENDDATE")):
        day = legacy_date(tree, key)
        if day is not None:
            line.extra[target] = f"{day:%m/%d/%Y}"
    return line


def legacy_document(tree: Tree, *, party: str, number: str, reference: str, items: str) -> DocInput:
    """Header of ``create_bill``/``create_invoice``/``create_ap|aradjustment`` plus its line items."""
    contact_to = "payto" if party == "vendorid" else "billto"
    contact_back = "returnto" if party == "vendorid" else "shipto"
    return DocInput(
        party_id=text(tree, party),
        date=legacy_date(tree, "datecreated"),
        posted=legacy_date(tree, "dateposted"),
        due=legacy_date(tree, "datedue"),
        term=text(tree, "termname"),
        action=text(tree, "action"),
        batch_key=text(tree, "batchkey"),
        number=text(tree, number),
        reference=text(tree, reference),
        description=text(tree, "description"),
        basecurr=text(tree, "basecurr"),
        currency=text(tree, "currency"),
        exch_date=legacy_date(tree, "exchratedate"),
        exch_type=text(tree, "exchratetype"),
        exch_rate=decimal(text(tree, "exchrate"), "exchrate"),
        supdoc_id=text(tree, "supdocid"),
        tax_solution=text(tree, "taxsolutionid"),
        onhold=boolean(text(tree, "onhold")),
        payto=text(tree.get(contact_to) or {}, "contactname")
        if isinstance(tree.get(contact_to), dict)
        else "",
        returnto=(
            text(tree.get(contact_back) or {}, "contactname")
            if isinstance(tree.get(contact_back), dict)
            else ""
        ),
        lines=[legacy_line(entry) for entry in children(tree, items, "lineitem")],
        extra=custom_fields(tree),
    )


def object_line(tree: Tree) -> LineInput:
    """An ``APBILLITEM`` of a generic create/update."""
    taxes = [
        TaxInput(text(entry, "DETAILID"), decimal(text(entry, "TRX_TAX"), "TRX_TAX"))
        for entry in children(tree, "TAXENTRIES", "TAXENTRY")
    ]
    line = LineInput(
        account_no=text(tree, "ACCOUNTNO"),
        account_label=text(tree, "ACCOUNTLABEL"),
        offset_account_no=text(tree, "OFFSETGLACCOUNTNO"),
        amount=decimal(text(tree, "TRX_AMOUNT"), "TRX_AMOUNT"),
        gross=decimal(text(tree, "TOTALTRXAMOUNT"), "TOTALTRXAMOUNT"),
        memo=text(tree, "ENTRYDESCRIPTION"),
        dims={kind: text(tree, key) for key, kind in OBJECT_DIMENSIONS.items() if text(tree, key)},
        taxes=taxes,
    )
    for key in ("BILLABLE", "ALLOCATION", "FORM1099TYPE", "FORM1099BOX"):
        if text(tree, key):
            line.extra[key] = text(tree, key)
    return line


def object_document(tree: Tree, *, party: str, lines: tuple[str, str]) -> DocInput:
    """Header fields of a generic ``APBILL`` (upper-case names, ``MM/DD/YYYY`` dates)."""
    return DocInput(
        party_id=text(tree, party),
        date=object_date(text(tree, "WHENCREATED"), "WHENCREATED"),
        posted=object_date(text(tree, "WHENPOSTED"), "WHENPOSTED"),
        due=object_date(text(tree, "WHENDUE"), "WHENDUE"),
        term=text(tree, "TERMNAME"),
        action=text(tree, "ACTION"),
        batch_key=text(tree, "PRBATCHKEY"),
        batch_name=text(tree, "PRBATCH"),
        number=text(tree, "RECORDID"),
        reference=text(tree, "DOCNUMBER"),
        description=text(tree, "DESCRIPTION"),
        basecurr=text(tree, "BASECURR"),
        currency=text(tree, "CURRENCY"),
        exch_date=object_date(text(tree, "EXCH_RATE_DATE"), "EXCH_RATE_DATE"),
        exch_type=text(tree, "EXCH_RATE_TYPE_ID"),
        exch_rate=decimal(text(tree, "EXCHANGE_RATE"), "EXCHANGE_RATE"),
        supdoc_id=text(tree, "SUPDOCID"),
        tax_solution=text(tree, "TAXSOLUTIONID"),
        onhold=boolean(text(tree, "ONHOLD")),
        payto=text(tree, "BILLTOPAYTOCONTACTNAME"),
        returnto=text(tree, "SHIPTORETURNTOCONTACTNAME"),
        lines=[object_line(entry) for entry in children(tree, *lines)],
    )
