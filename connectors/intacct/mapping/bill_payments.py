"""Bill payments <-> Intacct AP payments (APPYMT / APPYMTDETAIL), via the generic ``create``.

* ``paymentMethodRef.id`` (Codat's numeric ids) -> ``PAYMENTMETHOD`` name via ``facts.payment_methods``.
* ``accountRef.id`` (a GL account) -> ``FINANCIALENTITY``: the checking/savings account it is tied to.
* each line pays one bill: ``APPYMTDETAIL`` ``RECORDKEY`` = bill RECORDNO with ``TRX_PAYMENTAMOUNT`` = the
  line's cash; each CreditNote link adds a detail on the same bill with ``ADJUSTMENTKEY`` = the AP
  adjustment's RECORDNO and ``TRX_ADJUSTMENTAMOUNT``. A line with several bills and no credit notes pays
  each bill its link amount.
* no ``currency``: nothing is sent and Intacct pays in the paying account's currency; the plan cannot see
  the bills' currencies, so the connector calls ``currency_warning`` with the bill rows it reads.
* a company with AP payment approvals leaves the payment Submitted: the write succeeds with a warning, and
  ``READ.where`` leaves unapproved payments out of pulls, as Codat does.

Lost-answer ``lookup``: APPYMT has no external id, so vendor + bank account + payment date (+ the document
number when ``reference`` is sent).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from msgspec import UNSET

from connectors.intacct.mapping._common import (
    Problems,
    bank_account,
    checked,
    currency_plan,
    generic_currency,
    or_unset,
    query_date,
    read_currency,
    read_timestamp,
    required_date,
    row_money,
    text,
    to_date,
    view_of,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import PlanWarning, ReadSpec, WritePlan, delete_plan
from connectors.intacct.query import NotIn
from connectors.intacct.rules._base import RecordView, as_decimal, lines
from connectors.intacct.rules.bill_payments import RULES
from datamodel import (
    AccountRef,
    BillPayment,
    BillPaymentLine,
    BillPaymentLineLink,
    Metadata,
    PaymentMethodRef,
    SupplierRef,
)
from datamodel.enums import BillPaymentLineLinkType

__all__ = [
    "APPROVAL_WARNING",
    "READ",
    "RULES",
    "currency_warning",
    "plan_create",
    "plan_delete",
    "to_unified",
]

OBJECT = "APPYMT"
APPROVAL_WARNING = (
    "This bill payment awaits approval in Sage Intacct; it will leave the billPayments dataset at the next "
    "pull until it is approved."
)
#: Payment states that are not (yet) approved payments; Codat leaves them out of the dataset.
UNAPPROVED_STATES = ("Draft", "Submitted")


def _details(view: RecordView, problems: Problems) -> list[dict[str, Any]]:
    details: list[dict[str, Any]] = []
    for index, line in enumerate(lines(view, "lines")):
        links = [link for link in line.get("links") or [] if isinstance(link, Mapping)]
        bills = [link for link in links if link.get("type") == "Bill"]
        credits = [link for link in links if link.get("type") == "CreditNote"]
        cash = as_decimal(line.get("amount")) or Decimal(0)
        if len(bills) == 1:
            bill_id = bills[0].get("id")
            if cash:
                details.append({"RECORDKEY": bill_id, "TRX_PAYMENTAMOUNT": cash})
            for credit in credits:
                amount = as_decimal(credit.get("amount")) or Decimal(0)
                details.append(
                    {"RECORDKEY": bill_id, "ADJUSTMENTKEY": credit.get("id"), "TRX_ADJUSTMENTAMOUNT": amount}
                )
        elif bills and not credits:
            for bill in bills:
                details.append(
                    {"RECORDKEY": bill.get("id"), "TRX_PAYMENTAMOUNT": -(as_decimal(bill.get("amount")) or 0)}
                )
        else:
            problems.add(
                f"lines[{index}].links", "Each line must pay exactly one Bill to apply credit notes."
            )
    return details


def plan_create(record: BillPayment, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``create APPYMT`` in the order of Intacct's SDK (method, bank, vendor, rate, ..., details)."""
    del operation_key  # APPYMT has no external id field to carry it
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    if facts.ap_payment_approval:
        warnings += (PlanWarning("id", APPROVAL_WARNING, RULES.validator),)
    problems = Problems(RULES.display_name)
    paid_on = to_date(view["date"])
    assert paid_on is not None
    method_id = str((view.get("paymentMethodRef") or {}).get("id"))
    bank = bank_account((view.get("accountRef") or {}).get("id"), facts)
    vendor = str((view.get("supplierRef") or {}).get("id"))
    currency = generic_currency(
        currency_plan(view.get("currency"), as_decimal(view.get("currencyRate")), facts), paid_on
    )
    payment: dict[str, Any] = {
        "PAYMENTMETHOD": facts.payment_methods.get(method_id),
        "FINANCIALENTITY": bank,
        "VENDORID": vendor,
        "EXCH_RATE_DATE": currency.get("EXCH_RATE_DATE"),
        "EXCH_RATE_TYPE_ID": currency.get("EXCH_RATE_TYPE_ID"),
        "EXCHANGE_RATE": currency.get("EXCHANGE_RATE"),
        "DOCNUMBER": view.get("reference"),
        "DESCRIPTION": view.get("note"),
        "PAYMENTDATE": paid_on,
        "CURRENCY": currency.get("CURRENCY"),
        "BASECURR": currency.get("BASECURR"),
        "APPYMTDETAILS": {"APPYMTDETAIL": _details(view, problems)},
    }
    problems.raise_if_any()
    lookup = {"VENDORID": vendor, "FINANCIALENTITY": str(bank), "WHENCREATED": query_date(paid_on)}
    if view.get("reference"):
        lookup["DOCNUMBER"] = str(view["reference"])
    return WritePlan(
        function="create",
        body={OBJECT: payment},
        read_object=OBJECT,
        key_kind="recordno",
        lookup=lookup,
        warnings=warnings,
    )


def plan_delete(record_id: str, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    del facts, operation_key
    return delete_plan(OBJECT, record_id)


def currency_warning(
    payment: BillPayment, bill_rows: Sequence[Mapping[str, Any]], facts: CompanyFacts
) -> PlanWarning | None:
    """Codat's warning for a payment sent without ``currency`` whose bills are in another currency than the
    paying account (Intacct pays in the account's currency then, which may misstate the bills)."""
    if payment.currency:
        return None
    account = (
        facts.account(payment.account_ref.id) if payment.account_ref and payment.account_ref.id else None
    )
    paying = account.currency if account and account.currency else facts.base_currency
    others = sorted(
        {
            (text(row, "RECORDNO") or "?", currency)
            for row in bill_rows
            if (currency := text(row, "CURRENCY") or text(row, "BASECURR")) and currency != paying
        }
    )
    if not others:
        return None
    listed = ", ".join(f"{bill_id} ({currency})" for bill_id, currency in others)
    return PlanWarning(
        "currency",
        f"No currency was given, so Sage Intacct pays in the paying account's currency {paying}; "
        f"bill(s) {listed} are in another currency. Send currency to pay them in their own.",
        RULES.validator,
    )


# --- read ----------------------------------------------------------------------------------------------


def _account_for_bank(bank: str | None, facts: CompanyFacts) -> AccountRef | None:
    if not bank:
        return None
    found = next((a for a in facts.accounts.values() if a.bank_account_id == bank), None)
    if found is None:
        return AccountRef(id=bank)
    return AccountRef(id=found.recordno, name=found.title or None)


def _method_ref(header: Mapping[str, Any], facts: CompanyFacts) -> PaymentMethodRef | None:
    name = text(header, "PAYMENTMETHOD")
    if name is None:
        return None
    method_id = next((k for k, v in facts.payment_methods.items() if v == name), None)
    return PaymentMethodRef(id=method_id or text(header, "PAYMENTMETHODKEY") or name, name=name)


def _lines(details: Sequence[Mapping[str, Any]], currency: str) -> list[BillPaymentLine]:
    """Group details per bill: cash -> line amount; bill link = -(cash + credits); credit links positive."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for detail in details:
        key = text(detail, "RECORDKEY") or text(detail, "POSADJKEY")
        if key:
            grouped.setdefault(key, []).append(detail)
    out: list[BillPaymentLine] = []
    for bill_id, rows in grouped.items():
        cash = sum(
            (row_money(r, "TRX_PAYMENTAMOUNT", "PAYMENTAMOUNT") or Decimal(0) for r in rows), Decimal(0)
        )
        credits = [
            (
                text(r, "ADJUSTMENTKEY") or "",
                row_money(r, "TRX_ADJUSTMENTAMOUNT", "ADJUSTMENTAMOUNT") or Decimal(0),
            )
            for r in rows
            if text(r, "ADJUSTMENTKEY")
        ]
        same = all((text(r, "CURRENCY") or currency) == currency for r in rows)
        rate = Decimal(1) if same else UNSET
        is_bill = any(text(r, "RECORDKEY") for r in rows)
        links = [
            BillPaymentLineLink(
                type=BillPaymentLineLinkType.BILL if is_bill else BillPaymentLineLinkType.OTHER,
                id=bill_id,
                amount=-(cash + sum((amount for _, amount in credits), Decimal(0))),
                currency_rate=rate,
            )
        ]
        links += [
            BillPaymentLineLink(
                type=BillPaymentLineLinkType.CREDIT_NOTE, id=cid, amount=amount, currency_rate=rate
            )
            for cid, amount in credits
        ]
        out.append(BillPaymentLine(amount=cash, links=links))
    return out


def to_unified(
    header: Mapping[str, Any], details: Sequence[Mapping[str, Any]], facts: CompanyFacts
) -> BillPayment:
    """An APPYMT row and its APPYMTDETAIL rows as a bill payment."""
    currency, rate = read_currency(header, facts)
    lines_out = _lines(details, currency)
    total = row_money(header, "TRX_TOTALENTERED", "TOTALENTERED", "TRX_TOTALPAID", "TOTALPAID")
    if total is None:
        total = sum((line.amount for line in lines_out), Decimal(0))
    reference = text(header, "DOCNUMBER")
    return BillPayment(
        id=text(header, "RECORDNO"),
        supplier_ref=SupplierRef(
            id=text(header, "VENDORID") or "", supplier_name=or_unset(text(header, "VENDORNAME"))
        ),
        account_ref=_account_for_bank(text(header, "FINANCIALENTITY"), facts),
        payment_method_ref=_method_ref(header, facts),
        total_amount=total,
        currency=currency,
        currency_rate=or_unset(rate),
        date=required_date(header, "WHENCREATED", OBJECT),
        note=text(header, "DESCRIPTION") or "",
        reference=or_unset(reference),
        lines=lines_out,
        source_modified_date=read_timestamp(text(header, "WHENMODIFIED")),
        metadata=Metadata(is_deleted=False),
    )


READ = ReadSpec(
    data_type="billPayments",
    object=OBJECT,
    fields=tuple(
        "RECORDNO STATE VENDORID VENDORNAME FINANCIALENTITY PAYMENTMETHOD PAYMENTMETHODKEY DOCNUMBER "
        "DESCRIPTION WHENCREATED BASECURR CURRENCY EXCHANGE_RATE TOTALENTERED TRX_TOTALENTERED TOTALPAID "
        "TRX_TOTALPAID WHENMODIFIED".split()
    ),
    to_unified=to_unified,
    line_object="APPYMTDETAIL",
    line_fields=tuple(
        "RECORDNO PAYMENTKEY RECORDKEY ENTRYKEY POSADJKEY ADJUSTMENTKEY PAYMENTAMOUNT TRX_PAYMENTAMOUNT "
        "ADJUSTMENTAMOUNT TRX_ADJUSTMENTAMOUNT CURRENCY".split()
    ),
    line_parent_field="PAYMENTKEY",
    where=NotIn("STATE", UNAPPROVED_STATES),
)
