"""Updating AR invoices: legacy ``update_invoice`` (what the connector sends for ``PUT …/invoices/{id}``).

``<update_invoice key="RECORDNO">`` carries the header fields to change (``create_invoice`` spelling)
and, in ``updateinvoiceitems``, ``updatelineitem line_num="N"`` elements that change line N (1-based,
only the fields sent) plus ``lineitem`` elements that add lines. Lines cannot be removed. The changed
invoice goes through the same AR rule pipeline as a new one (``_docs.post_document``), so an update is
refused for exactly the reasons a create would be. Lines are written again (new line RECORDNOs, as for
generic APBILL updates); a line's custom fields survive only when the update sends them again.

Refused before anything is read: invoices with payments applied — Intacct's ``BL03000215`` "The
Document State is not valid. Cannot update a document that's paid." (intacct-behaviour §3, reported
for bills; the AR document check is assumed to be the same) — and invoices that Order Entry generated
(``MODULEKEY 8.SO``), which change only through their sales transaction. Sending only ``supdocid``
(how attachments are linked) is an update like any other.

ASSUMPTION: the texts for an unknown invoice, an unknown ``line_num``, an Order Entry invoice and a
posted invoice sent back to Draft are not documented.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from lxml import etree

from connectors.intacct.sandbox.handlers._docs import (
    INVOICE,
    document_from_rows,
    key_result,
    overlay,
    post_document,
)
from connectors.intacct.sandbox.handlers._parse import (
    LEGACY_DIMENSIONS,
    DocInput,
    LineInput,
    Tree,
    body,
    children,
    legacy_document,
    legacy_line,
    text,
)
from connectors.intacct.sandbox.handlers.ap import ensure_unpaid
from connectors.intacct.sandbox.registry import CallContext, handler
from connectors.intacct.sandbox.state import CompanyState, Record
from connectors.intacct.sandbox.validate import recording, refuse

#: ``update_invoice`` header element -> ``DocInput`` attribute.
INVOICE_FIELDS = {
    "customerid": "party_id",
    "datecreated": "date",
    "dateposted": "posted",
    "datedue": "due",
    "termname": "term",
    "action": "action",
    "batchkey": "batch_key",
    "invoiceno": "number",
    "ponumber": "reference",
    "description": "description",
    "basecurr": "basecurr",
    "currency": "currency",
    "exchratedate": "exch_date",
    "exchratetype": "exch_type",
    "exchrate": "exch_rate",
    "supdocid": "supdoc_id",
    "taxsolutionid": "tax_solution",
    "billto": "payto",
    "shipto": "returnto",
    "customfields": "extra",
}
#: Line values kept from the stored row when a line is rewritten (``document_from_rows`` drops them).
KEPT_LINE_FIELDS = ("BILLABLE", "REVRECTEMPLATE", "DEFERREDREVACCTNO", "REVRECSTARTDATE", "REVRECENDDATE")


def editable_invoice(company: CompanyState, key: str) -> Record:
    invoice = company.get("ARINVOICE", int(key)) if key.isdigit() else None
    if invoice is None:
        refuse(f"Cannot find invoice with key '{key}' to update.")
    ensure_unpaid(invoice)
    if invoice.get("MODULEKEY") == "8.SO":
        source = company.find_one("SODOCUMENT", PRRECORDKEY=str(invoice["RECORDNO"]))
        name = f" ({source['DOCID']})" if source is not None else ""
        refuse(
            f"The invoice {invoice.get('RECORDID') or key} was created by Order Entry; "
            f"update its sales transaction{name} instead."
        )
    return invoice


def header_changes(current: DocInput, tree: Tree) -> None:
    """Apply the header elements sent: a rate type replaces a rate (and the other way round), a new
    currency alone falls back to the daily rate, a new term alone gives a new due date."""
    changes = legacy_document(tree, party="customerid", number="invoiceno", reference="ponumber", items="")
    present = set(tree)
    overlay(current, changes, present, INVOICE_FIELDS)
    if "exchratetype" in present and "exchrate" not in present:
        current.exch_rate = None
    if "exchrate" in present and "exchratetype" not in present:
        current.exch_type = ""
    if "currency" in present and not ({"exchratetype", "exchrate"} & present):
        current.exch_type, current.exch_rate = "", None
    if "termname" in present and "datedue" not in present:
        current.due = None  # recomputed from the new term by the pipeline


def changed_line(line: LineInput, item: Tree) -> LineInput:
    """``line`` with the fields one ``updatelineitem`` sent (an empty dimension element clears it)."""
    sent = legacy_line(item)
    present = set(item)
    out = replace(line, dims=dict(line.dims), extra=dict(line.extra))
    if "glaccountno" in present:
        out.account_no, out.account_label = sent.account_no, ""
    if "accountlabel" in present:
        out.account_label, out.account_no = sent.account_label, ""
    if "offsetglaccountno" in present:
        out.offset_account_no = sent.offset_account_no
    if "amount" in present:
        out.amount = sent.amount
    if "memo" in present:
        out.memo = sent.memo
    if "taxentries" in present:
        out.taxes = sent.taxes
    for element, kind in LEGACY_DIMENSIONS.items():
        if element in present:
            if sent.dims.get(kind):
                out.dims[kind] = sent.dims[kind]
            else:
                out.dims.pop(kind, None)
    out.extra.update(sent.extra)
    return out


def line_changes(company: CompanyState, invoice: Record, current: DocInput, tree: Tree) -> None:
    stored = sorted(
        (
            r
            for r in company.find("ARINVOICEITEM", RECORDKEY=str(invoice["RECORDNO"]))
            if r.get("LINEITEM") != "F"
        ),
        key=lambda r: int(r.get("LINE_NO") or 0),
    )
    for line, row in zip(current.lines, stored, strict=True):
        line.extra.update({k: str(row[k]) for k in KEPT_LINE_FIELDS if row.get(k)})
    label = invoice.get("RECORDID") or invoice["RECORDNO"]
    for item in children(tree, "updateinvoiceitems", "updatelineitem"):
        number = str(item.get("@line_num") or "").strip()
        if not number.isdigit() or not 1 <= int(number) <= len(current.lines):
            refuse(f"Line number '{number}' does not exist on invoice {label}.")
        index = int(number) - 1
        current.lines[index] = changed_line(current.lines[index], item)
    current.lines.extend(legacy_line(item) for item in children(tree, "updateinvoiceitems", "lineitem"))


@handler("update_invoice")
def update_invoice(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    """Change AR invoice ``key``; answers ``<key>`` with its RECORDNO, like the legacy creates."""
    tree: dict[str, Any] = body(element)
    key = (element.get("key") or text(tree, "key")).strip()
    with recording("update", "invoice"):
        invoice = editable_invoice(ctx.company, key)
        current = document_from_rows(ctx.company, INVOICE, invoice)
        was_draft = invoice.get("RAWSTATE") == "D"
        header_changes(current, tree)
        if not was_draft and current.action.strip().lower() == "draft":
            refuse(f"The invoice {invoice.get('RECORDID') or key} is posted and cannot go back to Draft.")
        line_changes(ctx.company, invoice, current, tree)
        post_document(ctx, INVOICE, current, existing=int(key))
    return key_result(key)
