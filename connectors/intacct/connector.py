"""``IntacctConnector``: the ``DataConnector`` for Sage Intacct (Codat platform key ``knfz``).

Wires stored credentials and connection settings to an ``IntacctClient`` and the parts built on it:
``FactsLoader`` (what mapping rules need to know about the company, cached), ``PushExecutor`` (writes),
``Reader`` (pulls and id scans), ``Attachments`` and ``Passthrough``. The connection check is a fresh
``getAPISession`` plus the list of entities the user can choose from.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Literal

import msgspec

from connectors.base import (
    AttachmentInfo,
    AttachmentUpload,
    Capability,
    ConnectionCheck,
    ConnectorContext,
    DataTypeResource,
    PushOutcome,
    PushRequest,
    ReadPage,
    Record,
    ValidationIssue,
)
from connectors.errors import ConnectorConfigError, ConnectorUnsupported
from connectors.intacct.attachments import Attachments
from connectors.intacct.client import IntacctClient
from connectors.intacct.config import IntacctCredentials
from connectors.intacct.facts_loader import ConnectionSettings, FactsLoader
from connectors.intacct.limits import LimitSettings
from connectors.intacct.mapping import mapping_for
from connectors.intacct.passthrough import Passthrough
from connectors.intacct.reader import Reader
from connectors.intacct.resources import DATA_TYPES
from connectors.intacct.rules.options import build_options
from connectors.intacct.session import SessionCache
from connectors.intacct.transport import IntacctTransport, RetryPolicy
from connectors.intacct.writer import PushExecutor
from datamodel import to_builtins


def limit_settings(settings: Mapping[str, Any] | LimitSettings | None) -> LimitSettings:
    """Connection settings -> ``LimitSettings`` (snake_case or camelCase keys, at the top level or in a
    nested ``limits`` object; unknown keys ignored)."""
    if isinstance(settings, LimitSettings):
        return settings
    if not settings:
        return LimitSettings()
    known = set(LimitSettings.__struct_fields__)
    picked: dict[str, Any] = {}
    nested = settings.get("limits")
    flat = {**settings, **(nested if isinstance(nested, Mapping) else {})}
    for key, value in flat.items():
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
        {
            Capability.READ,
            Capability.WRITE,
            Capability.ENTITIES,
            Capability.INCREMENTAL_READ,
            Capability.ATTACHMENTS,
        }
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
        self.settings = ConnectionSettings.from_mapping(
            None if isinstance(settings, LimitSettings) else settings
        )
        if client is not None:
            self.client = client
            self.credentials = client.credentials
        else:
            self.credentials = (
                credentials
                if isinstance(credentials, IntacctCredentials)
                else IntacctCredentials.from_mapping(credentials)
            )
            context = context or ConnectorContext()
            http = (
                IntacctTransport(context.http_client, retry=retry) if context.http_client or retry else None
            )
            self.client = IntacctClient(
                self.credentials,
                limits=limit_settings(settings),
                limit_store=context.limit_store,
                session_cache=session_cache,
                http=http,
                metrics=context.metrics,
            )
        self.facts = FactsLoader(
            self.client, self.settings, shared=context.shared_cache if context is not None else None
        )
        self._writer = PushExecutor(self.client, self.facts)
        self._reader = Reader(self.client, self.facts)
        self._attachments = Attachments(self.client, default_folder=self.settings.attachments_folder)
        self._passthrough = Passthrough(self.client)

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

    async def prepare(self) -> None:
        """Load the company facts (after a link): validation and mapping need them, and with the
        gateway's shared cache every process then starts with them."""
        await self.facts.get()

    async def aclose(self) -> None:
        """Nothing of its own to release: the HTTP pool, sessions and limits are process-wide."""

    # -- DataConnector -------------------------------------------------------------------------------

    async def options(self, data_type: str) -> Mapping[str, Any]:
        """Codat's push-options tree for ``data_type`` on this company (currencies, methods, rules)."""
        mapping = mapping_for(data_type)
        if mapping.unsupported:
            raise ConnectorUnsupported(mapping.unsupported)
        if mapping.rules is None:
            raise ConnectorUnsupported(f"{data_type} is read only in Sage Intacct: there is nothing to push")
        tree = to_builtins(build_options(mapping.rules, await self.facts.get()))
        assert isinstance(tree, dict)
        return tree

    async def validate(self, request: PushRequest) -> list[ValidationIssue]:
        return await self._writer.validate(request)

    async def push(self, requests: Sequence[PushRequest]) -> list[PushOutcome]:
        return await self._writer.push(requests)

    def read(self, data_type: str, *, modified_since: datetime | None = None) -> AsyncIterator[ReadPage]:
        return self._reader.read(data_type, modified_since=modified_since)

    async def list_ids(self, data_type: str) -> set[str]:
        return await self._reader.list_ids(data_type)

    async def upload_attachment(self, upload: AttachmentUpload) -> AttachmentInfo:
        return await self._attachments.upload_attachment(upload)

    async def list_attachments(self, data_type: str, record_id: str) -> list[AttachmentInfo]:
        return await self._attachments.list_attachments(data_type, record_id)

    async def download_attachment(self, data_type: str, record_id: str, attachment_id: str) -> bytes:
        return await self._attachments.download_attachment(data_type, record_id, attachment_id)

    async def passthrough_query(
        self,
        object_name: str,
        fields: Sequence[str],
        *,
        filter: Mapping[str, Any] | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> tuple[list[Record], int]:
        return await self._passthrough.query(
            object_name, fields, filter=filter, page=page, page_size=page_size
        )

    async def passthrough_write(
        self,
        object_name: str,
        action: Literal["create", "update"],
        fields: Mapping[str, Any],
        *,
        operation_key: str,
    ) -> Record:
        return await self._passthrough.write(object_name, action, fields, operation_key=operation_key)
