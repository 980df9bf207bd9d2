"""Invoices <-> Intacct: AR invoices (``create_invoice``) or Order Entry sales invoices
(``create_sotransaction``), and ``ARINVOICE`` rows back to unified invoices.

Which object a push becomes is decided by its lines (``rules.invoices.invoice_kind``): ``itemRef`` on every
line -> sales invoice, on none -> AR invoice. Both are legacy functions, so element order follows the XSD
(fixtures ``create-invoice-legacy-request.xml``, ``create-sotransaction-request.xml``,
``sotransitem-all-fields.xml``).

Numbers: when Intacct numbers the documents (``facts.numbers("ARINVOICE")`` / ``"SODOCUMENT"``), the
number sent is replaced by the sequence; the plan carries ``number_field``/``sent_number`` so the
connector compares the number Intacct kept with the one sent and reports the change as a warning.

Look-up after a lost answer: these objects have no readable external id, so the plan names the most
specific fields it set — the invoice number with the customer when the number is ours, otherwise
customer, dates and (if sent) the note.

Reading: ``ARINVOICE`` holds Order-Entry-generated invoices too (``MODULEKEY`` ``8.SO``: their
``ITEMID`` becomes the line's ``itemRef``). Negative invoices are credit notes in Codat's model, so
``READ`` filters them out and ``to_unified`` answers ``None`` for one ("not mine"); the credit-note reader
takes them (``credit_notes.NEGATIVE_INVOICES_READ``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from connectors.errors import ConnectorUnsupported
from connectors.intacct.mapping._ar_common import (
    DIMENSION_READ_FIELDS,
    INVOICE_LINE_ORDER,
    document_lines,
    legacy_line,
    ordered,
    read_lines,
    totals,
)
from connectors.intacct.mapping._common import (
    Problems,
    action_for,
    checked,
    currency_plan,
    custom_values,
    dimension_fields,
    document_enum,
    legacy_currency,
    legacy_custom_fields,
    legacy_date,
    line_tracking_refs,
    query_date,
    read_currency,
    read_date,
    read_timestamp,
    required_date,
    resolve_tracking,
    row_money,
    text,
    to_date,
    view_of,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import PlanWarning, ReadSpec, WritePlan
from connectors.intacct.query import Ge
from connectors.intacct.rules._base import RecordView, as_decimal
from connectors.intacct.rules.invoices import RULES, invoice_kind
from datamodel import UNSET, CustomerRef, Invoice, InvoiceLineItem, InvoiceStatus

__all__ = [
    "READ",
    "RULES",
    "plan_create",
    "plan_update",
    "read_number",
    "to_unified",
    "update_refusal",
]

#: ``create_invoice`` children in the XSD's order.
INVOICE_ORDER: Final = (
    "customerid", "datecreated", "dateposted", "datedue", "termname", "action", "batchkey", "invoiceno",
    "ponumber", "onhold", "description", "externalid", "billto", "shipto", "basecurr", "currency",
    "exchratedate", "exchratetype", "exchrate", "nogl", "supdocid", "taxsolutionid", "customfields",
    "invoiceitems",
)  # fmt: skip
#: ``update_invoice`` children (no batch, external id, base currency or tax solution on update).
UPDATE_ORDER: Final = (
    "customerid", "datecreated", "dateposted", "datedue", "termname", "action", "invoiceno", "ponumber",
    "description", "currency", "exchratedate", "exchratetype", "exchrate", "supdocid", "customfields",
    "updateinvoiceitems",
)  # fmt: skip
#: ``create_sotransaction`` children.
SALES_ORDER: Final = (
    "transactiontype", "datecreated", "dateposted", "createdfrom", "customerid", "documentno", "origdocdate",
    "referenceno", "termname", "datedue", "message", "shippingmethod", "shipto", "billto", "supdocid",
    "externalid", "basecurr", "currency", "exchratedate", "exchratetype", "exchrate", "vsoepricelist",
    "customfields", "state", "projectid", "sotransitems", "subtotals",
)  # fmt: skip
#: ``sotransitem`` children (sotransitem-all-fields.xml).
SALES_LINE_ORDER: Final = (
    "bundlenumber", "itemid", "itemdesc", "taxable", "warehouseid", "quantity", "unit", "discountpercent",
    "price", "discsurchargememo", "locationid", "departmentid", "memo", "itemdetails", "customfields",
    "revrectemplate", "revrecstartdate", "revrecenddate", "renewalmacro", "projectid", "customerid",
    "vendorid", "employeeid", "classid", "contractid", "fulfillmentstatus", "taskno", "billingtemplate",
)  # fmt: skip
#: Codat writes every sales-invoice line in the Count unit group's base unit.
SALES_UNIT: Final = "Each"
AR_LINE = "an AR invoice line"


# --- writing -------------------------------------------------------------------------------------------


def _header(view: RecordView, facts: CompanyFacts) -> dict[str, Any]:
    """Header fields both AR functions share (legacy spelling)."""
    issue = to_date(view.get("issueDate"))
    assert issue is not None  # required by the model and by RULES
    plan = currency_plan(view.get("currency"), as_decimal(view.get("currencyRate")), facts)
    return {
        "customerid": (view.get("customerRef") or {}).get("id"),
        "datecreated": legacy_date(view.get("issueDate")),
        "datedue": legacy_date(view.get("dueDate")),
        **legacy_currency(plan, issue),
        "customfields": legacy_custom_fields(custom_values(view, facts, "invoices")),
    }


def _ar_lines(view: RecordView, facts: CompanyFacts, problems: Problems) -> list[dict[str, Any]]:
    return [
        legacy_line(
            line, path, facts, problems, data_type="invoices", order=INVOICE_LINE_ORDER, where=AR_LINE
        )
        for path, line in document_lines(view)
    ]


def _lookup(view: RecordView, number: str | None, *, number_field: str, party: str) -> dict[str, str]:
    customer = str((view.get("customerRef") or {}).get("id") or "")
    issue = to_date(view.get("issueDate"))
    if number:
        return {number_field: number, party: customer}
    found = {party: customer}
    if issue is not None:
        found["WHENCREATED"] = query_date(issue)
    return found


def _plan_invoice(view: RecordView, facts: CompanyFacts, warnings: tuple[PlanWarning, ...]) -> WritePlan:
    problems = Problems(RULES.display_name)
    number = view.get("invoiceNumber") or None
    body = {
        **_header(view, facts),
        "action": action_for(view.get("status")),
        "invoiceno": number,
        "description": view.get("note") or None,
        "taxsolutionid": facts.tax_solution_id,
        "invoiceitems": {"lineitem": _ar_lines(view, facts, problems)},
    }
    problems.raise_if_any()
    ours = number if not facts.numbers("ARINVOICE") else None
    lookup = _lookup(view, ours, number_field="RECORDID", party="CUSTOMERID")
    due = to_date(view.get("dueDate"))
    if not ours and due is not None:
        lookup["WHENDUE"] = query_date(due)
    if not ours and view.get("note"):
        lookup["DESCRIPTION"] = str(view["note"])
    return WritePlan(
        function="create_invoice",
        body=ordered(body, INVOICE_ORDER),
        read_object="ARINVOICE",
        key_kind="key",
        lookup=lookup,
        warnings=warnings,
        number_field="RECORDID",
        sent_number=number,
    )


def _sales_line(
    line: Mapping[str, Any], path: str, facts: CompanyFacts, problems: Problems
) -> dict[str, Any]:
    values = resolve_tracking(line_tracking_refs(line, path), facts, problems)
    warehouse = values.pop("WAREHOUSE", None)
    values.pop("ITEM", None)  # the rule table made sure it names this line's item
    task = values.pop("TASK", None)
    dims = dimension_fields(values, "legacy", problems, where="a sales invoice line")
    for name in [n for n in dims.fields if n not in SALES_LINE_ORDER]:
        problems.add(
            path, f"{name.removesuffix('id').upper()} tracking is not supported on a sales invoice line."
        )
        del dims.fields[name]
    discount = as_decimal(line.get("discountPercentage"))
    out = {
        "itemid": (line.get("itemRef") or {}).get("id"),
        "itemdesc": line.get("description") or None,
        "warehouseid": warehouse.value if warehouse else None,
        "quantity": as_decimal(line.get("quantity")),
        "unit": SALES_UNIT,
        "discountpercent": discount if discount else None,
        "price": as_decimal(line.get("unitAmount")),
        **dims.fields,
        "customfields": legacy_custom_fields(custom_values(line, facts, "invoices.lineItems") + dims.custom),
        "taskno": task.value if task else None,
    }
    return ordered(out, SALES_LINE_ORDER)


def _plan_sales_invoice(
    view: RecordView, facts: CompanyFacts, warnings: tuple[PlanWarning, ...]
) -> WritePlan:
    problems = Problems(RULES.display_name)
    number = view.get("invoiceNumber") or None
    items = [_sales_line(line, path, facts, problems) for path, line in document_lines(view)]
    body = {
        "transactiontype": facts.sales_invoice_definition,
        **_header(view, facts),
        "documentno": number,
        "message": view.get("note") or None,
        "state": "Draft" if view.get("status") == "Draft" else "Pending",
        "sotransitems": {"sotransitem": items},
    }
    problems.raise_if_any()
    ours = number if not facts.numbers("SODOCUMENT") else None
    lookup = _lookup(view, ours, number_field="DOCNO", party="CUSTVENDID")
    lookup["DOCPARID"] = facts.sales_invoice_definition
    return WritePlan(
        function="create_sotransaction",
        body=ordered(body, SALES_ORDER),
        read_object="SODOCUMENT",
        key_kind="docid",
        lookup=lookup,
        warnings=warnings,
        number_field="DOCNO",
        sent_number=number,
    )


def plan_create(record: Invoice, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """The ``create_invoice`` or ``create_sotransaction`` call for ``record`` (refused if a rule breaks).

    A sales invoice answers with its DOCID; the AR invoice it generates is ``SODOCUMENT.PRRECORDKEY``,
    which is the unified invoice id (invoices are read from ``ARINVOICE``).
    """
    del operation_key  # neither function has a field that reads back; see the module docstring
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    if invoice_kind(view) == "salesInvoice":
        return _plan_sales_invoice(view, facts, warnings)
    return _plan_invoice(view, facts, warnings)


def update_refusal(row: Mapping[str, Any]) -> str | None:
    """Why an ``ARINVOICE`` row may not be updated (paid, part-paid, owned by Order Entry), or ``None``."""
    name = text(row, "RECORDID") or text(row, "RECORDNO") or ""
    paid = row_money(row, "TRX_TOTALPAID", "TOTALPAID") or Decimal(0)
    state = (text(row, "STATE") or "").lower()
    if paid != 0 or state in {"paid", "partially paid"}:
        return f"Invoice {name} has been paid or partially paid and can no longer be updated."
    if text(row, "MODULEKEY") == "8.SO":
        return f"Invoice {name} was created by Order Entry and can only be changed through its sales invoice."
    return None


def plan_update(
    record_id: str,
    record: Invoice,
    facts: CompanyFacts,
    *,
    operation_key: str,
    existing_lines: int | None = None,
) -> WritePlan:
    """``update_invoice`` of AR invoice ``record_id`` (RECORDNO) with the full unified record.

    Intacct updates lines by position (``updatelineitem line_num``) and adds new ones (``lineitem``) but
    cannot remove lines, so with ``existing_lines`` known a record with fewer lines is refused; without it
    every line is treated as an update of the line at the same position. Check ``update_refusal`` first.
    """
    del operation_key
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    if invoice_kind(view) == "salesInvoice":
        raise ConnectorUnsupported("Sales invoices (Order Entry) cannot be updated through the integration.")
    problems = Problems(RULES.display_name)
    items = _ar_lines(view, facts, problems)
    known = len(items) if existing_lines is None else existing_lines
    if len(items) < known:
        problems.add("lineItems", f"Lines cannot be removed from an Intacct invoice; it has {known} lines.")
    problems.raise_if_any()
    header = _header(view, facts)
    header.pop("basecurr", None)
    updated = [{"@line_num": str(n), **line} for n, line in enumerate(items[:known], 1)]
    body = {
        **header,
        "action": action_for(view.get("status")),
        "invoiceno": None if facts.numbers("ARINVOICE") else view.get("invoiceNumber") or None,
        "description": view.get("note") or None,
        "updateinvoiceitems": {"updatelineitem": updated or None, "lineitem": items[known:] or None},
    }
    return WritePlan(
        function="update_invoice",
        body={"@key": record_id, **ordered(body, UPDATE_ORDER)},
        read_object="ARINVOICE",
        key_kind="none",
        lookup={"RECORDNO": record_id},
        warnings=warnings,
    )


# --- reading -------------------------------------------------------------------------------------------

HEADER_FIELDS: Final = (
    "RECORDNO", "RECORDID", "DOCNUMBER", "STATE", "CUSTOMERID", "CUSTOMERNAME", "WHENCREATED", "WHENDUE",
    "WHENPAID", "BASECURR", "CURRENCY", "EXCHANGE_RATE", "TOTALENTERED", "TOTALPAID", "TOTALDUE",
    "TRX_TOTALENTERED", "TRX_TOTALPAID", "TRX_TOTALDUE", "DESCRIPTION", "MODULEKEY", "WHENMODIFIED",
)  # fmt: skip
LINE_FIELDS: Final = (
    "RECORDNO", "RECORDKEY", "LINE_NO", "LINEITEM", "PARENTENTRY", "ACCOUNTKEY", "ACCOUNTNO", "ACCOUNTTITLE",
    "AMOUNT", "TRX_AMOUNT", "ENTRYDESCRIPTION", "DETAILKEY", *DIMENSION_READ_FIELDS,
)  # fmt: skip


def read_number(row: Mapping[str, Any]) -> str | None:
    """The invoice number Intacct kept (``RECORDID``), to compare with ``WritePlan.sent_number``."""
    return text(row, "RECORDID")


def invoice_status(state: str | None, total: Decimal, due: Decimal | None) -> InvoiceStatus:
    return document_enum(InvoiceStatus, state, total, due, open_as="Submitted")


def to_unified(
    header: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts
) -> Invoice | None:
    """An ``ARINVOICE`` row and its ``ARINVOICEITEM`` rows as a unified invoice; ``None`` if negative."""
    total = row_money(header, "TRX_TOTALENTERED", "TOTALENTERED") or Decimal(0)
    if total < 0:
        return None
    line_fields = read_lines(lines, facts, item_refs=text(header, "MODULEKEY") == "8.SO")
    sub_total, tax = totals(line_fields) if line_fields else (total, Decimal(0))
    due = row_money(header, "TRX_TOTALDUE", "TOTALDUE")
    currency, rate = read_currency(header, facts)
    return Invoice(
        id=text(header, "RECORDNO"),
        invoice_number=text(header, "RECORDID"),
        customer_ref=CustomerRef(
            id=text(header, "CUSTOMERID") or "", company_name=text(header, "CUSTOMERNAME")
        ),
        issue_date=required_date(header, "WHENCREATED", "ARINVOICE"),
        due_date=read_date(text(header, "WHENDUE")),
        paid_on_date=read_date(text(header, "WHENPAID")),
        currency=currency,
        currency_rate=rate if rate is not None else UNSET,
        line_items=[InvoiceLineItem(**fields) for fields in line_fields],
        sub_total=sub_total,
        total_tax_amount=tax,
        total_amount=total,
        amount_due=due if due is not None else total,
        total_discount=Decimal(0),
        status=invoice_status(text(header, "STATE"), total, due),
        note=text(header, "DESCRIPTION"),
        source_modified_date=read_timestamp(text(header, "WHENMODIFIED")),
    )


READ = ReadSpec(
    data_type="invoices",
    object="ARINVOICE",
    fields=HEADER_FIELDS,
    to_unified=to_unified,
    line_object="ARINVOICEITEM",
    line_fields=LINE_FIELDS,
    line_parent_field="RECORDKEY",
    where=Ge("TRX_TOTALENTERED", 0),
)
