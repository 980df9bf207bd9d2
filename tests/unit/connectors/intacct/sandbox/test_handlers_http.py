"""The write handlers through the sandbox server, on the seeded DEMO company (seed_demo).

These prove the handlers and the protocol core fit: results come back in Intacct's shapes (``<key>``,
``<data listtype="objects">`` with the lower-case object, the error block with the wrapper), rows are
read back by ``readByQuery``/``read``, and ``transaction="true"`` rolls every write of a failed
operation back.
"""

from __future__ import annotations

import pytest
from lxml import etree

from tests.unit.connectors.intacct.sandbox._core_support import Sandbox, errors_of, fn, login

BILL = (
    "<create_bill><vendorid>{vendor}</vendorid>"
    "<datecreated><year>2024</year><month>06</month><day>15</day></datecreated>"
    "<datedue><year>2024</year><month>07</month><day>15</day></datedue>"
    "<billitems><lineitem><glaccountno>6000</glaccountno><amount>{amount}</amount>{extra}</lineitem></billitems>"
    "</create_bill>"
)


def bill(vendor: str = "V0001", amount: str = "250.00", extra: str = "") -> str:
    return BILL.format(vendor=vendor, amount=amount, extra=extra)


def appymt(recordkey: str, amount: str) -> str:
    return (
        "<create><APPYMT><PAYMENTMETHOD>EFT</PAYMENTMETHOD><FINANCIALENTITY>BOA</FINANCIALENTITY>"
        "<VENDORID>V0001</VENDORID><PAYMENTDATE>06/20/2024</PAYMENTDATE><APPYMTDETAILS><APPYMTDETAIL>"
        f"<RECORDKEY>{recordkey}</RECORDKEY><TRX_PAYMENTAMOUNT>{amount}</TRX_PAYMENTAMOUNT>"
        "</APPYMTDETAIL></APPYMTDETAILS></APPYMT></create>"
    )


@pytest.mark.asyncio
async def test_bill_created_then_read_back_with_its_lines():
    sandbox = Sandbox()
    try:
        auth = login(entity="100")
        result = await sandbox.ok(bill(), auth=auth)
        key = result.findtext("key")
        assert key and key.isdigit()
        found = await sandbox.ok(
            f"<readByQuery><object>APBILL</object><fields>*</fields><query>RECORDNO = {key}</query>"
            "<pagesize>10</pagesize></readByQuery>",
            auth=auth,
        )
        row = found.find("data/apbill")
        assert row is not None
        assert row.findtext("STATE") == "Posted" and row.findtext("VENDORID") == "V0001"
        assert row.findtext("TOTALENTERED") == "250" and row.findtext("MEGAENTITYID") == "100"
        read = await sandbox.ok(
            f"<read><object>APBILL</object><keys>{key}</keys><fields>*</fields></read>", auth=auth
        )
        assert [e.findtext("ACCOUNTNO") for e in read.iter("apbillitem")] == ["6000"]
    finally:
        await sandbox.close()


@pytest.mark.asyncio
async def test_generic_create_answers_with_objects_and_failures_with_the_wrapper():
    sandbox = Sandbox()
    try:
        auth = login(entity="100")
        key = (await sandbox.ok(bill(), auth=auth)).findtext("key")
        paid = await sandbox.ok(appymt(str(key), "250"), auth=auth)
        data = paid.find("data")
        assert data is not None and data.get("listtype") == "objects" and data.get("count") == "1"
        assert data.findtext("appymt/RECORDNO", "").isdigit()
        state = await sandbox.ok(
            "<readByQuery><object>APBILL</object><fields>STATE</fields>"
            f"<query>STATE = 'P' AND RECORDNO = {key}</query><pagesize>10</pagesize></readByQuery>",
            auth=auth,
        )
        assert state.findtext("data/apbill/STATE") == "Paid"
        failed = await sandbox.one(appymt(str(key), "1"), auth=auth)
        assert failed.findtext("status") == "failure"
        assert failed.find("data") is not None and failed.find("data").get("count") == "0"  # type: ignore[union-attr]
        errors = errors_of(failed)
        assert errors[0][1].startswith(f"There is no due on the bill {key}")
        assert errors[-1] == ("BL01001973", "Could not create appymt record!")
    finally:
        await sandbox.close()


@pytest.mark.asyncio
async def test_unapproved_payment_is_stored_submitted_and_the_bill_selected():
    sandbox = Sandbox()
    try:
        sandbox.demo.config.ap_payment_approval = True
        auth = login(entity="100")
        key = (await sandbox.ok(bill(amount="40"), auth=auth)).findtext("key")
        await sandbox.ok(appymt(str(key), "40"), auth=auth)
        pending = await sandbox.ok(
            "<readByQuery><object>APPYMT</object><fields>RECORDNO,STATE</fields><query>STATE = 'S'</query>"
            "<pagesize>10</pagesize></readByQuery>",
            auth=auth,
        )
        assert [r.findtext("STATE") for r in pending.iter("appymt")] == ["Submitted"]
        row = sandbox.demo.get("APBILL", int(str(key)))
        assert row is not None and row["STATE"] == "Selected"
    finally:
        await sandbox.close()


@pytest.mark.asyncio
async def test_vat_bill_and_sales_invoice_on_the_demo_seed():
    sandbox = Sandbox()
    try:
        tax = "<taxentries><taxentry><detailid>UK Purchase Standard Rate</detailid></taxentry></taxentries>"
        uk = await sandbox.ok(bill("V0003", "100", tax), auth=login(entity="200"))
        row = sandbox.demo.get("APBILL", int(uk.findtext("key") or ""))
        assert (
            row is not None
            and row["TOTALENTERED"] == "120"
            and row["TAXSOLUTIONID"] == "United Kingdom - VAT"
        )
        invoice = await sandbox.ok(
            "<create_sotransaction><transactiontype>Sales Invoice</transactiontype>"
            "<datecreated><year>2024</year><month>06</month><day>15</day></datecreated>"
            "<customerid>C0001</customerid><termname>N30</termname><sotransitems><sotransitem>"
            "<itemid>I100</itemid><quantity>3</quantity><unit>Each</unit><price>150</price>"
            "</sotransitem></sotransitems></create_sotransaction>",
            auth=login(entity="100"),
        )
        docid = invoice.findtext("key") or ""
        assert docid.startswith("Sales Invoice-")
        document = sandbox.demo.find_one("SODOCUMENT", DOCID=docid)
        assert document is not None
        ar = sandbox.demo.get("ARINVOICE", int(document["PRRECORDKEY"]))
        assert ar is not None and ar["MODULEKEY"] == "8.SO" and ar["TOTALENTERED"] == "450"
        assert ar["WHENDUE"] == "07/15/2024"
    finally:
        await sandbox.close()


@pytest.mark.asyncio
async def test_transaction_true_rolls_back_the_bill_when_the_payment_fails():
    sandbox = Sandbox()
    try:
        before = (len(sandbox.demo.find("APBILL")), len(sandbox.demo.find("APBILLITEM")))
        functions = fn(bill(), "f1") + fn(appymt("999999", "10"), "f2")
        root = await sandbox.call(functions, auth=login(entity="100"), transaction=True)
        statuses = [r.findtext("status") for r in root.iter("result")]
        assert statuses == ["aborted", "failure"], etree.tostring(root)
        assert (len(sandbox.demo.find("APBILL")), len(sandbox.demo.find("APBILLITEM"))) == before
    finally:
        await sandbox.close()
