"""Connectors for push, options and attachments, kept per connection for a few minutes.

Why a cache: a connector holds what it learnt about the Intacct company (entity, currencies, accounts,
tax details — the facts validation needs) behind a TTL. Building a new one per request would fetch
those facts from Intacct on every push, costing calls against the company's rate limit and seconds of
latency on a request the client expects to answer at once. Entries are keyed by the connection row's
``updated_at``, so new credentials, a status change or new connection settings give a new connector.

Building is ``gateway/connections/factory.py``'s ``ConnectorProvider`` (decryption, endpoint policy,
shared HTTP client and limit store); this module only decides when to reuse.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import msgspec

from connectors.base import Operation, supports
from connectors.errors import ConnectorUnsupported
from connectors.registry import get_connector
from datamodel.platform import DataConnectionStatus
from gateway.errors import Conflict, NotFound
from gateway.jobs.rows import Db

_CONNECTION = """
SELECT integration_key, status, settings::text AS settings, updated_at
FROM connections WHERE tenant_id = $1 AND company_id = $2 AND id = $3
"""


class ConnectorOpener(Protocol):
    """What builds a connector for a stored connection (``ConnectorProvider`` satisfies it)."""

    async def for_connection(
        self,
        tenant_id: uuid.UUID,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        *,
        settings: Mapping[str, Any] | None = None,
    ) -> Any: ...


@dataclass(frozen=True, slots=True)
class ConnectionRef:
    """The stored connection a push goes through, as far as this feature needs it."""

    tenant_id: uuid.UUID
    company_id: uuid.UUID
    connection_id: uuid.UUID
    integration_key: str
    status: str
    settings: dict[str, Any]
    updated_at: datetime

    @property
    def cache_key(self) -> tuple[uuid.UUID, uuid.UUID, datetime]:
        return (self.tenant_id, self.connection_id, self.updated_at)

    def platform_name(self) -> str:
        factory = get_connector(self.integration_key)
        return str(getattr(factory, "name", self.integration_key))

    def require_usable(self) -> None:
        """Writes need a connection that has not been unlinked or deauthorised."""
        if self.status in (DataConnectionStatus.UNLINKED, DataConnectionStatus.DEAUTHORIZED):
            raise Conflict(
                f"The connection is {self.status}: link it again (PUT …/authorization) before writing."
            )

    def require(self, data_type: str, operation: Operation, *, label: str | None = None) -> None:
        """Codat's "not supported" error unless the platform declares ``operation`` for ``data_type``."""
        factory = get_connector(self.integration_key)
        if getattr(factory, "data_types", None) is not None and supports(factory, data_type, operation):  # type: ignore[arg-type]
            return
        resource = getattr(factory, "data_types", {}).get(data_type)
        reason = (
            (resource.__doc__ or "").strip().splitlines()[0]
            if resource is not None and resource.__doc__
            else ""
        )
        name = self.platform_name()
        what = label or f"{operation.value} of {data_type}"
        detail = f": {reason}" if reason else "."
        raise ConnectorUnsupported(f"{what} is not supported by platform(s) {name}{detail}")


async def load_connection(
    db: Db, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID
) -> ConnectionRef:
    row = await db.fetchrow(_CONNECTION, tenant_id, company_id, connection_id)
    if row is None:
        raise NotFound(f"No connection found with id {connection_id}.")
    return ConnectionRef(
        tenant_id=tenant_id,
        company_id=company_id,
        connection_id=connection_id,
        integration_key=row["integration_key"],
        status=row["status"],
        settings=msgspec.json.decode(row["settings"]) if row["settings"] else {},
        updated_at=row["updated_at"],
    )


class ConnectionLoader:
    """``load_connection`` for the API and the workers: concurrent loads of one connection share a query.

    Why: a batch of a hundred pushes of one connection starts a hundred handler calls at once, each of
    which must see the connection as it is now (status, settings). They all wait for the one query that
    is already under way instead of each sending their own; a load that starts after it has finished
    reads the row again, so nothing older than the query in flight is ever used.
    """

    def __init__(self, db: Db) -> None:
        self._db = db
        self._loading: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], asyncio.Future[ConnectionRef]] = {}

    async def load(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID
    ) -> ConnectionRef:
        key = (tenant_id, company_id, connection_id)
        loading = self._loading.get(key)
        if loading is None:
            loading = asyncio.ensure_future(load_connection(self._db, *key))
            self._loading[key] = loading
            loading.add_done_callback(lambda _: self._loading.pop(key, None))
        return await asyncio.shield(loading)


class ConnectorCache:
    """Up to ``max_size`` connectors, each reused for ``ttl`` seconds while its connection is unchanged.

    Evicted connectors are not closed (another request may still be using one); Intacct connectors
    hold nothing of their own. ``aclose`` closes everything still cached.
    """

    def __init__(self, opener: ConnectorOpener, *, ttl: float = 300.0, max_size: int = 128) -> None:
        self._opener = opener
        self._ttl = ttl
        self._max_size = max_size
        self._entries: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
        self._lock = asyncio.Lock()
        self._building: dict[tuple[Any, ...], asyncio.Future[Any]] = {}

    async def get(self, ref: ConnectionRef) -> Any:
        """The cached connector, or a new one — built once however many requests ask at the same time
        (each would otherwise load the company facts on its own)."""
        key = ref.cache_key
        async with self._lock:
            entry = self._entries.get(key)
            if entry is not None and time.monotonic() - entry[0] < self._ttl:
                self._entries.move_to_end(key)
                return entry[1]
            building = self._building.get(key)
            if building is None:
                building = asyncio.ensure_future(self._build(ref))
                self._building[key] = building
        return await asyncio.shield(building)

    async def _build(self, ref: ConnectionRef) -> Any:
        key = ref.cache_key
        try:
            connector = await self._opener.for_connection(
                ref.tenant_id, ref.company_id, ref.connection_id, settings=ref.settings
            )
        except BaseException:
            async with self._lock:
                self._building.pop(key, None)
            raise
        async with self._lock:  # cached before the build is forgotten: no window for a second build
            self._entries[key] = (time.monotonic(), connector)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_size:
                self._entries.popitem(last=False)
            self._building.pop(key, None)
        return connector

    async def aclose(self) -> None:
        async with self._lock:
            entries = list(self._entries.values())
            self._entries.clear()
        for _, connector in entries:
            await connector.aclose()
