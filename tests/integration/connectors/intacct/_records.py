"""Unified records for pushes against the sandbox's ``DEMO`` company (ids from ``sandbox/seed.py``).

Records are built the way the gateway hands them over: Codat JSON decoded with ``decode_json_untyped``
(numbers as ``Decimal``). GL accounts are named by account number, which ``accountRef.id`` accepts next
to the RECORDNO.
"""

from __future__ import annotations

import json
from typing import Any

from connectors.base import PushRequest
from connectors.intacct.sandbox import CompanyState
from datamodel import decode_json_untyped


def record(body: dict[str, Any]) -> dict[str, Any]:
    decoded = decode_json_untyped(json.dumps(body))
    assert isinstance(decoded, dict)
    return decoded


def create(key: str, data_type: str, body: dict[str, Any]) -> PushRequest:
    return PushRequest(operation_key=key, data_type=data_type, action="create", record=record(body))


def recordno(company: CompanyState, table: str, **equals: str) -> str:
    row = company.find_one(table, **equals)
    assert row is not None, (table, equals)
    return str(row["RECORDNO"])


def bill(**changes: Any) -> dict[str, Any]:
    """An account-based bill for entity 100 (USD, no tax) with two lines and dimensions."""
    body: dict[str, Any] = {
        "reference": "INV-2024-001",
        "supplierRef": {"id": "V0001"},
        "issueDate": "2024-06-30T00:00:00",
        "dueDate": "2024-07-30T00:00:00",
        "status": "Open",
        "note": "June supplies",
        "subTotal": 150.25,
        "taxAmount": 0,
        "totalAmount": 150.25,
        "lineItems": [
            {
                "description": "Paper",
                "quantity": 1,
                "unitAmount": 100,
                "subTotal": 100,
                "accountRef": {"id": "6000"},
                "trackingCategoryRefs": [
                    {"id": "DEPARTMENT-ADM"},
                    {"id": "LOCATION-110"},
                    {"id": "CLASS-C100"},
                ],
            },
            {
                "description": "Taxi",
                "quantity": 1,
                "unitAmount": 50.25,
                "subTotal": 50.25,
                "accountRef": {"id": "6400"},
            },
        ],
    }
    return body | changes


def uk_bill(company: CompanyState, **changes: Any) -> dict[str, Any]:
    """A bill for entity 200 (GBP, VAT) in USD at Intacct's daily rate, one 20 % VAT line."""
    standard = recordno(company, "TAXDETAIL", DETAILID="UK Purchase Standard Rate")
    body = bill(
        supplierRef={"id": "V0003"},
        currency="USD",
        subTotal=200,
        taxAmount=40,
        totalAmount=240,
        lineItems=[
            {
                "description": "Toner",
                "quantity": 1,
                "unitAmount": 200,
                "subTotal": 200,
                "taxAmount": 40,
                "accountRef": {"id": "6000"},
                "taxRateRef": {"id": standard},
                "trackingCategoryRefs": [{"id": "LOCATION-210"}, {"id": "Administration"}],
            }
        ],
    )
    return body | changes


def bill_credit_note(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "billCreditNoteNumber": "DM-001",
        "supplierRef": {"id": "V0001"},
        "issueDate": "2024-07-02T00:00:00",
        "status": "Submitted",
        "currency": "GBP",
        "totalAmount": 80,
        "totalDiscount": 0,
        "subTotal": 80,
        "totalTaxAmount": 0,
        "discountPercentage": 0,
        "note": "Returned paper",
        "lineItems": [
            {
                "description": "Paper returned",
                "quantity": 1,
                "unitAmount": 80,
                "subTotal": 80,
                "accountRef": {"id": "6000"},
                "trackingCategoryRefs": [{"id": "DEPARTMENT-FIN"}],
            }
        ],
    }
    return body | changes


def bill_payment(bill_id: str, amount: float = 150.25, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "supplierRef": {"id": "V0001"},
        "accountRef": {"id": "1010"},
        "paymentMethodRef": {"id": "5"},
        "totalAmount": amount,
        "date": "2024-07-15T00:00:00",
        "reference": "PAY-77",
        "note": "Paid by EFT",
        "lines": [{"amount": amount, "links": [{"type": "Bill", "id": bill_id, "amount": -amount}]}],
    }
    return body | changes


def supplier(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "V0100",
        "supplierName": "Acme Paper Mills",
        "contactName": "Ada Lovelace",
        "emailAddress": "ada@acme.example",
        "phone": "+1 555 0100",
        "status": "Active",
        "defaultCurrency": "USD",
        "addresses": [
            {"type": "Billing", "line1": "1 Mill Road", "city": "Boston", "country": "United States"}
        ],
    }
    return body | changes


def customer(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "C0100",
        "customerName": "Umbrella Corp",
        "contactName": "Alice Smith",
        "emailAddress": "alice@umbrella.example",
        "status": "Active",
        "defaultCurrency": "USD",
        "addresses": [
            {"type": "Billing", "line1": "5 Main St", "city": "Austin", "country": "United States"}
        ],
    }
    return body | changes


def account(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "nominalCode": "6600",
        "name": "Marketing",
        "status": "Active",
        "type": "Expense",
        "fullyQualifiedCategory": "Total Expenses.Operating Expenses",
    }
    return body | changes


def journal_entry(company: CompanyState, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "description": "Accrued rent",
        "postedOn": "2024-06-30T00:00:00",
        "journalRef": {"id": recordno(company, "GLJOURNAL", SYMBOL="GJ")},
        "journalLines": [
            {
                "description": "rent",
                "netAmount": 1200,
                "accountRef": {"id": "6200"},
                "tracking": {"recordRefs": [{"id": "DEPARTMENT-ADM", "dataType": "trackingCategories"}]},
            },
            {"description": "accrual", "netAmount": -1200, "accountRef": {"id": "2200"}},
        ],
    }
    return body | changes


def invoice(**changes: Any) -> dict[str, Any]:
    """An AR invoice for entity 100 (no tax), no invoice number (AR invoices are auto-numbered)."""
    body: dict[str, Any] = {
        "customerRef": {"id": "C0001"},
        "issueDate": "2024-06-30T00:00:00",
        "dueDate": "2024-07-30T00:00:00",
        "status": "Submitted",
        "note": "Consulting June",
        "subTotal": 300,
        "totalTaxAmount": 0,
        "totalAmount": 300,
        "amountDue": 300,
        "lineItems": [
            {
                "description": "Consulting",
                "quantity": 1,
                "unitAmount": 300,
                "subTotal": 300,
                "accountRef": {"id": "4100"},
                "trackingCategoryRefs": [{"id": "DEPARTMENT-SAL"}, {"id": "PROJECT-P100"}],
            }
        ],
    }
    return body | changes


def sales_invoice(**changes: Any) -> dict[str, Any]:
    """Items on every line -> an Order Entry sales invoice."""
    body = invoice(
        invoiceNumber="SI-TEST-1",
        subTotal=300,
        totalAmount=300,
        amountDue=300,
        lineItems=[
            {
                "description": "Consulting hours",
                "quantity": 2,
                "unitAmount": 150,
                "subTotal": 300,
                "itemRef": {"id": "I100"},
                "trackingCategoryRefs": [{"id": "WAREHOUSE-WH100"}, {"id": "ITEM-I100"}],
            }
        ],
    )
    return body | changes


def credit_note(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customerRef": {"id": "C0002"},
        "issueDate": "2024-07-05T00:00:00",
        "status": "Submitted",
        "currency": "GBP",
        "note": "Goodwill credit",
        "totalAmount": 40,
        "totalDiscount": 0,
        "subTotal": 40,
        "totalTaxAmount": 0,
        "discountPercentage": 0,
        "remainingCredit": 40,
        "lineItems": [
            {
                "description": "Goodwill",
                "quantity": 1,
                "unitAmount": 40,
                "subTotal": 40,
                "accountRef": {"id": "4000"},
            }
        ],
    }
    return body | changes


def payment(invoice_id: str, amount: float = 300, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customerRef": {"id": "C0001"},
        "accountRef": {"id": "1010"},
        "paymentMethodRef": {"id": "1"},
        "totalAmount": amount,
        "date": "2024-07-20T00:00:00",
        "reference": "CHK-1001",
        "note": "Cheque",
        "lines": [{"amount": amount, "links": [{"type": "Invoice", "id": invoice_id, "amount": -amount}]}],
    }
    return body | changes


def direct_income(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": "Walk-in customer",
        "note": "Counter sale",
        "issueDate": "2024-07-01T00:00:00",
        "currency": "USD",
        "subTotal": 75,
        "taxAmount": 0,
        "totalAmount": 75,
        "lineItems": [
            {
                "description": "Workshop seat",
                "quantity": 1,
                "unitAmount": 75,
                "subTotal": 75,
                "accountRef": {"id": "4100"},
                "trackingCategoryRefs": [{"id": "DEPARTMENT-SAL"}],
            }
        ],
        "paymentAllocations": [
            {
                "payment": {
                    "accountRef": {"id": "1010"},
                    "paidOnDate": "2024-07-01T00:00:00",
                    "totalAmount": 75,
                },
                "allocation": {"allocatedOnDate": "2024-07-01T00:00:00", "totalAmount": 75},
            }
        ],
    }
    return body | changes
