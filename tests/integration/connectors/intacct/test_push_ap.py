"""Pushes of the AP side and of suppliers, accounts and journal entries, end to end against the sandbox:
what lands in the sandbox's tables, what comes back as the record, and refusals naming the field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from connectors.base import PushOutcome, PushRequest
from connectors.intacct import IntacctConnector
from connectors.intacct.sandbox import CompanyState

from . import _records as records
from .conftest import Factory


async def push_one(connector: IntacctConnector, request: PushRequest) -> PushOutcome:
    (outcome,) = await connector.push([request])
    return outcome


def ok(outcome: PushOutcome) -> dict[str, Any]:
    assert outcome.ok, (outcome.message, outcome.errors)
    assert outcome.status_code == 200 and outcome.record is not None
    return outcome.record


def errors(outcome: PushOutcome) -> list[tuple[str | None, str]]:
    assert not outcome.ok
    return [(issue.field, issue.message) for issue in outcome.errors]


def amount(text: str) -> Any:
    """A stored amount as ``Decimal`` (typed ``Any`` so it compares with int literals)."""
    return Decimal(text)


def lines_of(company: CompanyState, table: str, parent: str, link: str = "RECORDKEY") -> list[dict[str, Any]]:
    return sorted(company.find(table, **{link: parent}), key=lambda r: int(r["RECORDNO"]))


@pytest.mark.asyncio
async def test_us_bill_is_written_with_lines_and_dimensions_and_read_back(
    us: IntacctConnector, company: CompanyState
) -> None:
    outcome = await push_one(us, records.create("op-bill-1", "bills", records.bill()))
    record = ok(outcome)
    assert outcome.changes[0].type == "Created" and outcome.changes[0].record_id == record["id"]
    header = company.find_one("APBILL", RECORDNO=record["id"])
    assert header is not None
    assert (header["VENDORID"], header["DOCNUMBER"], header["WHENCREATED"], header["WHENDUE"]) == (
        "V0001",
        "INV-2024-001",
        "06/30/2024",
        "07/30/2024",
    )
    assert (header["CURRENCY"], header["BASECURR"], header["MEGAENTITYID"]) == ("USD", "USD", "100")
    assert Decimal(header["TRX_TOTALENTERED"]) == Decimal("150.25")
    first, second = lines_of(company, "APBILLITEM", record["id"])
    assert (first["ACCOUNTNO"], amount(first["TRX_AMOUNT"]), first["ENTRYDESCRIPTION"]) == (
        "6000",
        100,
        "Paper",
    )
    assert (first["DEPARTMENTID"], first["LOCATIONID"], first.get("CLASSID")) == ("ADM", "110", "C100")
    assert (second["ACCOUNTNO"], amount(second["TRX_AMOUNT"])) == ("6400", Decimal("50.25"))
    assert record["supplierRef"]["id"] == "V0001" and record["reference"] == "INV-2024-001"
    assert record["totalAmount"] == Decimal("150.25") and record["status"] == "Open"
    refs = [ref["id"] for ref in record["lineItems"][0]["trackingCategoryRefs"]]
    assert {"DEPARTMENT-ADM", "LOCATION-110", "CLASS-C100"} <= set(refs)


@pytest.mark.asyncio
async def test_vat_bill_in_a_foreign_currency_uses_the_daily_rate_and_tax_entries(
    uk: IntacctConnector, company: CompanyState
) -> None:
    record = ok(await push_one(uk, records.create("op-uk-bill", "bills", records.uk_bill(company))))
    header = company.find_one("APBILL", RECORDNO=record["id"])
    assert header is not None
    assert (header["CURRENCY"], header["BASECURR"], header["TAXSOLUTIONID"]) == (
        "USD",
        "GBP",
        "United Kingdom - VAT",
    )
    line, tax = lines_of(company, "APBILLITEM", record["id"])
    assert line["EXCH_RATE_TYPE_ID"] == "Intacct Daily Rate"
    assert (line["LINEITEM"], line["LOCATIONID"], line["DEPARTMENTID"]) == ("T", "210", "ADM")  # ADM by name
    assert (tax["LINEITEM"], tax["DETAILID"], amount(tax["TRX_AMOUNT"])) == (
        "F",
        "UK Purchase Standard Rate",
        40,
    )
    assert tax["PARENTENTRY"] == line["RECORDNO"]
    assert record["currency"] == "USD" and record["currencyRate"] == Decimal(header["EXCHANGE_RATE"])
    assert record["lineItems"][0]["taxAmount"] == 40 and record["totalAmount"] == 240


@pytest.mark.asyncio
async def test_custom_rate_is_written_as_the_rate(us: IntacctConnector, company: CompanyState) -> None:
    body = records.bill(currency="GBP", currencyRate=1.25)
    record = ok(await push_one(us, records.create("op-rate", "bills", body)))
    header = company.find_one("APBILL", RECORDNO=record["id"])
    assert header is not None
    assert (header["CURRENCY"], Decimal(header["EXCHANGE_RATE"])) == ("GBP", Decimal("1.25"))
    assert record["currencyRate"] == Decimal("1.25")


@pytest.mark.asyncio
async def test_item_based_bill_gets_a_unique_number(us: IntacctConnector, company: CompanyState) -> None:
    body = records.bill(
        id="ITEMBILL",
        note=None,
        lineItems=[{"description": "Widgets", "quantity": 4, "unitAmount": 25, "itemRef": {"id": "I200"}}],
        subTotal=100,
        totalAmount=100,
    )
    body.pop("note")
    record = ok(await push_one(us, records.create("op-item", "bills", body)))
    header = company.find_one("APBILL", RECORDNO=record["id"])
    assert header is not None and header["RECORDID"].startswith("ITEMBILL-")
    (line,) = lines_of(company, "APBILLITEM", record["id"])
    assert line["ITEMID"] == "I200" and amount(line["TRX_AMOUNT"]) == 100


@pytest.mark.asyncio
async def test_refusals_before_sending_name_the_field(us: IntacctConnector, company: CompanyState) -> None:
    sent = company.counters.functions
    mixed = records.bill()
    mixed["lineItems"][1] = {
        "description": "Widget",
        "quantity": 1,
        "unitAmount": 5,
        "subTotal": 5,
        "itemRef": {"id": "I200"},
    }
    taxed = records.bill()
    taxed["lineItems"][0]["taxRateRef"] = {"id": "1062"}
    bank_line = records.bill()
    bank_line["lineItems"][0]["accountRef"] = {"id": "1010"}
    unknown_dim = records.bill()
    unknown_dim["lineItems"][0]["trackingCategoryRefs"] = [{"id": "No Such Department"}]
    outcomes = await us.push(
        [
            records.create("r1", "bills", mixed),
            records.create("r2", "bills", taxed),
            records.create("r3", "bills", bank_line),
            records.create("r4", "bills", unknown_dim),
        ]
    )
    fields = [{field for field, _ in errors(o)} for o in outcomes]
    assert any(f and f.startswith("lineItems") for f in fields[0])
    assert any(f and f.startswith("lineItems[0].taxRateRef") for f in fields[1])
    assert "lineItems[0].accountRef.id" in fields[2]
    assert "lineItems[0].trackingCategoryRefs[0].id" in fields[3]
    assert all(o.status_code == 400 and not o.retryable for o in outcomes)
    assert company.find("APBILL") == []
    assert company.counters.by_function.get("create_bill", 0) == 0
    assert company.counters.functions > sent  # only the look-ups of facts and names were sent


@pytest.mark.asyncio
async def test_intacct_refusals_name_the_field_specific_error_first(
    us: IntacctConnector, company: CompanyState
) -> None:
    bad_department = records.bill()
    bad_department["lineItems"][0]["trackingCategoryRefs"] = [{"id": "DEPARTMENT-ZZZ"}]
    bad_vendor = records.bill(supplierRef={"id": "V9999"})
    first, second = await us.push(
        [records.create("x1", "bills", bad_department), records.create("x2", "bills", bad_vendor)]
    )
    assert first.status_code == 400 and not first.retryable
    field, message = errors(first)[0]
    assert field == "lineItems[0].trackingCategoryRefs[0].id" and "ZZZ" in message
    assert any("BL01001973" in text for _, text in errors(first)[1:])  # the wrapper comes after
    assert errors(second)[0][0] == "supplierRef.id"
    assert company.find("APBILL") == []


@pytest.mark.asyncio
async def test_bill_update_and_delete(us: IntacctConnector, company: CompanyState) -> None:
    record = ok(await push_one(us, records.create("op-b", "bills", records.bill())))
    changed = records.bill(note="Corrected note")
    changed["lineItems"][1]["subTotal"] = changed["lineItems"][1]["unitAmount"] = 60
    update = PushRequest("op-b-upd", "bills", "update", records.record(changed), record["id"])
    updated = ok(await push_one(us, update))
    assert updated["id"] == record["id"] and updated["note"] == "Corrected note"
    assert Decimal(company.find_one("APBILL", RECORDNO=record["id"])["TRX_TOTALENTERED"]) == 160  # type: ignore[index]
    deleted = await push_one(us, PushRequest("op-b-del", "bills", "delete", record_id=record["id"]))
    assert deleted.ok and deleted.changes[0].type == "Deleted" and deleted.record is None
    assert company.find_one("APBILL", RECORDNO=record["id"]) is None


@pytest.mark.asyncio
async def test_update_of_a_paid_bill_is_refused_before_sending(
    us: IntacctConnector, company: CompanyState
) -> None:
    record = ok(await push_one(us, records.create("op-paid", "bills", records.bill())))
    ok(await push_one(us, records.create("op-pay", "billPayments", records.bill_payment(record["id"]))))
    assert company.find_one("APBILL", RECORDNO=record["id"])["STATE"] == "Paid"  # type: ignore[index]
    updates = company.counters.by_function.get("update", 0)
    outcome = await push_one(
        us, PushRequest("op-paid-upd", "bills", "update", records.record(records.bill()), record["id"])
    )
    assert outcome.status_code == 400
    assert any(
        "has been paid or partially paid and can no longer be updated" in m for _, m in errors(outcome)
    )
    assert company.counters.by_function.get("update", 0) == updates


@pytest.mark.asyncio
async def test_bill_credit_note_is_a_debit_memo_at_the_daily_rate(
    us: IntacctConnector, company: CompanyState
) -> None:
    record = ok(await push_one(us, records.create("op-bcn", "billCreditNotes", records.bill_credit_note())))
    header = company.find_one("APADJUSTMENT", RECORDNO=record["id"])
    assert header is not None
    assert (header["VENDORID"], header["RECORDID"], header["CURRENCY"]) == ("V0001", "DM-001", "GBP")
    (line,) = lines_of(company, "APADJUSTMENTITEM", record["id"])
    assert (line["ACCOUNTNO"], line["DEPARTMENTID"]) == ("6000", "FIN")
    # the daily rate: no rate sent, Intacct's rate type (id -1 on read) and its rate of the day
    assert (
        header["EXCH_RATE_TYPE_ID"] in ("-1", "Intacct Daily Rate") and Decimal(header["EXCHANGE_RATE"]) != 1
    )
    assert record["currency"] == "GBP" and record["totalAmount"] == 80


@pytest.mark.asyncio
async def test_bill_payment_pays_the_bill_from_the_bank_tied_account(
    us: IntacctConnector, company: CompanyState
) -> None:
    bill = ok(await push_one(us, records.create("op-pb", "bills", records.bill())))
    record = ok(await push_one(us, records.create("op-bp", "billPayments", records.bill_payment(bill["id"]))))
    header = company.find_one("APPYMT", RECORDNO=record["id"])
    assert header is not None
    assert (header["FINANCIALENTITY"], header["PAYMENTMETHOD"], header["VENDORID"]) == ("BOA", "EFT", "V0001")
    (detail,) = company.find("APPYMTDETAIL", PAYMENTKEY=record["id"])
    assert detail["RECORDKEY"] == bill["id"] and Decimal(detail["TRX_PAYMENTAMOUNT"]) == Decimal("150.25")
    assert record["lines"][0]["links"][0]["id"] == bill["id"]
    assert record["paymentMethodRef"]["id"] == "5"


@pytest.mark.asyncio
async def test_unapproved_bill_payment_succeeds_with_the_warning(
    connect: Factory, company: CompanyState
) -> None:
    company.config.ap_payment_approval = True
    connector = connect("100", apPaymentApproval=True)
    bill = ok(await push_one(connector, records.create("op-ab", "bills", records.bill())))
    outcome = await push_one(
        connector, records.create("op-ap", "billPayments", records.bill_payment(bill["id"]))
    )
    assert outcome.ok
    warnings = [w.message for w in outcome.warnings]
    assert any("awaits approval" in w and "next pull" in w for w in warnings)
    payment = company.find_one("APPYMT", RECORDNO=str(outcome.record_id))
    assert payment is not None and payment["STATE"] == "Submitted"


@pytest.mark.asyncio
async def test_payment_without_currency_warns_about_a_bill_in_another_currency(
    us: IntacctConnector, company: CompanyState
) -> None:
    bill = ok(
        await push_one(us, records.create("op-gbp", "bills", records.bill(currency="GBP", currencyRate=1.25)))
    )
    outcome = await push_one(
        us, records.create("op-gbp-pay", "billPayments", records.bill_payment(bill["id"]))
    )
    assert any(w.field == "currency" and f"{bill['id']} (GBP)" in w.message for w in outcome.warnings), (
        outcome
    )
    # the sandbox, like Intacct, then refuses to pay a GBP bill in the account's USD
    assert not outcome.ok and "currency" in (outcome.message or "")


@pytest.mark.asyncio
async def test_supplier_create_and_update(us: IntacctConnector, company: CompanyState) -> None:
    record = ok(await push_one(us, records.create("op-s", "suppliers", records.supplier())))
    assert record["id"] == "V0100" and record["supplierName"] == "Acme Paper Mills"
    row = company.find_one("VENDOR", VENDORID="V0100")
    assert row is not None and (row["NAME"], row["STATUS"], row["CURRENCY"]) == (
        "Acme Paper Mills",
        "active",
        "USD",
    )
    assert (row["DISPLAYCONTACT.FIRSTNAME"], row["DISPLAYCONTACT.LASTNAME"]) == ("Ada", "Lovelace")
    change = PushRequest(
        "op-s2",
        "suppliers",
        "update",
        records.record(records.supplier(contactName="Grace Hopper", status="Archived")),
        "V0100",
    )
    updated = ok(await push_one(us, change))
    row = company.find_one("VENDOR", VENDORID="V0100")
    assert row is not None and (row["DISPLAYCONTACT.LASTNAME"], row["STATUS"]) == ("Hopper", "inactive")
    assert updated["status"] == "Archived" and updated["contactName"] == "Grace Hopper"


@pytest.mark.asyncio
async def test_account_and_journal_entry(us: IntacctConnector, company: CompanyState) -> None:
    account = ok(await push_one(us, records.create("op-acc", "accounts", records.account())))
    row = company.find_one("GLACCOUNT", ACCOUNTNO="6600")
    assert row is not None and (row["ACCOUNTTYPE"], row["NORMALBALANCE"]) == ("incomestatement", "debit")
    assert account["nominalCode"] == "6600" and account["type"] == "Expense"
    entry = ok(await push_one(us, records.create("op-je", "journalEntries", records.journal_entry(company))))
    batch = company.find_one("GLBATCH", RECORDNO=entry["id"])
    assert batch is not None and (batch["JOURNAL"], batch["BATCH_TITLE"]) == ("GJ", "Accrued rent")
    lines = lines_of(company, "GLENTRY", entry["id"], link="BATCHNO")
    assert [(r["ACCOUNTNO"], r["TR_TYPE"], amount(r["TRX_AMOUNT"])) for r in lines] == [
        ("6200", "1", 1200),
        ("2200", "-1", 1200),
    ]
    assert [line["netAmount"] for line in entry["journalLines"]] == [1200, -1200]


@pytest.mark.asyncio
async def test_custom_field_mappings_of_the_connection_reach_the_intacct_bill(
    connect: Factory, company: CompanyState
) -> None:
    """A unified field and a fixed value, mapped in the connection settings, land in custom fields."""
    connector = connect(
        "100",
        customFieldMappings=[
            {"dataType": "bills", "intacctField": "APPROVER", "sourcePath": "note"},
            {"dataType": "bills", "intacctField": "CHANNEL", "value": "API"},
            {"dataType": "invoices", "intacctField": "NOT_FOR_BILLS", "value": "x"},
        ],
    )
    body = records.bill(note="Jane Doe")
    record = ok(await push_one(connector, records.create("op-custom-fields", "bills", body)))
    header = company.find_one("APBILL", RECORDNO=record["id"])
    assert header is not None
    assert (header.get("APPROVER"), header.get("CHANNEL")) == ("Jane Doe", "API")
    assert "NOT_FOR_BILLS" not in header
