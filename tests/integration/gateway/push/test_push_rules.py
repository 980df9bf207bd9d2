"""Validation before anything is sent: a body that breaks a rule of the platform is answered at once
with a Failed push operation (statusCode 400) whose validation.errors name the field, and it is stored
so the history shows it; nothing reaches Intacct's ledger."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import PushEnv

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}


def _mixed_bill(tag: str) -> dict[str, Any]:
    body = b.bill(tag)
    body["lineItems"][1] = {
        "description": "Item",
        "quantity": 1,
        "unitAmount": 50.25,
        "subTotal": 50.25,
        "itemRef": {"id": "I100"},
    }
    return body


def _mixed_invoice(tag: str) -> dict[str, Any]:
    body = b.invoice(tag)
    body["lineItems"].append(
        {"description": "x", "quantity": 1, "unitAmount": 1, "subTotal": 1, "itemRef": {"id": "I100"}}
    )
    return body


def _one_line_journal(tag: str, journal: str) -> dict[str, Any]:
    body = b.journal_entry(tag, journal)
    body["journalLines"] = body["journalLines"][:1]
    return body


def _two_allocations(tag: str) -> dict[str, Any]:
    body = b.direct_income(tag)
    body["paymentAllocations"] = body["paymentAllocations"] * 2
    return body


def _two_invoice_links(tag: str) -> dict[str, Any]:
    body = b.payment(tag, "1")
    body["lines"][0]["links"].append({"type": "Invoice", "id": "2", "amount": -1})
    return body


def _bank_account_line(tag: str) -> dict[str, Any]:
    body = b.credit_note(tag)
    body["lineItems"][0]["accountRef"] = {"id": "1010"}
    return body


def _two_addresses(tag: str) -> dict[str, Any]:
    body = b.supplier(tag)
    body["addresses"] = body["addresses"] * 2
    return body


# (data type, body builder(tag, journal id), field that must be named, words the message contains)
CASES: list[tuple[str, Callable[[str, str], dict[str, Any]], str, str]] = [
    ("bills", lambda t, j: _without(b.bill(t), "supplierRef"), "supplierRef.id", "provided"),
    ("bills", lambda t, j: _mixed_bill(t), "lineItems", "account based or all be item based"),
    ("invoices", lambda t, j: _mixed_invoice(t), "itemRef.id", "sales invoice"),
    ("journalEntries", _one_line_journal, "journalLines", "two lines"),
    ("directIncomes", lambda t, j: _two_allocations(t), "paymentAllocations", "single payment allocation"),
    (
        "billPayments",
        lambda t, j: _without(b.bill_payment(t, "1"), "paymentMethodRef"),
        "paymentMethodRef.id",
        "provided",
    ),
    ("payments", lambda t, j: _two_invoice_links(t), "lines[0].links", "only one Invoice"),
    ("customers", lambda t, j: b.customer(t, customerName="x" * 101), "customerName", "100 characters"),
    ("suppliers", lambda t, j: _two_addresses(t), "addresses", "1 address"),
    ("creditNotes", lambda t, j: _bank_account_line(t), "lineItems[0].accountRef.id", "Account"),
    ("billCreditNotes", lambda t, j: b.bill_credit_note(t, currencyRate=1.2), "currency", "CurrencyRate"),
    ("accounts", lambda t, j: _without(b.account(t), "nominalCode"), "nominalCode", "provided"),
]


@pytest.mark.parametrize(("path", "build", "field", "words"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
async def test_a_body_breaking_a_rule_fails_at_once_naming_the_field(
    env: PushEnv, path: str, build: Callable[[str, str], dict[str, Any]], field: str, words: str
) -> None:
    linked = await env.link()
    journal = str(env.demo.find_one("GLJOURNAL", SYMBOL="GJ")["RECORDNO"])
    writes_before = env.demo.counters.as_dict() if hasattr(env.demo.counters, "as_dict") else None
    response = await env.push(linked, path, build(uuid.uuid4().hex[:8], journal))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "Failed" and body["statusCode"] == 400, body
    errors = body["validation"]["errors"]
    assert any(field in (e["itemId"] or "") and words in e["message"] for e in errors), errors
    assert field in body["errorMessage"]
    assert body["completedOnUtc"] is not None
    # Stored: the history and the poll show the same refusal, no worker ever sees it.
    stored = await env.operation(linked, body["pushOperationKey"])
    assert stored["status"] == "Failed" and stored["validation"]["errors"] == errors
    queued = await env.pool.fetchval(
        "SELECT count(*) FROM operations WHERE company_id = $1 AND kind = 'push' AND status <> 'Failed'",
        uuid.UUID(linked.company_id),
    )
    assert queued == 0
    if writes_before is not None:
        del writes_before


async def test_bodies_the_model_refuses_are_400_naming_the_field(env: PushEnv) -> None:
    linked = await env.link()
    cases: list[tuple[Any, str]] = [
        ({**b.bill("t"), "colour": "red"}, "colour"),
        ({**b.bill("t"), "reference": 5}, "reference"),
        ({**b.bill("t"), "totalAmount": "lots"}, "totalAmount"),
        (_without(b.bill("t"), "issueDate"), "issueDate"),
        ({**b.bill("t"), "issueDate": "2024-02-30"}, "issueDate"),
    ]
    for body, field in cases:
        response = await env.push(linked, "bills", body)
        assert response.status_code == 400, (field, response.text)
        items = {item["itemId"] for item in response.json()["validation"]["errors"]}
        assert any(field in item for item in items), (field, items)
    broken = await env.client.post(
        f"{linked.base}/push/bills",
        content=b'{"reference": ',
        headers={**linked.headers, "content-type": "application/json"},
    )
    assert broken.status_code == 400
    count = await env.pool.fetchval(
        "SELECT count(*) FROM operations WHERE company_id = $1 AND kind = 'push'",
        uuid.UUID(linked.company_id),
    )
    assert count == 0
