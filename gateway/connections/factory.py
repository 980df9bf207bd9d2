"""Building connectors for stored connections: the one place credentials meet a connector.

Why one place: the API (linking, options, passthrough) and the workers (pull, push) all need "a live
connector for connection X", and each of them must apply the same rules:

* credentials are decrypted here and nowhere else, and handed straight to the connector;
* a stored ``endpointUrl`` is honoured only while ``ALLOW_ENDPOINT_URL_OVERRIDE`` allows it — an
  operator who switches it off must not keep sending requests to URLs tenants chose earlier;
* every connector of the process shares one HTTP client and the PostgreSQL-backed limit store, so
  Intacct's per-company limits hold across all workers (``ConnectorContext``).

Tests inject the HTTP client (an ``httpx.AsyncClient`` on the sandbox's ``SandboxTransport``) through
``app.state.connector_http_client`` or the ``http_client`` argument; production leaves it ``None`` and
the connector uses its pooled process-wide client.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Mapping
from typing import Any

import msgspec

from connectors.base import Connector, ConnectorContext
from connectors.errors import ConnectorConfigError
from connectors.registry import create_connector
from gateway.connections.crypto import CredentialCipher, CredentialsUnreadable
from gateway.connections.repository import ConnectionRepository
from gateway.connections.shared_cache import ConnectionCache
from gateway.errors import Conflict, NotFound
from gateway.jobs.limit_store import PostgresLimitStore

ENDPOINT_KEYS = ("endpoint_url", "endpointUrl")


class ConnectorProvider:
    """Makes connectors for one gateway process (API or worker); cheap, so build one per use site.

    With ``cache_seconds`` (workers) a connection's connector is kept and handed out again while its
    credentials and settings are unchanged: it keeps what it learnt about the company (entity, tax
    solution, accounts ...) instead of asking Intacct again for every operation, which matters under
    Intacct's per-company call limit. Callers give connectors back with ``release``.
    """

    def __init__(
        self,
        pool: Any,
        cipher: CredentialCipher,
        *,
        allow_endpoint_override: bool,
        http_client: Any = None,
        metrics: Any = None,
        cache_seconds: float = 0.0,
        cache_size: int = 256,
    ) -> None:
        self.pool = pool
        self.cipher = cipher
        self.allow_endpoint_override = allow_endpoint_override
        self.http_client = http_client
        self.metrics = metrics
        self.cache_seconds = cache_seconds
        self.cache_size = cache_size
        self._repo = ConnectionRepository(pool)
        self._cache: dict[str, tuple[float, Connector]] = {}
        self._cached_ids: set[int] = set()

    @classmethod
    def from_state(cls, state: Any) -> ConnectorProvider:
        """The provider of a running app (``app.state``: pool, cipher, settings, optional injections)."""
        return cls(
            state.pool,
            state.cipher,
            allow_endpoint_override=state.settings.security.allow_endpoint_override,
            http_client=getattr(state, "connector_http_client", None),
            metrics=getattr(state, "connector_metrics", None),
        )

    def context(self, connection: tuple[uuid.UUID, uuid.UUID] | None = None) -> ConnectorContext:
        """The shared parts; with ``connection`` (tenant id, connection id) also its ``SharedCache``."""
        return ConnectorContext(
            http_client=self.http_client,
            limit_store=PostgresLimitStore(self.pool),
            metrics=self.metrics,
            shared_cache=ConnectionCache(self.pool, *connection) if connection is not None else None,
        )

    def build(
        self,
        integration_key: str,
        credentials: Mapping[str, str],
        *,
        settings: Mapping[str, Any] | None = None,
        connection: tuple[uuid.UUID, uuid.UUID] | None = None,
    ) -> Connector:
        """A connector for ``integration_key`` on ``credentials`` (the decrypted authorization body).

        ``connection`` (tenant id, connection id) names the stored connection it serves, so what it
        learns about the company is shared with the gateway's other processes; a connector for
        credentials not yet stored (a link check) shares nothing.

        Raises ``ConnectorConfigError`` when the credentials name an endpoint this gateway forbids.
        """
        if not self.allow_endpoint_override and any(credentials.get(k) for k in ENDPOINT_KEYS):
            raise ConnectorConfigError(
                "This connection names its own Intacct endpoint (endpointUrl), which this gateway does "
                "not allow (ALLOW_ENDPOINT_URL_OVERRIDE=false). Send the authorization again without it."
            )
        return create_connector(
            integration_key, credentials, settings=settings, context=self.context(connection)
        )

    async def credentials(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """(connection row, decrypted credentials); NotFound / Conflict as the connection service says."""
        row = await self._repo.get(tenant_id, company_id, connection_id)
        if row is None:
            raise NotFound(f"No connection found with id {connection_id}.")
        token = await self._repo.credentials(tenant_id, company_id, connection_id)
        if token is None:
            raise Conflict("The connection has no credentials yet: PUT its authorization first.")
        try:
            return row, self.cipher.decrypt(token)
        except CredentialsUnreadable:
            raise Conflict(
                "The connection's credentials cannot be read with the configured secret key."
            ) from None

    async def for_connection(
        self,
        tenant_id: uuid.UUID,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        *,
        settings: Mapping[str, Any] | None = None,
    ) -> Connector:
        """A connector for a stored connection (the caller closes it with ``aclose()``)."""
        row, credentials = await self.credentials(tenant_id, company_id, connection_id)
        if settings is None:
            settings = await self.connection_settings(tenant_id, company_id, connection_id)
        scope = (tenant_id, connection_id)
        if self.cache_seconds <= 0:
            return self.build(row["integration_key"], credentials, settings=settings, connection=scope)
        material = msgspec.json.encode([str(connection_id), row["integration_key"], credentials, settings])
        key = hashlib.sha256(material).hexdigest()
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.cache_seconds:
            return hit[1]
        connector = self.build(row["integration_key"], credentials, settings=settings, connection=scope)
        self._remember(key, now, connector)
        return connector

    def _remember(self, key: str, now: float, connector: Connector) -> None:
        for stale in [k for k, (at, _) in self._cache.items() if now - at >= self.cache_seconds]:
            self._cached_ids.discard(id(self._cache.pop(stale)[1]))
        while len(self._cache) >= self.cache_size:  # oldest first
            oldest = min(self._cache, key=lambda k: self._cache[k][0])
            self._cached_ids.discard(id(self._cache.pop(oldest)[1]))
        self._cache[key] = (now, connector)
        self._cached_ids.add(id(connector))

    async def release(self, connector: Connector) -> None:
        """Give a connector back: a cached one stays open for the next operation, others are closed."""
        if id(connector) not in self._cached_ids:
            await connector.aclose()

    async def connection_settings(
        self, tenant_id: uuid.UUID, company_id: uuid.UUID, connection_id: uuid.UUID
    ) -> dict[str, Any] | None:
        """The connection's settings (custom field mappings, limits ...) or None when it has none.

        Read through ``to_jsonb(row)`` so this works whether or not the ``settings`` column exists yet.
        """
        raw = await self.pool.fetchval(
            "SELECT to_jsonb(c) -> 'settings' FROM connections AS c "
            "WHERE c.tenant_id = $1 AND c.company_id = $2 AND c.id = $3",
            tenant_id,
            company_id,
            connection_id,
        )
        decoded = msgspec.json.decode(raw) if isinstance(raw, str | bytes) else raw
        return dict(decoded) if isinstance(decoded, Mapping) and decoded else None
