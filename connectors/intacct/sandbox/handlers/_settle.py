"""Applying payments and credits to AP/AR documents: totals, line balances and the document state.

An AP payment waiting for approval only *selects* the bills it pays (Intacct shows them as
``Selected``); a posted payment *pays* them (``Partially Paid``/``Paid``), and approving a submitted
payment *releases* the selection into a payment. The same arithmetic serves AR receipts and the
credit memos applied with them, so it lives here once.

Amounts are signed like the document: applying 10 to a credit memo whose total is -30 moves its due
amount to -20. Lines are settled top-down ("waterfall", as Intacct applies an unallocated payment)
unless the caller named the line (``ENTRYKEY``). Deleting a posted payment *unpays* what it paid,
bottom-up, so removing the latest payment restores exactly the lines it filled.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from connectors.intacct.sandbox.handlers._docs import amount
from connectors.intacct.sandbox.state import CompanyState, Record
from connectors.intacct.sandbox.validate import money, refuse

ZERO = Decimal(0)
#: Display states of settled AP/AR documents (C1's table maps them to the stored codes).
RAWSTATES = {"Posted": "A", "Selected": "SE", "Partially Paid": "PP", "Paid": "P"}


def dec(row: Record, key: str) -> Decimal:
    value = str(row.get(key) or "0")
    return Decimal(value)


def sign(document: Record) -> Decimal:
    return Decimal(-1) if dec(document, "TRX_TOTALENTERED") < 0 else Decimal(1)


def open_amount(document: Record) -> Decimal:
    """What can still be applied to the document (absolute value), net of amounts already selected."""
    return abs(dec(document, "TRX_TOTALDUE") - dec(document, "TRX_TOTALSELECTED"))


def payable(document: Record) -> bool:
    """Only posted documents take payments (drafts and documents awaiting approval do not)."""
    return document.get("STATE") not in ("Draft", "Submitted", "Partially Approved", "Declined")


def check_entry(company: CompanyState, line_obj: str, document: Record, entrykey: str) -> None:
    if not entrykey:
        return
    line = company.get(line_obj, int(entrykey)) if entrykey.isdigit() else None
    if line is None or line.get("RECORDKEY") != document["RECORDNO"]:
        refuse(f"Oops, we can't find this transaction; enter a valid line ({entrykey}) and try again.")


def settle(
    company: CompanyState,
    obj: str,
    line_obj: str,
    document: Record,
    trx: Decimal,
    *,
    kind: str,
    day: dt.date,
    entrykey: str = "",
) -> None:
    """Apply ``trx`` (positive, transaction currency) to ``document``.

    ``kind``: ``select`` (payment awaiting approval), ``unselect``, ``pay``, ``release`` (a
    selected amount becomes paid) or ``unpay`` (a deleted payment gives the amount back).
    """
    signed = trx * sign(document)
    rate = dec(document, "EXCHANGE_RATE") or Decimal(1)
    base = money(signed * rate) if document.get("CURRENCY") != document.get("BASECURR") else signed
    changes: Record = {}
    if kind in ("select", "unselect", "release"):
        direction = Decimal(1) if kind == "select" else Decimal(-1)
        changes["TOTALSELECTED"] = amount(dec(document, "TOTALSELECTED") + direction * base)
        changes["TRX_TOTALSELECTED"] = amount(dec(document, "TRX_TOTALSELECTED") + direction * signed)
    if kind in ("pay", "release"):
        changes["TOTALPAID"] = amount(dec(document, "TOTALPAID") + base)
        changes["TOTALDUE"] = amount(dec(document, "TOTALDUE") - base)
        changes["TRX_TOTALPAID"] = amount(dec(document, "TRX_TOTALPAID") + signed)
        changes["TRX_TOTALDUE"] = amount(dec(document, "TRX_TOTALDUE") - signed)
        changes["TRX_ENTITYDUE"] = changes["TRX_TOTALDUE"]
    if kind == "unpay":
        changes["TOTALPAID"] = amount(dec(document, "TOTALPAID") - base)
        changes["TOTALDUE"] = amount(dec(document, "TOTALDUE") + base)
        changes["TRX_TOTALPAID"] = amount(dec(document, "TRX_TOTALPAID") - signed)
        changes["TRX_TOTALDUE"] = amount(dec(document, "TRX_TOTALDUE") + signed)
        changes["TRX_ENTITYDUE"] = changes["TRX_TOTALDUE"]
    merged = {**document, **changes}
    state = settled_state(merged)
    changes["STATE"], changes["RAWSTATE"] = state, RAWSTATES[state]
    if state == "Paid":
        changes["WHENPAID"] = f"{day:%m/%d/%Y}"
    elif kind == "unpay":
        changes["WHENPAID"] = ""
    company.update(obj, int(document["RECORDNO"]), changes)
    settle_lines(company, line_obj, document, signed, rate, kind=kind, entrykey=entrykey)


def settled_state(document: Record) -> str:
    if dec(document, "TRX_TOTALDUE") == 0 and dec(document, "TRX_TOTALPAID") != 0:
        return "Paid"
    if dec(document, "TRX_TOTALSELECTED") != 0:
        return "Selected"
    if dec(document, "TRX_TOTALPAID") != 0:
        return "Partially Paid"
    return "Posted"


def settle_lines(
    company: CompanyState,
    line_obj: str,
    document: Record,
    signed: Decimal,
    rate: Decimal,
    *,
    kind: str,
    entrykey: str,
) -> None:
    lines = sorted(
        company.find(line_obj, RECORDKEY=str(document["RECORDNO"])),
        key=lambda r: (int(r.get("LINE_NO") or 0), r.get("LINEITEM") != "T", int(r["RECORDNO"])),
    )
    if entrykey:
        lines = [r for r in lines if r["RECORDNO"] == entrykey]
    elif kind == "unpay":
        lines.reverse()
    remaining = signed
    for index, line in enumerate(lines):
        if remaining == 0:
            break
        if kind == "select":
            room = dec(line, "TRX_AMOUNT") - dec(line, "TRX_TOTALPAID") - dec(line, "TRX_TOTALSELECTED")
        elif kind == "pay":
            room = dec(line, "TRX_AMOUNT") - dec(line, "TRX_TOTALPAID")
        elif kind == "unpay":
            room = dec(line, "TRX_TOTALPAID")
        else:
            room = dec(line, "TRX_TOTALSELECTED")
        last = index == len(lines) - 1
        part = remaining if last or entrykey else _toward_zero(room, remaining)
        if part == 0:
            continue
        remaining -= part
        company.update(line_obj, int(line["RECORDNO"]), _line_changes(line, part, rate, kind))


def _toward_zero(room: Decimal, remaining: Decimal) -> Decimal:
    """The part of ``remaining`` a line with ``room`` can take (both share the document's sign)."""
    if room * remaining <= 0:
        return ZERO
    return min(abs(room), abs(remaining)) * (Decimal(1) if remaining > 0 else Decimal(-1))


def _line_changes(line: Record, part: Decimal, rate: Decimal, kind: str) -> Record:
    base = money(part * rate) if line.get("CURRENCY") != line.get("BASECURR") else part
    changes: Record = {}
    if kind in ("select", "unselect", "release"):
        direction = Decimal(1) if kind == "select" else Decimal(-1)
        changes["TOTALSELECTED"] = amount(dec(line, "TOTALSELECTED") + direction * base)
        changes["TRX_TOTALSELECTED"] = amount(dec(line, "TRX_TOTALSELECTED") + direction * part)
    if kind in ("pay", "release"):
        changes["TOTALPAID"] = amount(dec(line, "TOTALPAID") + base)
        changes["TRX_TOTALPAID"] = amount(dec(line, "TRX_TOTALPAID") + part)
    if kind == "unpay":
        changes["TOTALPAID"] = amount(dec(line, "TOTALPAID") - base)
        changes["TRX_TOTALPAID"] = amount(dec(line, "TRX_TOTALPAID") - part)
    return changes
