"""Company facts for one connection: what mapping rules need to know about the Intacct company.

``FactsLoader`` gathers ``CompanyFacts`` with a handful of reads run concurrently — the connected entity
(``LOCATIONENTITY``: base currency, tax solution), GL accounts with their bank ties (``GLACCOUNT`` +
``CHECKINGACCOUNT``/``SAVINGSACCOUNT``), tax details (``TAXDETAIL``), payment methods, GL journals and
user-defined dimensions (``getDimensions``) — merges in the connection settings, and caches the result per
connector instance for ``factsTtlSeconds``. Dimension values that a push names by their exact name instead
of ``DIMENSION-id`` are looked up on demand (``DEPARTMENT`` by ``TITLE``, the others by ``NAME``) and the
found ids are cached with the facts.

Connection settings (``ConnectionSettings``): Intacct's XML API does not expose everything mapping rules
depend on (whether a document type is auto-numbered, whether AP payments need approval ...), so the
company's administrator states it once in the connection settings, which the gateway hands over as a plain
mapping. Keys are camelCase (the gateway's JSON) or snake_case; unknown keys are ignored (the same mapping
carries the limit settings, see ``connector.limit_settings``):

* ``autoNumbering`` — ``{"ARINVOICE": true, "APBILL": false, ...}`` over ``DEFAULT_AUTO_NUMBERING``;
* ``approvals`` — ``{"apPayments": true, "apBills": false}`` (or flat ``apPaymentApproval`` and
  ``apBillApproval``);
* ``salesInvoiceDefinition`` — Order Entry transaction definition for sales invoices (``Sales Invoice``);
* ``customFieldMappings`` — ``[{"dataType": "bills", "intacctField": "X", "sourcePath": "note"}]`` (or
  ``"value": "fixed"`` instead of ``sourcePath``; ``dataType`` ``bills.lineItems`` for line fields);
* ``customDimensions`` — user-defined dimension names besides those ``getDimensions`` reports;
* ``paymentMethods`` — ``{"6": "Cash", ...}`` payment method ids -> Intacct names;
* ``baseCurrency`` — base currency of a top-level connection (an entity reports its own);
* ``currencies`` — further currencies the entity may transact in;
* ``attachmentsFolder`` — default supporting-document folder for uploads (``Attachments``);
* ``factsTtlSeconds`` — how long facts are cached (900).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import msgspec
import structlog
from lxml import etree

from connectors.errors import (
    ConnectorConfigError,
    ConnectorError,
    ConnectorProtocolError,
    ConnectorRejectedError,
)
from connectors.intacct.client import Function
from connectors.intacct.mapping._common import tracking_names
from connectors.intacct.mapping.facts import AccountFact, CompanyFacts, CustomFieldMapping
from connectors.intacct.mapping.journals import journal_symbols
from connectors.intacct.mapping.tax_rates import tax_fact
from connectors.intacct.mapping.tracking_categories import DIMENSIONS
from connectors.intacct.query import Eq, Filter, In, simplify
from connectors.intacct.xml import functions as fn
from connectors.intacct.xml.tree import as_list, to_element

if TYPE_CHECKING:
    from connectors.base import SharedCache
    from connectors.intacct.client import IntacctClient

__all__ = [
    "DEFAULT_AUTO_NUMBERING",
    "ConnectionSettings",
    "FactsLoader",
    "Read",
    "collect",
    "query_many",
    "unqueryable",
    "without",
]

log = structlog.get_logger(__name__)
Record = dict[str, Any]

# --- connection settings -------------------------------------------------------------------------------

#: Intacct's out-of-the-box document sequences: AR documents, GL batches and other receipts are numbered
#: by Intacct, AP bills/adjustments and master-record ids are the user's.
DEFAULT_AUTO_NUMBERING: Final[Mapping[str, bool]] = {
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


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise ConnectorConfigError(f"Connection setting {name} must be true or false, not {value!r}")


def _custom_fields(value: Any) -> tuple[CustomFieldMapping, ...]:
    if not isinstance(value, list):
        raise ConnectorConfigError("Connection setting customFieldMappings must be a list")
    out: list[CustomFieldMapping] = []
    for index, item in enumerate(value):
        entry = {_snake(k): v for k, v in item.items()} if isinstance(item, Mapping) else {}
        data_type, target = entry.get("data_type"), entry.get("intacct_field")
        source, fixed = entry.get("source_path"), entry.get("value")
        if not data_type or not target or (source is None) == (fixed is None):
            raise ConnectorConfigError(
                f"customFieldMappings[{index}] needs dataType, intacctField and one of sourcePath or value"
            )
        out.append(
            CustomFieldMapping(
                str(data_type),
                str(target),
                source_path=None if source is None else str(source),
                value=None if fixed is None else str(fixed),
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """What the connection settings say about the company (see the module docstring for the keys)."""

    auto_numbering: Mapping[str, bool] = field(default_factory=lambda: dict(DEFAULT_AUTO_NUMBERING))
    ap_payment_approval: bool = False
    ap_bill_approval: bool = False
    sales_invoice_definition: str = "Sales Invoice"
    custom_fields: tuple[CustomFieldMapping, ...] = ()
    custom_dimensions: tuple[str, ...] = ()
    payment_methods: Mapping[str, str] = field(default_factory=dict)
    base_currency: str | None = None
    currencies: tuple[str, ...] = ()
    attachments_folder: str = "Attachments"
    facts_ttl_seconds: float = 900.0

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any] | None) -> ConnectionSettings:
        """Parse the stored settings; a value of the wrong shape is a ``ConnectorConfigError``."""
        values = {_snake(k): v for k, v in (settings or {}).items()}
        numbering = dict(DEFAULT_AUTO_NUMBERING)
        raw_numbering = values.get("auto_numbering") or {}
        if not isinstance(raw_numbering, Mapping):
            raise ConnectorConfigError("Connection setting autoNumbering must map document types to booleans")
        for doc, on in raw_numbering.items():
            numbering[str(doc).upper()] = _flag(on, f"autoNumbering.{doc}")
        approvals = {_snake(k): v for k, v in (values.get("approvals") or {}).items()}
        payment_approval = values.get("ap_payment_approval", approvals.get("ap_payments", False))
        bill_approval = values.get("ap_bill_approval", approvals.get("ap_bills", False))
        methods = values.get("payment_methods") or {}
        if not isinstance(methods, Mapping):
            raise ConnectorConfigError("Connection setting paymentMethods must map ids to Intacct names")
        ttl = values.get("facts_ttl_seconds", 900.0)
        try:
            ttl = float(ttl)
        except (TypeError, ValueError):
            raise ConnectorConfigError(f"factsTtlSeconds must be a number, not {ttl!r}") from None
        base = values.get("base_currency")
        return cls(
            auto_numbering=numbering,
            ap_payment_approval=_flag(payment_approval, "apPaymentApproval"),
            ap_bill_approval=_flag(bill_approval, "apBillApproval"),
            sales_invoice_definition=str(values.get("sales_invoice_definition") or "Sales Invoice"),
            custom_fields=_custom_fields(values.get("custom_field_mappings") or []),
            custom_dimensions=tuple(str(d) for d in values.get("custom_dimensions") or ()),
            payment_methods={str(k): str(v) for k, v in methods.items()},
            base_currency=str(base).upper() if base else None,
            currencies=tuple(str(c).upper() for c in values.get("currencies") or ()),
            attachments_folder=str(values.get("attachments_folder") or "Attachments"),
            facts_ttl_seconds=max(0.0, ttl),
        )


# --- reading the facts ---------------------------------------------------------------------------------

#: Objects some companies do not have (no Order Entry, no payment method object ...): a refusal to read
#: them means "none", not a failed push.
_ABSENT = (ConnectorProtocolError, ConnectorRejectedError)
_ENTITY_FIELDS: Final = ("RECORDNO", "LOCATIONID", "NAME", "CURRENCY", "TAXSOLUTIONID", "STATUS")


async def collect(
    client: IntacctClient, object_name: str, fields: Sequence[str], *, filter: Filter | None = None
) -> list[Record]:
    """Every row of a (small) ``query`` — reference data only; big objects are paged by the reader."""
    rows: list[Record] = []
    async for page in client.query(object_name, fields, filter=filter):
        rows.extend(page)
    return rows


@dataclass(frozen=True, slots=True)
class Read:
    """One read of ``query_many``: a ``query`` of ``object`` (or any read ``element``, e.g.
    ``getDimensions``); ``optional`` reads answer ``[]`` when Intacct refuses them."""

    object: str
    fields: Sequence[str] = ()
    filter: Filter | None = None
    optional: bool = False
    element: etree._Element | None = None


_CANNOT_QUERY = re.compile(r"cannot be queried:\s*\[\s*[\w.]+\s*:\s*\[([^\]]*)\]", re.IGNORECASE)


def unqueryable(error: ConnectorError | None) -> set[str]:
    """Fields Intacct named in "The following fields cannot be queried: [ obj: [A, B] ]" (upper case).

    Some fields are only returned by ``read``/``readByQuery`` (and which ones differs between companies
    and releases), so readers drop them and ask again rather than fail a whole pull.
    """
    if error is None:
        return set()
    for text in (error.message, *(e.text() for e in error.errors)):
        match = _CANNOT_QUERY.search(text or "")
        if match:
            return {f.strip().upper() for f in match.group(1).split(",") if f.strip()}
    return set()


def without(fields: Sequence[str], dropped: set[str]) -> list[str]:
    return [f for f in fields if f.upper() not in dropped]


def _function(read: Read) -> Function:
    if read.element is not None:
        return Function.read(read.element)
    condition = simplify(read.filter) if read.filter is not None else None
    return Function.read(
        fn.query(read.object, read.fields, filter=condition, pagesize=fn.QUERY_MAX_PAGESIZE, offset=0)
    )


async def query_many(client: IntacctClient, reads: Sequence[Read]) -> list[list[Record]]:
    """Run several reads in as few HTTP requests as the limits allow (one ``<function>`` each).

    Intacct executes every function of a request, so a dozen small reads cost one round trip instead of
    twelve. A read with more rows than one page continues on its own with ``collect``; a read refused for
    naming fields ``query`` cannot return is asked again without them (see ``unqueryable``).
    """
    pending = list(reads)
    results = await client.execute([_function(r) for r in pending]) if pending else []
    for _ in range(2):
        retry = [
            i
            for i, (read, result) in enumerate(zip(pending, results, strict=True))
            if not result.ok
            and read.element is None
            and without(read.fields, unqueryable(result.error))
            and len(without(read.fields, unqueryable(result.error))) < len(read.fields)
        ]
        if not retry:
            break
        for i in retry:
            dropped = unqueryable(results[i].error)
            log.warning("intacct.fields_not_queryable", object=pending[i].object, fields=sorted(dropped))
            pending[i] = dataclasses.replace(pending[i], fields=without(pending[i].fields, dropped))
        again = await client.execute([_function(pending[i]) for i in retry])
        for i, result in zip(retry, again, strict=True):
            results[i] = result
    out: list[list[Record]] = []
    for read, result in zip(pending, results, strict=True):
        if not result.ok:
            if read.optional and isinstance(result.error, _ABSENT):
                log.info("intacct.object_unavailable", object=read.object, reason=result.error.message)
                out.append([])
                continue
            result.raise_for_status()
        if read.element is None and result.data is not None and result.data.numremaining:
            out.append(await collect(client, read.object, read.fields, filter=read.filter))
        else:
            out.append(list(result.records))
    return out


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    return value.strip() if isinstance(value, str) else ""


def _accounts(gl_rows: Sequence[Record], bank_rows: Sequence[Record]) -> dict[str, AccountFact]:
    """GL accounts by RECORDNO, each with the checking/savings account tied to it (if any)."""
    banks = {_text(b, "GLACCOUNTNO"): b for b in bank_rows if _text(b, "GLACCOUNTNO")}
    accounts: dict[str, AccountFact] = {}
    for row in gl_rows:
        recordno, number = _text(row, "RECORDNO"), _text(row, "ACCOUNTNO")
        if not recordno or not number:
            continue
        bank = banks.get(number)
        accounts[recordno] = AccountFact(
            recordno=recordno,
            account_no=number,
            title=_text(row, "TITLE"),
            bank_account_id=_text(bank, "BANKACCOUNTID") or None if bank else None,
            currency=_text(bank, "CURRENCY") or None if bank else None,
        )
    return accounts


def _user_dimensions(results: Sequence[Record]) -> list[str]:
    """Names of the user-defined dimensions in a ``getDimensions`` answer."""
    names: list[str] = []
    for record in results:
        for dimension in as_list(record.get("dimension")):
            if isinstance(dimension, Mapping) and _text(dimension, "userDefinedDimension").lower() == "true":
                name = _text(dimension, "objectName")
                if name:
                    names.append(name)
    return names


#: Bumped when ``CompanyFacts`` changes shape, so processes never read each other's old layout.
_SHARED_FORMAT: Final = "v1"


class _SharedFacts(msgspec.Struct, frozen=True):
    """What goes into the shared cache: the facts, the entity row, and when Intacct was asked (epoch s)."""

    loaded_at: float
    facts: CompanyFacts
    entity_row: dict[str, Any] | None = None


_SHARED_DECODER: Final = msgspec.json.Decoder(_SharedFacts)


class FactsLoader:
    """Loads and caches ``CompanyFacts`` for one connector instance (one company + entity).

    With a ``shared`` cache (the gateway's, scoped to the connection) the facts one process loaded serve
    every other process until ``factsTtlSeconds`` after Intacct was asked — counted from that moment, not
    from when a process picked them up, so no copy lives longer than one fresh load would.
    """

    def __init__(
        self,
        client: IntacctClient,
        settings: ConnectionSettings,
        *,
        shared: SharedCache | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self.settings = settings
        self._shared = shared
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = asyncio.Lock()
        self._facts: CompanyFacts | None = None
        self._loaded_at = 0.0
        #: The connected entity's LOCATIONENTITY row (None at top level).
        self.entity_row: Record | None = None
        #: Loads from Intacct by this instance (facts taken from the shared cache are not counted).
        self.loads = 0

    def invalidate(self) -> None:
        self._facts = None

    @property
    def shared_key(self) -> str:
        """What the facts depend on: where and as whom (no password: a new password reads the same
        company) and the connection settings, as a digest."""
        c = self._client.credentials
        material = "\x1f".join(
            (c.endpoint_url, c.company_id, c.user_id, c.entity_id or "", repr(self.settings))
        )
        return f"intacct-facts:{_SHARED_FORMAT}:{hashlib.sha256(material.encode()).hexdigest()[:32]}"

    async def get(self, *, refresh: bool = False) -> CompanyFacts:
        """The company facts, from the cache while it is younger than ``factsTtlSeconds``."""
        async with self._lock:
            fresh = self._clock() - self._loaded_at < self.settings.facts_ttl_seconds
            if self._facts is None or refresh or not fresh:
                if refresh or not await self._take_shared():
                    self._facts = await self._load()
                    self._loaded_at = self._clock()
                    self.loads += 1
                    await self._give_shared(self._facts)
            assert self._facts is not None
            return self._facts

    async def _take_shared(self) -> bool:
        """Adopt facts another process loaded, if still fresh; False when there are none to adopt."""
        if self._shared is None:
            return False
        raw = await self._shared.get(self.shared_key)
        if raw is None:
            return False
        try:
            entry = _SHARED_DECODER.decode(raw)
        except msgspec.DecodeError:
            log.warning("intacct.shared_facts_unreadable")
            return False
        age = max(self._wall_clock() - entry.loaded_at, 0.0)
        if age >= self.settings.facts_ttl_seconds:
            return False
        self._facts, self.entity_row = entry.facts, entry.entity_row
        self._loaded_at = self._clock() - age
        return True

    async def _give_shared(self, facts: CompanyFacts) -> None:
        if self._shared is None:
            return
        entry = _SharedFacts(loaded_at=self._wall_clock(), facts=facts, entity_row=self.entity_row)
        await self._shared.put(self.shared_key, msgspec.json.encode(entry), self.settings.facts_ttl_seconds)

    async def _load(self) -> CompanyFacts:
        client, settings = self._client, self.settings
        entity_id = client.credentials.entity_id
        bank_fields = ("BANKACCOUNTID", "GLACCOUNTNO", "CURRENCY")
        reads = [
            Read(
                "LOCATIONENTITY",
                _ENTITY_FIELDS,
                Eq("LOCATIONID", entity_id) if entity_id else None,
                optional=not entity_id,
            ),
            Read("GLACCOUNT", ("RECORDNO", "ACCOUNTNO", "TITLE")),
            Read("CHECKINGACCOUNT", bank_fields, optional=True),
            Read("SAVINGSACCOUNT", bank_fields, optional=True),
            Read("TAXDETAIL", ("RECORDNO", "DETAILID", "VALUE", "TAXTYPE", "STATUS"), optional=True),
            Read("GLJOURNAL", ("RECORDNO", "SYMBOL"), optional=True),
            Read("getDimensions", optional=True, element=to_element("getDimensions", None)),
            Read("PAYMENTMETHOD", ("RECORDNO", "NAME"), optional=True),
        ]
        if settings.payment_methods:
            reads.pop()
        found = await query_many(client, reads)
        entities, gl_rows, checking, savings, tax_rows, journals, dimensions = found[:7]
        methods = found[7] if len(found) > 7 else []
        entity = entities[0] if entity_id and entities else None
        if entity_id and entity is None:
            raise ConnectorConfigError(
                f"Entity {entity_id} does not exist in Intacct company {client.credentials.company_id} "
                "or the user cannot reach it; choose another entity for this connection"
            )
        self.entity_row = entity
        base = (_text(entity, "CURRENCY") if entity else "") or settings.base_currency or "USD"
        banks = [*checking, *savings]
        currencies = dict.fromkeys(
            [base, *settings.currencies, *(_text(r, "CURRENCY") for r in [*entities, *banks])]
        )
        method_names = dict(settings.payment_methods) or {
            _text(r, "RECORDNO"): _text(r, "NAME")
            for r in methods
            if _text(r, "RECORDNO") and _text(r, "NAME")
        }
        taxes = [
            tax_fact(row) for row in tax_rows if (_text(row, "STATUS") or "active").lower() != "inactive"
        ]
        return CompanyFacts(
            company_id=client.credentials.company_id,
            entity_id=entity_id,
            base_currency=base,
            currencies=tuple(c for c in currencies if c),
            tax_solution_id=(_text(entity, "TAXSOLUTIONID") or None) if entity else None,
            auto_numbering=dict(settings.auto_numbering),
            ap_payment_approval=settings.ap_payment_approval,
            ap_bill_approval=settings.ap_bill_approval,
            sales_invoice_definition=settings.sales_invoice_definition,
            payment_methods=method_names,
            custom_fields=settings.custom_fields,
            accounts=_accounts(gl_rows, banks),
            tax_details={tax.recordno: tax for tax in taxes if tax.recordno},
            custom_dimensions=tuple(
                dict.fromkeys([*settings.custom_dimensions, *_user_dimensions(dimensions)])
            ),
            journals=journal_symbols(journals),
        )

    async def with_names(self, facts: CompanyFacts, tracking_ids: Iterable[str]) -> CompanyFacts:
        """``facts`` with ``dimension_names`` covering the tracking ids given by exact name.

        One ``query`` per standard dimension object, for all names at once; names that match nothing are
        left out, so the mapping reports "Tracking Category 'X' cannot be found" for them.
        """
        known = {name for names in facts.dimension_names.values() for name in names}
        wanted = sorted(tracking_names(tracking_ids, facts) - known)
        if not wanted:
            return facts
        found: dict[str, dict[str, str]] = {k: dict(v) for k, v in facts.dimension_names.items()}
        reads = [
            Read(d.object, (d.id_field, d.name_field), In(d.name_field, wanted[i : i + 1000]), optional=True)
            for d in DIMENSIONS
            for i in range(0, len(wanted), 1000)
        ]
        keys = [d for d in DIMENSIONS for _ in range(0, len(wanted), 1000)]
        for dim, rows in zip(keys, await query_many(self._client, reads), strict=True):
            for row in rows:
                name, value = _text(row, dim.name_field), _text(row, dim.id_field)
                if name and value:
                    found.setdefault(dim.key, {})[name] = value
        updated = dataclasses.replace(facts, dimension_names=found)
        if self._facts is facts:
            self._facts = updated
        return updated
