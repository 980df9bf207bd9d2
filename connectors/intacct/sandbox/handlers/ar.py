"""Accounts receivable writes: invoices, AR adjustments (credit memos) and AR payments (receipts).

Invoices and adjustments go through the shared document pipeline with the AR rules: exactly one tax
entry per line where the entity has a tax solution, the AR document sequence (a supplied invoice
number is replaced when the sequence is on, required when it is off; an adjustment number may only
be sent when there is no sequence), and the due date. Receipts (generic ``ARPYMT`` and legacy
``create_arpayment``) need a payment method, a deposit target (bank, undeposited funds or summary),
a payment summary when Automatic Payment Summaries are off ("Please provide a payment batch key."),
exactly one invoice per payment line, and amounts that balance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from connectors.intacct.sandbox.handlers._docs import (
    AR_ADJUSTMENT,
    INVOICE,
    amount,
    key_result,
    object_result,
    post_document,
    stamp_url,
    summary,
)
from connectors.intacct.sandbox.handlers._parse import (
    Tree,
    body,
    children,
    decimal,
    legacy_date,
    legacy_document,
    object_date,
    text,
)
from connectors.intacct.sandbox.handlers._settle import ZERO, check_entry, open_amount, payable, settle
from connectors.intacct.sandbox.registry import CallContext, handler, object_handler
from connectors.intacct.sandbox.state import Record, intacct_timestamp
from connectors.intacct.sandbox.validate import Fx, Refs, invalid, recording, refuse
from connectors.intacct.xml.tree import as_list


@handler("create_invoice")
def create_invoice(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "invoice"):
        doc = legacy_document(
            tree, party="customerid", number="invoiceno", reference="ponumber", items="invoiceitems"
        )
        recordno = post_document(ctx, INVOICE, doc)
    return key_result(recordno)


@handler("create_aradjustment")
def create_aradjustment(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "aradjustment"):
        doc = legacy_document(
            tree, party="customerid", number="adjustmentno", reference="invoiceno", items="aradjustmentitems"
        )
        recordno = post_document(ctx, AR_ADJUSTMENT, doc)
    return key_result(recordno)


# -- receipts -------------------------------------------------------------------------------------
@dataclass
class ReceiptLine:
    invoice_key: str = ""
    entry_key: str = ""
    debit_memo_key: str = ""
    amount: Decimal = ZERO
    credit_key: str = ""
    credit_amount: Decimal = ZERO


@dataclass
class ReceiptInput:
    customer_id: str = ""
    method: str = ""
    bank_id: str = ""
    undeposited_account: str = ""
    batch_key: str = ""
    batch_name: str = ""
    reference: str = ""
    receipt_date: dt.date | None = None
    payment_date: dt.date | None = None
    currency: str = ""
    basecurr: str = ""
    exch_type: str = ""
    exch_rate: Decimal | None = None
    exch_date: dt.date | None = None
    #: Total in the payment currency when stated (generic TRX_AMOUNTTOPAY, legacy paymentamount).
    total: Decimal | None = None
    #: Total in base currency when the caller stated it (AMOUNTTOPAY, legacy translatedamount).
    base_total: Decimal | None = None
    #: Legacy payments may leave part of the amount unapplied (an overpayment); generic ones balance.
    must_balance: bool = True
    action: str = ""
    lines: list[ReceiptLine] = field(default_factory=list)


def generic_receipt(tree: Tree) -> ReceiptInput:
    lines = []
    for detail in children(tree, "ARPYMTDETAILS", "ARPYMTDETAIL"):
        lines.append(
            ReceiptLine(
                invoice_key=text(detail, "RECORDKEY"),
                entry_key=text(detail, "ENTRYKEY") or text(detail, "POSADJENTRYKEY"),
                debit_memo_key=text(detail, "POSADJKEY"),
                amount=decimal(text(detail, "TRX_PAYMENTAMOUNT"), "TRX_PAYMENTAMOUNT") or ZERO,
                credit_key=text(detail, "ADJUSTMENTKEY"),
                credit_amount=decimal(text(detail, "TRX_ADJUSTMENTAMOUNT"), "TRX_ADJUSTMENTAMOUNT") or ZERO,
            )
        )
    return ReceiptInput(
        customer_id=text(tree, "CUSTOMERID"),
        method=text(tree, "PAYMENTMETHOD"),
        bank_id=text(tree, "FINANCIALENTITY"),
        undeposited_account=text(tree, "UNDEPOSITEDACCOUNTNO"),
        batch_key=text(tree, "PRBATCHKEY"),
        batch_name=text(tree, "PRBATCH"),
        reference=text(tree, "DOCNUMBER"),
        receipt_date=object_date(text(tree, "RECEIPTDATE"), "RECEIPTDATE"),
        payment_date=object_date(text(tree, "PAYMENTDATE"), "PAYMENTDATE"),
        currency=text(tree, "CURRENCY"),
        basecurr=text(tree, "BASECURR"),
        exch_type=text(tree, "EXCH_RATE_TYPE_ID"),
        exch_rate=decimal(text(tree, "EXCHANGE_RATE"), "EXCHANGE_RATE"),
        exch_date=object_date(text(tree, "EXCH_RATE_DATE"), "EXCH_RATE_DATE"),
        total=decimal(text(tree, "TRX_AMOUNTTOPAY"), "TRX_AMOUNTTOPAY"),
        base_total=decimal(text(tree, "AMOUNTTOPAY"), "AMOUNTTOPAY"),
        action=text(tree, "ACTION"),
        lines=lines,
    )


def legacy_receipt(tree: Tree) -> ReceiptInput:
    items = [entry if isinstance(entry, dict) else {} for entry in as_list(tree.get("arpaymentitem"))]
    return ReceiptInput(
        customer_id=text(tree, "customerid"),
        method=text(tree, "paymentmethod"),
        bank_id=text(tree, "bankaccountid"),
        undeposited_account=text(tree, "undepfundsacct"),
        batch_key=text(tree, "batchkey"),
        reference=text(tree, "refid"),
        receipt_date=legacy_date(tree, "datereceived"),
        currency=text(tree, "currency"),
        basecurr=text(tree, "basecurr"),
        exch_type=text(tree, "exchratetype"),
        exch_rate=decimal(text(tree, "exchrate"), "exchrate"),
        exch_date=legacy_date(tree, "exchratedate"),
        total=decimal(text(tree, "paymentamount"), "paymentamount"),
        base_total=decimal(text(tree, "translatedamount"), "translatedamount"),
        must_balance=False,
        lines=[
            ReceiptLine(
                invoice_key=text(item, "invoicekey"), amount=decimal(text(item, "amount"), "amount") or ZERO
            )
            for item in items
        ],
    )


@dataclass
class Applied:
    obj: str
    target: Record
    line: ReceiptLine
    credit: Record | None = None


def resolve_receipt_lines(refs: Refs, customer: Record, receipt: ReceiptInput) -> list[Applied]:
    company = refs.company
    planned: dict[tuple[str, str], Decimal] = {}
    out: list[Applied] = []
    for n, line in enumerate(receipt.lines, 1):
        targets = [
            (obj, key)
            for obj, key in (("ARINVOICE", line.invoice_key), ("ARADJUSTMENT", line.debit_memo_key))
            if key
        ]
        if len(targets) != 1:
            refuse(f"Enter exactly one invoice on payment line {n}.")
        obj, key = targets[0]
        target = company.get(obj, int(key)) if key.isdigit() else None
        if target is None or target.get("CUSTOMERID") != customer.get("CUSTOMERID"):
            refuse(
                f"Oops, we can't find this transaction; enter a valid invoice ({key}) for this customer "
                "and try again."
            )
        label = str(target.get("RECORDID") or key)
        if not payable(target):
            refuse(f"The invoice {label} is not posted and cannot be paid.")
        check_entry(company, f"{obj}ITEM", target, line.entry_key)
        if line.amount < 0 or line.credit_amount < 0:
            refuse(f"The amounts on payment line {n} cannot be negative.")
        applied = Applied(obj, target, line)
        if line.credit_key:
            credit = company.get("ARADJUSTMENT", int(line.credit_key)) if line.credit_key.isdigit() else None
            if credit is None or credit.get("CUSTOMERID") != customer.get("CUSTOMERID"):
                refuse(
                    f"Oops, we can't find this transaction; enter a valid credit memo ({line.credit_key}) "
                    "and try again."
                )
            available = open_amount(credit) - planned.get(("ARADJUSTMENT", line.credit_key), ZERO)
            if line.credit_amount > available:
                refuse(
                    f"The credit {line.credit_amount} exceeds the amount available ({amount(available)}) "
                    f"on {line.credit_key}."
                )
            credit_slot = ("ARADJUSTMENT", line.credit_key)
            planned[credit_slot] = planned.get(credit_slot, ZERO) + line.credit_amount
            applied.credit = credit
        total = line.amount + line.credit_amount
        if total <= 0:
            refuse(f"Enter an amount to pay on payment line {n}.")
        available = open_amount(target) - planned.get((obj, key), ZERO)
        if available <= 0:
            refuse(f"There is no due on the invoice {label}")
        if total > available:
            refuse(
                f"The amount {total} exceeds total amount due ({amount(available)}) on the invoice {label}."
            )
        planned[(obj, key)] = planned.get((obj, key), ZERO) + total
        out.append(applied)
    return out


def receipt_currency(refs: Refs, receipt: ReceiptInput, applied: list[Applied], bank: Record | None) -> str:
    """Stated currency, else that of the invoices paid, else the bank account's (else base)."""
    if receipt.currency:
        return receipt.currency
    found = {str(a.target.get("CURRENCY") or "") for a in applied} - {""}
    if len(found) > 1:
        refuse("The invoices paid by one payment must share one currency.")
    if found:
        return found.pop()
    return str((bank or {}).get("CURRENCY") or "")


def post_receipt(ctx: CallContext, receipt: ReceiptInput) -> int:
    refs, company = Refs(ctx), ctx.company
    method = refs.payment_method(receipt.method, "AR")
    customer = refs.customer(receipt.customer_id)
    automatic = company.config.ar_automatic_payment_summaries
    if not automatic and not (receipt.batch_key or receipt.batch_name):
        refuse("Please provide a payment batch key.")
    if receipt.bank_id and receipt.undeposited_account:
        refuse("Provide either a bank account or an undeposited funds account, not both.")
    if not (receipt.bank_id or receipt.undeposited_account or receipt.batch_key or receipt.batch_name):
        refuse("Provide a bank account, an undeposited funds account or a payment summary for the payment.")
    bank_obj, bank = refs.bank_account(receipt.bank_id) if receipt.bank_id else ("", None)
    undeposited = refs.account(receipt.undeposited_account) if receipt.undeposited_account else None
    day = receipt.receipt_date or receipt.payment_date
    if day is None:
        refuse("Required field Receipt Date is missing.")
    wanted = receipt.action.strip().lower()
    if wanted not in ("", "draft", "submit"):
        invalid("Action", receipt.action)
    raw = "D" if wanted == "draft" else "C"
    if receipt.must_balance and not receipt.lines:
        refuse("No line items found")
    applied = resolve_receipt_lines(refs, customer, receipt)
    entity = refs.entity or (company.entities.get(refs.owner(bank_obj, bank)) if bank else None)
    fx = refs.fx(
        entity,
        currency=receipt_currency(refs, receipt, applied, bank) or None,
        basecurr=receipt.basecurr or None,
        rate_type=receipt.exch_type or None,
        rate=receipt.exch_rate,
        rate_date=receipt.exch_date,
        doc_date=day,
    )
    cash = sum((a.line.amount for a in applied), ZERO)
    total = cash if receipt.total is None else receipt.total
    if receipt.must_balance and receipt.total is not None and receipt.total != cash:
        refuse(
            f"The payment amount {receipt.total} does not match the total of the payment lines "
            f"({amount(cash)})."
        )
    if total < cash:
        refuse(f"The payment amount {amount(total)} is less than the amounts applied ({amount(cash)}).")
    if total <= 0:
        refuse("Enter a payment amount greater than 0.")
    if receipt.base_total is not None and fx.foreign:
        implied = (receipt.base_total / total).quantize(Decimal("0.0000000001"))
        fx = Fx(fx.base, fx.currency, implied, fx.rate_type, fx.rate_type_id, fx.rate_date)
    if raw != "D":
        refs.open_period(day)
    batch_title, batch_key = summary(
        refs, key=receipt.batch_key, name=receipt.batch_name, automatic=automatic, title="Receipts",
        modulekey="4.AR", day=day, missing="Please provide a payment batch key.",
    )  # fmt: skip
    base = receipt.base_total if receipt.base_total is not None and fx.foreign else fx.to_base(total)
    unapplied = total - cash
    user = refs.user_key()
    header: Record = {
        "RECORDTYPE": "rp",
        "RECORDID": receipt.reference,
        "DOCNUMBER": receipt.reference,
        "STATE": "Draft" if raw == "D" else "Complete",
        "RAWSTATE": raw,
        "PAYMENTMETHOD": method,
        "PAYMENTMETHODKEY": refs.payment_method_key(method),
        "FINANCIALENTITY": str((bank or {}).get("BANKACCOUNTID", "")),
        "FINANCIALENTITYTYPE": bank_obj.lower(),
        "FINANCIALACCOUNTNAME": str((bank or {}).get("BANKNAME", "")),
        "FINANCIALACCOUNTCURRENCY": str((bank or {}).get("CURRENCY", "")),
        "UNDEPOSITEDACCOUNTNO": str((undeposited or {}).get("ACCOUNTNO", "")),
        "PRBATCH": batch_title,
        "PRBATCHKEY": batch_key,
        "CUSTOMERID": str(customer.get("CUSTOMERID", "")),
        "CUSTOMERNAME": str(customer.get("NAME", "")),
        "WHENCREATED": f"{(receipt.payment_date or day):%m/%d/%Y}",
        "RECEIPTDATE": f"{day:%m/%d/%Y}",
        "WHENPAID": "" if raw == "D" else f"{day:%m/%d/%Y}",
        **fx.fields(typed_id=False),
        "TOTALENTERED": amount(base),
        "TRX_TOTALENTERED": amount(total),
        "TOTALPAID": amount(fx.to_base(cash)),
        "TRX_TOTALPAID": amount(cash),
        "TOTALDUE": amount(fx.to_base(unapplied)),
        "TRX_TOTALDUE": amount(unapplied),
        "AUWHENCREATED": intacct_timestamp(company.now()),
        "CREATEDBY": user,
        "MODIFIEDBY": user,
        **refs.entity_fields(),
    }
    recordno = company.insert("ARPYMT", header)
    stamp_url(company, "ARPYMT", recordno)
    for item in applied:
        company.insert("ARPYMTDETAIL", receipt_detail(recordno, item, fx, day, raw))
        if raw == "D":
            continue
        total_applied = item.line.amount + item.line.credit_amount
        current = company.get(item.obj, int(item.target["RECORDNO"])) or item.target
        settle(
            company,
            item.obj,
            f"{item.obj}ITEM",
            current,
            total_applied,
            kind="pay",
            day=day,
            entrykey=item.line.entry_key,
        )
        if item.credit is not None:
            credit = company.get("ARADJUSTMENT", int(item.credit["RECORDNO"])) or item.credit
            settle(
                company,
                "ARADJUSTMENT",
                "ARADJUSTMENTITEM",
                credit,
                item.line.credit_amount,
                kind="pay",
                day=day,
            )
    return recordno


def receipt_detail(paymentkey: int, item: Applied, fx: Fx, day: dt.date, raw: str) -> Record:
    line = item.line
    key_field, entry_field = (
        ("RECORDKEY", "ENTRYKEY") if item.obj == "ARINVOICE" else ("POSADJKEY", "POSADJENTRYKEY")
    )
    row: Record = {
        "PAYMENTKEY": str(paymentkey),
        key_field: str(item.target["RECORDNO"]),
        entry_field: line.entry_key,
        "PAYMENTDATE": f"{day:%m/%d/%Y}",
        "PAYMENTAMOUNT": amount(fx.to_base(line.amount)),
        "TRX_PAYMENTAMOUNT": amount(line.amount),
        "CURRENCY": fx.currency,
        "STATE": raw,
    }
    if line.credit_key:
        row.update(
            ADJUSTMENTKEY=line.credit_key,
            ADJUSTMENTAMOUNT=amount(fx.to_base(line.credit_amount)),
            TRX_ADJUSTMENTAMOUNT=amount(line.credit_amount),
        )
    return row


@object_handler("create", "ARPYMT")
def create_arpymt(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "arpymt"):
        recordno = post_receipt(ctx, generic_receipt(tree))
    return object_result("ARPYMT", recordno)


@handler("create_arpayment")
def create_arpayment(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "arpayment"):
        recordno = post_receipt(ctx, legacy_receipt(tree))
    return key_result(recordno)
