"""Pulls against the sandbox: every readable type maps the rows it holds, incremental reads return only
what changed, pages stay bounded, and ``list_ids`` names exactly the records a full read returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from connectors.base import PushRequest, ReadPage
from connectors.errors import ConnectorUnsupported
from connectors.intacct import IntacctConnector
from connectors.intacct.reader import Reader
from connectors.intacct.sandbox import CompanyState, SandboxState, seed_bulk
from connectors.intacct.sandbox.handlers.cash import seed_transfers

from . import _records as records
from .conftest import Clock
from .test_push_ap import ok, push_one


async def read_all(
    connector: IntacctConnector, data_type: str, since: dt.datetime | None = None
) -> list[ReadPage]:
    return [page async for page in connector.read(data_type, modified_since=since)]


def by_id(pages: list[ReadPage]) -> dict[str, dict[str, Any]]:
    return {str(r["id"]): r for page in pages for r in page.records}


@pytest.mark.asyncio
async def test_pushed_documents_read_back_the_same_through_a_pull(
    us: IntacctConnector, company: CompanyState
) -> None:
    bill = ok(await push_one(us, records.create("r-bill", "bills", records.bill())))
    invoice = ok(await push_one(us, records.create("r-inv", "invoices", records.invoice())))
    payment = ok(await push_one(us, records.create("r-pay", "payments", records.payment(invoice["id"]))))
    bill_payment = ok(
        await push_one(us, records.create("r-bp", "billPayments", records.bill_payment(bill["id"])))
    )
    note = ok(await push_one(us, records.create("r-cn", "creditNotes", records.credit_note())))
    debit = ok(await push_one(us, records.create("r-bcn", "billCreditNotes", records.bill_credit_note())))
    income = ok(await push_one(us, records.create("r-di", "directIncomes", records.direct_income())))
    entry = ok(await push_one(us, records.create("r-je", "journalEntries", records.journal_entry(company))))
    for data_type, pushed in (
        ("bills", bill),
        ("invoices", invoice),
        ("payments", payment),
        ("billPayments", bill_payment),
        ("creditNotes", note),
        ("billCreditNotes", debit),
        ("directIncomes", income),
        ("journalEntries", entry),
    ):
        pulled = by_id(await read_all(us, data_type))
        assert set(pulled) == {pushed["id"]}, data_type
        read = pulled[pushed["id"]]
        # the bill was paid in between: only its payment state moved
        if data_type == "bills":
            assert (read["status"], read["amountDue"]) == ("Paid", 0)
            read = read | {"status": pushed["status"], "amountDue": pushed["amountDue"]}
        if data_type == "invoices":
            assert (read["status"], read["amountDue"]) == ("Paid", 0)
            read = {
                k: v
                for k, v in read.items()
                if k not in ("status", "amountDue", "paidOnDate", "sourceModifiedDate")
            }
            pushed = {
                k: v
                for k, v in pushed.items()
                if k not in ("status", "amountDue", "paidOnDate", "sourceModifiedDate")
            }
        if data_type == "bills":
            read.pop("sourceModifiedDate")
            pushed = {k: v for k, v in pushed.items() if k != "sourceModifiedDate"}
        assert read == pushed, data_type


@pytest.mark.asyncio
async def test_bill_fields_map_from_the_rows(uk: IntacctConnector, company: CompanyState) -> None:
    ok(await push_one(uk, records.create("r-uk", "bills", records.uk_bill(company))))
    (bill,) = by_id(await read_all(uk, "bills")).values()
    header = company.find("APBILL")[0]
    assert bill["id"] == header["RECORDNO"] and bill["reference"] == header["DOCNUMBER"]
    assert bill["supplierRef"] == {"id": "V0003", "supplierName": "London Stationers Ltd"}
    assert (bill["issueDate"], bill["dueDate"]) == ("2024-06-30T00:00:00", "2024-07-30T00:00:00")
    assert bill["currency"] == "USD" and bill["currencyRate"] == Decimal(header["EXCHANGE_RATE"])
    assert (bill["subTotal"], bill["taxAmount"], bill["totalAmount"], bill["amountDue"]) == (
        200,
        40,
        240,
        240,
    )
    (line,) = bill["lineItems"]
    assert line["accountRef"]["name"] == "Office Expenses" and line["description"] == "Toner"
    assert line["taxRateRef"]["name"] == "UK Purchase Standard Rate" and line["taxAmount"] == 40
    assert {ref["id"] for ref in line["trackingCategoryRefs"]} == {"LOCATION-210", "DEPARTMENT-ADM"}
    assert bill["metadata"] == {"isDeleted": False} and bill["sourceModifiedDate"]


@pytest.mark.asyncio
async def test_master_data_and_reference_types(uk: IntacctConnector, company: CompanyState) -> None:
    suppliers = by_id(await read_all(uk, "suppliers"))
    assert {"V0001", "V0002", "V0003", "V0004", "V0005"} <= set(suppliers)
    assert suppliers["V0003"]["supplierName"] == "London Stationers Ltd"
    assert suppliers["V0005"]["status"] == "Archived"
    customers = by_id(await read_all(uk, "customers"))
    assert customers["C0003"]["defaultCurrency"] == "GBP"
    accounts = by_id(await read_all(uk, "chartOfAccounts"))
    bank = accounts[records.recordno(company, "GLACCOUNT", ACCOUNTNO="1010")]
    assert (bank["nominalCode"], bank["isBankAccount"], bank["type"]) == ("1010", True, "Asset")
    taxes = by_id(await read_all(uk, "taxRates"))
    standard = taxes[records.recordno(company, "TAXDETAIL", DETAILID="UK Sale Standard Rate")]
    assert standard["effectiveTaxRate"] == 20
    tracking = by_id(await read_all(uk, "trackingCategories"))
    assert (
        tracking["DEPARTMENT-ADM"]["name"] == "Administration"
        and tracking["DEPARTMENT-ADM"]["parentId"] == "DEPARTMENT"
    )
    assert tracking["DEPARTMENT"]["hasChildren"] is True and "SUPPLIER-V0001" in tracking
    assert {"I100", "I200", "I300"} <= set(by_id(await read_all(uk, "items")))
    journals = by_id(await read_all(uk, "journals"))
    assert {j["journalCode"] for j in journals.values()} >= {"GJ", "APJ", "ARJ"}
    methods = by_id(await read_all(uk, "paymentMethods"))
    assert methods["6"]["name"] == "Cash" and methods["12"]["name"] == "ACH"
    (info,) = (await read_all(uk, "companyInfo"))[0].records
    assert (info["companyName"], info["baseCurrency"]) == ("UK Operations", "GBP")


@pytest.mark.asyncio
async def test_transfers_read_voided_reversals_as_void(us: IntacctConnector, company: CompanyState) -> None:
    posted, voided, reversal = seed_transfers(company)
    transfers = by_id(await read_all(us, "transfers"))
    assert set(transfers) == {str(posted), str(voided), str(reversal)}
    reversed_ = transfers[str(reversal)]
    assert reversed_["supplementalData"]["content"]["intacct"]["status"] == "Void"
    assert reversed_["from"]["amount"] == reversed_["to"]["amount"] == 250
    with pytest.raises(ConnectorUnsupported):
        await us.options("transfers")


@pytest.mark.asyncio
async def test_incremental_read_returns_only_what_changed(
    us: IntacctConnector, company: CompanyState, clock: Clock
) -> None:
    first = ok(await push_one(us, records.create("i-1", "bills", records.bill(reference="OLD"))))
    watermark = clock.advance(hours=1)
    clock.advance(minutes=5)
    second = ok(await push_one(us, records.create("i-2", "bills", records.bill(reference="NEW"))))
    changed = by_id(await read_all(us, "bills", since=watermark))
    assert set(changed) == {second["id"]}
    assert set(by_id(await read_all(us, "bills"))) == {first["id"], second["id"]}
    clock.advance(hours=1)
    later = clock.now
    clock.advance(minutes=1)
    update = records.bill(reference="OLD", note="changed later")
    ok(await push_one(us, PushRequest("i-3", "bills", "update", records.record(update), first["id"])))
    assert set(by_id(await read_all(us, "bills", since=later))) == {first["id"]}
    assert set(by_id(await read_all(us, "suppliers", since=later))) == set()


@pytest.mark.asyncio
async def test_large_reads_come_in_bounded_pages(
    us: IntacctConnector, state: SandboxState, company: CompanyState
) -> None:
    seed_bulk(state, "DEMO", "APBILL", 450, lines=3)
    reader = Reader(us.client, us.facts, page_size=200)  # Intacct's maximum is 2000; smaller here for speed
    sizes: list[int] = []
    lines = 0
    async for page in reader.read("bills"):
        sizes.append(len(page.records))
        lines += sum(len(r["lineItems"]) for r in page.records)
    assert sorted(sizes) == [50, 200, 200] and lines == 1350
    assert await us.list_ids("bills") == {r["RECORDNO"] for r in company.find("APBILL")}


@pytest.mark.asyncio
async def test_list_ids_names_what_a_full_read_returns(us: IntacctConnector, company: CompanyState) -> None:
    ok(await push_one(us, records.create("l-bill", "bills", records.bill())))
    ok(await push_one(us, records.create("l-inv", "invoices", records.invoice())))
    seed_transfers(company)
    for data_type in (
        "bills",
        "invoices",
        "creditNotes",
        "suppliers",
        "customers",
        "accounts",
        "taxRates",
        "trackingCategories",
        "items",
        "journals",
        "paymentMethods",
        "transfers",
    ):
        assert await us.list_ids(data_type) == set(by_id(await read_all(us, data_type))), data_type
