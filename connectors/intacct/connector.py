"""``IntacctConnector``: the ``Connector`` for Sage Intacct (Codat platform key ``knfz``).

Wires stored credentials and connection settings to an ``IntacctClient`` and exposes it. Read/write
handlers per data type are added by the mapping layer on top of ``resources.py``; this class owns the
connection check: a fresh ``getAPISession`` plus the list of entities the user can choose from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import msgspec

from connectors.base import Capability, ConnectionCheck, ConnectorContext, DataTypeResource
from connectors.errors import ConnectorConfigError
from connectors.intacct.client import IntacctClient
from connectors.intacct.config import IntacctCredentials
from connectors.intacct.limits import LimitSettings
from connectors.intacct.resources import DATA_TYPES
from connectors.intacct.session import SessionCache
from connectors.intacct.transport import IntacctTransport, RetryPolicy


def limit_settings(settings: Mapping[str, Any] | LimitSettings | None) -> LimitSettings:
    """Connection settings -> ``LimitSettings`` (snake_case or camelCase keys; unknown keys ignored)."""
    if isinstance(settings, LimitSettings):
        return settings
    if not settings:
        return LimitSettings()
    known = set(LimitSettings.__struct_fields__)
    picked: dict[str, Any] = {}
    for key, value in settings.items():
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in key)
        if snake in known:
            picked[snake] = value
    try:
        return msgspec.convert(picked, LimitSettings)
    except (msgspec.ValidationError, ValueError) as exc:
        raise ConnectorConfigError(f"Intacct limit settings are invalid: {exc}") from exc


class IntacctConnector:
    """One connection to one Intacct company (optionally one entity of it)."""

    key: ClassVar[str] = "knfz"
    name: ClassVar[str] = "Sage Intacct"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.READ, Capability.WRITE, Capability.ENTITIES, Capability.INCREMENTAL_READ}
    )
    data_types: ClassVar[Mapping[str, type[DataTypeResource]]] = DATA_TYPES

    def __init__(
        self,
        credentials: IntacctCredentials | Mapping[str, Any],
        /,
        *,
        settings: Mapping[str, Any] | LimitSettings | None = None,
        context: ConnectorContext | None = None,
        client: IntacctClient | None = None,
        session_cache: SessionCache | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        if client is not None:
            self.client = client
            self.credentials = client.credentials
            return
        self.credentials = (
            credentials
            if isinstance(credentials, IntacctCredentials)
            else IntacctCredentials.from_mapping(credentials)
        )
        context = context or ConnectorContext()
        http = IntacctTransport(context.http_client, retry=retry) if context.http_client or retry else None
        self.client = IntacctClient(
            self.credentials,
            limits=limit_settings(settings),
            limit_store=context.limit_store,
            session_cache=session_cache,
            http=http,
            metrics=context.metrics,
        )

    def __repr__(self) -> str:
        return f"IntacctConnector({self.credentials!r})"

    async def check_connection(self) -> ConnectionCheck:
        """Sign in afresh and list entities; wrong credentials or setup give ``ok=False`` in plain words.

        Transient trouble (Intacct down, throttled) is raised: it says nothing about the credentials.
        """
        try:
            return await self.client.check()
        except ConnectorConfigError as exc:
            return ConnectionCheck(ok=False, message=exc.message, error=exc)

    async def aclose(self) -> None:
        """Nothing of its own to release: the HTTP pool, sessions and limits are process-wide."""
