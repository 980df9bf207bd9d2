"""Accounts payable writes: bills (legacy and generic), bill updates and deletes, AP adjustments.

Bills follow Intacct's AP rules through the shared document pipeline (``_docs.post_document``):
account- or item-based lines (never mixed), tax entries only where the entity has a tax solution,
Draft/Submitted/Posted from ``action`` and the bill-approval setting, the due date (or a term) unless
Draft, currency rules and numbering. A bill with payments applied (or selected for payment) cannot be
updated or deleted, which is the rule integrations hit most often.

AP payments (generic ``APPYMT``): payment method and bank account required, details applying cash,
discounts and credits to the vendor's posted bills. With payment approval on, the payment stays
``Submitted`` and only *selects* the bills; ``approve_appaymentrequest`` posts it and pays them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from connectors.intacct.sandbox.handlers._docs import (
    AP_ADJUSTMENT,
    BILL,
    amount,
    document_from_rows,
    key_result,
    object_result,
    overlay,
    post_document,
    stamp_url,
    summary,
)
from connectors.intacct.sandbox.handlers._parse import (
    Tree,
    body,
    children,
    decimal,
    legacy_document,
    object_date,
    object_document,
    text,
)
from connectors.intacct.sandbox.handlers._settle import ZERO, check_entry, dec, open_amount, payable, settle
from connectors.intacct.sandbox.registry import (
    CallContext,
    FunctionFailed,
    IntacctError,
    handler,
    object_handler,
)
from connectors.intacct.sandbox.state import CompanyState, Record, intacct_timestamp
from connectors.intacct.sandbox.validate import DOCUMENT_PAID, Fx, Refs, error, invalid, recording, refuse
from connectors.intacct.xml.tree import as_list

#: Generic APBILL element -> DocInput attribute, for updates that only send some fields.
APBILL_FIELDS = {
    "VENDORID": "party_id",
    "WHENCREATED": "date",
    "WHENPOSTED": "posted",
    "WHENDUE": "due",
    "TERMNAME": "term",
    "ACTION": "action",
    "PRBATCHKEY": "batch_key",
    "PRBATCH": "batch_name",
    "RECORDID": "number",
    "DOCNUMBER": "reference",
    "DESCRIPTION": "description",
    "BASECURR": "basecurr",
    "CURRENCY": "currency",
    "EXCH_RATE_DATE": "exch_date",
    "EXCH_RATE_TYPE_ID": "exch_type",
    "EXCHANGE_RATE": "exch_rate",
    "SUPDOCID": "supdoc_id",
    "TAXSOLUTIONID": "tax_solution",
    "ONHOLD": "onhold",
    "BILLTOPAYTOCONTACTNAME": "payto",
    "SHIPTORETURNTOCONTACTNAME": "returnto",
}


@handler("create_bill")
def create_bill(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "bill"):
        doc = legacy_document(
            tree, party="vendorid", number="billno", reference="ponumber", items="billitems"
        )
        recordno = post_document(ctx, BILL, doc)
    return key_result(recordno)


@object_handler("create", "APBILL")
def create_apbill(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "bill"):
        doc = object_document(tree, party="VENDORID", lines=("APBILLITEMS", "APBILLITEM"))
        recordno = post_document(ctx, BILL, doc)
    return object_result("APBILL", recordno)


def ensure_unpaid(bill: Record) -> None:
    """Paid, part-paid and selected bills are locked (intacct-behaviour §3, BL03000215)."""
    if dec(bill, "TRX_TOTALPAID") != 0 or bill.get("STATE") in ("Paid", "Partially Paid"):
        refuse("The Document State is not valid. Cannot update a document that's paid.", DOCUMENT_PAID)
    if dec(bill, "TRX_TOTALSELECTED") != 0 or bill.get("STATE") == "Selected":
        refuse(
            "The Document State is not valid. Cannot update a document that's selected for payment.",
            DOCUMENT_PAID,
        )


@object_handler("update", "APBILL")
def update_apbill(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    key = text(tree, "RECORDNO")
    bill = ctx.company.get("APBILL", int(key)) if key.isdigit() else None
    if bill is None:
        raise FunctionFailed(IntacctError(f"Cannot update non-existing APBILL with RECORDNO={key}."))
    with recording("update", "bill"):
        ensure_unpaid(bill)
        current = document_from_rows(ctx.company, BILL, bill)
        changes = object_document(tree, party="VENDORID", lines=("APBILLITEMS", "APBILLITEM"))
        overlay(current, changes, set(tree), APBILL_FIELDS)
        if "APBILLITEMS" in tree:
            current.lines = changes.lines
        post_document(ctx, BILL, current, existing=int(key))
    return object_result("APBILL", int(key))


def delete_bill_by_key(ctx: CallContext, key: str) -> None:
    bill = ctx.company.get("APBILL", int(key)) if key.isdigit() else None
    if bill is None:
        raise FunctionFailed(error(f"Cannot find bill with key '{key}' to delete."))
    with recording("delete", "bill"):
        ensure_unpaid(bill)
    for line in ctx.company.find("APBILLITEM", RECORDKEY=bill["RECORDNO"]):
        ctx.company.delete("APBILLITEM", int(line["RECORDNO"]))
    ctx.company.delete("APBILL", int(key))


@object_handler("delete", "APBILL")
def delete_apbill(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    """``<delete><object>APBILL</object><keys>1,2</keys></delete>``: each key is a RECORDNO."""
    keys = [k.strip() for k in text(body(element), "keys").split(",") if k.strip()]
    for key in keys:
        delete_bill_by_key(ctx, key)
    return []


@handler("delete_bill")
def delete_bill(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    delete_bill_by_key(ctx, element.get("key", "") or text(body(element), "key"))
    return []


@handler("create_apadjustment")
def create_apadjustment(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "apadjustment"):
        doc = legacy_document(
            tree, party="vendorid", number="adjustmentno", reference="billno", items="apadjustmentitems"
        )
        recordno = post_document(ctx, AP_ADJUSTMENT, doc)
    return key_result(recordno)


# -- AP payments ----------------------------------------------------------------------------------
PAYMENT_STATES = {"D": "Draft", "S": "Submitted", "C": "Complete"}
#: APPYMTDETAIL credit fields: (key element, amount element, object the key points at).
AP_CREDITS = (
    ("ADJUSTMENTKEY", "TRX_ADJUSTMENTAMOUNT", "APADJUSTMENT"),
    ("ADVANCEKEY", "TRX_POSTEDADVANCEAMOUNT", "APADVANCE"),
    ("INLINEKEY", "TRX_INLINEAMOUNT", "APBILL"),
)


@dataclass
class Application:
    """One APPYMTDETAIL: what it pays (bill or credit memo) and with what."""

    detail: Tree
    obj: str
    target: Record
    entrykey: str
    cash: Decimal
    applied: Decimal
    credits: list[tuple[str, Record, Decimal]] = field(default_factory=list)


def amount_of(tree: Tree, key: str, n: int) -> Decimal:
    value = decimal(text(tree, key), key) or ZERO
    if value < 0:
        refuse(f"The amount {key} on payment line {n} cannot be negative.")
    return value


def application(
    refs: Refs, vendor: Record, fx: Fx, detail: Tree, n: int, planned: dict[tuple[str, str], Decimal]
) -> Application:
    company = refs.company
    key, obj = text(detail, "RECORDKEY"), "APBILL"
    if not key and text(detail, "POSADJKEY"):
        key, obj = text(detail, "POSADJKEY"), "APADJUSTMENT"
    if not key:
        refuse(f"Enter the bill to pay on payment line {n}.")
    target = company.get(obj, int(key)) if key.isdigit() else None
    if target is None or target.get("VENDORID") != vendor.get("VENDORID"):
        refuse(
            f"Oops, we can't find this transaction; enter a valid bill ({key}) for this vendor and try again."
        )
    label = str(target.get("RECORDID") or key)
    if not payable(target):
        refuse(f"The bill {label} is not posted and cannot be paid.")
    if target.get("CURRENCY") != fx.currency:
        refuse(
            f"The payment currency {fx.currency} does not match the currency "
            f"{target.get('CURRENCY')} of bill {label}."
        )
    entrykey = text(detail, "ENTRYKEY") or text(detail, "POSADJENTRYKEY")
    check_entry(company, f"{obj}ITEM", target, entrykey)
    cash = amount_of(detail, "TRX_PAYMENTAMOUNT", n)
    applied = cash + amount_of(detail, "DISCOUNTTOAPPLY", n) + amount_of(detail, "CREDITTOAPPLY", n)
    found = Application(detail, obj, target, entrykey, cash, applied)
    for key_field, amount_field, credit_obj in AP_CREDITS:
        credit_key = text(detail, key_field)
        credit_amount = amount_of(detail, amount_field, n)
        if not credit_key:
            continue
        credit = company.get(credit_obj, int(credit_key)) if credit_key.isdigit() else None
        if credit is None or credit.get("VENDORID", vendor.get("VENDORID")) != vendor.get("VENDORID"):
            refuse(
                f"Oops, we can't find this transaction; enter a valid credit ({credit_key}) and try again."
            )
        if credit_obj == "APADJUSTMENT":
            available = open_amount(credit) - planned.get((credit_obj, credit_key), ZERO)
            if credit_amount > available:
                refuse(
                    f"The credit {credit_amount} exceeds the amount available ({available}) on {credit_key}."
                )
            planned[(credit_obj, credit_key)] = planned.get((credit_obj, credit_key), ZERO) + credit_amount
            found.credits.append((credit_obj, credit, credit_amount))
        found.applied += credit_amount
    if found.applied <= 0:
        refuse(f"Enter an amount to pay on payment line {n}.")
    available = open_amount(target) - planned.get((obj, key), ZERO)
    if available <= 0:
        refuse(f"There is no due on the bill {label}")
    if found.applied > available:
        refuse(
            f"The amount {found.applied} exceeds total amount due ({amount(available)}) on the bill {label}."
        )
    planned[(obj, key)] = planned.get((obj, key), ZERO) + found.applied
    return found


def apply_all(company: CompanyState, apps: list[Application], kind: str, day: dt.date) -> None:
    for app in apps:
        target = company.get(app.obj, int(app.target["RECORDNO"])) or app.target
        settle(
            company, app.obj, f"{app.obj}ITEM", target, app.applied, kind=kind, day=day, entrykey=app.entrykey
        )
        for credit_obj, credit, credit_amount in app.credits:
            current = company.get(credit_obj, int(credit["RECORDNO"])) or credit
            settle(company, credit_obj, f"{credit_obj}ITEM", current, credit_amount, kind=kind, day=day)


def payment_state(refs: Refs, action: str) -> str:
    wanted = action.strip().lower()
    if wanted == "draft":
        return "D"
    if wanted not in ("", "submit"):
        invalid("Action", action)
    return "S" if refs.company.config.ap_payment_approval else "C"


def post_ap_payment(ctx: CallContext, tree: Tree) -> int:
    refs, company = Refs(ctx), ctx.company
    method = refs.payment_method(text(tree, "PAYMENTMETHOD"), "AP")
    vendor = refs.vendor(text(tree, "VENDORID"))
    if not text(tree, "FINANCIALENTITY"):
        refuse("Required field Bank Account is missing.")
    bank_obj, bank = refs.bank_account(text(tree, "FINANCIALENTITY"))
    day = object_date(text(tree, "PAYMENTDATE"), "PAYMENTDATE")
    if day is None:
        refuse("Required field Payment Date is missing.")
    raw = payment_state(refs, text(tree, "ACTION"))
    entity = refs.entity or company.entities.get(refs.owner(bank_obj, bank))
    fx = refs.fx(
        entity,
        currency=text(tree, "CURRENCY") or str(bank.get("CURRENCY") or "") or None,
        basecurr=text(tree, "BASECURR") or None,
        rate_type=text(tree, "EXCH_RATE_TYPE_ID") or None,
        rate=decimal(text(tree, "EXCHANGE_RATE"), "EXCHANGE_RATE"),
        rate_date=object_date(text(tree, "EXCH_RATE_DATE"), "EXCH_RATE_DATE"),
        doc_date=day,
    )
    details = children(tree, "APPYMTDETAILS", "APPYMTDETAIL")
    if not details:
        refuse("No line items found")
    planned: dict[tuple[str, str], Decimal] = {}
    apps = [application(refs, vendor, fx, detail, n, planned) for n, detail in enumerate(details, 1)]
    cash = sum((app.cash for app in apps), ZERO)
    requested = decimal(text(tree, "AMOUNTTOPAY"), "AMOUNTTOPAY")
    if requested is not None and requested != cash:
        refuse(
            f"The payment amount {requested} does not match the total of the payment lines ({amount(cash)})."
        )
    if raw != "D":
        refs.open_period(day)
    batch_title, batch_key = summary(
        refs, key=text(tree, "PRBATCHKEY"), name=text(tree, "PRBATCH"),
        automatic=company.config.ap_automatic_payment_summaries, title="Payments", modulekey="3.AP", day=day,
        missing="Please provide a payment batch key.",
    )  # fmt: skip
    base = fx.to_base(cash)
    paid = raw == "C"
    user = refs.user_key()
    header: Record = {
        "RECORDTYPE": "pp",
        "RECORDID": text(tree, "DOCNUMBER"),
        "DOCNUMBER": text(tree, "DOCNUMBER"),
        "STATE": PAYMENT_STATES[raw],
        "RAWSTATE": raw,
        "FINANCIALENTITY": str(bank.get("BANKACCOUNTID", "")),
        "FINANCIALENTITYTYPE": bank_obj.lower(),
        "FINANCIALACCOUNTNAME": str(bank.get("BANKNAME") or bank.get("BANKACCOUNTID", "")),
        "FINANCIALACCOUNTCURRENCY": str(bank.get("CURRENCY") or fx.base),
        "PAYMENTMETHOD": method,
        "PAYMENTMETHODKEY": refs.payment_method_key(method),
        "PAYMENTREQUESTMETHOD": text(tree, "PAYMENTREQUESTMETHOD"),
        "VENDORID": str(vendor.get("VENDORID", "")),
        "VENDORNAME": str(vendor.get("NAME", "")),
        "DESCRIPTION": text(tree, "DESCRIPTION"),
        "BILLTOPAYTOCONTACTNAME": text(tree, "PAYMENTCONTACT"),
        "WHENCREATED": f"{day:%m/%d/%Y}",
        "WHENPAID": f"{day:%m/%d/%Y}" if paid else "",
        **fx.fields(typed_id=False),
        "TOTALENTERED": amount(base),
        "TRX_TOTALENTERED": amount(cash),
        "TOTALPAID": amount(base) if paid else "0",
        "TRX_TOTALPAID": amount(cash) if paid else "0",
        "TOTALDUE": "0" if paid else amount(base),
        "TRX_TOTALDUE": "0" if paid else amount(cash),
        "TOTALSELECTED": "0",
        "TRX_TOTALSELECTED": "0",
        "PRBATCH": batch_title,
        "PRBATCHKEY": batch_key,
        "SUPDOCID": text(tree, "SUPDOCID"),
        "AUWHENCREATED": intacct_timestamp(company.now()),
        "CREATEDBY": user,
        "MODIFIEDBY": user,
        **refs.entity_fields(),
    }
    refs.supdoc(text(tree, "SUPDOCID"))
    recordno = company.insert("APPYMT", header)
    stamp_url(company, "APPYMT", recordno)
    for app in apps:
        company.insert("APPYMTDETAIL", detail_row(recordno, app, fx, day, raw))
    if raw != "D":
        apply_all(company, apps, "pay" if paid else "select", day)
    return recordno


def detail_row(paymentkey: int, app: Application, fx: Fx, day: dt.date, raw: str) -> Record:
    detail = app.detail
    key_field = "RECORDKEY" if app.obj == "APBILL" else "POSADJKEY"
    row: Record = {
        "PAYMENTKEY": str(paymentkey),
        key_field: str(app.target["RECORDNO"]),
        "ENTRYKEY" if app.obj == "APBILL" else "POSADJENTRYKEY": app.entrykey,
        "PAYMENTDATE": f"{day:%m/%d/%Y}",
        "PAYMENTAMOUNT": amount(fx.to_base(app.cash)),
        "TRX_PAYMENTAMOUNT": amount(app.cash),
        "TRX_APPLIEDAMOUNT": amount(app.applied),
        "CURRENCY": fx.currency,
        "STATE": raw,
        "MODULEKEY": "3.AP",
    }
    discount = decimal(text(detail, "DISCOUNTTOAPPLY"), "DISCOUNTTOAPPLY")
    if discount:
        row.update(
            DISCOUNTAMOUNT=amount(fx.to_base(discount)),
            TRX_DISCOUNTAMOUNT=amount(discount),
            DISCOUNTDATE=text(detail, "DISCOUNTDATE"),
        )
    for key in ("CREDITTOAPPLY", "ADJUSTMENTKEY", "ADJUSTMENTENTRYKEY", "ADVANCEKEY", "ADVANCEENTRYKEY"):
        if text(detail, key):
            row[key] = text(detail, key)
    for key in ("INLINEKEY", "INLINEENTRYKEY"):
        if text(detail, key):
            row[key] = text(detail, key)
    for trx_field, base_field in (
        ("TRX_ADJUSTMENTAMOUNT", "ADJUSTMENTAMOUNT"),
        ("TRX_POSTEDADVANCEAMOUNT", "POSTEDADVANCEAMOUNT"),
        ("TRX_INLINEAMOUNT", "INLINEAMOUNT"),
    ):
        value = decimal(text(detail, trx_field), trx_field)
        if value:
            row[trx_field], row[base_field] = amount(value), amount(fx.to_base(value))
    return row


@object_handler("create", "APPYMT")
def create_appymt(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "appymt"):
        recordno = post_ap_payment(ctx, tree)
    return object_result("APPYMT", recordno)


@handler("approve_appaymentrequest")
def approve_appaymentrequest(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    """Post payments waiting for approval: the bills they selected become paid."""
    company = ctx.company
    holder = body(element).get("appaymentkeys")
    keys = [str(k).strip() for k in as_list(holder.get("appaymentkey") if isinstance(holder, dict) else None)]
    for key in keys:
        payment = company.get("APPYMT", int(key)) if key.isdigit() else None
        if payment is None:
            raise FunctionFailed(error(f"Cannot find appayment with key '{key}' to approve."))
        if payment.get("STATE") != "Submitted":
            raise FunctionFailed(error(f"The payment {key} is not awaiting approval."))
        day = object_date(str(payment.get("WHENCREATED", "")), "WHENCREATED") or company.now().date()
        company.update(
            "APPYMT",
            int(key),
            {
                "STATE": "Complete",
                "RAWSTATE": "C",
                "WHENPAID": f"{day:%m/%d/%Y}",
                "TOTALPAID": payment.get("TOTALENTERED", "0"),
                "TRX_TOTALPAID": payment.get("TRX_TOTALENTERED", "0"),
                "TOTALDUE": "0",
                "TRX_TOTALDUE": "0",
            },
        )
        for detail in company.find("APPYMTDETAIL", PAYMENTKEY=key):
            company.update("APPYMTDETAIL", int(detail["RECORDNO"]), {"STATE": "C"})
            release_detail(company, detail, day)
    return []


def release_detail(company: CompanyState, detail: Record, day: dt.date) -> None:
    obj, key = (
        ("APBILL", detail.get("RECORDKEY"))
        if detail.get("RECORDKEY")
        else ("APADJUSTMENT", detail.get("POSADJKEY"))
    )
    target = company.get(obj, int(str(key)))
    if target is not None:
        applied = dec(detail, "TRX_APPLIEDAMOUNT")
        entrykey = str(detail.get("ENTRYKEY") or detail.get("POSADJENTRYKEY") or "")
        settle(company, obj, f"{obj}ITEM", target, applied, kind="release", day=day, entrykey=entrykey)
    credit_key = str(detail.get("ADJUSTMENTKEY") or "")
    credit = company.get("APADJUSTMENT", int(credit_key)) if credit_key.isdigit() else None
    if credit is not None:
        settle(
            company,
            "APADJUSTMENT",
            "APADJUSTMENTITEM",
            credit,
            dec(detail, "TRX_ADJUSTMENTAMOUNT"),
            kind="release",
            day=day,
        )
