"""Bills <-> Intacct AP bills (APBILL / APBILLITEM).

Writes:

* account based bills -> legacy ``create_bill`` (element order of the XSD, split dates). Unified
  ``reference`` is the bill's reference number (``ponumber`` -> ``DOCNUMBER``); Intacct numbers the bill
  itself, so a unified ``id`` is ignored. ``externalid`` carries the push operation key for audit, but
  APBILL does not return EXTERNALID on read, so the lost-answer ``lookup`` is the most specific
  combination the plan sets: ``VENDORID`` + ``DOCNUMBER`` + ``WHENCREATED``.
* item based bills -> generic ``create APBILL`` with ``ITEMID`` lines (Intacct takes the account from the
  item). Codat's rule "a unique number is appended to the id" gives ``RECORDID = <id>-<number>``, the number
  derived from the operation key, so ``RECORDID`` is both the lookup and the number to compare afterwards.
* updates -> generic ``update APBILL`` keyed by ``RECORDNO`` (lines replaced); refused for paid and
  part-paid bills (``update_refusal`` on the current row, which the connector reads first).
* deletes -> generic ``delete APBILL``.

Line amounts are net of tax; VAT entities add ``taxentries`` per line and the tax solution on the header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from connectors.intacct.mapping._common import (
    DIMENSIONS,
    Problems,
    TrackingValue,
    account_ref,
    action_for,
    checked,
    currency_plan,
    custom_values,
    dimension_fields,
    document_enum,
    generic_currency,
    generic_custom_fields,
    gl_account_no,
    legacy_currency,
    legacy_custom_fields,
    legacy_date,
    line_net,
    line_number,
    line_tracking_refs,
    or_unset,
    query_date,
    read_currency,
    read_line_tax,
    read_timestamp,
    read_tracking,
    required_date,
    resolve_tracking,
    row_money,
    split_tax_rows,
    tax_entries,
    text,
    to_date,
    unique_number,
    view_of,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import PlanWarning, ReadSpec, WritePlan, delete_plan
from connectors.intacct.rules._base import RecordView, as_decimal, lines
from connectors.intacct.rules.bills import RULES, bill_kind
from connectors.intacct.xml.tree import split_date
from datamodel import Bill, BillLineItem, BillLineTracking, ItemRef, Metadata, SupplierRef
from datamodel.enums import BilledToType, BillStatus

__all__ = [
    "READ",
    "RULES",
    "plan_create",
    "plan_delete",
    "plan_update",
    "to_unified",
    "update_refusal",
]

OBJECT = "APBILL"
APPROVAL_WARNING = (
    "This bill awaits approval in Sage Intacct: it stays Submitted, and cannot be paid, until it is approved."
)
_LEGACY_DIMS = ("projectid", "customerid", "vendorid", "employeeid", "itemid", "classid", "contractid")
#: A ``create_bill`` line's elements in XSD order, all omitted (``None``) until the line sets them.
_LEGACY_LINE: Final = dict.fromkeys(
    (
        *("glaccountno", "amount", "memo", "locationid", "departmentid", "customfields"),
        *_LEGACY_DIMS,
        *("warehouseid", "taxentries"),
    )
)
_LEGACY_LINE_DIMS: Final = frozenset(("locationid", "departmentid", *_LEGACY_DIMS, "warehouseid"))


def _warnings(view: RecordView, facts: CompanyFacts) -> tuple[PlanWarning, ...]:
    warnings = checked(RULES, view, facts)
    if facts.ap_bill_approval and action_for(view.get("status")) == "Submit":
        warnings += (PlanWarning("status", APPROVAL_WARNING, RULES.validator),)
    return warnings


def _line_dims(
    line: Mapping[str, Any], path: str, facts: CompanyFacts, problems: Problems
) -> dict[str, TrackingValue]:
    refs = line_tracking_refs(line, path)
    item_id = (line.get("itemRef") or {}).get("id")
    if item_id:
        refs.append((f"{path}.itemRef.id", f"ITEM-{item_id}"))
    return resolve_tracking(refs, facts, problems)


def _legacy_line(
    line: Mapping[str, Any], path: str, facts: CompanyFacts, problems: Problems
) -> dict[str, Any]:
    dims = dimension_fields(_line_dims(line, path, facts, problems), "legacy", problems, where="a bill line")
    account_id = (line.get("accountRef") or {}).get("id") or ""
    custom = [*custom_values(line, facts, "bills.lineItems"), *dims.custom]
    out = _LEGACY_LINE.copy()  # filled in place: the order is the template's
    out["glaccountno"] = gl_account_no(account_id, facts)
    out["amount"] = line_net(line)
    out["memo"] = line.get("description")
    out["customfields"] = legacy_custom_fields(custom)
    for name, value in dims.fields.items():
        if name in _LEGACY_LINE_DIMS:
            out[name] = value
    out["taxentries"] = tax_entries(line, path, facts, problems, style="legacy")
    return out


def _generic_line(
    line: Mapping[str, Any], path: str, facts: CompanyFacts, problems: Problems
) -> dict[str, Any]:
    item_based = bool((line.get("itemRef") or {}).get("id"))
    dims = dimension_fields(
        _line_dims(line, path, facts, problems),
        "generic",
        problems,
        where="an item based bill line",
        custom_allowed=not item_based,
    )
    account_id = (line.get("accountRef") or {}).get("id")
    out: dict[str, Any] = {
        "ACCOUNTNO": gl_account_no(account_id, facts) if account_id else None,
        "TRX_AMOUNT": line_net(line),
        "ENTRYDESCRIPTION": line.get("description"),
    }
    out |= {name: dims.fields.pop(name, None) for name in ("LOCATIONID", "DEPARTMENTID", "PROJECTID")}
    out |= {name: dims.fields.pop(name, None) for name in ("CUSTOMERID", "ITEMID", "TASKID", "CLASSID")}
    out |= dims.fields
    out |= generic_custom_fields(custom_values(line, facts, "bills.lineItems"))
    out["TAXENTRIES"] = None if item_based else tax_entries(line, path, facts, problems, style="generic")
    return out


def _generic_header(view: RecordView, facts: CompanyFacts, problems: Problems) -> dict[str, Any]:
    issue = to_date(view["issueDate"])
    assert issue is not None
    plan = currency_plan(view.get("currency"), as_decimal(view.get("currencyRate")), facts)
    item_based = bill_kind(view) == "item"
    header: dict[str, Any] = {
        "WHENCREATED": issue,
        "VENDORID": (view.get("supplierRef") or {}).get("id"),
        "DOCNUMBER": view.get("reference"),
        "WHENDUE": to_date(view.get("dueDate")),
        "ACTION": action_for(view.get("status")),
        "DESCRIPTION": None if item_based else view.get("note"),
        **generic_currency(plan, issue),
        "TAXSOLUTIONID": None if item_based else facts.tax_solution_id,
        **generic_custom_fields(custom_values(view, facts, "bills")),
    }
    items = [_generic_line(line, f"lineItems[{i}]", facts, problems) for i, line in enumerate(lines(view))]
    header["APBILLITEMS"] = {"APBILLITEM": items}
    return header


def plan_create(record: Bill, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """``create_bill`` for account based bills, ``create APBILL`` for item based ones."""
    view = view_of(record)
    warnings = _warnings(view, facts)
    problems = Problems(RULES.display_name)
    issue = to_date(view["issueDate"])
    assert issue is not None
    vendor = (view.get("supplierRef") or {}).get("id")
    if bill_kind(view) == "item":
        record_id = f"{view['id']}-{unique_number(operation_key)}"
        header = {"WHENCREATED": issue, "VENDORID": vendor, "RECORDID": record_id}
        header |= _generic_header(view, facts, problems)
        problems.raise_if_any()
        return WritePlan(
            function="create",
            body={OBJECT: header},
            read_object=OBJECT,
            key_kind="recordno",
            lookup={"RECORDID": record_id, "VENDORID": str(vendor)},
            warnings=warnings,
            number_field="RECORDID",
            sent_number=record_id,
        )
    plan = currency_plan(view.get("currency"), as_decimal(view.get("currencyRate")), facts)
    body: dict[str, Any] = {
        "vendorid": vendor,
        "datecreated": split_date(issue),
        "datedue": legacy_date(view.get("dueDate")),
        "action": action_for(view.get("status")),
        "ponumber": view.get("reference"),
        "description": view.get("note"),
        "externalid": operation_key,
        **legacy_currency(plan, issue),
        "taxsolutionid": facts.tax_solution_id,
        "customfields": legacy_custom_fields(custom_values(view, facts, "bills")),
        "billitems": {
            "lineitem": [
                _legacy_line(line, f"lineItems[{i}]", facts, problems) for i, line in enumerate(lines(view))
            ]
        },
    }
    problems.raise_if_any()
    return WritePlan(
        function="create_bill",
        body=body,
        read_object=OBJECT,
        key_kind="key",
        lookup={
            "VENDORID": str(vendor),
            "DOCNUMBER": str(view.get("reference")),
            "WHENCREATED": query_date(issue),
        },
        warnings=warnings,
    )


def plan_update(record_id: str, record: Bill, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``update APBILL``: header fields and the full set of lines replace the bill's."""
    del operation_key  # the RECORDNO already identifies the record on a lost answer
    view = view_of(record)
    warnings = _warnings(view, facts)
    problems = Problems(RULES.display_name)
    header = {"RECORDNO": record_id} | _generic_header(view, facts, problems)
    problems.raise_if_any()
    return WritePlan(
        function="update",
        body={OBJECT: header},
        read_object=OBJECT,
        key_kind="recordno",
        lookup={"RECORDNO": record_id},
        warnings=warnings,
    )


def plan_delete(record_id: str, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    del facts, operation_key
    return delete_plan(OBJECT, record_id)


def update_refusal(row: Mapping[str, Any]) -> str | None:
    """Codat's refusal for a bill that has payments against it (Intacct: BL03000215), else ``None``."""
    state = (text(row, "STATE") or "").lower()
    paid = row_money(row, "TRX_TOTALPAID", "TOTALPAID") or Decimal(0)
    if state in {"paid", "partially paid", "p", "pp"} or paid != 0:
        bill_id = text(row, "RECORDNO") or ""
        return f"The bill with Id '{bill_id}' has been paid or partially paid and can no longer be updated."
    return None


# --- read ----------------------------------------------------------------------------------------------


def _line(row: Mapping[str, Any], tax_rows: Sequence[Mapping[str, Any]], facts: CompanyFacts) -> BillLineItem:
    net = row_money(row, "TRX_AMOUNT", "AMOUNT") or Decimal(0)
    tax_ref, tax = read_line_tax(row, tax_rows, facts)
    account = account_ref(row, facts)
    item_id = text(row, "ITEMID")
    item_based = item_id is not None and account is None
    refs = read_tracking(row, facts, skip=("ITEM",) if item_based else ())
    description = text(row, "ENTRYDESCRIPTION")
    return BillLineItem(
        description=or_unset(description),
        unit_amount=net,
        quantity=Decimal(1),
        sub_total=net,
        tax_amount=tax,
        total_amount=net + tax,
        account_ref=account,
        tax_rate_ref=tax_ref,
        item_ref=ItemRef(id=item_id, name=or_unset(text(row, "ITEMNAME")))
        if item_based and item_id
        else None,
        tracking_category_refs=refs,
        tracking=BillLineTracking(
            category_refs=refs, is_billed_to=BilledToType.UNKNOWN, is_rebilled_to=BilledToType.UNKNOWN
        ),
        is_direct_cost=False,
    )


def to_unified(
    header: Mapping[str, Any], line_rows: Sequence[Mapping[str, Any]], facts: CompanyFacts
) -> Bill:
    """An APBILL row and its APBILLITEM rows (tax rows included) as a unified bill."""
    currency, rate = read_currency(header, facts)
    real_lines, taxes = split_tax_rows(line_rows)
    items = [
        _line(row, taxes.get(text(row, "RECORDNO") or "", []), facts)
        for row in sorted(real_lines, key=line_number)
    ]
    sub_total = sum((item.sub_total for item in items if isinstance(item.sub_total, Decimal)), Decimal(0))
    tax = sum((item.tax_amount for item in items if isinstance(item.tax_amount, Decimal)), Decimal(0))
    total = row_money(header, "TRX_TOTALENTERED", "TOTALENTERED")
    total = total if total is not None else sub_total + tax
    due = row_money(header, "TRX_TOTALDUE", "TOTALDUE")
    return Bill(
        id=text(header, "RECORDNO"),
        reference=text(header, "DOCNUMBER"),
        supplier_ref=SupplierRef(
            id=text(header, "VENDORID") or "", supplier_name=or_unset(text(header, "VENDORNAME"))
        ),
        purchase_order_refs=[],
        issue_date=required_date(header, "WHENCREATED", OBJECT),
        due_date=required_date(header, "WHENDUE", OBJECT) if text(header, "WHENDUE") else None,
        currency=currency,
        currency_rate=or_unset(rate),
        line_items=items,
        withholding_tax=[],
        status=document_enum(BillStatus, text(header, "STATE"), total, due),
        sub_total=sub_total,
        tax_amount=tax,
        total_amount=total,
        amount_due=or_unset(due),
        note=text(header, "DESCRIPTION") or "",
        payment_allocations=[],
        source_modified_date=read_timestamp(text(header, "WHENMODIFIED")),
        metadata=Metadata(is_deleted=False),
    )


def _dimension_read_fields() -> tuple[str, ...]:
    return tuple(name for dim in DIMENSIONS.values() for name in (dim.read_id, dim.read_name))


_HEADER_FIELDS = tuple(
    "RECORDNO RECORDID DOCNUMBER STATE VENDORID VENDORNAME WHENCREATED WHENDUE DESCRIPTION BASECURR "
    "CURRENCY EXCHANGE_RATE TOTALENTERED TOTALPAID TOTALDUE TRX_TOTALENTERED TRX_TOTALPAID TRX_TOTALDUE "
    "WHENMODIFIED".split()
)
_LINE_FIELDS = tuple(
    "RECORDNO RECORDKEY LINE_NO LINEITEM PARENTENTRY DETAILID ACCOUNTKEY ACCOUNTNO ACCOUNTTITLE AMOUNT "
    "TRX_AMOUNT ENTRYDESCRIPTION".split()
)

READ = ReadSpec(
    data_type="bills",
    object=OBJECT,
    fields=_HEADER_FIELDS,
    to_unified=to_unified,
    line_object="APBILLITEM",
    line_fields=(*_LINE_FIELDS, *_dimension_read_fields()),
)
