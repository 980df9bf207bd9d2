"""Codat-shaped push bodies for the sandbox's ``DEMO`` company, entity 100 (USD, no VAT).

Ids come from the sandbox seed (``connectors/intacct/sandbox/seed.py``): vendors V0001.., customers
C0001.., GL accounts by number (6000 expenses, 4100 revenue, 1010 bank-tied checking, 2200 accruals),
departments ADM/SAL/FIN, payment methods 1 (printed check) and 5 (EFT). Every builder takes a
``tag`` that makes the record findable in the sandbox ledger (references, names, ids).
"""

from __future__ import annotations

from typing import Any


def bill(tag: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": f"B-{tag}",
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
                "trackingCategoryRefs": [{"id": "DEPARTMENT-ADM"}],
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


def bill_credit_note(tag: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "billCreditNoteNumber": f"DM-{tag}",
        "supplierRef": {"id": "V0001"},
        "issueDate": "2024-07-02T00:00:00",
        "status": "Submitted",
        "totalAmount": 80,
        "totalDiscount": 0,
        "subTotal": 80,
        "totalTaxAmount": 0,
        "discountPercentage": 0,
        "note": f"Returned paper {tag}",
        "lineItems": [
            {
                "description": "Paper returned",
                "quantity": 1,
                "unitAmount": 80,
                "subTotal": 80,
                "accountRef": {"id": "6000"},
            }
        ],
    }
    return body | changes


def bill_payment(tag: str, bill_id: str, amount: float = 150.25, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "supplierRef": {"id": "V0001"},
        "accountRef": {"id": "1010"},
        "paymentMethodRef": {"id": "5"},
        "totalAmount": amount,
        "date": "2024-07-15T00:00:00",
        "reference": f"P-{tag}",
        "note": "Paid by EFT",
        "lines": [{"amount": amount, "links": [{"type": "Bill", "id": bill_id, "amount": -amount}]}],
    }
    return body | changes


def supplier(tag: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": f"VS{tag[:10].upper()}",
        "supplierName": f"Acme Paper {tag}",
        "contactName": "Ada Lovelace",
        "emailAddress": "ada@acme.example",
        "status": "Active",
        "defaultCurrency": "USD",
        "addresses": [
            {"type": "Billing", "line1": "1 Mill Road", "city": "Boston", "country": "United States"}
        ],
    }
    return body | changes


def customer(tag: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": f"CS{tag[:10].upper()}",
        "customerName": f"Umbrella {tag}",
        "contactName": "Alice Smith",
        "emailAddress": "alice@umbrella.example",
        "status": "Active",
        "defaultCurrency": "USD",
        "addresses": [
            {"type": "Billing", "line1": "5 Main St", "city": "Austin", "country": "United States"}
        ],
    }
    return body | changes


def account(tag: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "nominalCode": f"66{abs(hash(tag)) % 100:02d}",
        "name": f"Marketing {tag}",
        "status": "Active",
        "type": "Expense",
        "fullyQualifiedCategory": "Total Expenses.Operating Expenses",
    }
    return body | changes


def journal_entry(tag: str, journal_id: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "description": f"Accrued rent {tag}",
        "postedOn": "2024-06-30T00:00:00",
        "journalRef": {"id": journal_id},
        "journalLines": [
            {"description": "rent", "netAmount": 1200, "accountRef": {"id": "6200"}},
            {"description": "accrual", "netAmount": -1200, "accountRef": {"id": "2200"}},
        ],
    }
    return body | changes


def invoice(tag: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customerRef": {"id": "C0001"},
        "issueDate": "2024-06-30T00:00:00",
        "dueDate": "2024-07-30T00:00:00",
        "status": "Submitted",
        "note": f"Consulting {tag}",
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
            }
        ],
    }
    return body | changes


def credit_note(tag: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customerRef": {"id": "C0002"},
        "issueDate": "2024-07-05T00:00:00",
        "status": "Submitted",
        "note": f"Goodwill {tag}",
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


def payment(tag: str, invoice_id: str, amount: float = 300, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customerRef": {"id": "C0001"},
        "accountRef": {"id": "1010"},
        "paymentMethodRef": {"id": "1"},
        "totalAmount": amount,
        "date": "2024-07-20T00:00:00",
        "reference": f"CHK-{tag}",
        "lines": [{"amount": amount, "links": [{"type": "Invoice", "id": invoice_id, "amount": -amount}]}],
    }
    return body | changes


def direct_income(tag: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": f"Walk-in {tag}",
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
