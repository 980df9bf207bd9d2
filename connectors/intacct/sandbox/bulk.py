"""Fast generators of many records for benchmarks: ``seed_bulk(state, "DEMO", "APBILL", 100_000)``.

Records are built as plain dicts and stored with ``CompanyState.bulk_load`` (one version bump, no undo
journal), with only the fields a reader needs; the catalogue prints the rest as empty elements. Values
are deterministic for a given ``seed`` and reuse a few shared strings to keep memory small.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from connectors.intacct.sandbox.seed import CUSTOMERS, GL_ACCOUNTS, VENDORS
from connectors.intacct.sandbox.state import CompanyState, Record, SandboxState

_START = dt.date(2024, 1, 1)
_DATES = [(_START + dt.timedelta(days=n)).strftime("%m/%d/%Y") for n in range(730)]
_STAMPS = [d + " 10:00:00" for d in _DATES]
_EXPENSE = [no for no, _, kind, _, _ in GL_ACCOUNTS if kind == "incomestatement" and no >= "5000"]
_REVENUE = [no for no, _, kind, _, _ in GL_ACCOUNTS if kind == "incomestatement" and no < "5000"]
_TITLES = {no: title for no, title, *_ in GL_ACCOUNTS}


def _amount(rng: random.Random) -> str:
    cents = rng.randint(1_000, 5_000_000)
    return f"{cents // 100}.{cents % 100:02d}"


def _documents(
    company: CompanyState,
    n: int,
    lines: int,
    rng: random.Random,
    header: Callable[[int, random.Random], Record],
    line: Callable[[Record, int, random.Random], Record],
) -> tuple[list[Record], list[Record]]:
    headers: list[Record] = []
    items: list[Record] = []
    for index in range(n):
        record = header(index, rng)
        record["RECORDNO"] = str(company.allocate_recordno())
        total = 0
        for number in range(lines):
            item = line(record, number, rng)
            item["RECORDNO"] = str(company.allocate_recordno())
            total += int(item["AMOUNT"].replace(".", ""))
            items.append(item)
        amount = f"{total // 100}.{total % 100:02d}"
        record["TOTALENTERED"] = record["TRX_TOTALENTERED"] = record["TOTALDUE"] = record["TRX_TOTALDUE"] = (
            amount
        )
        headers.append(record)
    return headers, items


def _bill(index: int, rng: random.Random) -> Record:
    vendor = VENDORS[index % 4]
    day = rng.randrange(len(_DATES))
    return {
        "RECORDID": f"BULK-{index + 1:07d}",
        "RECORDTYPE": "pi",
        "STATE": "Posted",
        "VENDORID": vendor[0],
        "VENDORNAME": vendor[1],
        "WHENCREATED": _DATES[day],
        "WHENPOSTED": _DATES[day],
        "WHENDUE": _DATES[min(day + 30, len(_DATES) - 1)],
        "TERMNAME": "N30",
        "BASECURR": "USD",
        "CURRENCY": "USD",
        "EXCHANGE_RATE": "1",
        "TOTALPAID": "0",
        "TRX_TOTALPAID": "0",
        "MODULEKEY": "3.AP",
        "AUWHENCREATED": _STAMPS[day],
        "WHENMODIFIED": _STAMPS[day],
        "MEGAENTITYID": "",
        "DESCRIPTION": "",
    }


def _invoice(index: int, rng: random.Random) -> Record:
    customer = CUSTOMERS[index % 3]
    day = rng.randrange(len(_DATES))
    return {
        "RECORDID": f"INV-{index + 1:07d}",
        "RECORDTYPE": "ri",
        "STATE": "Posted",
        "CUSTOMERID": customer[0],
        "CUSTOMERNAME": customer[1],
        "WHENCREATED": _DATES[day],
        "WHENPOSTED": _DATES[day],
        "WHENDUE": _DATES[min(day + 30, len(_DATES) - 1)],
        "TERMNAME": "N30",
        "BASECURR": "USD",
        "CURRENCY": "USD",
        "EXCHANGE_RATE": "1",
        "TOTALPAID": "0",
        "TRX_TOTALPAID": "0",
        "MODULEKEY": "4.AR",
        "AUWHENCREATED": _STAMPS[day],
        "WHENMODIFIED": _STAMPS[day],
        "MEGAENTITYID": "",
        "DESCRIPTION": "",
    }


def _line_for(accounts: list[str], record_type: str) -> Callable[[Record, int, random.Random], Record]:
    def line(header: Record, number: int, rng: random.Random) -> Record:
        account = accounts[(number + int(header["RECORDNO"])) % len(accounts)]
        amount = _amount(rng)
        return {
            "RECORDKEY": header["RECORDNO"],
            "LINE_NO": str(number + 1),
            "ACCOUNTNO": account,
            "ACCOUNTTITLE": _TITLES[account],
            "AMOUNT": amount,
            "TRX_AMOUNT": amount,
            "ENTRYDESCRIPTION": "",
            "LOCATIONID": "100",
            "DEPARTMENTID": "ADM",
            "BASECURR": "USD",
            "CURRENCY": "USD",
            "EXCHANGE_RATE": "1",
            "LINEITEM": "T",
            "STATE": "A",
            "RECORDTYPE": record_type,
            "ENTRY_DATE": header["WHENCREATED"],
            "WHENMODIFIED": header["WHENMODIFIED"],
        }

    return line


def _party(prefix: str, id_field: str) -> Callable[[int, random.Random], Record]:
    def party(index: int, rng: random.Random) -> Record:
        return {
            id_field: f"{prefix}{index + 1:07d}",
            "NAME": f"Bulk {prefix}{index + 1}",
            "STATUS": "active",
            "CURRENCY": "USD",
            "ONETIME": "false",
            "ONHOLD": "false",
            "MEGAENTITYID": "",
        }

    return party


def seed_bulk(
    state: SandboxState, company_id: str, obj: str, n: int, *, lines: int = 1, seed: int = 0
) -> int:
    """Add ``n`` records of ``obj`` (APBILL or ARINVOICE with ``lines`` lines each, VENDOR, CUSTOMER).

    Returns the number of header records created.
    """
    company = state.company(company_id)
    rng = random.Random(seed)
    kind = obj.upper()
    if kind in ("APBILL", "ARINVOICE"):
        header = _bill if kind == "APBILL" else _invoice
        accounts = _EXPENSE if kind == "APBILL" else _REVENUE
        line = _line_for(accounts, "pi" if kind == "APBILL" else "ri")
        headers, items = _documents(company, n, max(lines, 1), rng, header, line)
        company.bulk_load(kind, headers)
        company.bulk_load(f"{kind}ITEM", items)
        return len(headers)
    if kind in ("VENDOR", "CUSTOMER"):
        make = _party("BV" if kind == "VENDOR" else "BC", f"{kind}ID")
        return len(company.bulk_load(kind, [make(i, rng) for i in range(n)]))
    raise ValueError(f"seed_bulk cannot generate {obj!r} (APBILL, ARINVOICE, VENDOR, CUSTOMER)")
