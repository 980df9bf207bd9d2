"""Direct incomes <-> Intacct other receipts (``record_otherreceipt``; read as ``OTHERRECEIPTS``).

Codat's mapping for Intacct (codat.md §7.1): the receipt's mandatory ``payee`` comes from ``reference``
(not linked to a customer), ``paymentmethod`` is always ``Cash``, and the one payment allocation names the
bank: its ``payment.accountRef.id`` is a GL account whose bank tie gives ``bankaccountid``, so the receipt
is deposited at once (``depositdate`` = the allocation's ``paidOnDate``). Lines are income lines on
non-bank GL accounts, in the element order of ``otherreceipt-lineitem-all-dimensions.xml``.

Currency: the receipt takes ``currency`` and then either ``exchrate`` (custom rate) or ``exchratedate`` +
``exchratetype`` (daily rate); it has no ``basecurr`` (intacct.md §5.0).

Lost-answer ``lookup``: payee, bank account, receipt date and (if sent) the description — other receipts
have no external id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from connectors.intacct.mapping._ar_common import (
    DIMENSION_READ_FIELDS,
    RECEIPT_LINE_ORDER,
    document_lines,
    legacy_line,
    ordered,
    read_lines,
    totals,
)
from connectors.intacct.mapping._common import (
    DAILY_RATE_TYPE,
    Problems,
    bank_account,
    checked,
    currency_plan,
    custom_values,
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
from connectors.intacct.mapping.payments import deposit_account_ref
from connectors.intacct.mapping.plan import ReadSpec, WritePlan
from connectors.intacct.rules._base import as_decimal, lines
from connectors.intacct.rules.direct_incomes import RULES
from connectors.intacct.xml.tree import split_date
from datamodel import (
    UNSET,
    Allocation,
    DirectIncome,
    DirectIncomeLineItem,
    PaymentAllocation,
    PaymentAllocationPayment,
)

__all__ = ["READ", "RULES", "plan_create", "to_unified"]

OBJECT: Final = "OTHERRECEIPTS"
#: Codat writes every direct income as a cash receipt.
PAYMENT_METHOD: Final = "Cash"
#: ``record_otherreceipt`` children in the XSD's order (record-otherreceipt-request-*.xml).
RECEIPT_ORDER: Final = (
    "paymentdate", "payee", "receiveddate", "paymentmethod", "bankaccountid", "undepglaccountno",
    "depositdate", "refid", "description", "supdocid", "currency", "exchratedate", "exchratetype",
    "exchrate", "customfields", "receiptitems",
)  # fmt: skip


def _currency(view: Mapping[str, Any], facts: CompanyFacts, day: Any) -> dict[str, Any]:
    plan = currency_plan(view.get("currency"), as_decimal(view.get("currencyRate")), facts)
    if plan.kind == "base":
        return {}
    if plan.kind == "custom":
        return {"currency": plan.currency, "exchrate": plan.rate}
    return {"currency": plan.currency, "exchratedate": split_date(day), "exchratetype": DAILY_RATE_TYPE}


def plan_create(record: DirectIncome, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """The ``record_otherreceipt`` call for ``record`` (refused if a rule of ``RULES`` breaks)."""
    del operation_key  # other receipts have no external id; see the module docstring
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    problems = Problems(RULES.display_name)
    issued = to_date(view.get("issueDate"))
    assert issued is not None  # required by the model
    payment = (lines(view, "paymentAllocations")[0]).get("payment") or {}
    bank = bank_account((payment.get("accountRef") or {}).get("id"), facts)
    items = [
        legacy_line(
            line,
            path,
            facts,
            problems,
            data_type="directIncomes",
            order=RECEIPT_LINE_ORDER,
            where="a direct income line",
        )
        for path, line in document_lines(view)
    ]
    problems.raise_if_any()
    body = {
        "paymentdate": legacy_date(view.get("issueDate")),
        "payee": view.get("reference"),
        "receiveddate": legacy_date(view.get("issueDate")),
        "paymentmethod": PAYMENT_METHOD,
        "bankaccountid": bank,
        "depositdate": legacy_date(payment.get("paidOnDate") or view.get("issueDate")),
        "description": view.get("note") or None,
        **_currency(view, facts, issued),
        "customfields": legacy_custom_fields(custom_values(view, facts, "directIncomes")),
        "receiptitems": {"lineitem": items},
    }
    lookup = {
        "PAYEE": str(view.get("reference")),
        "BANKACCOUNTID": str(bank),
        "WHENCREATED": query_date(issued),
    }
    if view.get("note"):
        lookup["DESCRIPTION"] = str(view["note"])
    return WritePlan(
        function="record_otherreceipt",
        body=ordered(body, RECEIPT_ORDER),
        read_object=OBJECT,
        key_kind="key",
        lookup=lookup,
        warnings=warnings,
    )


# --- reading -------------------------------------------------------------------------------------------

HEADER_FIELDS: Final = (
    "RECORDNO", "PAYEE", "PAYMETHOD", "DOCNUMBER", "DESCRIPTION", "BANKACCOUNTID", "UNDEPOSITEDACCOUNTNO",
    "DEPOSITDATE", "WHENCREATED", "WHENPAID", "BASECURR", "CURRENCY", "EXCHANGE_RATE", "TOTALENTERED",
    "TRX_TOTALENTERED", "WHENMODIFIED",
)  # fmt: skip
#: OTHERRECEIPTSENTRY publishes no tax-row markers, so tax is read only where rows happen to carry them
#: (``read`` returns every field).
LINE_FIELDS: Final = (
    "RECORDNO", "RECORDKEY", "LINE_NO", "ACCOUNTKEY", "ACCOUNTNO", "ACCOUNTTITLE", "AMOUNT", "TRX_AMOUNT",
    "ENTRYDESCRIPTION", *DIMENSION_READ_FIELDS,
)  # fmt: skip


def to_unified(
    header: Mapping[str, Any], lines_: Sequence[Mapping[str, Any]], facts: CompanyFacts
) -> DirectIncome:
    """An ``OTHERRECEIPTS`` row and its ``OTHERRECEIPTSENTRY`` rows as a direct income."""
    line_fields = read_lines(lines_, facts)
    total = row_money(header, "TRX_TOTALENTERED", "TOTALENTERED")
    sub_total, tax = totals(line_fields) if line_fields else (total or Decimal(0), Decimal(0))
    currency, rate = read_currency(header, facts)
    issued = required_date(header, "WHENCREATED", OBJECT)
    deposit = {
        "FINANCIALENTITY": text(header, "BANKACCOUNTID"),
        "UNDEPOSITEDACCOUNTNO": text(header, "UNDEPOSITEDACCOUNTNO"),
    }
    account = deposit_account_ref(deposit, facts)
    paid_on = read_date(text(header, "DEPOSITDATE")) or read_date(text(header, "WHENPAID")) or issued
    amount = total if total is not None else sub_total + tax
    allocation = PaymentAllocation(
        payment=PaymentAllocationPayment(
            account_ref=account, currency=currency, paid_on_date=paid_on, total_amount=amount
        ),
        allocation=Allocation(currency=currency, allocated_on_date=paid_on, total_amount=amount),
    )
    return DirectIncome(
        id=text(header, "RECORDNO"),
        reference=text(header, "PAYEE"),
        note=text(header, "DESCRIPTION"),
        issue_date=issued,
        currency=currency,
        currency_rate=rate if rate is not None else UNSET,
        line_items=[DirectIncomeLineItem(**fields) for fields in line_fields],
        payment_allocations=[allocation],
        sub_total=sub_total,
        tax_amount=tax,
        total_amount=amount,
        source_modified_date=read_timestamp(text(header, "WHENMODIFIED")),
    )


READ = ReadSpec(
    data_type="directIncomes",
    object=OBJECT,
    fields=HEADER_FIELDS,
    to_unified=to_unified,
    line_object="OTHERRECEIPTSENTRY",
    line_fields=LINE_FIELDS,
    line_parent_field="RECORDKEY",
)
