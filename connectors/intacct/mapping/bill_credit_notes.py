"""Bill credit notes <-> Intacct AP adjustments (APADJUSTMENT / APADJUSTMENTITEM), written as debit memos.

A debit memo lowers what is owed to the supplier, so its amounts go to Intacct negative (Intacct's sign
convention for AP adjustments: positive = credit memo, negative = debit memo) and come back positive.
``currency`` without ``currencyRate`` is written with the ``Intacct Daily Rate`` type (codat.md §7.1).

Lost-answer ``lookup``: APADJUSTMENT returns no EXTERNALID, so the plan's own fields are used: vendor,
document date and, when sent and not replaced by Intacct's sequence, the adjustment number (``RECORDID``),
and the description.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from connectors.intacct.mapping._common import (
    DIMENSIONS,
    Problems,
    account_ref,
    action_for,
    checked,
    currency_plan,
    custom_values,
    dimension_fields,
    document_enum,
    gl_account_no,
    legacy_currency,
    legacy_custom_fields,
    line_net,
    line_number,
    line_tracking_refs,
    or_unset,
    query_date,
    read_currency,
    read_date,
    read_line_tax,
    read_timestamp,
    read_tracking,
    resolve_tracking,
    row_money,
    split_tax_rows,
    tax_entries,
    text,
    to_date,
    view_of,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import ReadSpec, WritePlan
from connectors.intacct.rules._base import as_decimal, lines
from connectors.intacct.rules.bill_credit_notes import RULES
from connectors.intacct.xml.tree import split_date
from datamodel import BillCreditNote, BillCreditNoteLineItem, BillLineTracking, Metadata, SupplierRef
from datamodel.enums import BillCreditNoteStatus, BilledToType

__all__ = ["READ", "RULES", "plan_create", "to_unified"]

OBJECT = "APADJUSTMENT"
DEBIT = -1
_LINE_DIMS = ("projectid", "customerid", "vendorid", "employeeid", "itemid", "classid", "warehouseid")


def _line(line: Mapping[str, Any], path: str, facts: CompanyFacts, problems: Problems) -> dict[str, Any]:
    refs = line_tracking_refs(line, path)
    item_id = (line.get("itemRef") or {}).get("id")
    if item_id:
        refs.append((f"{path}.itemRef.id", f"ITEM-{item_id}"))
    dims = dimension_fields(
        resolve_tracking(refs, facts, problems),
        "legacy",
        problems,
        where="an AP adjustment line",
        exclude=("CONTRACT", "TASK"),
    )
    custom = [*custom_values(line, facts, "billCreditNotes.lineItems"), *dims.custom]
    return {
        "glaccountno": gl_account_no((line.get("accountRef") or {}).get("id") or "", facts),
        "amount": line_net(line) * DEBIT,
        "memo": line.get("description"),
        "locationid": dims.fields.get("locationid"),
        "departmentid": dims.fields.get("departmentid"),
        "customfields": legacy_custom_fields(custom),
        **{name: dims.fields.get(name) for name in _LINE_DIMS},
        "taxentries": tax_entries(line, path, facts, problems, style="legacy", sign=DEBIT),
    }


def plan_create(record: BillCreditNote, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """``create_apadjustment`` (legacy order: vendor, dates, number, action, description, currency, lines)."""
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    problems = Problems(RULES.display_name)
    issue = to_date(view["issueDate"])
    assert issue is not None
    vendor = str((view.get("supplierRef") or {}).get("id"))
    number = view.get("billCreditNoteNumber") or None
    plan = currency_plan(view.get("currency"), as_decimal(view.get("currencyRate")), facts)
    body: dict[str, Any] = {
        "vendorid": vendor,
        "datecreated": split_date(issue),
        "adjustmentno": number,
        "action": action_for(view.get("status")),
        "description": view.get("note"),
        "externalid": operation_key,
        **legacy_currency(plan, issue),
        "customfields": legacy_custom_fields(custom_values(view, facts, "billCreditNotes")),
        "apadjustmentitems": {
            "lineitem": [
                _line(line, f"lineItems[{i}]", facts, problems) for i, line in enumerate(lines(view))
            ]
        },
    }
    problems.raise_if_any()
    lookup = {"VENDORID": vendor, "WHENCREATED": query_date(issue)}
    if number and not facts.numbers(OBJECT):
        lookup["RECORDID"] = str(number)
    if view.get("note"):
        lookup["DESCRIPTION"] = str(view["note"])
    return WritePlan(
        function="create_apadjustment",
        body=body,
        read_object=OBJECT,
        key_kind="key",
        lookup=lookup,
        warnings=warnings,
        number_field="RECORDID" if number else None,
        sent_number=str(number) if number else None,
    )


# --- read ----------------------------------------------------------------------------------------------


def _read_line(
    row: Mapping[str, Any], tax_rows: Sequence[Mapping[str, Any]], facts: CompanyFacts, sign: int
) -> BillCreditNoteLineItem:
    net = (row_money(row, "TRX_AMOUNT", "AMOUNT") or Decimal(0)) * sign
    tax_ref, tax = read_line_tax(row, tax_rows, facts, sign=sign)
    refs = read_tracking(row, facts)
    description = text(row, "ENTRYDESCRIPTION")
    return BillCreditNoteLineItem(
        description=or_unset(description),
        unit_amount=net,
        quantity=Decimal(1),
        sub_total=net,
        tax_amount=tax,
        total_amount=net + tax,
        account_ref=account_ref(row, facts),
        tax_rate_ref=tax_ref,
        tracking_category_refs=refs,
        tracking=BillLineTracking(
            category_refs=refs, is_billed_to=BilledToType.UNKNOWN, is_rebilled_to=BilledToType.UNKNOWN
        ),
    )


def to_unified(
    header: Mapping[str, Any], line_rows: Sequence[Mapping[str, Any]], facts: CompanyFacts
) -> BillCreditNote:
    """An APADJUSTMENT row and its APADJUSTMENTITEM rows as a bill credit note (amounts made positive)."""
    currency, rate = read_currency(header, facts)
    entered = row_money(header, "TRX_TOTALENTERED", "TOTALENTERED")
    real_lines, taxes = split_tax_rows(line_rows)
    raw_sum = sum((row_money(r, "TRX_AMOUNT", "AMOUNT") or Decimal(0) for r in real_lines), Decimal(0))
    sign = -1 if (entered if entered is not None else raw_sum) < 0 else 1
    items = [
        _read_line(row, taxes.get(text(row, "RECORDNO") or "", []), facts, sign)
        for row in sorted(real_lines, key=line_number)
    ]
    sub_total = sum((i.sub_total for i in items if isinstance(i.sub_total, Decimal)), Decimal(0))
    tax = sum((i.tax_amount for i in items if isinstance(i.tax_amount, Decimal)), Decimal(0))
    total = entered * sign if entered is not None else sub_total + tax
    due = row_money(header, "TRX_TOTALDUE", "TOTALDUE")
    remaining = due * sign if due is not None else total
    number = text(header, "RECORDID")
    return BillCreditNote(
        id=text(header, "RECORDNO"),
        bill_credit_note_number=or_unset(number),
        supplier_ref=SupplierRef(
            id=text(header, "VENDORID") or "", supplier_name=or_unset(text(header, "VENDORNAME"))
        ),
        withholding_tax=[],
        total_amount=total,
        total_discount=Decimal(0),
        sub_total=sub_total,
        total_tax_amount=tax,
        discount_percentage=Decimal(0),
        remaining_credit=remaining,
        status=document_enum(
            BillCreditNoteStatus, text(header, "STATE"), total, remaining, open_as="Submitted"
        ),
        issue_date=read_date(text(header, "WHENCREATED")),
        currency=currency,
        currency_rate=or_unset(rate),
        line_items=items,
        payment_allocations=[],
        note=text(header, "DESCRIPTION") or "",
        source_modified_date=read_timestamp(text(header, "WHENMODIFIED")),
        metadata=Metadata(is_deleted=False),
    )


_HEADER_FIELDS = tuple(
    "RECORDNO RECORDID STATE VENDORID VENDORNAME WHENCREATED DESCRIPTION BASECURR CURRENCY EXCHANGE_RATE "
    "TOTALENTERED TOTALPAID TOTALDUE TRX_TOTALENTERED TRX_TOTALPAID TRX_TOTALDUE WHENMODIFIED".split()
)
_LINE_FIELDS = tuple(
    "RECORDNO RECORDKEY LINE_NO LINEITEM PARENTENTRY DETAILID ACCOUNTKEY ACCOUNTNO ACCOUNTTITLE AMOUNT "
    "TRX_AMOUNT ENTRYDESCRIPTION".split()
)

READ = ReadSpec(
    data_type="billCreditNotes",
    object=OBJECT,
    fields=_HEADER_FIELDS,
    to_unified=to_unified,
    line_object="APADJUSTMENTITEM",
    line_fields=(*_LINE_FIELDS, *(n for d in DIMENSIONS.values() for n in (d.read_id, d.read_name))),
)
