"""Applying an AR payment later: legacy ``apply_arpayment``.

A legacy ``create_arpayment`` may leave all or part of the money unapplied (no ``arpaymentitem``, or
items for less than ``paymentamount``); the payment then keeps that amount as its due
(``TRX_TOTALDUE``). ``apply_arpayment`` (fixture ``apply-arpayment-request.xml``; element order
``arpaymentkey``, ``paymentdate``, ``batchkey``, ``memo``, ``overpaylocid``, ``overpaydeptid``,
``arpaymentitems/arpaymentitem{invoicekey, amount}``, as the Intacct SDKs write it) applies it to the
customer's invoices: each application pays the invoice like a receipt line does (``_settle``) and is
recorded as an ``ARPYMTDETAIL`` of the payment, whose paid and due totals move accordingly.

An amount larger than an invoice's due is refused with the error Intacct gives for it
(``XL03000027`` "The amount paid if greater than the amount due for invoice with key N", wording as
published). ASSUMPTIONS: without ``arpaymentitems`` the unapplied amount is applied to the customer's
open invoices in the payment's currency, oldest due date first; the other refusal texts are not
documented. ``memo`` has no place on the stored rows and is not kept.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree

from connectors.intacct.sandbox.handlers._docs import amount, summary
from connectors.intacct.sandbox.handlers._parse import Tree, body, children, decimal, legacy_date, text
from connectors.intacct.sandbox.handlers._settle import ZERO, dec, open_amount, payable, settle
from connectors.intacct.sandbox.handlers.ap_delete import reachable
from connectors.intacct.sandbox.registry import CallContext, handler
from connectors.intacct.sandbox.state import CompanyState, Record
from connectors.intacct.sandbox.validate import Fx, Refs, invalid, recording, refuse

AMOUNT_OVER_DUE = "XL03000027"


def payment_fx(payment: Record) -> Fx:
    """The payment's own conversion (its stored rate), so applications convert as the receipt did."""
    base, currency = str(payment.get("BASECURR") or ""), str(payment.get("CURRENCY") or "")
    rate = Decimal(str(payment.get("EXCHANGE_RATE") or "1"))
    return Fx(base or currency, currency or base, rate)


def open_invoices(company: CompanyState, payment: Record) -> list[Record]:
    """The customer's payable invoices in the payment's currency, oldest due date first."""

    def due_order(row: Record) -> tuple[dt.date, int]:
        due = str(row.get("WHENDUE") or row.get("WHENCREATED") or "")
        month, day, year = (int(p) for p in due.split("/")) if due.count("/") == 2 else (12, 31, 9999)
        return dt.date(year, month, day), int(row["RECORDNO"])

    rows = [
        row
        for row in company.find("ARINVOICE", CUSTOMERID=str(payment.get("CUSTOMERID") or ""))
        if payable(row) and open_amount(row) > 0 and row.get("CURRENCY") == payment.get("CURRENCY")
    ]
    return sorted(rows, key=due_order)


def requested(
    ctx: CallContext, payment: Record, tree: Tree, unapplied: Decimal
) -> list[tuple[Record, Decimal]]:
    """(invoice, amount) pairs to apply: the items sent, else the oldest open invoices."""
    company = ctx.company
    items = children(tree, "arpaymentitems", "arpaymentitem")
    if not items:
        plan, left = [], unapplied
        for invoice in open_invoices(company, payment):
            if left <= 0:
                break
            part = min(open_amount(invoice), left)
            plan.append((invoice, part))
            left -= part
        if not plan:
            refuse(f"The customer {payment.get('CUSTOMERID')} has no open invoices to apply the payment to.")
        return plan
    out: list[tuple[Record, Decimal]] = []
    planned: dict[str, Decimal] = {}
    for n, item in enumerate(items, 1):
        key = text(item, "invoicekey")
        target = company.get("ARINVOICE", int(key)) if key.isdigit() else None
        if (
            target is None
            or not reachable(ctx, target)
            or target.get("CUSTOMERID") != payment.get("CUSTOMERID")
        ):
            refuse(
                f"Oops, we can't find this transaction; enter a valid invoice ({key}) for this customer "
                "and try again."
            )
        if not payable(target):
            refuse(f"The invoice {target.get('RECORDID') or key} is not posted and cannot be paid.")
        if target.get("CURRENCY") != payment.get("CURRENCY"):
            refuse(
                f"The payment currency {payment.get('CURRENCY')} does not match the currency "
                f"{target.get('CURRENCY')} of invoice {target.get('RECORDID') or key}."
            )
        value = decimal(text(item, "amount"), "amount")
        if value is None or value <= 0:
            refuse(f"Enter an amount to apply on payment line {n}.")
        already = planned.get(key, ZERO)
        if value + already > open_amount(target):
            refuse(
                f"The amount paid if greater than the amount due for invoice with key {key}",
                AMOUNT_OVER_DUE,
            )
        planned[key] = already + value
        out.append((target, value))
    return out


def apply_payment(ctx: CallContext, tree: Tree) -> None:
    refs, company = Refs(ctx), ctx.company
    key = text(tree, "arpaymentkey")
    payment = company.get("ARPYMT", int(key)) if key.isdigit() else None
    if payment is None or not reachable(ctx, payment):
        invalid("AR Payment", key)
    day = legacy_date(tree, "paymentdate")
    if day is None:
        refuse("Required field Payment Date is missing.")
    if payment.get("RAWSTATE") != "C":
        refuse(f"The payment {key} is not posted; only posted payments can be applied.")
    unapplied = dec(payment, "TRX_TOTALDUE")
    if unapplied <= 0:
        refuse(f"The payment {key} has no unapplied amount left to apply.")
    if text(tree, "batchkey"):
        summary(refs, key=text(tree, "batchkey"), name="", automatic=True, title="Receipts",
                modulekey="4.AR", day=day, missing="")  # fmt: skip
    for element, kind in (("overpaylocid", "location"), ("overpaydeptid", "department")):
        if text(tree, element):
            refs.dimension(kind, text(tree, element))
    plan = requested(ctx, payment, tree, unapplied)
    total = sum((value for _invoice, value in plan), ZERO)
    if total > unapplied:
        refuse(
            f"The amounts applied ({amount(total)}) exceed the unapplied amount ({amount(unapplied)}) "
            f"of payment {key}."
        )
    refs.open_period(day)
    fx = payment_fx(payment)
    for invoice, value in plan:
        current = company.get("ARINVOICE", int(invoice["RECORDNO"])) or invoice
        settle(company, "ARINVOICE", "ARINVOICEITEM", current, value, kind="pay", day=day)
        company.insert(
            "ARPYMTDETAIL",
            {
                "PAYMENTKEY": str(payment["RECORDNO"]),
                "RECORDKEY": str(invoice["RECORDNO"]),
                "ENTRYKEY": "",
                "PAYMENTDATE": f"{day:%m/%d/%Y}",
                "PAYMENTAMOUNT": amount(fx.to_base(value)),
                "TRX_PAYMENTAMOUNT": amount(value),
                "CURRENCY": fx.currency,
                "STATE": "C",
            },
        )
    base = fx.to_base(total)
    company.update(
        "ARPYMT",
        int(payment["RECORDNO"]),
        {
            "TOTALPAID": amount(dec(payment, "TOTALPAID") + base),
            "TRX_TOTALPAID": amount(dec(payment, "TRX_TOTALPAID") + total),
            "TOTALDUE": amount(dec(payment, "TOTALDUE") - base),
            "TRX_TOTALDUE": amount(unapplied - total),
        },
    )


@handler("apply_arpayment")
def apply_arpayment(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    """Status-only answer, like the other legacy actions on an existing record."""
    with recording("apply", "arpayment"):
        apply_payment(ctx, body(element))
    return []
