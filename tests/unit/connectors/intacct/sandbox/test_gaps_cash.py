"""``record_deposit`` (undeposited receipts to the bank) and ``apply_arpayment`` (applying a payment
later), including the Intacct SDK request fixtures of both functions."""

from __future__ import annotations

import pytest

from connectors.intacct.sandbox.handlers import ar_apply, deposits  # noqa: F401  (registers)
from connectors.intacct.sandbox.registry import CallContext
from connectors.intacct.sandbox.state import CompanyState
from tests.unit.connectors.intacct.sandbox._core_support import Sandbox, login
from tests.unit.connectors.intacct.sandbox._handlers_support import (
    build_company,
    call,
    context,
    failure,
    fixture_text,
    key_of,
)
from tests.unit.connectors.intacct.sandbox.test_handlers_cash import line, receipt

DEPOSIT_WRAPPER = ("BL01001973", "Could not create deposit record!")
APPLY_WRAPPER = ("BL01001973", "Could not apply arpayment record!")


def date(tag: str, day: str, month: str = "06") -> str:
    return f"<{tag}><year>2024</year><month>{month}</month><day>{day}</day></{tag}>"


def undeposited_receipt(ctx: CallContext, amount: str = "25") -> int:
    return key_of(call(ctx, receipt(line(amount=amount), "<undepglaccountno>1200</undepglaccountno>")))


def ar_payment(ctx: CallContext, amount: str, deposit: str = "<undepfundsacct>1200</undepfundsacct>",
               items: str = "") -> int:  # fmt: skip
    return key_of(
        call(
            ctx,
            f"<create_arpayment><customerid>C0001</customerid><paymentamount>{amount}</paymentamount>"
            f"{deposit}{date('datereceived', '12')}<paymentmethod>Cash</paymentmethod>{items}"
            "</create_arpayment>",
        )
    )


def deposit(keys: list[int | str], bank: str = "BOA", day: str = "14", extra: str = "") -> str:
    receipt_keys = "".join(f"<receiptkey>{k}</receiptkey>" for k in keys)
    return (
        f"<record_deposit><bankaccountid>{bank}</bankaccountid>{date('depositdate', day)}"
        f"<depositid>Slip 14</depositid><receiptkeys>{receipt_keys}</receiptkeys>{extra}</record_deposit>"
    )


def test_deposit_moves_both_kinds_of_receipt_to_the_bank() -> None:
    company = build_company()
    ctx = context(company)
    other = undeposited_receipt(ctx, "25")
    payment = ar_payment(ctx, "40")
    assert company.get("OTHERRECEIPTS", other)["STATE"] == "Undeposited"  # type: ignore[index]
    key = key_of(call(ctx, deposit([other, payment], extra="<description>Friday</description>")))
    header = company.get("DEPOSIT", key)
    assert header is not None
    assert (header["RECORDID"], header["FINANCIALENTITY"], header["DEPOSITDATE"]) == (
        "Slip 14",
        "BOA",
        "06/14/2024",
    )
    assert (header["TRX_TOTALENTERED"], header["CURRENCY"], header["MEGAENTITYID"]) == ("65", "USD", "100")
    assert header["DESCRIPTION"] == "Friday" and header["RECORD_URL"]
    entries = sorted(company.find("DEPOSITENTRY", RECORDKEY=str(key)), key=lambda r: int(r["LINE_NO"]))
    assert [(e["RECEIPTKEY"], e["RECEIPTTYPE"], e["TRX_AMOUNT"]) for e in entries] == [
        (str(other), "OTHERRECEIPTS", "25"),
        (str(payment), "ARPYMT", "40"),
    ]
    moved = company.get("OTHERRECEIPTS", other)
    assert moved is not None
    assert (moved["STATE"], moved["BANKACCOUNTID"], moved["DEPOSITDATE"], moved["DEPOSITKEY"]) == (
        "Deposited",
        "BOA",
        "06/14/2024",
        str(key),
    )
    paid = company.get("ARPYMT", payment)
    assert paid is not None and (paid["DEPOSITKEY"], paid["UNDEPOSITEDACCOUNTNO"]) == (str(key), "1200")
    again = failure(ctx, deposit([payment]))
    assert again == [
        ("BL01001973", f"The receipt {payment} is not in undeposited funds and cannot be deposited."),
        DEPOSIT_WRAPPER,
    ]


def test_deposit_refusals() -> None:
    company = build_company()
    ctx = context(company)
    other = undeposited_receipt(ctx)
    banked = key_of(call(ctx, receipt(line())))
    euro = key_of(
        call(ctx, receipt(line(), "<undepglaccountno>1200</undepglaccountno>", "<currency>EUR</currency>"))
    )

    def first(xml: str) -> str:
        errors = failure(ctx, xml)
        assert errors[-1] == DEPOSIT_WRAPPER
        return errors[0][1]

    assert first(deposit([other], bank="BA1145")) == "Invalid Bank Account 'BA1145' specified."
    assert first(deposit([])) == "Select at least one receipt to deposit."
    assert (
        first(deposit([other, other])) == "A receipt can be deposited only once: a receipt key is repeated."
    )
    assert first(deposit([424242])) == "Invalid Receipt '424242' specified."
    assert (
        first(deposit([banked]))
        == f"The receipt {banked} is not in undeposited funds and cannot be deposited."
    )
    assert first(deposit([euro])).startswith(f"The receipt {euro} is in EUR; the bank account BOA takes USD")
    assert first(deposit([other], day="05")) == (
        f"The receipt {other} was received on 06/11/2024, after the deposit date 06/05/2024."
    )
    assert first(deposit([other]).replace("<depositid>Slip 14</depositid>", "")) == (
        "Required field Deposit ID is missing."
    )
    assert company.get("OTHERRECEIPTS", other)["STATE"] == "Undeposited"  # type: ignore[index]
    assert list(company.rows("DEPOSIT")) == []


def test_deposit_fixture() -> None:
    company = build_company()
    ctx = context(company)
    xml = fixture_text("record-deposit-request.xml")
    assert failure(ctx, xml)[0] == ("BL01001973", "Invalid Bank Account 'BA1145' specified.")
    other = undeposited_receipt(ctx)
    company.insert("SUPDOC", {"supdocid": "AT111"})
    xml = xml.replace("BA1145", "BOA").replace(
        "<receiptkey>1234</receiptkey>", f"<receiptkey>{other}</receiptkey>"
    )
    xml = xml.replace("<year>2015</year>", "<year>2024</year>")
    key = key_of(call(ctx, xml))
    header = company.get("DEPOSIT", key)
    assert header is not None
    assert (header["RECORDID"], header["SUPDOCID"], header["CUSTOMFIELD1"]) == (
        "Deposit Slip 2015-06-30",
        "AT111",
        "customvalue1",
    )


@pytest.mark.asyncio
async def test_deposit_reads_back_with_its_entries() -> None:
    sandbox = Sandbox()
    try:
        auth = login(entity="100")
        made = await sandbox.ok(
            receipt(line(amount="12.5"), "<undepglaccountno>1200</undepglaccountno>"), auth=auth
        )
        result = await sandbox.ok(deposit([made.findtext("key") or ""]), auth=auth)
        key = result.findtext("key")
        read = await sandbox.ok(
            f"<read><object>DEPOSIT</object><keys>{key}</keys><fields>*</fields></read>", auth=auth
        )
        assert read.findtext("data/DEPOSIT/TRX_TOTALENTERED") == "12.5"
        assert [e.findtext("TRX_AMOUNT") for e in read.iter("depositentry")] == ["12.5"]
    finally:
        await sandbox.close()


# -- apply_arpayment -------------------------------------------------------------------------------
def invoice(ctx: CallContext, amount: str, due_day: str = "01") -> int:
    return key_of(
        call(
            ctx,
            f"<create_invoice><customerid>C0001</customerid>{date('datecreated', '01')}"
            f"{date('datedue', due_day, '07')}<invoiceitems><lineitem><glaccountno>4000</glaccountno>"
            f"<amount>{amount}</amount></lineitem></invoiceitems></create_invoice>",
        )
    )


def apply(payment: int | str, items: str = "", extra: str = "") -> str:
    wrapped = f"<arpaymentitems>{items}</arpaymentitems>" if items else ""
    return (
        f"<apply_arpayment><arpaymentkey>{payment}</arpaymentkey>{date('paymentdate', '20')}{extra}{wrapped}"
        "</apply_arpayment>"
    )


def item(invoice_key: int, amount: str) -> str:
    return f"<arpaymentitem><invoicekey>{invoice_key}</invoicekey><amount>{amount}</amount></arpaymentitem>"


def totals(company: CompanyState, obj: str, key: int) -> tuple[str, str, str]:
    row = company.get(obj, key)
    assert row is not None
    return row["STATE"], row["TRX_TOTALPAID"], row["TRX_TOTALDUE"]


def test_apply_pays_the_named_invoices_from_the_unapplied_amount() -> None:
    company = build_company()
    ctx = context(company)
    first, second = invoice(ctx, "100"), invoice(ctx, "80")
    payment = ar_payment(ctx, "150", "<bankaccountid>BOA</bankaccountid>")
    assert totals(company, "ARPYMT", payment) == ("Complete", "0", "150")
    assert call(ctx, apply(payment, item(first, "100") + item(second, "30"))) == []
    assert totals(company, "ARINVOICE", first) == ("Paid", "100", "0")
    assert totals(company, "ARINVOICE", second) == ("Partially Paid", "30", "50")
    assert totals(company, "ARPYMT", payment) == ("Complete", "130", "20")
    details = company.find("ARPYMTDETAIL", PAYMENTKEY=str(payment))
    assert sorted((d["RECORDKEY"], d["TRX_PAYMENTAMOUNT"], d["PAYMENTDATE"]) for d in details) == sorted(
        [(str(first), "100", "06/20/2024"), (str(second), "30", "06/20/2024")]
    )
    assert failure(ctx, apply(payment, item(second, "25"))) == [
        ("BL01001973", f"The amounts applied (25) exceed the unapplied amount (20) of payment {payment}."),
        APPLY_WRAPPER,
    ]


def test_apply_without_items_pays_the_oldest_due_first() -> None:
    company = build_company()
    ctx = context(company)
    later, sooner = invoice(ctx, "60", due_day="20"), invoice(ctx, "60", due_day="05")
    payment = ar_payment(ctx, "90", "<bankaccountid>BOA</bankaccountid>")
    call(ctx, apply(payment))
    assert totals(company, "ARINVOICE", sooner) == ("Paid", "60", "0")
    assert totals(company, "ARINVOICE", later) == ("Partially Paid", "30", "30")
    assert totals(company, "ARPYMT", payment)[2] == "0"
    assert failure(ctx, apply(payment))[0] == (
        "BL01001973",
        f"The payment {payment} has no unapplied amount left to apply.",
    )


def test_apply_refusals_and_the_fixture() -> None:
    company = build_company()
    ctx = context(company)
    target = invoice(ctx, "50")
    payment = ar_payment(ctx, "100", "<bankaccountid>BOA</bankaccountid>")
    xml = fixture_text("apply-arpayment-request.xml")
    assert failure(ctx, xml) == [("BL01001973", "Invalid AR Payment '1234' specified."), APPLY_WRAPPER]
    assert failure(ctx, apply(payment, item(target, "60")))[0] == (
        "XL03000027",
        f"The amount paid if greater than the amount due for invoice with key {target}",
    )
    assert failure(ctx, apply(payment, item(target, "30") + item(target, "30")))[0][0] == "XL03000027"
    assert "enter a valid invoice (777)" in failure(ctx, apply(payment, item(777, "1")))[0][1]
    assert failure(ctx, apply(payment, item(target, "5"), "<overpaylocid>NOWHERE</overpaylocid>"))[0] == (
        "BL01001973",
        "Invalid Location 'NOWHERE' specified.",
    )
    assert totals(company, "ARINVOICE", target) == ("Posted", "0", "50")
    call(ctx, xml.replace("<arpaymentkey>1234</arpaymentkey>", f"<arpaymentkey>{payment}</arpaymentkey>"))
    assert totals(company, "ARINVOICE", target) == ("Paid", "50", "0")
    assert totals(company, "ARPYMT", payment) == ("Complete", "50", "50")
