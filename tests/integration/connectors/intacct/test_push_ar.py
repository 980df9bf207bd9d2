"""Pushes of the AR side and customers, end to end against the sandbox."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.base import PushRequest
from connectors.intacct import IntacctConnector
from connectors.intacct.sandbox import CompanyState

from . import _records as records
from .conftest import Factory
from .test_push_ap import amount, errors, lines_of, ok, push_one


@pytest.mark.asyncio
async def test_ar_invoice_is_numbered_by_intacct(us: IntacctConnector, company: CompanyState) -> None:
    outcome = await push_one(us, records.create("op-inv", "invoices", records.invoice()))
    record = ok(outcome)
    header = company.find_one("ARINVOICE", RECORDNO=record["id"])
    assert header is not None
    assert (header["CUSTOMERID"], header["STATE"], header["WHENDUE"]) == ("C0001", "Posted", "07/30/2024")
    assert header["RECORDID"] and record["invoiceNumber"] == header["RECORDID"]
    (line,) = lines_of(company, "ARINVOICEITEM", record["id"])
    assert (line["ACCOUNTNO"], amount(line["TRX_AMOUNT"]), line["DEPARTMENTID"], line["PROJECTID"]) == (
        "4100",
        300,
        "SAL",
        "P100",
    )
    assert record["totalAmount"] == 300 and record["customerRef"]["id"] == "C0001"
    assert outcome.warnings == []


@pytest.mark.asyncio
async def test_invoice_number_replaced_by_the_sequence_is_a_warning(
    us: IntacctConnector, company: CompanyState
) -> None:
    outcome = await push_one(
        us, records.create("op-inv-n", "invoices", records.invoice(invoiceNumber="MY-1"))
    )
    record = ok(outcome)
    assert record["invoiceNumber"] != "MY-1"
    assert [w.field for w in outcome.warnings] == ["invoiceNumber"]
    assert "MY-1" in outcome.warnings[0].message and record["invoiceNumber"] in outcome.warnings[0].message


@pytest.mark.asyncio
async def test_invoice_number_is_kept_and_required_without_a_sequence(
    connect: Factory, company: CompanyState
) -> None:
    company.config.auto_numbering["ARINVOICE"] = False
    connector = connect("100", autoNumbering={"ARINVOICE": False})
    missing = await push_one(connector, records.create("op-nonum", "invoices", records.invoice()))
    assert "invoiceNumber" in {field for field, _ in errors(missing)}
    record = ok(
        await push_one(
            connector, records.create("op-num", "invoices", records.invoice(invoiceNumber="AR-77"))
        )
    )
    assert record["invoiceNumber"] == "AR-77"
    assert company.find_one("ARINVOICE", RECORDNO=record["id"])["RECORDID"] == "AR-77"  # type: ignore[index]


@pytest.mark.asyncio
async def test_vat_invoice_carries_one_tax_entry_per_line(
    uk: IntacctConnector, company: CompanyState
) -> None:
    sale = records.recordno(company, "TAXDETAIL", DETAILID="UK Sale Standard Rate")
    body = records.invoice(customerRef={"id": "C0003"}, totalTaxAmount=60, totalAmount=360, amountDue=360)
    body["lineItems"][0] |= {
        "taxRateRef": {"id": sale},
        "taxAmount": 60,
        "trackingCategoryRefs": [{"id": "LOCATION-210"}],
    }
    record = ok(await push_one(uk, records.create("op-vat-inv", "invoices", body)))
    header = company.find_one("ARINVOICE", RECORDNO=record["id"])
    assert header is not None and header["TAXSOLUTIONID"] == "United Kingdom - VAT"
    line, tax = lines_of(company, "ARINVOICEITEM", record["id"])
    assert (tax["DETAILID"], amount(tax["TRX_AMOUNT"]), tax["PARENTENTRY"]) == (
        "UK Sale Standard Rate",
        60,
        line["RECORDNO"],
    )
    assert record["totalTaxAmount"] == 60 and record["lineItems"][0]["taxRateRef"]["id"] == sale


@pytest.mark.asyncio
async def test_sales_invoice_goes_through_order_entry(us: IntacctConnector, company: CompanyState) -> None:
    outcome = await push_one(us, records.create("op-si", "invoices", records.sales_invoice()))
    record = ok(outcome)
    document = company.find_one("SODOCUMENT", PRRECORDKEY=record["id"])
    assert document is not None and document["DOCPARID"] == "Sales Invoice"
    (entry,) = company.find("SODOCUMENTENTRY", DOCHDRNO=document["RECORDNO"])
    warehouse = entry.get("WAREHOUSEID") or entry.get("WAREHOUSE.LOCATION_NO")
    assert (entry["ITEMID"], entry["UNIT"], warehouse, amount(entry["QUANTITY"])) == (
        "I100",
        "Each",
        "WH100",
        2,
    )
    assert record["lineItems"][0]["itemRef"]["id"] == "I100" and record["totalAmount"] == 300
    assert [w.field for w in outcome.warnings] == ["invoiceNumber"]  # SI-TEST-1 -> Intacct's sequence


@pytest.mark.asyncio
async def test_invoice_refusals(us: IntacctConnector, company: CompanyState) -> None:
    mixed = records.sales_invoice()
    mixed["lineItems"].append(
        {"description": "Fee", "quantity": 1, "unitAmount": 10, "accountRef": {"id": "4000"}}
    )
    negative = records.invoice(totalAmount=-50, amountDue=-50, subTotal=-50)
    negative["lineItems"][0] |= {"unitAmount": -50, "subTotal": -50}
    first, second = await us.push(
        [records.create("n1", "invoices", mixed), records.create("n2", "invoices", negative)]
    )
    assert any(f and f.startswith("lineItems") for f, _ in errors(first))
    assert any("credit note" in message.lower() for _, message in errors(second))
    assert company.find("ARINVOICE") == [] and company.find("SODOCUMENT") == []


@pytest.mark.asyncio
async def test_credit_note_is_an_ar_adjustment(us: IntacctConnector, company: CompanyState) -> None:
    record = ok(await push_one(us, records.create("op-cn", "creditNotes", records.credit_note())))
    header = company.find_one("ARADJUSTMENT", RECORDNO=record["id"])
    assert header is not None and (header["CUSTOMERID"], header["CURRENCY"]) == ("C0002", "GBP")
    assert header["EXCH_RATE_TYPE_ID"] in ("-1", "Intacct Daily Rate")
    assert record["totalAmount"] == 40 and record["customerRef"]["id"] == "C0002"


@pytest.mark.asyncio
async def test_payment_pays_the_invoice(us: IntacctConnector, company: CompanyState) -> None:
    invoice = ok(await push_one(us, records.create("op-pi", "invoices", records.invoice())))
    record = ok(await push_one(us, records.create("op-pp", "payments", records.payment(invoice["id"]))))
    header = company.find_one("ARPYMT", RECORDNO=record["id"])
    assert header is not None
    assert (header["CUSTOMERID"], header["FINANCIALENTITY"], header["PAYMENTMETHOD"]) == (
        "C0001",
        "BOA",
        "Printed Check",
    )
    (detail,) = company.find("ARPYMTDETAIL", PAYMENTKEY=record["id"])
    assert detail["RECORDKEY"] == invoice["id"] and Decimal(detail["TRX_PAYMENTAMOUNT"]) == 300
    assert company.find_one("ARINVOICE", RECORDNO=invoice["id"])["STATE"] == "Paid"  # type: ignore[index]
    assert record["lines"][0]["links"][0] == {"type": "Invoice", "id": invoice["id"], "amount": -300}


@pytest.mark.asyncio
async def test_payment_without_automatic_summaries_names_the_setting(
    us: IntacctConnector, company: CompanyState
) -> None:
    invoice = ok(await push_one(us, records.create("op-si2", "invoices", records.invoice())))
    company.config.ar_automatic_payment_summaries = False
    outcome = await push_one(us, records.create("op-ps", "payments", records.payment(invoice["id"])))
    assert outcome.status_code == 400 and not outcome.retryable
    assert "Summary frequency" in (outcome.message or "") and "Configure AR" in (outcome.message or "")
    assert company.find("ARPYMT") == []


@pytest.mark.asyncio
async def test_direct_income_is_an_other_receipt_paid_in_cash(
    us: IntacctConnector, company: CompanyState
) -> None:
    outcome = await push_one(us, records.create("op-di", "directIncomes", records.direct_income()))
    record = ok(outcome)
    header = company.find_one("OTHERRECEIPTS", RECORDNO=record["id"])
    assert header is not None
    method = header.get("PAYMENTMETHOD") or header.get("PAYMETHOD")
    assert (header["PAYEE"], method, header["BANKACCOUNTID"]) == ("Walk-in customer", "Cash", "BOA")
    (line,) = lines_of(company, "OTHERRECEIPTSENTRY", record["id"])
    assert (line["ACCOUNTNO"], amount(line["TRX_AMOUNT"]), line["DEPARTMENTID"]) == ("4100", 75, "SAL")
    assert record["reference"] == "Walk-in customer" and record["totalAmount"] == 75
    assert any(w.field == "subTotal" for w in outcome.warnings)  # Codat's "will be ignored" notes


@pytest.mark.asyncio
async def test_customer_create(us: IntacctConnector, company: CompanyState) -> None:
    record = ok(await push_one(us, records.create("op-c", "customers", records.customer())))
    row = company.find_one("CUSTOMER", CUSTOMERID="C0100")
    assert row is not None and (row["NAME"], row["DISPLAYCONTACT.EMAIL1"]) == (
        "Umbrella Corp",
        "alice@umbrella.example",
    )
    assert record["id"] == "C0100" and record["customerName"] == "Umbrella Corp"
    again = await push_one(us, records.create("op-c-again", "customers", records.customer()))
    assert again.status_code == 409 and "already exists" in (again.message or "")


@pytest.mark.asyncio
async def test_customer_update_keeps_what_is_not_sent(us: IntacctConnector, company: CompanyState) -> None:
    body = records.customer(id="C0001", customerName="Northwind Traders Inc")
    del body["emailAddress"]
    update = PushRequest("op-cu", "customers", "update", records.record(body), "C0001")
    assert await us.validate(update) == []
    record = ok(await push_one(us, update))
    row = company.find_one("CUSTOMER", CUSTOMERID="C0001")
    assert row is not None and row["NAME"] == "Northwind Traders Inc"
    assert row["DISPLAYCONTACT.EMAIL1"] == "ap@northwind.example"  # absent -> kept
    assert record["customerName"] == "Northwind Traders Inc" and record["id"] == "C0001"
