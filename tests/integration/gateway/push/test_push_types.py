"""Every writable type, end to end: HTTP push -> Pending -> worker -> Intacct (sandbox) -> Success.

The record must be in the sandbox ledger exactly once, the operation must carry ``data`` as Intacct now
holds it and a ``Created`` change naming the new record.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from datamodel import PushOperation, decode_json, decode_json_untyped
from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import Linked, PushEnv

pytestmark = pytest.mark.asyncio(loop_scope="session")

# data type -> (sandbox table, field the change's record id is matched on)
LEDGER = {
    "accounts": ("GLACCOUNT", "RECORDNO"),
    "billCreditNotes": ("APADJUSTMENT", "RECORDNO"),
    "billPayments": ("APPYMT", "RECORDNO"),
    "bills": ("APBILL", "RECORDNO"),
    "creditNotes": ("ARADJUSTMENT", "RECORDNO"),
    "customers": ("CUSTOMER", "CUSTOMERID"),
    "directIncomes": ("OTHERRECEIPTS", "RECORDNO"),
    "invoices": ("ARINVOICE", "RECORDNO"),
    "journalEntries": ("GLBATCH", "RECORDNO"),
    "payments": ("ARPYMT", "RECORDNO"),
    "suppliers": ("VENDOR", "VENDORID"),
}


def ledger_rows(env: PushEnv, data_type: str, record_id: str) -> list[dict[str, Any]]:
    table, field = LEDGER[data_type]
    return [row for row in env.demo.rows(table) if str(row.get(field)) == record_id]


async def push_and_wait(env: PushEnv, linked: Linked, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await env.push(linked, path, body)
    assert response.status_code == 200, response.text
    pending = response.json()
    assert pending["status"] == "Pending" and pending["statusCode"] == 202, pending
    decode_json(response.content, PushOperation[Any])  # the SDK's required fields are all there
    return await env.wait(linked, pending["pushOperationKey"])


def created_id(operation: dict[str, Any], data_type: str) -> str:
    assert operation["status"] == "Success", operation
    assert operation["statusCode"] == 200
    change = operation["changes"][0]
    assert change["type"] == "Created"
    assert change["recordRef"]["dataType"] == data_type
    return str(change["recordRef"]["id"])


@pytest.mark.parametrize(
    "path",
    [
        "accounts",
        "billCreditNotes",
        "bills",
        "creditNotes",
        "customers",
        "directIncomes",
        "invoices",
        "journalEntries",
        "suppliers",
    ],
)
async def test_each_type_is_written_once_and_read_back(env: PushEnv, path: str) -> None:
    linked = await env.link()
    tag = uuid.uuid4().hex[:8]
    journal = str(env.demo.find_one("GLJOURNAL", SYMBOL="GJ")["RECORDNO"])
    body = {
        "accounts": lambda: b.account(tag),
        "billCreditNotes": lambda: b.bill_credit_note(tag),
        "bills": lambda: b.bill(tag),
        "creditNotes": lambda: b.credit_note(tag),
        "customers": lambda: b.customer(tag),
        "directIncomes": lambda: b.direct_income(tag),
        "invoices": lambda: b.invoice(tag),
        "journalEntries": lambda: b.journal_entry(tag, journal),
        "suppliers": lambda: b.supplier(tag),
    }[path]()
    async with env.worker():
        operation = await push_and_wait(env, linked, path, body)
    data_type = "chartOfAccounts" if path == "accounts" else path
    record_id = created_id(operation, data_type)
    assert len(ledger_rows(env, path, record_id)) == 1
    assert operation["dataType"] == data_type
    assert operation["data"]["id"] == record_id  # the record as Intacct holds it, not the echo
    assert operation["completedOnUtc"] >= operation["requestedOnUtc"]


async def test_payments_and_bill_payments_settle_what_was_pushed(env: PushEnv) -> None:
    linked = await env.link()
    tag = uuid.uuid4().hex[:8]
    async with env.worker():
        invoice_id = created_id(await push_and_wait(env, linked, "invoices", b.invoice(tag)), "invoices")
        bill_id = created_id(await push_and_wait(env, linked, "bills", b.bill(tag)), "bills")
        payment = await push_and_wait(env, linked, "payments", b.payment(tag, invoice_id))
        bill_payment = await push_and_wait(env, linked, "billPayments", b.bill_payment(tag, bill_id))
    payment_id = created_id(payment, "payments")
    bill_payment_id = created_id(bill_payment, "billPayments")
    assert len(ledger_rows(env, "payments", payment_id)) == 1
    assert len(ledger_rows(env, "billPayments", bill_payment_id)) == 1
    assert env.demo.get("APBILL", int(bill_id))["STATE"] == "Paid"


async def test_amounts_keep_every_digit(env: PushEnv) -> None:
    linked = await env.link()
    body = b.bill(uuid.uuid4().hex[:8])
    body["lineItems"] = [
        {
            "description": "Precise",
            "quantity": 1,
            "unitAmount": 1234567.89,
            "subTotal": 1234567.89,
            "accountRef": {"id": "6000"},
        }
    ]
    body.update(subTotal=1234567.89, totalAmount=1234567.89)
    response = await env.push(linked, "bills", body)
    assert b'"totalAmount":1234567.89' in response.content
    async with env.worker():
        operation = await env.wait(linked, response.json()["pushOperationKey"])
    raw = await env.client.get(
        f"/companies/{linked.company_id}/push/{operation['pushOperationKey']}", headers=linked.headers
    )
    decoded = decode_json_untyped(raw.content)
    assert decoded["data"]["totalAmount"] == Decimal("1234567.89")
    record = env.demo.get("APBILL", int(operation["changes"][0]["recordRef"]["id"]))
    assert Decimal(record["TRX_TOTALENTERED"]) == Decimal("1234567.89")


async def test_update_and_delete(env: PushEnv) -> None:
    linked = await env.link()
    tag = uuid.uuid4().hex[:8]
    async with env.worker():
        bill_id = created_id(await push_and_wait(env, linked, "bills", b.bill(tag)), "bills")
        changed = b.bill(tag, note="Changed note")
        response = await env.push(linked, f"bills/{bill_id}", changed, method="PUT")
        assert response.status_code == 200, response.text
        updated = await env.wait(linked, response.json()["pushOperationKey"])
        assert updated["status"] == "Success", updated
        assert updated["changes"][0]["type"] == "Modified"
        assert updated["changes"][0]["recordRef"]["id"] == bill_id

        other_id = created_id(await push_and_wait(env, linked, "bills", b.bill(tag + "d")), "bills")
        response = await env.push(linked, f"bills/{other_id}", method="DELETE")
        assert response.status_code == 200, response.text
        deleted = await env.wait(linked, response.json()["pushOperationKey"])
    assert deleted["status"] == "Success", (deleted.get("errorMessage"), deleted.get("validation"))
    assert deleted["changes"][0]["type"] == "Deleted"
    assert deleted["changes"][0]["recordRef"] == {"id": other_id, "dataType": "bills"}
    assert ledger_rows(env, "bills", other_id) == []
    assert env.demo.get("APBILL", int(bill_id))["DESCRIPTION"] == "Changed note"


async def test_transfers_and_unsupported_actions_answer_not_supported(env: PushEnv) -> None:
    linked = await env.link()
    response = await env.push(linked, "transfers", {"date": "2024-01-01T00:00:00"})
    assert response.status_code == 404
    error = response.json()
    assert "not supported" in error["error"] and "transfer" in error["error"].lower()
    options = await env.client.get(f"{linked.base}/options/transfers", headers=linked.headers)
    assert options.status_code == 404 and "not supported" in options.json()["error"]
    # Codat has PUT billCreditNotes/{id}; Intacct's connector declares no update for them.
    put = await env.push(linked, "billCreditNotes/123", b.bill_credit_note("x"), method="PUT")
    assert put.status_code == 404 and "not supported" in put.json()["error"]
    count = await env.pool.fetchval(
        "SELECT count(*) FROM operations WHERE company_id = $1 AND kind = 'push'",
        uuid.UUID(linked.company_id),
    )
    assert count == 0  # nothing was queued


async def test_updates_of_a_changed_record_need_force_update(env: PushEnv) -> None:
    """Codat's stale-data rule: an update whose sourceModifiedDate is not the last pulled one is refused
    unless forceUpdate=true."""
    linked = await env.link()
    tenant_id = await env.pool.fetchval(
        "SELECT tenant_id FROM companies WHERE id = $1", uuid.UUID(linked.company_id)
    )
    await env.pool.execute(
        "INSERT INTO records (tenant_id, company_id, connection_id, data_type, record_id, data) "
        "VALUES ($1, $2, $3, 'bills', '77', $4::jsonb)",
        tenant_id,
        uuid.UUID(linked.company_id),
        uuid.UUID(linked.connection_id),
        '{"id": "77", "sourceModifiedDate": "2024-07-01T10:00:00Z"}',
    )
    stale = b.bill("s", sourceModifiedDate="2024-06-01T10:00:00Z")
    refused = (await env.push(linked, "bills/77", stale, method="PUT")).json()
    assert refused["status"] == "Failed" and refused["statusCode"] == 400
    [error] = refused["validation"]["errors"]
    assert error["itemId"] == "sourceModifiedDate" and "forceUpdate=true" in error["message"]
    forced = await env.push(linked, "bills/77", stale, method="PUT", params={"forceUpdate": "true"})
    assert forced.json()["status"] == "Pending", forced.text
    current = b.bill(
        "s", sourceModifiedDate="2024-07-01T10:00:00.000Z"
    )  # the same instant, written differently
    assert (await env.push(linked, "bills/77", current, method="PUT")).json()["status"] == "Pending"
