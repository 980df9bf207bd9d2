"""General ledger writes: journal entries (generic ``create GLBATCH``).

A journal entry names an existing journal, a batch date and a title, and at least two lines whose
debits (``TR_TYPE 1``) and credits (``TR_TYPE -1``) balance in base currency. A negative amount is
turned into the opposite side, as the SDKs do. Lines use the GL spellings of the dimensions
(``LOCATION``, ``DEPARTMENT``) and may be in another currency (rate type or custom rate per line,
``EXCH_RATE_DATE`` defaulting to the batch date). Bank-tied accounts are allowed here: moving cash is
what journal entries are for. Custom fields on the header and lines are stored under their names.

Deleting (``<delete><object>GLBATCH</object><keys>…</keys></delete>``) removes the batch with all
its entries. Entries a subledger posted (``MODULE`` other than ``2.GL``) belong to that module, and a
reversed batch or a reversal is kept as history; a posted batch in a closed period is refused like a
posting into it.

ASSUMPTION: Intacct's wording for an unbalanced entry and for the delete refusals is not documented;
the texts used here name the values involved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree

from connectors.intacct.sandbox.handlers._docs import account_fields, amount, object_result, stamp_url
from connectors.intacct.sandbox.handlers._parse import (
    GL_DIMENSIONS,
    Tree,
    body,
    children,
    decimal,
    object_date,
    text,
)
from connectors.intacct.sandbox.handlers.ap_delete import reachable, split_keys
from connectors.intacct.sandbox.registry import CallContext, FunctionFailed, object_handler
from connectors.intacct.sandbox.state import Entity, Record, intacct_timestamp
from connectors.intacct.sandbox.validate import Refs, error, invalid, recording, refuse

HEADER_FIELDS = {
    "JOURNAL", "BATCH_DATE", "REVERSEDATE", "BATCH_TITLE", "HISTORY_COMMENT", "REFERENCENO",
    "BASELOCATION_NO", "SUPDOCID", "STATE", "ENTRIES", "TAXIMPLICATIONS", "TAXSOLUTIONID", "VATVENDORID",
    "VATCUSTOMERID",
}  # fmt: skip
ENTRY_FIELDS = {
    "DOCUMENT", "ACCOUNTNO", "TR_TYPE", "TRX_AMOUNT", "AMOUNT", "CURRENCY", "EXCH_RATE_DATE",
    "EXCH_RATE_TYPE_ID", "EXCHANGE_RATE", "DESCRIPTION", "ALLOCATION", "SPLIT", "BILLABLE", "STATISTICAL",
    "UNITS", "TAXENTRIES",
    *GL_DIMENSIONS,
}  # fmt: skip
GL_STATES = {"draft": ("Draft", "I"), "posted": ("Posted", "P"), "": ("Posted", "P")}


def custom_fields(tree: Tree, known: set[str]) -> dict[str, str]:
    """Leaf fields the function does not know are the company's custom fields: stored as sent."""
    return {key: value for key, value in tree.items() if key not in known and isinstance(value, str)}


def post_journal_entry(ctx: CallContext, tree: Tree) -> int:
    refs, company = Refs(ctx), ctx.company
    symbol = text(tree, "JOURNAL")
    if not symbol:
        refuse("Required field Journal is missing.")
    journal = refs.lookup("GLJOURNAL", "SYMBOL", symbol)
    if journal is None or journal.get("STATUS") == "inactive":
        invalid("Journal", symbol)
    day = object_date(text(tree, "BATCH_DATE"), "BATCH_DATE")
    if day is None:
        refuse("Required field Batch Date is missing.")
    if not text(tree, "BATCH_TITLE"):
        refuse("Required field Description is missing.")
    wanted = text(tree, "STATE").lower()
    if wanted not in GL_STATES:
        invalid("State", text(tree, "STATE"))
    state, raw = GL_STATES[wanted]
    base_location = text(tree, "BASELOCATION_NO")
    location = refs.dimension("location", base_location) if base_location else None
    entries = children(tree, "ENTRIES", "GLENTRY")
    if len(entries) < 2:
        refuse("A journal entry needs at least two lines.")
    entity = refs.posting_entity(
        [base_location] + [text(e, "LOCATION") for e in entries if text(e, "LOCATION")]
    )
    rows: list[Record] = []
    debit = credit = Decimal(0)
    for n, entry in enumerate(entries, 1):
        row = journal_line(refs, entity, entry, n, day)
        if row["TR_TYPE"] == "1":
            debit += Decimal(row["AMOUNT"])
        else:
            credit += Decimal(row["AMOUNT"])
        rows.append(row)
    if debit != credit:
        refuse(
            f"The journal entry is not balanced: debits ({amount(debit)}) must equal credits "
            f"({amount(credit)})."
        )
    if raw == "P":
        refs.open_period(day)
    refs.supdoc(text(tree, "SUPDOCID"))
    batchno = company.next_number(f"GLBATCH:{symbol}")
    user = refs.user_key()
    header: Record = {
        "BATCHNO": batchno,
        "JOURNAL": symbol,
        "JOURNALKEY": str(journal["RECORDNO"]),
        "BATCH_TITLE": text(tree, "BATCH_TITLE"),
        "BATCH_DATE": f"{day:%m/%d/%Y}",
        "REVERSEDATE": text(tree, "REVERSEDATE"),
        "HISTORY_COMMENT": text(tree, "HISTORY_COMMENT"),
        "REFERENCENO": text(tree, "REFERENCENO"),
        "STATE": state,
        "RAWSTATE": raw,
        "MODULE": "2.GL",
        "ADJ": "F",
        "BALANCE": "",
        "BASELOCATION": str((location or {}).get("RECORDNO", "")),
        "BASELOCATION_NO": base_location,
        "BASELOCATION_NAME": str((location or {}).get("NAME", "")),
        "SUPDOCID": text(tree, "SUPDOCID"),
        "TAXIMPLICATIONS": text(tree, "TAXIMPLICATIONS"),
        "TAXSOLUTIONID": text(tree, "TAXSOLUTIONID"),
        "USERKEY": user,
        "MODIFIED": intacct_timestamp(company.now()),
        "MODIFIEDBYID": ctx.user_id,
        "USERINFO.LOGINID": ctx.user_id,
        "CREATEDBY": user,
        "MODIFIEDBY": user,
        **refs.entity_fields(),
        **custom_fields(tree, HEADER_FIELDS),
    }
    recordno = company.insert("GLBATCH", header)
    stamp_url(company, "GLBATCH", recordno)
    for n, row in enumerate(rows, 1):
        row.update(
            BATCHNO=str(recordno),
            BATCH_NUMBER=batchno,
            BATCH_DATE=header["BATCH_DATE"],
            BATCHTITLE=header["BATCH_TITLE"],
            LINE_NO=str(n),
            STATE=raw,
            USERNO=user,
            CREATEDBY=user,
        )
        company.insert("GLENTRY", row)
    return recordno


def journal_line(refs: Refs, entity: Entity | None, entry: Tree, n: int, day: dt.date) -> Record:
    account_no = text(entry, "ACCOUNTNO")
    if not account_no:
        refuse(f"Enter an account number on line {n} of the journal entry, and try again.")
    account = refs.account(account_no)
    side = text(entry, "TR_TYPE")
    if side not in ("1", "-1"):
        refuse(f"Line {n}: TR_TYPE must be 1 (debit) or -1 (credit).")
    trx = decimal(text(entry, "TRX_AMOUNT"), "TRX_AMOUNT")
    if trx is None:
        trx = decimal(text(entry, "AMOUNT"), "AMOUNT")
    if trx is None or trx == 0:
        refuse(f"Enter an amount on line {n} of the journal entry, and try again.")
    if trx < 0:
        trx, side = -trx, ("-1" if side == "1" else "1")
    fx = refs.fx(
        entity,
        currency=text(entry, "CURRENCY") or None,
        rate_type=text(entry, "EXCH_RATE_TYPE_ID") or None,
        rate=decimal(text(entry, "EXCHANGE_RATE"), "EXCHANGE_RATE"),
        rate_date=object_date(text(entry, "EXCH_RATE_DATE"), "EXCH_RATE_DATE"),
        doc_date=day,
    )
    dims = {kind: text(entry, key) for key, kind in GL_DIMENSIONS.items() if text(entry, key)}
    refs.required_dimensions(account, dims)
    row: Record = {
        "TR_TYPE": side,
        "ENTRY_DATE": f"{day:%m/%d/%Y}",
        **account_fields(account),
        "AMOUNT": amount(fx.to_base(trx)),
        "TRX_AMOUNT": amount(trx),
        **fx.fields(typed_id=False),
        "DOCUMENT": text(entry, "DOCUMENT"),
        "DESCRIPTION": text(entry, "DESCRIPTION"),
        "ALLOCATION": text(entry, "ALLOCATION"),
        "BILLABLE": text(entry, "BILLABLE") or "false",
        "STATISTICAL": "F",
        **refs.entity_fields(),
        **custom_fields(entry, ENTRY_FIELDS),
    }
    for kind, value in dims.items():
        row.update(refs.dimension_fields(kind, refs.dimension(kind, value), style="gl"))
    return row


@object_handler("create", "GLBATCH")
def create_glbatch(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "glbatch"):
        recordno = post_journal_entry(ctx, tree)
    return object_result("GLBATCH", recordno)


#: GLBATCH stored states of reversals (``Reversal pending``, ``Reversed``).
REVERSAL_STATES = ("L", "Z")


def delete_journal_entry(ctx: CallContext, key: str) -> None:
    company = ctx.company
    batch = company.get("GLBATCH", int(key)) if key.isdigit() else None
    if batch is None or not reachable(ctx, batch):
        raise FunctionFailed(error(f"Cannot find glbatch with key '{key}' to delete."))
    label = f"{batch.get('JOURNAL', '')}-{batch.get('BATCHNO', key)}"
    with recording("delete", "glbatch"):
        module = str(batch.get("MODULE") or "2.GL")
        if module != "2.GL":
            refuse(f"The journal entry {label} was posted by the {module} subledger; delete it there.")
        if batch.get("REVERSEDKEY") or batch.get("REVERSEDFROM") or batch.get("RAWSTATE") in REVERSAL_STATES:
            refuse(f"The journal entry {label} is part of a reversal and cannot be deleted.")
        day = object_date(str(batch.get("BATCH_DATE") or ""), "BATCH_DATE")
        if batch.get("RAWSTATE") == "P" and day is not None:
            Refs(ctx).open_period(day)
    for entry in company.find("GLENTRY", BATCHNO=str(batch["RECORDNO"])):
        company.delete("GLENTRY", int(entry["RECORDNO"]))
    company.delete("GLBATCH", int(key))


@object_handler("delete", "GLBATCH")
def delete_glbatch(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    """Each key is a GLBATCH RECORDNO; the batch goes with all its GLENTRY rows."""
    for key in split_keys(element):
        delete_journal_entry(ctx, key)
    return []
