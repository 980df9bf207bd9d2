"""The connector's writes that the sandbox could not answer before, end to end: the real Intacct
connector pushes to the seeded ``DEMO`` company through ``SandboxTransport`` (no sockets).

* ``PUT invoices/{id}`` -> ``update_invoice`` (lines by position plus new lines), read back;
* an attachment on an invoice -> ``update_invoice`` with ``supdocid`` only;
* ``DELETE billPayments/{id}`` -> generic delete of ``APPYMT``: the bill is unpaid again;
* ``DELETE journalEntries/{id}`` -> generic delete of ``GLBATCH`` with its entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from connectors.base import AttachmentUpload, ConnectorContext, PushOutcome, PushRequest
from connectors.intacct import InMemoryLimitStore, IntacctConnector, RetryPolicy, SessionCache
from connectors.intacct.sandbox import CompanyState, SandboxState, SandboxTransport, create_app
from tests.integration.connectors.intacct import _records as records

CREDENTIALS = {
    "senderId": "demo-sender",
    "senderPassword": "demo-sender-pw",
    "companyId": "DEMO",
    "userId": "demo-user",
    "userPassword": "demo-user-pw",
    "endpointUrl": "https://sandbox.test/ia/xml/xmlgw.phtml",
    "entityId": "100",
}


@pytest.fixture
def state() -> SandboxState:
    # the client checks session expiry against its own (real) clock, so the sandbox runs on real time
    return SandboxState.demo(clock=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))


@pytest.fixture
def company(state: SandboxState) -> CompanyState:
    return state.company("DEMO")


@pytest_asyncio.fixture
async def us(state: SandboxState) -> AsyncIterator[IntacctConnector]:
    async with httpx.AsyncClient(transport=SandboxTransport(create_app(state))) as http:
        connector = IntacctConnector(
            CREDENTIALS,
            context=ConnectorContext(http_client=http, limit_store=InMemoryLimitStore()),
            session_cache=SessionCache(),
            retry=RetryPolicy(max_retries=2, base_delay=0.001, max_delay=0.002),
        )
        yield connector


async def push(connector: IntacctConnector, request: PushRequest) -> PushOutcome:
    (outcome,) = await connector.push([request])
    return outcome


def ok(outcome: PushOutcome) -> dict[str, Any]:
    assert outcome.ok, (outcome.message, outcome.errors)
    assert outcome.record is not None
    return outcome.record


@pytest.mark.asyncio
async def test_invoice_update_rewrites_lines_and_adds_one(
    us: IntacctConnector, company: CompanyState
) -> None:
    created = ok(await push(us, records.create("g-inv", "invoices", records.invoice())))
    (line,) = records.invoice()["lineItems"]
    extra = {**line, "description": "Travel", "unitAmount": 45, "subTotal": 45, "trackingCategoryRefs": []}
    changed = records.invoice(
        note="Consulting June (revised)",
        dueDate="2024-08-15T00:00:00",
        subTotal=345,
        totalAmount=345,
        amountDue=345,
        lineItems=[{**line, "description": "Consulting, 2 days"}, extra],
    )
    outcome = await push(
        us, PushRequest("g-inv-upd", "invoices", "update", records.record(changed), created["id"])
    )
    record = ok(outcome)
    assert outcome.changes[0].type == "Modified"
    assert (record["id"], record["note"], record["totalAmount"]) == (
        created["id"],
        "Consulting June (revised)",
        345,
    )
    assert [item["description"] for item in record["lineItems"]] == ["Consulting, 2 days", "Travel"]
    header = company.find_one("ARINVOICE", RECORDNO=created["id"])
    assert header is not None and (header["WHENDUE"], header["TRX_TOTALENTERED"]) == ("08/15/2024", "345")
    assert company.counters.by_function.get("update_invoice") == 1


@pytest.mark.asyncio
async def test_invoice_attachment_links_through_update_invoice(
    us: IntacctConnector, company: CompanyState
) -> None:
    created = ok(await push(us, records.create("g-inv-att", "invoices", records.invoice())))
    upload = AttachmentUpload(
        data_type="invoices",
        record_id=created["id"],
        file_name="invoice.pdf",
        content_type="application/pdf",
        content=b"%PDF-1.4 invoice",
        operation_key="g-att",
    )
    info = await us.upload_attachment(upload)
    header = company.find_one("ARINVOICE", RECORDNO=created["id"])
    assert header is not None and header["SUPDOCID"] and info.id.startswith(f"{header['SUPDOCID']}:")
    assert (
        header["TRX_TOTALENTERED"] == "300"
        and len(company.find("ARINVOICEITEM", RECORDKEY=created["id"])) == 1
    )
    assert await us.download_attachment("invoices", created["id"], info.id) == b"%PDF-1.4 invoice"


@pytest.mark.asyncio
async def test_bill_payment_delete_unpays_the_bill(us: IntacctConnector, company: CompanyState) -> None:
    bill = ok(await push(us, records.create("g-bill", "bills", records.bill())))
    payment = ok(await push(us, records.create("g-pay", "billPayments", records.bill_payment(bill["id"]))))
    paid = company.find_one("APBILL", RECORDNO=bill["id"])
    assert paid is not None and paid["STATE"] == "Paid"
    deleted = await push(us, PushRequest("g-pay-del", "billPayments", "delete", record_id=payment["id"]))
    assert deleted.ok and deleted.changes[0].type == "Deleted", (deleted.message, deleted.errors)
    assert company.find_one("APPYMT", RECORDNO=payment["id"]) is None
    unpaid = company.find_one("APBILL", RECORDNO=bill["id"])
    assert unpaid is not None
    assert (unpaid["STATE"], unpaid["TRX_TOTALPAID"], unpaid["TRX_TOTALDUE"], unpaid["WHENPAID"]) == (
        "Posted",
        "0",
        "150.25",
        "",
    )
    again = await push(us, PushRequest("g-pay-del2", "billPayments", "delete", record_id=payment["id"]))
    assert not again.ok and again.status_code == 404, (again.status_code, again.message)


@pytest.mark.asyncio
async def test_journal_entry_delete_removes_its_entries(us: IntacctConnector, company: CompanyState) -> None:
    entry = ok(await push(us, records.create("g-je", "journalEntries", records.journal_entry(company))))
    assert len(company.find("GLENTRY", BATCHNO=entry["id"])) == 2
    deleted = await push(us, PushRequest("g-je-del", "journalEntries", "delete", record_id=entry["id"]))
    assert deleted.ok, (deleted.message, deleted.errors)
    assert company.find_one("GLBATCH", RECORDNO=entry["id"]) is None
    assert company.find("GLENTRY", BATCHNO=entry["id"]) == []
