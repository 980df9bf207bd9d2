"""Cash management: other receipts (``record_otherreceipt``) and seeded funds transfers.

An other receipt (Codat's direct income) has a payee, a payment method, the date on the payment and
the date received, exactly one deposit target (a bank account, or the undeposited-funds GL account)
and lines on GL accounts that are not tied to a bank account. Its currency defaults to the bank
account's. Tax entries are allowed only where the entity has a tax solution.

Funds transfers cannot be created through the XML gateway (intacct.md §5.9), so there is no handler;
``seed_transfers`` writes a few for readers, including a voided transfer with its reversal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree

from connectors.intacct.sandbox.handlers._docs import (
    INVOICE,
    ResolvedLine,
    account_fields,
    amount,
    key_result,
    line_taxes,
    stamp_url,
)
from connectors.intacct.sandbox.handlers._parse import (
    Tree,
    body,
    children,
    custom_fields,
    decimal,
    legacy_date,
    legacy_line,
    text,
)
from connectors.intacct.sandbox.registry import CallContext, handler
from connectors.intacct.sandbox.state import CompanyState, Record, intacct_timestamp
from connectors.intacct.sandbox.validate import Refs, recording, refuse

RECEIPT_METHODS = ("Printed Check", "Cash", "EFT", "Credit Card")


def receipt_lines(refs: Refs, tree: Tree, solution: str | None, ref: str) -> list[ResolvedLine]:
    items = children(tree, "receiptitems", "lineitem")
    if not items:
        refuse("An other receipt must have at least one line item.")
    out = []
    for n, item in enumerate(items, 1):
        line = legacy_line(item)
        account_no = line.account_no
        label = None
        if not account_no and line.account_label:
            label = refs.account_label(line.account_label, "AR")
            account_no = str(label.get("GLACCOUNTNO", ""))
        account = refs.line_account(account_no, line_no=n, ref=ref)
        if line.amount is None:
            refuse(f"Enter an amount on line item {n}, and try again.")
        dims = {kind: refs.dimension(kind, value) for kind, value in line.dims.items()}
        refs.required_dimensions(account, line.dims)
        taxes = []
        if any(t.detail_id for t in line.taxes):
            if not solution:
                refuse(
                    f"Tax entries are not allowed on line item {n}: this entity does not use a tax solution."
                )
            taxes = line_taxes(refs, INVOICE, line, n, solution)
        out.append(ResolvedLine(line, account, None, label, dims, line.amount, taxes))
    return out


def post_other_receipt(ctx: CallContext, tree: Tree) -> int:
    refs, company = Refs(ctx), ctx.company
    payee = text(tree, "payee")
    if not payee:
        refuse("Required field Payee is missing.")
    paid_on = legacy_date(tree, "paymentdate")
    if paid_on is None:
        refuse("Required field Payment Date is missing.")
    received = legacy_date(tree, "receiveddate") or paid_on
    method = text(tree, "paymentmethod")
    if not method:
        refuse("Required field Payment Method is missing.")
    if method not in RECEIPT_METHODS:
        refs.payment_method(method, "AR")
    bank_id, undeposited_no = text(tree, "bankaccountid"), text(tree, "undepglaccountno")
    if bank_id and undeposited_no:
        refuse("Provide either a bank account or an undeposited funds account, not both.")
    if not bank_id and not undeposited_no:
        refuse("Provide a bank account or an undeposited funds account for the receipt.")
    bank_obj, bank = refs.bank_account(bank_id) if bank_id else ("", None)
    undeposited = refs.account(undeposited_no) if undeposited_no else None
    entity = refs.entity or (company.entities.get(refs.owner(bank_obj, bank)) if bank else None)
    currency = text(tree, "currency") or str((bank or {}).get("CURRENCY") or "")
    fx = refs.fx(
        entity,
        currency=currency or None,
        rate_type=text(tree, "exchratetype") or None,
        rate=decimal(text(tree, "exchrate"), "exchrate"),
        rate_date=legacy_date(tree, "exchratedate"),
        doc_date=received,
    )
    if bank is not None and bank.get("CURRENCY") and bank["CURRENCY"] != fx.currency:
        refuse(
            f"The receipt currency {fx.currency} does not match the currency {bank['CURRENCY']} of {bank_id}."
        )
    solution = entity.tax_solution_id if entity is not None else None
    lines = receipt_lines(refs, tree, solution, text(tree, "refid"))
    refs.open_period(received)
    refs.supdoc(text(tree, "supdocid"))
    trx = sum((ln.trx + sum((t for _d, t in ln.taxes), Decimal(0)) for ln in lines), Decimal(0))
    base = sum(
        (fx.to_base(ln.trx) + sum((fx.to_base(t) for _d, t in ln.taxes), Decimal(0)) for ln in lines),
        Decimal(0),
    )
    deposit = legacy_date(tree, "depositdate")
    user = refs.user_key()
    header: Record = {
        "RECORDTYPE": "cr",
        "PAYEE": payee,
        "PAYMETHOD": method,
        "DOCNUMBER": text(tree, "refid"),
        "DESCRIPTION": text(tree, "description"),
        "WHENCREATED": f"{paid_on:%m/%d/%Y}",
        "RECEIPTDATE": f"{received:%m/%d/%Y}",
        "WHENPAID": f"{received:%m/%d/%Y}",
        "BANKACCOUNTID": str((bank or {}).get("BANKACCOUNTID", "")),
        "BANKACCOUNTNAME": str((bank or {}).get("BANKNAME", "")),
        "BANKACCOUNTCURR": str((bank or {}).get("CURRENCY", "")),
        "DEPOSITDATE": f"{(deposit or received):%m/%d/%Y}" if bank else "",
        "UNDEPOSITEDACCOUNTNO": str((undeposited or {}).get("ACCOUNTNO", "")),
        **fx.fields(typed_id=False),
        "TOTALENTERED": amount(base),
        "TRX_TOTALENTERED": amount(trx),
        "STATE": "Deposited" if bank else "Undeposited",
        "SUPDOCID": text(tree, "supdocid"),
        "TAXSOLUTIONID": solution or "",
        "AUWHENCREATED": intacct_timestamp(company.now()),
        "CREATEDBY": user,
        "MODIFIEDBY": user,
        **refs.entity_fields(),
        **custom_fields(tree),
    }
    recordno = company.insert("OTHERRECEIPTS", header)
    stamp_url(company, "OTHERRECEIPTS", recordno)
    for n, line in enumerate(lines, 1):
        row: Record = {
            "RECORDKEY": str(recordno),
            "LINE_NO": str(n),
            "LINEITEM": "T",
            **account_fields(line.account),
            "ACCOUNTLABEL": str((line.label or {}).get("ACCOUNTLABEL", "")),
            "AMOUNT": amount(fx.to_base(line.trx)),
            "TRX_AMOUNT": amount(line.trx),
            "ENTRYDESCRIPTION": line.source.memo,
            "ENTRY_DATE": f"{received:%m/%d/%Y}",
            **fx.fields(typed_id=False),
            **line.source.extra,
        }
        for kind, dim in line.dims.items():
            row.update(refs.dimension_fields(kind, dim))
        line_no = company.insert("OTHERRECEIPTSENTRY", row)
        for detail, tax in line.taxes:
            company.insert(
                "OTHERRECEIPTSENTRY",
                {
                    "RECORDKEY": str(recordno),
                    "LINE_NO": str(n),
                    "LINEITEM": "F",
                    "PARENTENTRY": str(line_no),
                    "ACCOUNTNO": str(detail.get("GLACCOUNT", "")),
                    "DETAILID": str(detail.get("DETAILID", "")),
                    "AMOUNT": amount(fx.to_base(tax)),
                    "TRX_AMOUNT": amount(tax),
                    **fx.fields(typed_id=False),
                },
            )
    return recordno


@handler("record_otherreceipt")
def record_otherreceipt(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "otherreceipt"):
        recordno = post_other_receipt(ctx, tree)
    return key_result(recordno)


# -- funds transfers (read-only in the XML API) ---------------------------------------------------
def _bank_pair(company: CompanyState) -> tuple[Record, Record]:
    """Two bank accounts to move money between, preferring two in the same currency and entity."""
    refs = Refs(CallContext(company=company, entity=None, user_id="seed", function_controlid="seed"))
    found = [(obj, r) for obj in ("CHECKINGACCOUNT", "SAVINGSACCOUNT") for r in company.rows(obj)]
    if len(found) < 2:
        raise ValueError("seed_transfers needs at least two bank accounts (CHECKINGACCOUNT/SAVINGSACCOUNT)")
    pairs = [(a, b) for i, a in enumerate(found) for b in found[i + 1 :]]

    def rank(pair: tuple[tuple[str, Record], tuple[str, Record]]) -> tuple[bool, bool]:
        (obj_a, a), (obj_b, b) = pair
        return a.get("CURRENCY") != b.get("CURRENCY"), refs.owner(obj_a, a) != refs.owner(obj_b, b)

    (_obj_a, first), (_obj_b, second) = min(pairs, key=rank)
    return first, second


def _owner(company: CompanyState, bank: Record) -> str:
    refs = Refs(CallContext(company=company, entity=None, user_id="seed", function_controlid="seed"))
    for obj in ("CHECKINGACCOUNT", "SAVINGSACCOUNT"):
        if company.find_one(obj, BANKACCOUNTID=str(bank.get("BANKACCOUNTID", ""))) is bank:
            return refs.owner(obj, bank)
    return ""


def _transfer(
    company: CompanyState,
    source: Record,
    target: Record,
    trx: Decimal,
    day: dt.date,
    *,
    reference: str,
    description: str,
    state: str = "Posted",
    reversed_key: str = "",
) -> int:
    currency = str(source.get("CURRENCY") or "USD")
    header: Record = {
        "RECORDID": reference,
        "DOCNUMBER": reference,
        "DESCRIPTION": description,
        "WHENCREATED": f"{day:%m/%d/%Y}",
        "TRANSFERDATE": f"{day:%m/%d/%Y}",
        "FROMACCOUNTID": str(source.get("BANKACCOUNTID", "")),
        "FROMACCOUNTNAME": str(source.get("BANKNAME", "")),
        "TOACCOUNTID": str(target.get("BANKACCOUNTID", "")),
        "TOACCOUNTNAME": str(target.get("BANKNAME", "")),
        "BASECURR": currency,
        "CURRENCY": currency,
        "EXCHANGE_RATE": "1",
        "EXCH_RATE_DATE": "",
        "EXCH_RATE_TYPE_ID": "",
        "TOTALENTERED": amount(trx),
        "TRX_TOTALENTERED": amount(trx),
        "STATE": state,
        "REVERSEDKEY": reversed_key,
        "REVERSALKEY": "",
        "AUWHENCREATED": f"{day:%m/%d/%Y} 09:00:00",
        "MEGAENTITYID": _owner(company, source),
    }
    recordno = company.insert("FUNDSTRANSFER", header)
    for line_no, (bank, side) in enumerate(((source, "-1"), (target, "1")), 1):
        company.insert(
            "FUNDSTRANSFERENTRY",
            {
                "RECORDKEY": str(recordno),
                "LINE_NO": str(line_no),
                "BANKACCOUNTID": str(bank.get("BANKACCOUNTID", "")),
                "ACCOUNTNO": str(bank.get("GLACCOUNTNO", "")),
                "TR_TYPE": side,
                "AMOUNT": amount(trx),
                "TRX_AMOUNT": amount(trx),
                "CURRENCY": currency,
            },
        )
    return recordno


def seed_transfers(company: CompanyState, *, day: dt.date = dt.date(2024, 5, 15)) -> list[int]:
    """Seed three funds transfers between two bank accounts: a posted one, and a voided
    one together with its reversal (negative amounts, ``REVERSEDKEY`` -> the original); both rows of
    the voided pair read ``Voided``. Returns the RECORDNOs (posted, voided, reversal).
    """
    source, target = _bank_pair(company)
    posted = _transfer(company, source, target, Decimal("500.00"), day, reference="FT-1001",
                       description="Move funds to operating")  # fmt: skip
    voided = _transfer(company, source, target, Decimal("250.00"), day + dt.timedelta(days=3),
                       reference="FT-1002", description="Transfer entered twice", state="Voided")  # fmt: skip
    reversal = _transfer(company, source, target, Decimal("-250.00"), day + dt.timedelta(days=4),
                         reference="FT-1002", description="Reversal of FT-1002", state="Voided",
                         reversed_key=str(voided))  # fmt: skip
    company.table("FUNDSTRANSFER")[voided]["REVERSALKEY"] = str(reversal)
    return [posted, voided, reversal]
