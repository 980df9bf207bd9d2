"""Payments (AR receipts) <-> Intacct ``ARPYMT`` / ``ARPYMTDETAIL``, written with the generic ``create``.

Why the generic object and not the legacy ``create_arpayment``: the legacy function can only pay
invoices (``arpaymentitem`` = invoice key + amount), while Codat's payments also spend credit — a
``CreditNote`` link is an AR credit memo applied to the invoice (``ADJUSTMENTKEY``) and a
``PaymentOnAccount`` link an advance (``ADVANCEKEY``). ``ARPYMT`` takes both, writes multi-currency
receipts with a custom rate, deposits either to a bank (``FINANCIALENTITY``) or to undeposited funds
(``UNDEPOSITEDACCOUNTNO``), and answers with the new RECORDNO (intacct.md §5.7; fixtures
``create-arpymt-request*.xml``).

Each unified line pays one invoice: one detail with ``RECORDKEY`` = the invoice and ``TRX_PAYMENTAMOUNT`` =
the line's cash, then one detail per credit used on the same invoice (the layout of Intacct's SDK test
``create-appymt-request-credits-applied.xml``).

Intacct needs *Automatic Payment Summaries* for receipts written this way; without them it answers
"Please provide a payment batch key." — ``summary_refusal`` turns that into a message naming the
setting. Lost-answer ``lookup``: customer, receipt date, deposit account, and the document number when
``reference`` is sent (ARPYMT has no external id).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from connectors.errors import ConnectorError, ConnectorRejectedError, FieldIssue
from connectors.intacct.mapping._common import (
    Problems,
    bank_account,
    cents,
    checked,
    currency_plan,
    generic_currency,
    gl_account_no,
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
from connectors.intacct.mapping.payment_methods import method_id, method_names
from connectors.intacct.mapping.plan import ReadSpec, WritePlan
from connectors.intacct.rules._base import RecordView, as_decimal, lines
from connectors.intacct.rules.payments import RULES
from datamodel import (
    UNSET,
    AccountRef,
    CustomerRef,
    Payment,
    PaymentLine,
    PaymentLineLink,
    PaymentLinkType,
    PaymentMethodRef,
)

__all__ = [
    "READ",
    "RULES",
    "SUMMARY_ERROR",
    "SUMMARY_MESSAGE",
    "deposit_account_ref",
    "plan_create",
    "summary_message",
    "summary_refusal",
    "to_unified",
]

OBJECT: Final = "ARPYMT"
#: Intacct's answer when AR payment summaries are not automatic.
SUMMARY_ERROR: Final = "Please provide a payment batch key."
SUMMARY_MESSAGE: Final = (
    "Sage Intacct needs Automatic Payment Summaries to record payments: in Sage Intacct open Accounts "
    "Receivable > Setup > Configuration (Configure AR), set Summary frequency > Payments to Daily or "
    "Monthly, save, then push the payment again."
)
#: Credit link type -> (detail key field, detail amount field).
CREDIT_FIELDS: Final = {
    "CreditNote": ("ADJUSTMENTKEY", "TRX_ADJUSTMENTAMOUNT"),
    "PaymentOnAccount": ("ADVANCEKEY", "TRX_POSTEDADVANCEAMOUNT"),
}


def _details(view: RecordView, problems: Problems) -> list[dict[str, Any]]:
    details: list[dict[str, Any]] = []
    for index, line in enumerate(lines(view, "lines")):
        links = [link for link in line.get("links") or [] if isinstance(link, Mapping)]
        invoices = [link for link in links if link.get("type") == "Invoice"]
        if len(invoices) != 1:  # the rule table refuses this first; kept so a plan is never ambiguous
            problems.add(f"lines[{index}].links", "Must contain only one Invoice.")
            continue
        invoice_id = invoices[0].get("id")
        cash = cents(as_decimal(line.get("amount")) or Decimal(0))
        if cash:
            details.append({"RECORDKEY": invoice_id, "TRX_PAYMENTAMOUNT": cash})
        for link in links:
            fields = CREDIT_FIELDS.get(str(link.get("type")))
            if fields is not None:
                key, amount = fields
                details.append(
                    {
                        "RECORDKEY": invoice_id,
                        key: link.get("id"),
                        amount: cents(as_decimal(link.get("amount")) or Decimal(0)),
                    }
                )
    return details


def plan_create(record: Payment, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``create ARPYMT`` (refused before sending if a rule of ``RULES`` breaks)."""
    del operation_key  # ARPYMT has no external id field to carry it
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    problems = Problems(RULES.display_name)
    received = to_date(view.get("date"))
    assert received is not None  # required by the model
    account_id = str((view.get("accountRef") or {}).get("id") or "")
    bank = bank_account(account_id, facts)
    deposit = (
        {"FINANCIALENTITY": bank} if bank else {"UNDEPOSITEDACCOUNTNO": gl_account_no(account_id, facts)}
    )
    customer = str((view.get("customerRef") or {}).get("id") or "")
    method = method_names(facts).get(str((view.get("paymentMethodRef") or {}).get("id")))
    currency = currency_plan(view.get("currency"), as_decimal(view.get("currencyRate")), facts)
    payment: dict[str, Any] = {
        **deposit,
        "PAYMENTMETHOD": method,
        "CUSTOMERID": customer,
        "DOCNUMBER": view.get("reference") or None,
        "DESCRIPTION": view.get("note") or None,
        "RECEIPTDATE": received,
        "PAYMENTDATE": received,
        **generic_currency(currency, received),
        "ARPYMTDETAILS": {"ARPYMTDETAIL": _details(view, problems)},
    }
    problems.raise_if_any()
    lookup = {"CUSTOMERID": customer, "RECEIPTDATE": query_date(received), **deposit}
    if view.get("reference"):
        lookup["DOCNUMBER"] = str(view["reference"])
    return WritePlan(
        function="create",
        body={OBJECT: payment},
        read_object=OBJECT,
        key_kind="recordno",
        lookup={k: str(v) for k, v in lookup.items()},
        warnings=warnings,
    )


def summary_message(error_text: str) -> str | None:
    """The message naming the AR setting when ``error_text`` is Intacct's missing-summary refusal."""
    return SUMMARY_MESSAGE if SUMMARY_ERROR.lower().rstrip(".") in error_text.lower() else None


def summary_refusal(error: ConnectorError) -> ConnectorRejectedError | None:
    """``error`` re-told as a refusal naming Configure AR -> Summary frequency -> Payments, or ``None``.

    The connector calls this on a failed payment write; Intacct's own text ("Please provide a payment
    batch key.") does not tell the user which setting to change.
    """
    texts = [error.message, *(upstream.text() for upstream in error.errors)]
    if not any(summary_message(found) for found in texts):
        return None
    return ConnectorRejectedError(
        SUMMARY_MESSAGE, errors=list(error.errors), issues=[FieldIssue(None, SUMMARY_MESSAGE)]
    )


# --- reading -------------------------------------------------------------------------------------------

HEADER_FIELDS: Final = (
    "RECORDNO", "RECORDID", "DOCNUMBER", "STATE", "PAYMENTMETHOD", "PAYMENTMETHODKEY", "FINANCIALENTITY",
    "UNDEPOSITEDACCOUNTNO", "CUSTOMERID", "CUSTOMERNAME", "DESCRIPTION", "WHENCREATED", "RECEIPTDATE",
    "BASECURR", "CURRENCY", "EXCHANGE_RATE", "TOTALENTERED", "TRX_TOTALENTERED", "WHENMODIFIED",
)  # fmt: skip
DETAIL_FIELDS: Final = (
    "RECORDNO", "PAYMENTKEY", "RECORDKEY", "ENTRYKEY", "ADJUSTMENTKEY", "TRX_ADJUSTMENTAMOUNT",
    "ADJUSTMENTAMOUNT", "ADVANCEKEY", "POSTEDADVANCEKEY", "TRX_POSTEDADVANCEAMOUNT", "POSTEDADVANCEAMOUNT",
    "PAYMENTAMOUNT", "TRX_PAYMENTAMOUNT",
)  # fmt: skip


def deposit_account_ref(header: Mapping[str, Any], facts: CompanyFacts) -> AccountRef | None:
    """The GL account a receipt went to: the one tied to ``FINANCIALENTITY``, or undeposited funds."""
    bank = text(header, "FINANCIALENTITY")
    if bank:
        found = next((a for a in facts.accounts.values() if a.bank_account_id == bank), None)
        return AccountRef(id=found.recordno, name=found.title or None) if found else AccountRef(id=bank)
    number = text(header, "UNDEPOSITEDACCOUNTNO")
    if number:
        known = facts.account(number)
        return AccountRef(id=known.recordno, name=known.title or None) if known else AccountRef(id=number)
    return None


def _lines(details: Sequence[Mapping[str, Any]]) -> list[PaymentLine]:
    """One line per invoice paid: cash as ``amount``, the invoice link negative, credits positive."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for row in details:
        grouped.setdefault(text(row, "RECORDKEY") or "", []).append(row)
    out: list[PaymentLine] = []
    for invoice_id, rows in grouped.items():
        cash = sum(
            (row_money(r, "TRX_PAYMENTAMOUNT", "PAYMENTAMOUNT") or Decimal(0) for r in rows), Decimal(0)
        )
        credits: list[PaymentLineLink] = []
        for row in rows:
            note = text(row, "ADJUSTMENTKEY")
            advance = text(row, "ADVANCEKEY") or text(row, "POSTEDADVANCEKEY")
            if note:
                amount = row_money(row, "TRX_ADJUSTMENTAMOUNT", "ADJUSTMENTAMOUNT") or Decimal(0)
                credits.append(PaymentLineLink(type=PaymentLinkType.CREDIT_NOTE, id=note, amount=amount))
            elif advance:
                amount = row_money(row, "TRX_POSTEDADVANCEAMOUNT", "POSTEDADVANCEAMOUNT") or Decimal(0)
                credits.append(
                    PaymentLineLink(type=PaymentLinkType.PAYMENT_ON_ACCOUNT, id=advance, amount=amount)
                )
        applied = cash + sum((link.amount or Decimal(0) for link in credits if link.amount), Decimal(0))
        kind = PaymentLinkType.INVOICE if invoice_id else PaymentLinkType.UNLINKED
        first = PaymentLineLink(type=kind, id=invoice_id or None, amount=-applied)
        out.append(PaymentLine(amount=cash, links=[first, *credits]))
    return out


def to_unified(
    header: Mapping[str, Any], details: Sequence[Mapping[str, Any]], facts: CompanyFacts
) -> Payment:
    """An ``ARPYMT`` row with its ``ARPYMTDETAIL`` rows as a unified payment."""
    payment_lines = _lines(details)
    total = row_money(header, "TRX_TOTALENTERED", "TOTALENTERED")
    if total is None:
        total = sum((line.amount for line in payment_lines), Decimal(0))
    currency, rate = read_currency(header, facts)
    method_name = text(header, "PAYMENTMETHOD")
    method = method_id(method_name, facts) or text(header, "PAYMENTMETHODKEY")
    customer = text(header, "CUSTOMERID")
    return Payment(
        id=text(header, "RECORDNO"),
        customer_ref=CustomerRef(id=customer, company_name=text(header, "CUSTOMERNAME"))
        if customer
        else None,
        account_ref=deposit_account_ref(header, facts),
        payment_method_ref=PaymentMethodRef(id=method, name=method_name) if method else None,
        total_amount=total,
        currency=currency,
        currency_rate=rate if rate is not None else UNSET,
        date=read_date(text(header, "WHENCREATED")) or required_date(header, "RECEIPTDATE", OBJECT),
        note=text(header, "DESCRIPTION"),
        reference=text(header, "DOCNUMBER"),
        lines=payment_lines,
        source_modified_date=read_timestamp(text(header, "WHENMODIFIED")),
    )


READ = ReadSpec(
    data_type="payments",
    object=OBJECT,
    fields=HEADER_FIELDS,
    to_unified=to_unified,
    line_object="ARPYMTDETAIL",
    line_fields=DETAIL_FIELDS,
    line_parent_field="PAYMENTKEY",
)
