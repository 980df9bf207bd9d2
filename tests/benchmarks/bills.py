"""The bill every benchmark writes, in the two shapes the two clients take.

``unified_bill(run, n)`` is the Codat-shaped body a fintech POSTs to the gateway; ``sdk_bill(run, n)`` is
the same bill as the ``APBILL`` dict ``sageintacctsdk``'s ``bills.post`` takes (Intacct's generic
``create`` of APBILL, the shape fylein's production code sends: fixture ``create-apbill-request.xml``).
Both carry the same supplier, dates, ten expense lines with the same accounts, amounts, descriptions and
dimensions, so both clients make Intacct do the same work. Vendors and accounts are seeded in the sandbox's
``DEMO`` company and every clone of it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

LINES = 10
VENDOR = "V0001"
ACCOUNTS = ("6000", "6200", "6300", "6400", "6500")
ISSUE, DUE = ("2024", "06", "30"), ("2024", "07", "30")


def _amount(n: int, line: int) -> Decimal:
    return Decimal(100 + (n * 7 + line * 13) % 900) + Decimal(line) / 100


def bill_number(run: str, n: int) -> str:
    return f"{run}-{n:06d}"


def unified_bill(run: str, n: int, lines: int = LINES) -> dict[str, Any]:
    """Body of ``POST …/push/bills`` (JSON numbers for money, as Codat's examples have them)."""
    items = []
    for line in range(lines):
        amount = _amount(n, line)
        items.append(
            {
                "description": f"Bench line {line + 1} of bill {n}",
                "quantity": 1,
                "unitAmount": amount,
                "subTotal": amount,
                "taxAmount": 0,
                "totalAmount": amount,
                "accountRef": {"id": ACCOUNTS[line % len(ACCOUNTS)]},
                "trackingCategoryRefs": [{"id": "DEPARTMENT-ADM"}, {"id": "LOCATION-100"}],
            }
        )
    total = sum((_amount(n, line) for line in range(lines)), Decimal(0))
    return {
        "reference": bill_number(run, n),
        "supplierRef": {"id": VENDOR},
        "issueDate": f"{ISSUE[0]}-{ISSUE[1]}-{ISSUE[2]}T00:00:00",
        "dueDate": f"{DUE[0]}-{DUE[1]}-{DUE[2]}T00:00:00",
        "currency": "USD",
        "status": "Open",
        "subTotal": total,
        "taxAmount": 0,
        "totalAmount": total,
        "amountDue": total,
        "lineItems": items,
    }


def sdk_bill(run: str, n: int, lines: int = LINES) -> dict[str, Any]:
    """The same bill as ``sageintacctsdk`` takes it: ``sdk.bills.post(sdk_bill(...))``."""
    items = []
    for line in range(lines):
        amount = str(_amount(n, line))
        items.append(
            {
                "ACCOUNTNO": ACCOUNTS[line % len(ACCOUNTS)],
                "TRX_AMOUNT": amount,
                "TOTALTRXAMOUNT": amount,
                "ENTRYDESCRIPTION": f"Bench line {line + 1} of bill {n}",
                "LOCATIONID": "100",
                "DEPARTMENTID": "ADM",
            }
        )
    return {
        "WHENCREATED": f"{ISSUE[1]}/{ISSUE[2]}/{ISSUE[0]}",
        "VENDORID": VENDOR,
        "RECORDID": bill_number(run, n),
        "WHENDUE": f"{DUE[1]}/{DUE[2]}/{DUE[0]}",
        "BASECURR": "USD",
        "CURRENCY": "USD",
        "APBILLITEMS": {"APBILLITEM": items},
    }
