"""Generic deletes the connector sends: ``APPYMT`` (bill payments) and ``GLBATCH`` (journal entries).

Deleting a payment must leave its bills exactly as they were before it was made (totals, state,
``WHENPAID``, line balances), whether it was posted, awaiting approval or a draft; the journal entry
delete takes its entries with it. Refusals come back as Intacct error blocks, and through the server
a failed multi-key delete rolls back the keys already deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from connectors.intacct.sandbox.handlers import ap_delete, gl  # noqa: F401  (registers the handlers)
from connectors.intacct.sandbox.state import CompanyState
from tests.unit.connectors.intacct.sandbox._core_support import Sandbox, errors_of, login
from tests.unit.connectors.intacct.sandbox._handlers_support import (
    build_company,
    call,
    context,
    failure,
    key_of,
)
from tests.unit.connectors.intacct.sandbox.test_handlers_appymt import bill, detail, payment

DELETE_WRAPPER = ("BL01001973", "Could not delete appymt record!")


def delete(obj: str, keys: str) -> str:
    return f"<delete><object>{obj}</object><keys>{keys}</keys></delete>"


def snapshot(company: CompanyState, obj: str, recordno: int) -> dict[str, Any]:
    """A document and its lines, without the modification stamps that every write moves."""

    def clean(row: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in row.items() if k != "WHENMODIFIED"}

    header = company.get(obj, recordno)
    assert header is not None
    lines = sorted(company.find(f"{obj}ITEM", RECORDKEY=str(recordno)), key=lambda r: int(r["RECORDNO"]))
    return {"header": clean(header), "lines": [clean(r) for r in lines]}


def two_line_bill(ctx: Any) -> int:
    lines = "".join(
        f"<lineitem><glaccountno>6000</glaccountno><amount>{a}</amount></lineitem>" for a in ("60", "40")
    )
    return bill(ctx, lines=lines)


def test_deleting_a_posted_payment_restores_the_bill_exactly() -> None:
    company = build_company()
    ctx = context(company)
    recordkey = two_line_bill(ctx)
    before = snapshot(company, "APBILL", recordkey)
    paymentkey = key_of(call(ctx, payment(detail(recordkey, "100"))))
    assert company.get("APBILL", recordkey)["STATE"] == "Paid"  # type: ignore[index]
    assert call(ctx, delete("APPYMT", str(paymentkey))) == []
    assert snapshot(company, "APBILL", recordkey) == before
    assert company.get("APPYMT", paymentkey) is None
    assert company.find("APPYMTDETAIL", PAYMENTKEY=str(paymentkey)) == []


def test_deleting_the_second_of_two_payments_leaves_the_first() -> None:
    company = build_company()
    ctx = context(company)
    recordkey = two_line_bill(ctx)
    call(ctx, payment(detail(recordkey, "70")))
    after_first = snapshot(company, "APBILL", recordkey)
    second = key_of(call(ctx, payment(detail(recordkey, "30"))))
    call(ctx, delete("APPYMT", str(second)))
    assert snapshot(company, "APBILL", recordkey) == after_first
    header = after_first["header"]
    assert (header["STATE"], header["TRX_TOTALPAID"], header["TRX_TOTALDUE"]) == (
        "Partially Paid",
        "70",
        "30",
    )
    assert [line["TRX_TOTALPAID"] for line in after_first["lines"]] == ["60", "10"]


def test_deleting_a_submitted_payment_releases_the_selection() -> None:
    company = build_company()
    company.config.ap_payment_approval = True
    ctx = context(company)
    recordkey = bill(ctx, "100")
    before = snapshot(company, "APBILL", recordkey)
    paymentkey = key_of(call(ctx, payment(detail(recordkey, "40"))))
    selected = company.get("APBILL", recordkey)
    assert selected is not None and (selected["STATE"], selected["TRX_TOTALSELECTED"]) == ("Selected", "40")
    call(ctx, delete("APPYMT", str(paymentkey)))
    assert snapshot(company, "APBILL", recordkey) == before


def test_deleting_a_draft_payment_only_removes_it() -> None:
    company = build_company()
    ctx = context(company)
    recordkey = bill(ctx, "100")
    before = snapshot(company, "APBILL", recordkey)
    paymentkey = key_of(call(ctx, payment(detail(recordkey, "100"), "<ACTION>Draft</ACTION>")))
    call(ctx, delete("APPYMT", str(paymentkey)))
    assert snapshot(company, "APBILL", recordkey) == before
    assert company.get("APPYMT", paymentkey) is None


def test_deleting_a_payment_gives_the_debit_memo_credit_back() -> None:
    company = build_company()
    ctx = context(company)
    recordkey = bill(ctx, "100")
    memo = key_of(
        call(
            ctx,
            "<create_apadjustment><vendorid>V0001</vendorid><datecreated><year>2024</year><month>06</month>"
            "<day>02</day></datecreated><apadjustmentitems><lineitem><glaccountno>6000</glaccountno>"
            "<amount>-10</amount></lineitem></apadjustmentitems></create_apadjustment>",
        )
    )
    bill_before, memo_before = snapshot(company, "APBILL", recordkey), snapshot(company, "APADJUSTMENT", memo)
    credit = f"<ADJUSTMENTKEY>{memo}</ADJUSTMENTKEY><TRX_ADJUSTMENTAMOUNT>10</TRX_ADJUSTMENTAMOUNT>"
    paymentkey = key_of(call(ctx, payment(detail(recordkey, "90", credit))))
    assert company.get("APADJUSTMENT", memo)["STATE"] == "Paid"  # type: ignore[index]
    assert company.get("APBILL", recordkey)["STATE"] == "Paid"  # type: ignore[index]
    call(ctx, delete("APPYMT", str(paymentkey)))
    assert snapshot(company, "APBILL", recordkey) == bill_before
    assert snapshot(company, "APADJUSTMENT", memo) == memo_before


def test_payment_delete_refusals() -> None:
    company = build_company()
    ctx = context(company)
    recordkey = bill(ctx, "300")
    assert failure(ctx, delete("APPYMT", "999999")) == [
        ("BL01001973", "Cannot find appymt with key '999999' to delete.")
    ]
    voided = key_of(call(ctx, payment(detail(recordkey, "100"))))
    company.update("APPYMT", voided, {"STATE": "Voided", "RAWSTATE": "V"})
    assert failure(ctx, delete("APPYMT", str(voided))) == [
        ("BL01001973", f"The payment {voided} has been voided and cannot be deleted."),
        DELETE_WRAPPER,
    ]
    reconciled = key_of(call(ctx, payment(detail(recordkey, "100"), "<DOCNUMBER>CHK-9</DOCNUMBER>")))
    company.update("APPYMT", reconciled, {"CLEARED": "Cleared", "CLRDATE": "06/30/2024"})
    errors = failure(ctx, delete("APPYMT", str(reconciled)))
    assert errors[0][1].startswith("The payment CHK-9 has been reconciled with the bank.")
    closed = key_of(call(ctx, payment(detail(recordkey, "50"))))
    company.config.books_closed_before = dt.date(2024, 7, 1)
    errors = failure(ctx, delete("APPYMT", str(closed)))
    assert errors[0][1].startswith("Periods are closed. Your transaction date (06/20/2024)")
    assert company.get("APPYMT", closed) is not None


def test_an_entity_session_cannot_delete_another_entitys_payment() -> None:
    company = build_company()
    us = context(company, "100")
    paymentkey = key_of(call(us, payment(detail(bill(us, "100"), "100"))))
    uk = context(company, "200")
    assert failure(uk, delete("APPYMT", str(paymentkey))) == [
        ("BL01001973", f"Cannot find appymt with key '{paymentkey}' to delete.")
    ]
    call(context(company, None), delete("APPYMT", str(paymentkey)))  # the top level reaches it
    assert company.get("APPYMT", paymentkey) is None


@pytest.mark.asyncio
async def test_a_failed_multi_key_delete_rolls_back_through_the_server() -> None:
    sandbox = Sandbox()
    try:
        auth = login(entity="100")
        result = await sandbox.ok(
            "<create_bill><vendorid>V0001</vendorid><datecreated><year>2024</year><month>06</month>"
            "<day>15</day></datecreated><datedue><year>2024</year><month>07</month><day>15</day></datedue>"
            "<billitems><lineitem><glaccountno>6000</glaccountno><amount>80</amount></lineitem></billitems>"
            "</create_bill>",
            auth=auth,
        )
        recordkey = result.findtext("key")
        created = await sandbox.ok(
            "<create><APPYMT><PAYMENTMETHOD>EFT</PAYMENTMETHOD><FINANCIALENTITY>BOA</FINANCIALENTITY>"
            "<VENDORID>V0001</VENDORID><PAYMENTDATE>06/20/2024</PAYMENTDATE><APPYMTDETAILS><APPYMTDETAIL>"
            f"<RECORDKEY>{recordkey}</RECORDKEY><TRX_PAYMENTAMOUNT>80</TRX_PAYMENTAMOUNT>"
            "</APPYMTDETAIL></APPYMTDETAILS></APPYMT></create>",
            auth=auth,
        )
        paymentkey = created.findtext("data/appymt/RECORDNO") or ""
        refused = await sandbox.one(delete("APPYMT", f"{paymentkey},424242"), auth=auth)
        assert refused.findtext("status") == "failure"
        assert errors_of(refused)[0][1].startswith("Cannot find appymt with key '424242' to delete.")
        assert sandbox.demo.get("APPYMT", int(paymentkey)) is not None
        assert sandbox.demo.get("APBILL", int(recordkey or 0))["STATE"] == "Paid"  # type: ignore[index]
        await sandbox.ok(delete("APPYMT", paymentkey), auth=auth)
        assert sandbox.demo.get("APBILL", int(recordkey or 0))["STATE"] == "Posted"  # type: ignore[index]
    finally:
        await sandbox.close()


# -- journal entries --------------------------------------------------------------------------------
def journal_entry(state: str = "", date: str = "06/30/2024") -> str:
    state_el = f"<STATE>{state}</STATE>" if state else ""
    return (
        f"<create><GLBATCH><JOURNAL>GJ</JOURNAL><BATCH_DATE>{date}</BATCH_DATE><BATCH_TITLE>Accrual</BATCH_TITLE>"
        f"{state_el}<ENTRIES>"
        "<GLENTRY><ACCOUNTNO>6000</ACCOUNTNO><TR_TYPE>1</TR_TYPE><TRX_AMOUNT>25</TRX_AMOUNT></GLENTRY>"
        "<GLENTRY><ACCOUNTNO>2000</ACCOUNTNO><TR_TYPE>-1</TR_TYPE><TRX_AMOUNT>25</TRX_AMOUNT></GLENTRY>"
        "</ENTRIES></GLBATCH></create>"
    )


def test_deleting_a_journal_entry_deletes_its_entries() -> None:
    company = build_company()
    ctx = context(company)
    kept = key_of(call(ctx, journal_entry()))
    gone = key_of(call(ctx, journal_entry()))
    assert len(company.find("GLENTRY", BATCHNO=str(gone))) == 2
    assert call(ctx, delete("GLBATCH", str(gone))) == []
    assert company.get("GLBATCH", gone) is None and company.find("GLENTRY", BATCHNO=str(gone)) == []
    assert company.get("GLBATCH", kept) is not None and len(company.find("GLENTRY", BATCHNO=str(kept))) == 2


def test_journal_entry_delete_refusals() -> None:
    company = build_company()
    ctx = context(company)
    assert failure(ctx, delete("GLBATCH", "31337")) == [
        ("BL01001973", "Cannot find glbatch with key '31337' to delete.")
    ]
    posted = key_of(call(ctx, journal_entry()))
    draft = key_of(call(ctx, journal_entry("Draft")))
    company.config.books_closed_before = dt.date(2024, 7, 1)
    assert failure(ctx, delete("GLBATCH", str(posted)))[0][1].startswith("Periods are closed.")
    call(ctx, delete("GLBATCH", str(draft)))  # a draft posted nothing into the closed period
    assert company.get("GLBATCH", draft) is None
    company.config.books_closed_before = None
    company.update("GLBATCH", posted, {"MODULE": "3.AP"})
    errors = failure(ctx, delete("GLBATCH", str(posted)))
    assert errors[0] == (
        "BL01001973",
        "The journal entry GJ-1 was posted by the 3.AP subledger; delete it there.",
    )
    assert errors[1] == ("BL01001973", "Could not delete glbatch record!")
    company.update("GLBATCH", posted, {"MODULE": "2.GL", "REVERSEDKEY": "77"})
    assert "part of a reversal" in failure(ctx, delete("GLBATCH", str(posted)))[0][1]
