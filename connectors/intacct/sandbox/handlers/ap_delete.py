"""Deleting AP payments: ``<delete><object>APPYMT</object><keys>…</keys></delete>``.

Codat lets a client delete a bill payment it pushed, so the gateway sends the generic delete with the
payment's RECORDNO (intacct.md §5.3). Deleting takes back whatever the payment did to the bills and
debit memos it touched, detail by detail, with the same arithmetic that applied it (``_settle``):

* a posted payment (``Complete``) *unpays* its bills: ``TOTALPAID`` drops, ``TOTALDUE`` rises, and
  the bill is ``Posted`` or ``Partially Paid`` again (``WHENPAID`` cleared);
* a payment awaiting approval (``Submitted``/``Approved``) only *selected* its bills: the selection
  is released, which is how Intacct's help describes cancelling a payment request;
* a draft applied nothing: its rows simply go.

ASSUMPTION: the API reference names no state restriction for deleting ``APPYMT`` (and Codat deletes
posted Intacct bill payments), so every state may be deleted except what Intacct's help says must be
handled another way: a voided payment is history, and a payment reconciled with the bank must be
un-reconciled first. The texts of those two refusals are not documented. A posted payment in a closed
period is refused with the closed-period error, like any posting into that period.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from connectors.intacct.sandbox.handlers._parse import body, object_date, text
from connectors.intacct.sandbox.handlers._settle import dec, settle
from connectors.intacct.sandbox.registry import CallContext, FunctionFailed, object_handler
from connectors.intacct.sandbox.state import CompanyState, Record
from connectors.intacct.sandbox.validate import Refs, error, recording, refuse

#: ``CLEARED`` values of a payment matched in a bank reconciliation.
RECONCILED = frozenset({"true", "t", "cleared", "matched", "partially matched"})
#: Stored payment state -> what deleting must undo on the documents it touched.
UNDO = {"C": "unpay", "S": "unselect", "A": "unselect"}


def split_keys(element: etree._Element) -> list[str]:
    """The RECORDNOs of a generic ``<delete>`` (``<keys>1,2</keys>``)."""
    return [key.strip() for key in text(body(element), "keys").split(",") if key.strip()]


def reachable(ctx: CallContext, row: Record) -> bool:
    """An entity session reaches shared rows and its own entity's; the top level reaches every row."""
    owner = str(row.get("MEGAENTITYID") or "")
    return ctx.entity is None or not owner or owner == ctx.entity.id


def check_deletable(refs: Refs, payment: Record) -> None:
    label = str(payment.get("RECORDID") or payment["RECORDNO"])
    if payment.get("RAWSTATE") == "V" or payment.get("STATE") == "Voided":
        refuse(f"The payment {label} has been voided and cannot be deleted.")
    if str(payment.get("CLEARED") or "").lower() in RECONCILED or payment.get("CLRDATE"):
        refuse(
            f"The payment {label} has been reconciled with the bank. Undo the reconciliation, "
            "then delete the payment."
        )
    if payment.get("RAWSTATE") == "C":
        paid_on = object_date(str(payment.get("WHENPAID") or payment.get("WHENCREATED") or ""), "WHENPAID")
        if paid_on is not None:
            refs.open_period(paid_on)


def undo_detail(company: CompanyState, detail: Record, kind: str, day: dt.date) -> None:
    """Give back what one APPYMTDETAIL applied: to its bill (or debit memo) and to the credit it used."""
    obj, key = (
        ("APBILL", str(detail.get("RECORDKEY") or ""))
        if detail.get("RECORDKEY")
        else ("APADJUSTMENT", str(detail.get("POSADJKEY") or ""))
    )
    target = company.get(obj, int(key)) if key.isdigit() else None
    if target is not None:
        entrykey = str(detail.get("ENTRYKEY") or detail.get("POSADJENTRYKEY") or "")
        applied = dec(detail, "TRX_APPLIEDAMOUNT")
        settle(company, obj, f"{obj}ITEM", target, applied, kind=kind, day=day, entrykey=entrykey)
    credit_key = str(detail.get("ADJUSTMENTKEY") or "")
    credit = company.get("APADJUSTMENT", int(credit_key)) if credit_key.isdigit() else None
    if credit is not None:
        credit_amount = dec(detail, "TRX_ADJUSTMENTAMOUNT")
        settle(company, "APADJUSTMENT", "APADJUSTMENTITEM", credit, credit_amount, kind=kind, day=day)


def delete_payment(ctx: CallContext, key: str) -> None:
    company = ctx.company
    payment = company.get("APPYMT", int(key)) if key.isdigit() else None
    if payment is None or not reachable(ctx, payment):
        raise FunctionFailed(error(f"Cannot find appymt with key '{key}' to delete."))
    with recording("delete", "appymt"):
        check_deletable(Refs(ctx), payment)
    kind = UNDO.get(str(payment.get("RAWSTATE") or ""))
    day = company.now().date()
    for detail in company.find("APPYMTDETAIL", PAYMENTKEY=str(payment["RECORDNO"])):
        if kind is not None:
            undo_detail(company, detail, kind, day)
        company.delete("APPYMTDETAIL", int(detail["RECORDNO"]))
    company.delete("APPYMT", int(key))


@object_handler("delete", "APPYMT")
def delete_appymt(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    """Each key is an APPYMT RECORDNO; one refusal fails the whole function (and rolls it back)."""
    for key in split_keys(element):
        delete_payment(ctx, key)
    return []
