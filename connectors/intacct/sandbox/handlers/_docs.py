"""The AP/AR document ledger: one rule pipeline for bills, invoices and adjustments.

A bill, an AP adjustment, an AR invoice and an AR adjustment differ only in names (object, party,
line object, record type, numbering key) and in a few rules (due date, approval, one tax entry per
line, numbering). ``DocSpec`` holds those differences; ``post_document`` applies Intacct's rules in
the order Intacct reports them (party, currency, lines, numbering, dates, summary, attachment) and
writes the header row and one row per line, plus one ``LINEITEM = F`` row per tax entry, with the
fields intacct-objects.md §2-§3 lists so reads return what was written.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass, field, fields
from decimal import Decimal

from lxml import etree

from connectors.intacct.sandbox.handlers._parse import (
    OBJECT_DIMENSIONS,
    DocInput,
    LineInput,
    TaxInput,
    object_date,
)
from connectors.intacct.sandbox.registry import CallContext
from connectors.intacct.sandbox.state import CompanyState, Entity, Record, intacct_timestamp
from connectors.intacct.sandbox.validate import (
    DAILY_RATE,
    DAILY_RATE_ID,
    DUPLICATE_NUMBER,
    Fx,
    Refs,
    invalid,
    money,
    refuse,
)
from connectors.intacct.xml.tree import to_element

ZERO = Decimal(0)


@dataclass(frozen=True)
class DocSpec:
    """What distinguishes one AP/AR document type from another."""

    obj: str
    line_obj: str
    label: str
    module: str
    modulekey: str
    record_type: str
    party: str
    numbering: str
    number_label: str
    number_prefix: str
    #: "supplied_wins" (AP: a supplied number is used), "sequence_wins" (AR invoice: replaced),
    #: "sequence_only" (AR adjustment: a number may only be sent when there is no sequence).
    number_rule: str
    number_required: bool
    tax_type: str
    #: "" (no due date), or the text of Intacct's "due date missing" error.
    due_missing: str = ""
    one_tax_per_line: bool = False
    approval_flag: str = ""
    summaries_flag: str = ""
    summary_title: str = ""
    #: EXCH_RATE_TYPE_ID is an integer field on the line object (APBILLITEM's is a string).
    line_typed_rate: bool = True
    #: Lines carry tax entries under the entity's tax solution (Order Entry invoices: never).
    tax_lines: bool = True


BILL = DocSpec(
    "APBILL", "APBILLITEM", "bill", "AP", "3.AP", "pi", "vendor", "APBILL", "Bill Number", "BILL-",
    "supplied_wins", False, "Purchase", due_missing="The Date Due field is missing a value.",
    approval_flag="ap_bill_approval", summaries_flag="ap_automatic_bill_summaries", summary_title="Bills",
    line_typed_rate=False,
)  # fmt: skip
AP_ADJUSTMENT = DocSpec(
    "APADJUSTMENT", "APADJUSTMENTITEM", "apadjustment", "AP", "3.AP", "pa", "vendor", "APADJUSTMENT",
    "Adjustment Number", "APADJ-", "supplied_wins", False, "Purchase",
    summaries_flag="ap_automatic_bill_summaries", summary_title="Adjustments",
)  # fmt: skip
INVOICE = DocSpec(
    "ARINVOICE", "ARINVOICEITEM", "invoice", "AR", "4.AR", "ri", "customer", "ARINVOICE", "Invoice Number",
    "INV-", "sequence_wins", True, "Sale", due_missing="Required field Date Due is missing",
    one_tax_per_line=True, summaries_flag="ar_automatic_invoice_summaries", summary_title="Invoices",
)  # fmt: skip
AR_ADJUSTMENT = DocSpec(
    "ARADJUSTMENT", "ARADJUSTMENTITEM", "aradjustment", "AR", "4.AR", "ra", "customer", "ARADJUSTMENT",
    "Adjustment Number", "ARADJ-", "sequence_only", True, "Sale", one_tax_per_line=True,
    summaries_flag="ar_automatic_invoice_summaries", summary_title="Adjustments",
)  # fmt: skip

STATES = {"D": "Draft", "S": "Submitted", "A": "Posted"}


# -- results ---------------------------------------------------------------------------------------
def record_url(obj: str, recordno: int) -> str:
    token = base64.urlsafe_b64encode(f"{obj}:{recordno}".encode()).decode().rstrip("=")
    return f"https://www.intacct.com/ia/acct/ur.phtml?.r={token}"


def key_result(key: str | int) -> list[etree._Element]:
    """Legacy create answer: ``<key>`` directly in ``<result>``."""
    return [to_element("key", str(key))]


def object_result(obj: str, recordno: int, **extra: str) -> list[etree._Element]:
    """Generic create/update answer for one object: ``<apbill><RECORDNO/>…<RECORD_URL/></apbill>``.

    The server wraps the elements of one ``<create>`` in ``<data listtype="objects" count="N">``.
    """
    record = {"RECORDNO": str(recordno), **extra, "RECORD_URL": record_url(obj, recordno)}
    return [to_element(obj.lower(), record)]


def amount(value: Decimal) -> str:
    """Amounts as Intacct prints them: plain decimals, no padding (``372``, ``4598.4``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0.00") else text


def stamp_url(company: CompanyState, obj: str, recordno: int) -> None:
    """Give a freshly inserted row its RECORD_URL (same write, so a rollback removes both)."""
    company.table(obj)[recordno]["RECORD_URL"] = record_url(obj, recordno)


# -- shared rule pieces ---------------------------------------------------------------------------
def document_state(refs: Refs, action: str, approval_flag: str) -> str:
    """Stored state code from ``action``: Draft -> D; otherwise S when approvals are on, else A."""
    wanted = action.strip().lower()
    if wanted == "draft":
        return "D"
    if wanted not in ("", "submit", "post"):
        invalid("Action", action)
    return "S" if approval_flag and getattr(refs.company.config, approval_flag, False) else "A"


def term_days(refs: Refs, module: str, term: str) -> int:
    rows = list(refs.company.rows(f"{module}TERM"))
    for row in rows:
        if row.get("NAME") == term:
            days = str(row.get("DUEDATE") or row.get("VALUE") or "")
            if days.isdigit():
                return int(days)
            break
    else:
        if rows:
            invalid("Term", term)
    match = re.fullmatch(r"(?:N|Net\s*)(\d+)", term, flags=re.IGNORECASE)
    if match is None:
        invalid("Term", term)
    return int(match.group(1))


def summary(
    refs: Refs,
    *,
    key: str,
    name: str,
    automatic: bool,
    title: str,
    modulekey: str,
    day: dt.date,
    missing: str,
) -> tuple[str, str]:
    """(PRBATCH title, PRBATCHKEY): the named summary, or the automatic one for the date."""
    company = refs.company
    if key:
        row = company.get("PRBATCH", int(key)) if key.isdigit() else None
        if row is None or row.get("OPEN") == "false":
            invalid("Summary", key)
        return str(row.get("TITLE", "")), key
    if name:
        found = company.find_one("PRBATCH", TITLE=name)
        if found is None or found.get("OPEN") == "false":
            invalid("Summary", name)
        return name, str(found["RECORDNO"])
    if not automatic:
        refuse(missing)
    auto_title = f"{title}: {day:%m/%d/%Y} Batch"
    existing = company.find_one("PRBATCH", TITLE=auto_title, MODULEKEY=modulekey)
    if existing is not None:
        return auto_title, str(existing["RECORDNO"])
    fields_ = {"TITLE": auto_title, "MODULEKEY": modulekey, "BATCH_DATE": f"{day:%m/%d/%Y}", "OPEN": "true"}
    return auto_title, str(company.insert("PRBATCH", {**fields_, **refs.entity_fields()}))


def ensure_unique_number(company: CompanyState, obj: str, number: str, existing: int | None) -> None:
    for row in company.find(obj, RECORDID=number):
        if existing is None or row["RECORDNO"] != str(existing):
            refuse(f"A transaction with the number '{number}' already exists.", DUPLICATE_NUMBER)


def next_free_number(company: CompanyState, sequence: str, prefix: str, obj: str) -> str:
    while True:
        candidate = company.next_number(sequence, prefix)
        if company.find_one(obj, RECORDID=candidate) is None:
            return candidate


def assign_number(refs: Refs, spec: DocSpec, supplied: str, existing: int | None) -> str:
    company = refs.company
    number = supplied
    if existing is None:
        auto = company.config.auto_numbering.get(spec.numbering, False)
        if auto and supplied and spec.number_rule == "sequence_only":
            refuse(f"Leave the {spec.number_label} empty: it is assigned by the document sequence.")
        if auto and supplied and spec.number_rule == "sequence_wins":
            number = ""
        if auto and not number:
            number = next_free_number(company, spec.numbering, spec.number_prefix, spec.obj)
            if supplied:
                refs.ctx.notes.append(f"{spec.obj}: number '{supplied}' replaced by '{number}' (sequence)")
        if not number and spec.number_required:
            refuse(f"Required field {spec.number_label} is missing.")
    if number:
        ensure_unique_number(company, spec.obj, number, existing)
    return number


def tax_solution(refs: Refs, entity: Entity | None, requested: str) -> str | None:
    """The tax solution lines must follow: the entity's, or (top level) the one the caller named."""
    if entity is not None:
        if entity.tax_solution_id is None:
            if requested:
                invalid("Tax Solution", requested)
            return None
        if requested and requested != entity.tax_solution_id:
            invalid("Tax Solution", requested)
        return entity.tax_solution_id
    if not requested:
        return None
    known = {e.tax_solution_id for e in refs.company.entities.values() if e.tax_solution_id}
    for row in refs.company.rows("TAXSOLUTION"):
        known.update(str(row.get(k, "")) for k in ("SOLUTIONID", "TAXSOLUTIONID"))
    if requested not in known:
        invalid("Tax Solution", requested)
    return requested


# -- lines ----------------------------------------------------------------------------------------
@dataclass
class ResolvedLine:
    source: LineInput
    account: Record
    offset: Record | None
    label: Record | None
    dims: dict[str, Record]
    trx: Decimal
    taxes: list[tuple[Record, Decimal]] = field(default_factory=list)


def resolve_lines(
    refs: Refs, spec: DocSpec, party: Record, doc: DocInput, solution: str | None
) -> list[ResolvedLine]:
    if not doc.lines:
        refuse(f"A {spec.label} must have at least one line item.")
    item_based = [
        ln for ln in doc.lines if not ln.account_no and not ln.account_label and ln.dims.get("item")
    ]
    if item_based and len(item_based) != len(doc.lines) and any(ln.account_no for ln in doc.lines):
        refuse(f"The lines of a {spec.label} must be all account-based or all item-based, not mixed.")
    ref = doc.number or doc.reference
    return [resolve_line(refs, spec, party, line, n, ref, solution) for n, line in enumerate(doc.lines, 1)]


def default_account(refs: Refs, spec: DocSpec, party: Record, line: LineInput) -> str:
    """Account of a line that names none: the item's account, else the party's default account."""
    if line.dims.get("item"):
        item = refs.dimension("item", line.dims["item"])
        from_item = item.get("EXPENSEACCTNO" if spec.module == "AP" else "INCOMEACCTNO")
        if from_item:
            return str(from_item)
    return str(party.get("APACCOUNT" if spec.module == "AP" else "ARACCOUNT") or "")


def resolve_line(
    refs: Refs, spec: DocSpec, party: Record, line: LineInput, n: int, ref: str, solution: str | None
) -> ResolvedLine:
    label = None
    account_no = line.account_no
    if not account_no and line.account_label:
        label = refs.account_label(line.account_label, spec.module)
        account_no = str(label.get("GLACCOUNTNO", ""))
    if not account_no and not line.account_label:
        account_no = default_account(refs, spec, party, line)
    account = refs.line_account(account_no, line_no=n, ref=ref)
    offset = refs.account(line.offset_account_no) if line.offset_account_no else None
    if line.amount is None:
        refuse(f"Enter an amount on line item {n}, and try again.")
    dims = {kind: refs.dimension(kind, value) for kind, value in line.dims.items() if value}
    refs.required_dimensions(account, line.dims)
    return ResolvedLine(
        line, account, offset, label, dims, line.amount, line_taxes(refs, spec, line, n, solution)
    )


def line_taxes(
    refs: Refs, spec: DocSpec, line: LineInput, n: int, solution: str | None
) -> list[tuple[Record, Decimal]]:
    entries: list[TaxInput] = [t for t in line.taxes if t.detail_id]
    if solution is None:
        if entries:
            refuse(f"Tax entries are not allowed on line item {n}: this entity does not use a tax solution.")
        return []
    if not entries:
        refuse(f"Enter tax information on line item {n}: the tax solution '{solution}' requires it.")
    if spec.one_tax_per_line and len(entries) != 1:
        refuse(f"Line item {n} must have exactly one tax entry.")
    assert line.amount is not None
    out: list[tuple[Record, Decimal]] = []
    for entry in entries:
        detail = refs.tax_detail(entry.detail_id, tax_type=spec.tax_type, solution=solution)
        if entry.trx_tax is not None:
            tax = entry.trx_tax
        elif line.gross is not None and len(entries) == 1:
            tax = line.gross - line.amount
        else:
            tax = money(line.amount * Decimal(str(detail.get("VALUE") or "0")) / 100)
        out.append((detail, tax))
    return out


# -- the pipeline ---------------------------------------------------------------------------------
def post_document(ctx: CallContext, spec: DocSpec, doc: DocInput, *, existing: int | None = None) -> int:
    """Validate ``doc`` against the company and write it; returns the header RECORDNO."""
    refs = Refs(ctx)
    company = ctx.company
    party = refs.vendor(doc.party_id) if spec.party == "vendor" else refs.customer(doc.party_id)
    if doc.date is None:
        refuse("Required field Date is missing.")
    raw = document_state(refs, doc.action, spec.approval_flag)
    entity = refs.posting_entity([ln.dims["location"] for ln in doc.lines if ln.dims.get("location")])
    fx = refs.fx(
        entity,
        currency=doc.currency or None,
        basecurr=doc.basecurr or None,
        rate_type=doc.exch_type or None,
        rate=doc.exch_rate,
        rate_date=doc.exch_date,
        doc_date=doc.date,
    )
    solution = tax_solution(refs, entity, doc.tax_solution)
    lines = resolve_lines(refs, spec, party, doc, solution if spec.tax_lines else None)
    number = assign_number(refs, spec, doc.number, existing)
    due = doc.due
    term = doc.term or (str(party.get("TERMNAME") or "") if spec.due_missing else "")
    if due is None and term and spec.due_missing:
        due = doc.date + dt.timedelta(days=term_days(refs, spec.module, term))
    if spec.due_missing and due is None and raw != "D":
        refuse(spec.due_missing)
    posted = doc.posted or doc.date
    if raw != "D":
        refs.open_period(posted)
    refs.supdoc(doc.supdoc_id)
    automatic = bool(getattr(company.config, spec.summaries_flag, True))
    batch_title, batch_key = summary(
        refs, key=doc.batch_key, name=doc.batch_name, automatic=automatic, title=spec.summary_title,
        modulekey=spec.modulekey, day=posted, missing="Please provide a batch key.",
    )  # fmt: skip
    header = header_row(refs, spec, doc, party, fx, lines, raw, number, due, term, posted, solution)
    header.update(PRBATCH=batch_title, PRBATCHKEY=batch_key)
    if existing is None:
        recordno = company.insert(spec.obj, header)
        stamp_url(company, spec.obj, recordno)
    else:
        recordno = existing
        for audit in ("AUWHENCREATED", "CREATEDBY"):
            header.pop(audit, None)
        company.update(spec.obj, recordno, header)
        for old in company.find(spec.line_obj, RECORDKEY=str(recordno)):
            company.delete(spec.line_obj, int(old["RECORDNO"]))
    write_lines(refs, spec, recordno, doc.date, fx, lines, raw)
    return recordno


def header_row(
    refs: Refs, spec: DocSpec, doc: DocInput, party: Record, fx: Fx, lines: list[ResolvedLine], raw: str,
    number: str, due: dt.date | None, term: str, posted: dt.date, solution: str | None,
) -> Record:  # fmt: skip
    assert doc.date is not None
    trx_total = sum((ln.trx + sum((t for _d, t in ln.taxes), ZERO) for ln in lines), ZERO)
    base_total = sum(
        (fx.to_base(ln.trx) + sum((fx.to_base(t) for _d, t in ln.taxes), ZERO) for ln in lines), ZERO
    )
    party_id, party_name = (
        ("VENDORID", "VENDORNAME") if spec.party == "vendor" else ("CUSTOMERID", "CUSTOMERNAME")
    )
    user = refs.user_key()
    row: Record = {
        "RECORDTYPE": spec.record_type,
        "RECORDID": number,
        "DOCNUMBER": doc.reference,
        "STATE": STATES[raw],
        "RAWSTATE": raw,
        party_id: str(party.get(party_id, "")),
        party_name: str(party.get("NAME", "")),
        "DESCRIPTION": doc.description,
        "WHENCREATED": f"{doc.date:%m/%d/%Y}",
        "WHENPOSTED": "" if raw == "D" else f"{posted:%m/%d/%Y}",
        "WHENPAID": "",
        **fx.fields(typed_id=True),
        "TOTALENTERED": amount(base_total),
        "TOTALPAID": "0",
        "TOTALSELECTED": "0",
        "TOTALDUE": amount(base_total),
        "TRX_TOTALENTERED": amount(trx_total),
        "TRX_TOTALPAID": "0",
        "TRX_TOTALSELECTED": "0",
        "TRX_TOTALDUE": amount(trx_total),
        "TRX_ENTITYDUE": amount(trx_total),
        "BILLTOPAYTOCONTACTNAME": doc.payto,
        "SHIPTORETURNTOCONTACTNAME": doc.returnto,
        "MODULEKEY": spec.modulekey,
        "SYSTEMGENERATED": "false",
        "SUPDOCID": doc.supdoc_id,
        "TAXSOLUTIONID": solution or "",
        "INCLUSIVETAX": "false",
        "AUWHENCREATED": intacct_timestamp(refs.company.now()),
        "CREATEDBY": user,
        "MODIFIEDBY": user,
        "USERID": refs.ctx.user_id,
        **refs.entity_fields(),
        **doc.extra,
    }
    if spec.due_missing:
        row.update(WHENDUE=f"{due:%m/%d/%Y}" if due else "", TERMNAME=term)
    if spec.party == "vendor" and spec.obj == "APBILL":
        row.update(ONHOLD="true" if doc.onhold else "false", PAYMENTPRIORITY="normal")
    return row


def write_lines(
    refs: Refs, spec: DocSpec, recordno: int, day: dt.date, fx: Fx, lines: list[ResolvedLine], raw: str
) -> None:
    company = refs.company
    common = {
        "RECORDKEY": str(recordno),
        "RECORDTYPE": spec.record_type,
        "ENTRY_DATE": f"{day:%m/%d/%Y}",
        **fx.fields(typed_id=spec.line_typed_rate),
        "STATE": raw,
        "TOTALPAID": "0",
        "TRX_TOTALPAID": "0",
        "TOTALSELECTED": "0",
        "TRX_TOTALSELECTED": "0",
        "CREATEDBY": refs.user_key(),
        **refs.entity_fields(),
    }
    for n, line in enumerate(lines, 1):
        dim_fields: dict[str, str] = {}
        for kind, dim in line.dims.items():
            dim_fields.update(refs.dimension_fields(kind, dim))
        row: Record = {
            **common,
            "LINE_NO": str(n),
            "LINEITEM": "T",
            **account_fields(line.account),
            "OFFSETGLACCOUNTNO": str((line.offset or {}).get("ACCOUNTNO", "")),
            "OFFSETGLACCOUNTTITLE": str((line.offset or {}).get("TITLE", "")),
            "ACCOUNTLABEL": str((line.label or {}).get("ACCOUNTLABEL", "")),
            "ACCOUNTLABELKEY": str((line.label or {}).get("RECORDNO", "")),
            "AMOUNT": amount(fx.to_base(line.trx)),
            "TRX_AMOUNT": amount(line.trx),
            "ENTRYDESCRIPTION": line.source.memo,
            **dim_fields,
            **line.source.extra,
        }
        line_no = company.insert(spec.line_obj, row)
        for detail, tax in line.taxes:
            tax_account = str(detail.get("GLACCOUNT") or "")
            account = company.find_one("GLACCOUNT", ACCOUNTNO=tax_account) or {"ACCOUNTNO": tax_account}
            tax_row: Record = {
                **common,
                "LINE_NO": str(n),
                "LINEITEM": "F",
                "PARENTENTRY": str(line_no),
                **account_fields(account),
                "DETAILID": str(detail.get("DETAILID", "")),
                "DETAILKEY": str(detail.get("RECORDNO", "")),
                "AMOUNT": amount(fx.to_base(tax)),
                "TRX_AMOUNT": amount(tax),
                "ENTRYDESCRIPTION": str(detail.get("DESCRIPTION") or detail.get("DETAILID") or ""),
                **dim_fields,
            }
            company.insert(spec.line_obj, tax_row)


def account_fields(account: Record) -> dict[str, str]:
    return {
        "ACCOUNTKEY": str(account.get("RECORDNO", "")),
        "ACCOUNTNO": str(account.get("ACCOUNTNO", "")),
        "ACCOUNTTITLE": str(account.get("TITLE", "")),
    }


# -- reading a stored document back (updates) -----------------------------------------------------
def rate_type_name(company: CompanyState, type_id: str) -> str:
    if type_id in ("", DAILY_RATE_ID, DAILY_RATE):
        return DAILY_RATE if type_id else ""
    for row in company.rows("EXCHANGERATETYPES"):
        if type_id in (row.get("ID"), row.get("NAME"), row.get("RECORDNO")):
            return str(row.get("NAME") or type_id)
    return type_id


def document_from_rows(company: CompanyState, spec: DocSpec, header: Record) -> DocInput:
    """The ``DocInput`` that would write ``header`` and its lines again (base of a generic update)."""
    rows = company.find(spec.line_obj, RECORDKEY=str(header["RECORDNO"]))
    normal = sorted((r for r in rows if r.get("LINEITEM") != "F"), key=lambda r: int(r.get("LINE_NO") or 0))
    foreign = header.get("CURRENCY") != header.get("BASECURR")
    type_name = rate_type_name(company, str(header.get("EXCH_RATE_TYPE_ID") or ""))
    party_id = "VENDORID" if spec.party == "vendor" else "CUSTOMERID"
    doc = DocInput(
        party_id=str(header.get(party_id, "")),
        date=object_date(str(header.get("WHENCREATED", "")), "WHENCREATED"),
        posted=object_date(str(header.get("WHENPOSTED", "")), "WHENPOSTED"),
        due=object_date(str(header.get("WHENDUE", "")), "WHENDUE"),
        term=str(header.get("TERMNAME", "")),
        action="Draft" if header.get("RAWSTATE") == "D" else "Submit",
        batch_key=str(header.get("PRBATCHKEY", "")),
        number=str(header.get("RECORDID", "")),
        reference=str(header.get("DOCNUMBER", "")),
        description=str(header.get("DESCRIPTION", "")),
        currency=str(header.get("CURRENCY", "")),
        exch_date=object_date(str(header.get("EXCH_RATE_DATE", "")), "EXCH_RATE_DATE") if foreign else None,
        exch_type=type_name if foreign else "",
        exch_rate=Decimal(str(header["EXCHANGE_RATE"])) if foreign and not type_name else None,
        supdoc_id=str(header.get("SUPDOCID", "")),
        tax_solution=str(header.get("TAXSOLUTIONID", "")),
        onhold=header.get("ONHOLD") == "true",
        payto=str(header.get("BILLTOPAYTOCONTACTNAME", "")),
        returnto=str(header.get("SHIPTORETURNTOCONTACTNAME", "")),
    )
    for row in normal:
        taxes = [
            TaxInput(str(t.get("DETAILID", "")), Decimal(str(t.get("TRX_AMOUNT") or "0")))
            for t in rows
            if t.get("LINEITEM") == "F" and t.get("PARENTENTRY") == row["RECORDNO"]
        ]
        dims = {kind: str(row[key]) for key, kind in OBJECT_DIMENSIONS.items() if row.get(key)}
        doc.lines.append(
            LineInput(
                account_no=str(row.get("ACCOUNTNO", "")),
                offset_account_no=str(row.get("OFFSETGLACCOUNTNO", "")),
                amount=Decimal(str(row.get("TRX_AMOUNT") or "0")),
                memo=str(row.get("ENTRYDESCRIPTION", "")),
                dims=dims,
                taxes=taxes,
            )
        )
    return doc


def overlay(current: DocInput, changes: DocInput, present: set[str], field_map: dict[str, str]) -> None:
    """Copy onto ``current`` the header fields the update named (``present`` = element names sent)."""
    names = {f.name for f in fields(DocInput)}
    for element, attr in field_map.items():
        if element in present and attr in names:
            setattr(current, attr, getattr(changes, attr))
