"""In-memory state of the Intacct sandbox: companies, their object tables, configuration and counters.

Records are stored the way Intacct returns them from ``query``/``readByQuery``: one dict per record,
keyed by Intacct field names (``RECORDNO``, ``VENDORID``, ``WHENMODIFIED`` ...), values as the strings
Intacct prints (dates ``MM/DD/YYYY``, timestamps ``MM/DD/YYYY HH:MM:SS``, amounts as plain decimals).
Lines are their own objects (``APBILLITEM`` rows carry ``RECORDKEY`` = the bill's ``RECORDNO``), as in
Intacct, so line queries work like header queries.

Writes go through ``CompanyState.insert/update/delete`` so that ``transaction="true"`` operations can
be rolled back from the undo journal, and every write bumps ``WHENMODIFIED``. Every write (and every
undo) also bumps the table's version, which lets the reader cache filtered/sorted results safely.

``SandboxState`` is the whole simulated Intacct: companies, Web Services senders, API sessions and
``readByQuery`` result sets. Tests inspect it directly (``state.company("DEMO").counters``).
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from connectors.intacct.sandbox.faults import FaultSettings
from connectors.intacct.sandbox.limits import LimitSettings, RateWindow

Record = dict[str, Any]
Clock = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


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
    #: AP bill / AR invoice summaries ("Automatic ... Summaries"): when False, creates need a batch key.
    ap_automatic_bill_summaries: bool = True
    ar_automatic_invoice_summaries: bool = True
    #: Closed books before this date: postings dated earlier are refused.
    books_closed_before: dt.date | None = None
    #: API session lifetime (sliding: every call made with the session extends it by this much).
    session_duration: dt.timedelta = dt.timedelta(hours=8)
    #: The company is a demo company that has expired (control failure PL04000055).
    demo_expired: bool = False


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
    auth_failures: int = 0
    sessions_expired: int = 0
    #: requests refused for carrying more functions than the per-request limit
    oversized_requests: int = 0
    #: fault name -> how many times it was injected
    faults: dict[str, int] = field(default_factory=dict)

    def count_function(self, name: str) -> None:
        self.functions += 1
        self.by_function[name] = self.by_function.get(name, 0) + 1

    def count_fault(self, name: str) -> None:
        self.faults[name] = self.faults.get(name, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "http_requests": self.http_requests,
            "functions": self.functions,
            "by_function": dict(self.by_function),
            "logins": self.logins,
            "max_concurrent": self.max_concurrent,
            "concurrent": self.concurrent,
            "rate_limited": self.rate_limited,
            "duplicates_refused": self.duplicates_refused,
            "auth_failures": self.auth_failures,
            "sessions_expired": self.sessions_expired,
            "oversized_requests": self.oversized_requests,
            "faults": dict(self.faults),
        }

    def reset(self) -> None:
        fresh = Counters(concurrent=self.concurrent)
        self.__dict__.update(fresh.__dict__)


class CompanyState:
    """One Intacct company: users, senders, entities, configuration and object tables."""

    def __init__(self, company_id: str, *, clock: Clock | None = None) -> None:
        self.company_id = company_id
        self.name = company_id
        self.users: dict[str, str] = {}
        self.authorized_senders: set[str] = set()
        self.entities: dict[str, Entity] = {}
        self.config = CompanyConfig()
        self.tables: dict[str, dict[int, Record]] = {}
        #: (from currency, to currency, rate type) -> sorted list of (date, rate)
        self.exchange_rates: dict[tuple[str, str, str], list[tuple[dt.date, Decimal]]] = {}
        self.sequences: dict[str, int] = {}
        self.counters = Counters()
        self.faults = FaultSettings()
        self.limits = LimitSettings()
        self.rate_window = RateWindow()
        #: function controlids executed successfully (uniqueid=true refuses them a second time)
        self.executed_controlids: set[str] = set()
        #: table name -> version, bumped by every write and undo (reader caches key on it)
        self.versions: dict[str, int] = {}
        #: table name -> every field name ever stored in it, in first-seen order (custom fields
        #: become queryable); a dict used as an ordered set
        self.fields_seen: dict[str, dict[str, None]] = {}
        #: derived data of the reader (indexes, filtered lists), keyed with table versions
        self.caches: dict[Any, Any] = {}
        self._recordno = itertools.count(1000)
        self._clock = clock or _utc_now
        self._journal: list[Callable[[], None]] | None = None

    # -- time -------------------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        return self._clock()

    # -- tables -----------------------------------------------------------------------------------
    def table(self, obj: str) -> dict[int, Record]:
        return self.tables.setdefault(obj.upper(), {})

    def version(self, obj: str) -> int:
        return self.versions.get(obj.upper(), 0)

    def _touch(self, obj: str, keys: Any = ()) -> None:
        name = obj.upper()
        self.versions[name] = self.versions.get(name, 0) + 1
        if keys:
            seen = self.fields_seen.setdefault(name, {})
            for key in keys:
                if key not in seen:
                    seen[key] = None

    def allocate_recordno(self) -> int:
        return next(self._recordno)

    def insert(self, obj: str, record: Record, *, recordno: int | None = None) -> int:
        """Store a new record, assigning ``RECORDNO`` and the audit timestamps; returns the RECORDNO.

        ``recordno`` forces the key (seed data with well-known record numbers); it must be free.
        """
        table = self.table(obj)
        if recordno is None:
            recordno = next(self._recordno)
            while recordno in table:
                recordno = next(self._recordno)
        elif recordno in table:
            raise KeyError(f"{obj} RECORDNO {recordno} already exists")
        stamp = intacct_timestamp(self.now())
        stored = {"RECORDNO": str(recordno), **record}
        stored["RECORDNO"] = str(recordno)
        stored.setdefault("WHENCREATED", stamp)
        stored["WHENMODIFIED"] = stamp
        table[recordno] = stored
        self._touch(obj, stored.keys())
        key = recordno

        def undo() -> None:
            table.pop(key, None)
            self._touch(obj)

        self._undo(undo)
        return recordno

    def update(self, obj: str, recordno: int, changes: Record) -> Record:
        table = self.table(obj)
        before = copy.deepcopy(table[recordno])
        table[recordno].update(changes)
        table[recordno]["WHENMODIFIED"] = intacct_timestamp(self.now())
        self._touch(obj, changes.keys())

        def undo() -> None:
            table[recordno] = before
            self._touch(obj)

        self._undo(undo)
        return table[recordno]

    def delete(self, obj: str, recordno: int) -> None:
        table = self.table(obj)
        before = table.pop(recordno)
        self._touch(obj)

        def undo() -> None:
            table[recordno] = before
            self._touch(obj)

        self._undo(undo)

    def bulk_load(self, obj: str, records: list[Record]) -> list[int]:
        """Seed-time fast path: store many records at once (not journaled, one version bump).

        Records may carry their own ``RECORDNO`` (as a string, from ``allocate_recordno``) so that lines
        can point at their header before both are loaded.
        """
        table = self.table(obj)
        stamp = intacct_timestamp(self.now())
        keys: dict[str, None] = {}
        numbers = []
        for record in records:
            recordno = int(record["RECORDNO"]) if record.get("RECORDNO") else next(self._recordno)
            record["RECORDNO"] = str(recordno)
            record.setdefault("WHENCREATED", stamp)
            record.setdefault("WHENMODIFIED", stamp)
            table[recordno] = record
            numbers.append(recordno)
            if len(keys) < len(record):
                keys.update(dict.fromkeys(record))
        self._touch(obj, keys)
        return numbers

    def mark_executed(self, controlid: str) -> None:
        """Remember a successful function controlid (undone if its transaction rolls back)."""
        if controlid in self.executed_controlids:
            return
        self.executed_controlids.add(controlid)
        self._undo(lambda: self.executed_controlids.discard(controlid))

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

    @property
    def in_transaction(self) -> bool:
        return self._journal is not None


@dataclass
class Session:
    """An API session from ``getAPISession``: bound to company, user, entity and endpoint."""

    session_id: str
    company_id: str
    user_id: str
    entity_id: str | None
    endpoint: str
    expires_at: dt.datetime
    #: calls made with this session id (the ``expire_sessions_every`` fault counts them)
    uses: int = 0


@dataclass
class ResultSet:
    """The rest of a ``readByQuery`` answer, kept for ``readMore`` under its ``resultId``."""

    result_id: str
    company_id: str
    listtype: str
    fields: list[str]
    rows: list[Record]
    position: int
    pagesize: int
    expires_at: dt.datetime


class SandboxState:
    """Everything the simulated Intacct knows: companies, senders, sessions, result sets."""

    def __init__(self, *, clock: Clock | None = None) -> None:
        self.companies: dict[str, CompanyState] = {}
        #: Web Services sender id -> sender password (senders are global, authorized per company)
        self.senders: dict[str, str] = {}
        self.sessions: dict[str, Session] = {}
        self.result_sets: dict[str, ResultSet] = {}
        #: valid ``policyid`` values for asynchronous (offline) requests
        self.transport_policies: set[str] = set()
        #: request controlid -> response body of offline requests (what would be posted back)
        self.offline_responses: dict[str, bytes] = {}
        #: append ``[Support ID: …]`` to the first error of each error block, as Intacct does
        self.support_ids = True
        #: how long a ``readByQuery`` result set stays available to ``readMore``
        self.result_ttl = dt.timedelta(minutes=30)
        self._clock = clock or _utc_now

    def now(self) -> dt.datetime:
        return self._clock()

    def add_company(self, company_id: str) -> CompanyState:
        company = CompanyState(company_id, clock=self._clock)
        self.companies[company_id] = company
        return company

    def company(self, company_id: str) -> CompanyState:
        """The company with this id (case-insensitive, like Intacct company ids); KeyError if none."""
        found = self.find_company(company_id)
        if found is None:
            raise KeyError(company_id)
        return found

    def find_company(self, company_id: str) -> CompanyState | None:
        if company_id in self.companies:
            return self.companies[company_id]
        wanted = company_id.casefold()
        for key, company in self.companies.items():
            if key.casefold() == wanted:
                return company
        return None

    def add_sender(self, sender_id: str, password: str) -> None:
        self.senders[sender_id] = password

    @classmethod
    def demo(cls, *, clock: Clock | None = None) -> SandboxState:
        """A sandbox holding the seeded ``DEMO`` company (see ``seed.py``)."""
        from connectors.intacct.sandbox.seed import seed_demo

        state = cls(clock=clock)
        seed_demo(state)
        return state
