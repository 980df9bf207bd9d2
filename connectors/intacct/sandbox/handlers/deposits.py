"""Bank deposits: legacy ``record_deposit`` moves undeposited receipts into a bank account.

Receipts recorded to undeposited funds — other receipts (``record_otherreceipt`` with
``undepglaccountno``) and AR payments (``UNDEPOSITEDACCOUNTNO``/``undepfundsacct``) — wait there until
a deposit slip takes them to the bank (intacct.md §5.8). The function names the bank account, the
deposit date, the slip id and the receipts' keys (RECORDNOs; Intacct keeps both kinds of receipt in
one record space, and so does the sandbox). It writes a ``DEPOSIT`` header with one ``DEPOSITENTRY``
per receipt and answers ``<key>`` with the deposit's RECORDNO.

The receipts then read as deposited: an other receipt gets ``STATE`` ``Deposited``, the bank account
and the deposit date, as if it had been recorded to the bank; an AR payment keeps the undeposited-funds
account it was posted to and gains ``DEPOSITKEY``/``DEPOSITDATE``.

Each receipt must exist where the session can see it, still be undeposited, be in the bank account's
currency, be dated on or before the deposit, and be named once. ASSUMPTION: these refusals (and the
required slip id, which the SDKs always write) have no documented texts; the texts here name the
values involved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree

from connectors.intacct.sandbox.handlers._docs import amount, key_result, stamp_url
from connectors.intacct.sandbox.handlers._parse import (
    Tree,
    body,
    custom_fields,
    legacy_date,
    object_date,
    text,
)
from connectors.intacct.sandbox.handlers.ap_delete import reachable
from connectors.intacct.sandbox.registry import CallContext, handler
from connectors.intacct.sandbox.state import Record, intacct_timestamp
from connectors.intacct.sandbox.validate import Refs, invalid, recording, refuse
from connectors.intacct.xml.tree import as_list

#: Receipt objects a deposit can take (their RECORDNOs never collide).
RECEIPTS = ("OTHERRECEIPTS", "ARPYMT")


def receipt_keys(tree: Tree) -> list[str]:
    holder = tree.get("receiptkeys")
    values = as_list(holder.get("receiptkey")) if isinstance(holder, dict) else []
    return [str(v).strip() for v in values if isinstance(v, str) and v.strip()]


def find_receipt(ctx: CallContext, key: str) -> tuple[str, Record]:
    for obj in RECEIPTS:
        row = ctx.company.get(obj, int(key)) if key.isdigit() else None
        if row is not None and reachable(ctx, row):
            return obj, row
    invalid("Receipt", key)


def undeposited(obj: str, row: Record) -> bool:
    if row.get("DEPOSITKEY"):
        return False
    if obj == "OTHERRECEIPTS":
        return row.get("STATE") == "Undeposited"
    return bool(row.get("UNDEPOSITEDACCOUNTNO")) and row.get("RAWSTATE") == "C"


def check_receipt(obj: str, row: Record, key: str, bank: Record, day: dt.date) -> Decimal:
    """The receipt's amount in its currency, once it is known to be depositable into ``bank``."""
    if not undeposited(obj, row):
        refuse(f"The receipt {key} is not in undeposited funds and cannot be deposited.")
    currency = str(row.get("CURRENCY") or row.get("BASECURR") or "")
    if bank.get("CURRENCY") and currency and currency != bank["CURRENCY"]:
        refuse(
            f"The receipt {key} is in {currency}; the bank account {bank.get('BANKACCOUNTID')} "
            f"takes {bank['CURRENCY']} deposits only."
        )
    received = object_date(str(row.get("RECEIPTDATE") or row.get("WHENCREATED") or ""), "RECEIPTDATE")
    if received is not None and received > day:
        refuse(
            f"The receipt {key} was received on {received:%m/%d/%Y}, after the deposit date {day:%m/%d/%Y}."
        )
    return Decimal(str(row.get("TRX_TOTALENTERED") or "0"))


def post_deposit(ctx: CallContext, tree: Tree) -> int:
    refs, company = Refs(ctx), ctx.company
    bank_id = text(tree, "bankaccountid")
    if not bank_id:
        refuse("Required field Bank Account is missing.")
    bank_obj, bank = refs.bank_account(bank_id)
    day = legacy_date(tree, "depositdate")
    if day is None:
        refuse("Required field Deposit Date is missing.")
    slip = text(tree, "depositid")
    if not slip:
        refuse("Required field Deposit ID is missing.")
    keys = receipt_keys(tree)
    if not keys:
        refuse("Select at least one receipt to deposit.")
    if len(set(keys)) != len(keys):
        refuse("A receipt can be deposited only once: a receipt key is repeated.")
    found = [(key, *find_receipt(ctx, key)) for key in keys]
    amounts = [check_receipt(obj, row, key, bank, day) for key, obj, row in found]
    refs.open_period(day)
    refs.supdoc(text(tree, "supdocid"))
    rows = [row for _key, _obj, row in found]
    base_total = sum((Decimal(str(r.get("TOTALENTERED") or "0")) for r in rows), Decimal(0))
    user = refs.user_key()
    header: Record = {
        "RECORDID": slip,
        "DESCRIPTION": text(tree, "description"),
        "STATE": "Deposited",
        "WHENCREATED": f"{day:%m/%d/%Y}",
        "DEPOSITDATE": f"{day:%m/%d/%Y}",
        "FINANCIALENTITY": str(bank.get("BANKACCOUNTID", "")),
        "FINANCIALENTITYTYPE": bank_obj.lower(),
        "FINANCIALACCOUNTNAME": str(bank.get("BANKNAME") or bank.get("BANKACCOUNTID", "")),
        "BASECURR": str(rows[0].get("BASECURR") or ""),
        "CURRENCY": str(bank.get("CURRENCY") or rows[0].get("CURRENCY") or ""),
        "TOTALENTERED": amount(base_total),
        "TRX_TOTALENTERED": amount(sum(amounts, Decimal(0))),
        "SUPDOCID": text(tree, "supdocid"),
        "AUWHENCREATED": intacct_timestamp(company.now()),
        "CREATEDBY": user,
        "MODIFIEDBY": user,
        **refs.entity_fields(),
        **custom_fields(tree),
    }
    recordno = company.insert("DEPOSIT", header)
    stamp_url(company, "DEPOSIT", recordno)
    for n, ((key, obj, row), trx) in enumerate(zip(found, amounts, strict=True), 1):
        company.insert(
            "DEPOSITENTRY",
            {
                "RECORDKEY": str(recordno),
                "LINE_NO": str(n),
                "RECEIPTKEY": key,
                "RECEIPTTYPE": obj,
                "AMOUNT": str(row.get("TOTALENTERED") or "0"),
                "TRX_AMOUNT": amount(trx),
                "CURRENCY": header["CURRENCY"],
                "CREATEDBY": user,
                "MODIFIEDBY": user,
            },
        )
        mark_deposited(ctx, obj, row, bank, recordno, day)
    return recordno


def mark_deposited(ctx: CallContext, obj: str, row: Record, bank: Record, deposit: int, day: dt.date) -> None:
    changes: Record = {"DEPOSITKEY": str(deposit), "DEPOSITDATE": f"{day:%m/%d/%Y}"}
    if obj == "OTHERRECEIPTS":
        changes.update(
            STATE="Deposited",
            BANKACCOUNTID=str(bank.get("BANKACCOUNTID", "")),
            BANKACCOUNTNAME=str(bank.get("BANKNAME", "")),
            BANKACCOUNTCURR=str(bank.get("CURRENCY", "")),
        )
    ctx.company.update(obj, int(row["RECORDNO"]), changes)


@handler("record_deposit")
def record_deposit(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "deposit"):
        recordno = post_deposit(ctx, tree)
    return key_result(recordno)
