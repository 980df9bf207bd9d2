"""In-memory state of the Intacct sandbox: companies, their object tables, configuration and counters.

Records are stored the way Intacct returns them from ``query``/``readByQuery``: one dict per record,
keyed by Intacct field names (``RECORDNO``, ``VENDORID``, ``WHENMODIFIED`` ...), values as the strings
Intacct prints (dates ``MM/DD/YYYY``, timestamps ``MM/DD/YYYY HH:MM:SS``, amounts as plain decimals).
Lines are their own objects (``APBILLITEM`` rows carry ``RECORDKEY`` = the bill's ``RECORDNO``), as in
Intacct, so line queries work like header queries.

Writes go through ``CompanyState.insert/update/delete`` so that ``transaction="true"`` operations can
be rolled back from the undo journal, and every write bumps ``WHENMODIFIED``.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Record = dict[str, Any]


def intacct_timestamp(moment: dt.datetime) -> str:
    return moment.strftime("%m/%d/%Y %H:%M:%S")


def intacct_date(day: dt.date) -> str:
    return day.strftime("%m/%d/%Y")


@dataclass
class Entity:
    """One entity (``LOCATIONENTITY``) of a multi-entity company."""

    id: str
    name: str
    base_currency: str
    country: str
    #: Tax solution id for VAT/GST entities (``None`` for US entities: no tax entries allowed).
    tax_solution_id: str | None = None


@dataclass
class CompanyConfig:
    """Company settings that change how writes behave (see intacct-behaviour.md)."""

    #: document type -> Intacct assigns numbers (True) or the caller must send one (False).
    #: Keys: "APBILL", "APADJUSTMENT", "ARINVOICE", "ARADJUSTMENT", "SODOCUMENT", "CUSTOMER", "VENDOR",
    #: "GLBATCH", "OTHERRECEIPTS".
    auto_numbering: dict[str, bool] = field(
        default_factory=lambda: {
            "APBILL": False,
            "APADJUSTMENT": False,
            "ARINVOICE": True,
            "ARADJUSTMENT": True,
            "SODOCUMENT": True,
            "CUSTOMER": False,
            "VENDOR": False,
            "GLBATCH": True,
            "OTHERRECEIPTS": True,
        }
    )
    #: AP payments need approval before they post (they stay "Submitted"/unapproved).
    ap_payment_approval: bool = False
    #: AP bills need approval (created bills land "Submitted" awaiting approval).
    ap_bill_approval: bool = False
    #: AR "Automatic Payment Summaries": when False, creating an AR payment without a batch fails.
    ar_automatic_payment_summaries: bool = True
    ap_automatic_payment_summaries: bool = True
    #: Closed books before this date: postings dated earlier are refused.
    books_closed_before: dt.date | None = None


@dataclass
class Counters:
    """What the sandbox saw, for tests and benchmarks to assert on."""

    http_requests: int = 0
    functions: int = 0
    by_function: dict[str, int] = field(default_factory=dict)
    logins: int = 0
    max_concurrent: int = 0
    concurrent: int = 0
    rate_limited: int = 0
    duplicates_refused: int = 0

    def count_function(self, name: str) -> None:
        self.functions += 1
        self.by_function[name] = self.by_function.get(name, 0) + 1


class CompanyState:
    """One Intacct company: users, senders, entities, configuration and object tables."""

    def __init__(self, company_id: str, *, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.company_id = company_id
        self.users: dict[str, str] = {}
        self.authorized_senders: set[str] = set()
        self.entities: dict[str, Entity] = {}
        self.config = CompanyConfig()
        self.tables: dict[str, dict[int, Record]] = {}
        #: (from currency, to currency, rate type) -> sorted list of (date, rate)
        self.exchange_rates: dict[tuple[str, str, str], list[tuple[dt.date, Decimal]]] = {}
        self.sequences: dict[str, int] = {}
        self.counters = Counters()
        self._recordno = itertools.count(1000)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))
        self._journal: list[Callable[[], None]] | None = None

    # -- time -------------------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        return self._clock()

    # -- tables -----------------------------------------------------------------------------------
    def table(self, obj: str) -> dict[int, Record]:
        return self.tables.setdefault(obj.upper(), {})

    def insert(self, obj: str, record: Record) -> int:
        """Store a new record, assigning ``RECORDNO`` and the audit timestamps; returns the RECORDNO."""
        recordno = next(self._recordno)
        stamp = intacct_timestamp(self.now())
        stored = {"RECORDNO": str(recordno), **record}
        stored["RECORDNO"] = str(recordno)
        stored.setdefault("WHENCREATED", stamp)
        stored["WHENMODIFIED"] = stamp
        table = self.table(obj)
        table[recordno] = stored
        self._undo(lambda: table.pop(recordno, None))
        return recordno

    def update(self, obj: str, recordno: int, changes: Record) -> Record:
        table = self.table(obj)
        before = copy.deepcopy(table[recordno])
        table[recordno].update(changes)
        table[recordno]["WHENMODIFIED"] = intacct_timestamp(self.now())
        self._undo(lambda: table.__setitem__(recordno, before))
        return table[recordno]

    def delete(self, obj: str, recordno: int) -> None:
        table = self.table(obj)
        before = table.pop(recordno)
        self._undo(lambda: table.__setitem__(recordno, before))

    def get(self, obj: str, recordno: int) -> Record | None:
        return self.table(obj).get(recordno)

    def rows(self, obj: str) -> Iterator[Record]:
        return iter(list(self.table(obj).values()))

    def find(self, obj: str, **equals: str) -> list[Record]:
        """Records of ``obj`` whose fields equal the given strings (case-sensitive, like ids)."""
        return [r for r in self.table(obj).values() if all(r.get(k) == v for k, v in equals.items())]

    def find_one(self, obj: str, **equals: str) -> Record | None:
        found = self.find(obj, **equals)
        return found[0] if found else None

    def next_number(self, doc_type: str, prefix: str = "") -> str:
        """Next document number of an auto-numbered sequence (journaled like a write)."""
        value = self.sequences.get(doc_type, 0) + 1
        self.sequences[doc_type] = value
        self._undo(lambda: self.sequences.__setitem__(doc_type, value - 1))
        return f"{prefix}{value}"

    # -- transactions -----------------------------------------------------------------------------
    def _undo(self, step: Callable[[], None]) -> None:
        if self._journal is not None:
            self._journal.append(step)

    def begin(self) -> None:
        """Start journaling writes so ``rollback`` can undo them (``transaction="true"``)."""
        self._journal = []

    def commit(self) -> None:
        self._journal = None

    def rollback(self) -> None:
        steps, self._journal = self._journal or [], None
        for step in reversed(steps):
            step()
