"""Credit notes <-> Intacct AR adjustments (credit memos, ``create_aradjustment``).

Intacct keeps a credit memo as an adjustment whose lines carry *negative* amounts; Codat's credit notes
are positive. The plan negates line amounts and tax, and the readers negate them back. Negative AR
invoices are credit notes in Codat's model too, so there are two read specs: ``READ`` (``ARADJUSTMENT``)
and ``NEGATIVE_INVOICES_READ`` (``ARINVOICE`` rows with a negative total, which the invoices reader
leaves out).

Currency follows the shared rule (base: nothing; rate: ``exchrate``; no rate: ``Intacct Daily Rate``).
``taxsolutionid`` is sent only for a top-level session: at an entity Intacct takes the entity's solution,
and the adjustment function does not document the element.

Look-up after a lost answer: the adjustment number with the customer when the number is ours; otherwise
customer, date and (if sent) the note, the most specific fields the function sets that read back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from connectors.intacct.mapping._ar_common import (
    ADJUSTMENT_LINE_ORDER,
    DIMENSION_READ_FIELDS,
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
    document_enum,
    legacy_currency,
    legacy_custom_fields,
    legacy_date,
    query_date,
    read_currency,
    read_date,
    read_timestamp,
    required_date,
    row_money,
    text,
    to_date,
    view_of,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.invoices import HEADER_FIELDS as INVOICE_FIELDS
from connectors.intacct.mapping.invoices import LINE_FIELDS as INVOICE_LINE_FIELDS
from connectors.intacct.mapping.plan import ReadSpec, WritePlan
from connectors.intacct.query import Lt
from connectors.intacct.rules._base import as_decimal
from connectors.intacct.rules.credit_notes import RULES
from datamodel import UNSET, CreditNote, CreditNoteLineItem, CreditNoteStatus, CustomerRef

__all__ = [
    "NEGATIVE_INVOICES_READ",
    "READ",
    "READS",
    "RULES",
    "negative_invoice_to_unified",
    "plan_create",
    "to_unified",
]

#: ``create_aradjustment`` children (create-aradjustment-request.xml; tax solution and custom fields sit
#: after ``nogl`` as in ``create_invoice``).
ADJUSTMENT_ORDER: Final = (
    "customerid", "datecreated", "dateposted", "batchkey", "adjustmentno", "action", "invoiceno",
    "description", "externalid", "basecurr", "currency", "exchratedate", "exchratetype", "exchrate", "nogl",
    "taxsolutionid", "customfields", "aradjustmentitems",
)  # fmt: skip
#: Credit memo amounts are negative in Intacct.
CREDIT: Final = -1


def plan_create(record: CreditNote, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """The ``create_aradjustment`` call for ``record`` (refused if a rule of ``RULES`` breaks)."""
    del operation_key  # no readable external id on adjustments; see the module docstring
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    problems = Problems(RULES.display_name)
    issue = to_date(view.get("issueDate"))
    assert issue is not None  # required by RULES
    number = None if facts.numbers("ARADJUSTMENT") else view.get("creditNoteNumber") or None
    items = [
        legacy_line(
            line,
            path,
            facts,
            problems,
            data_type="creditNotes",
            order=ADJUSTMENT_LINE_ORDER,
            where="a credit note line",
            sign=CREDIT,
        )
        for path, line in document_lines(view)
    ]
    problems.raise_if_any()
    customer = str((view.get("customerRef") or {}).get("id") or "")
    body = {
        "customerid": customer,
        "datecreated": legacy_date(view.get("issueDate")),
        "adjustmentno": number,
        "action": action_for(view.get("status")),
        "description": view.get("note") or None,
        **legacy_currency(
            currency_plan(view.get("currency"), as_decimal(view.get("currencyRate")), facts), issue
        ),
        "taxsolutionid": facts.tax_solution_id if facts.entity_id is None else None,
        "customfields": legacy_custom_fields(custom_values(view, facts, "creditNotes")),
        "aradjustmentitems": {"lineitem": items},
    }
    lookup = {"CUSTOMERID": customer}
    if number:
        lookup["RECORDID"] = number
    else:
        lookup["WHENCREATED"] = query_date(issue)
        if view.get("note"):
            lookup["DESCRIPTION"] = str(view["note"])
    return WritePlan(
        function="create_aradjustment",
        body=ordered(body, ADJUSTMENT_ORDER),
        read_object="ARADJUSTMENT",
        key_kind="key",
        lookup=lookup,
        warnings=warnings,
        number_field="RECORDID" if number else None,
        sent_number=number,
    )


# --- reading -------------------------------------------------------------------------------------------

HEADER_FIELDS: Final = (
    "RECORDNO", "RECORDID", "DOCNUMBER", "STATE", "CUSTOMERID", "CUSTOMERNAME", "WHENCREATED", "WHENPAID",
    "BASECURR", "CURRENCY", "EXCHANGE_RATE", "TOTALENTERED", "TOTALPAID", "TOTALDUE", "TRX_TOTALENTERED",
    "TRX_TOTALPAID", "TRX_TOTALDUE", "DESCRIPTION", "WHENMODIFIED",
)  # fmt: skip
LINE_FIELDS: Final = (
    "RECORDNO", "RECORDKEY", "LINE_NO", "LINEITEM", "PARENTENTRY", "ACCOUNTKEY", "ACCOUNTNO", "ACCOUNTTITLE",
    "AMOUNT", "TRX_AMOUNT", "ENTRYDESCRIPTION", "DETAILID", *DIMENSION_READ_FIELDS,
)  # fmt: skip


def _credit_note(
    header: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts, obj: str
) -> CreditNote:
    total = (row_money(header, "TRX_TOTALENTERED", "TOTALENTERED") or Decimal(0)) * CREDIT
    remaining_raw = row_money(header, "TRX_TOTALDUE", "TOTALDUE")
    remaining = remaining_raw * CREDIT if remaining_raw is not None else total
    line_fields = read_lines(lines, facts, sign=CREDIT)
    sub_total, tax = totals(line_fields) if line_fields else (total, Decimal(0))
    currency, rate = read_currency(header, facts)
    return CreditNote(
        id=text(header, "RECORDNO"),
        credit_note_number=text(header, "RECORDID"),
        customer_ref=CustomerRef(
            id=text(header, "CUSTOMERID") or "", company_name=text(header, "CUSTOMERNAME")
        ),
        issue_date=required_date(header, "WHENCREATED", obj),
        allocated_on_date=read_date(text(header, "WHENPAID")),
        currency=currency,
        currency_rate=rate if rate is not None else UNSET,
        line_items=[CreditNoteLineItem(**fields) for fields in line_fields],
        sub_total=sub_total,
        total_tax_amount=tax,
        total_amount=total,
        total_discount=Decimal(0),
        discount_percentage=Decimal(0),
        remaining_credit=remaining,
        status=document_enum(CreditNoteStatus, text(header, "STATE"), total, remaining, open_as="Submitted"),
        note=text(header, "DESCRIPTION"),
        source_modified_date=read_timestamp(text(header, "WHENMODIFIED")),
    )


def to_unified(
    header: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts
) -> CreditNote:
    """An ``ARADJUSTMENT`` and its ``ARADJUSTMENTITEM`` rows as a credit note (amounts made positive)."""
    return _credit_note(header, lines, facts, "ARADJUSTMENT")


def negative_invoice_to_unified(
    header: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts
) -> CreditNote | None:
    """A negative ``ARINVOICE`` as a credit note; ``None`` for an ordinary invoice (not mine)."""
    total = row_money(header, "TRX_TOTALENTERED", "TOTALENTERED")
    if total is None or total >= 0:
        return None
    return _credit_note(header, lines, facts, "ARINVOICE")


READ = ReadSpec(
    data_type="creditNotes",
    object="ARADJUSTMENT",
    fields=HEADER_FIELDS,
    to_unified=to_unified,
    line_object="ARADJUSTMENTITEM",
    line_fields=LINE_FIELDS,
    line_parent_field="RECORDKEY",
)
NEGATIVE_INVOICES_READ = ReadSpec(
    data_type="creditNotes",
    object="ARINVOICE",
    fields=INVOICE_FIELDS,
    to_unified=negative_invoice_to_unified,
    line_object="ARINVOICEITEM",
    line_fields=INVOICE_LINE_FIELDS,
    line_parent_field="RECORDKEY",
    where=Lt("TRX_TOTALENTERED", 0),
)
#: Every source of credit notes, for the pull engine.
READS: Final = (READ, NEGATIVE_INVOICES_READ)
