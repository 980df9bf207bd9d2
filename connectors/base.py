"""The connector contract: what the gateway may ask of any accounting system's connector.

Kept deliberately small so a second accounting system needs only ``connectors/<name>/`` and one line in
``connectors/registry.py``:

* ``key`` — Codat's platform key (``knfz`` for Sage Intacct), used in ``POST …/connections``;
* ``capabilities`` — what the connector can do at all (read, write, entities …);
* ``data_types`` — one declarative class per unified data type (class attributes: unified name,
  upstream object, key field, allowed operations), the way singer declares streams;
* ``check_connection()`` — are the credentials good; which entities can be chosen.

Read/write handlers per data type are added to the resource classes by the mapping layers; the
Protocol only fixes what the gateway relies on today.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Protocol, runtime_checkable

from connectors.errors import ConnectorError


class Capability(StrEnum):
    """Connector-wide abilities."""

    READ = "read"
    WRITE = "write"
    ENTITIES = "entities"
    ATTACHMENTS = "attachments"
    INCREMENTAL_READ = "incremental_read"


class Operation(StrEnum):
    """What may be done to one data type."""

    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class CompanyEntity:
    """One entity (sub-company) the credentials can reach; ``id`` is what the user picks."""

    id: str
    name: str
    currency: str | None = None
    record_no: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    """Outcome of ``check_connection``: ``ok`` with the reachable entities, or the error in plain words."""

    ok: bool
    message: str | None = None
    entities: tuple[CompanyEntity, ...] = ()
    error: ConnectorError | None = None
    details: Mapping[str, str] = field(default_factory=dict)


class DataTypeResource(Protocol):
    """Declarative description of one unified data type a connector supports."""

    #: Unified (Codat) name: ``bills``, ``invoices``, ``suppliers`` …
    data_type: ClassVar[str]
    #: Upstream object read for it (``APBILL``).
    upstream_object: ClassVar[str]
    #: Field that identifies a record upstream (``RECORDNO``).
    key_field: ClassVar[str]
    operations: ClassVar[frozenset[Operation]]


@runtime_checkable
class Connector(Protocol):
    """One live connection to one company of an accounting system."""

    key: ClassVar[str]
    name: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    data_types: ClassVar[Mapping[str, type[DataTypeResource]]]

    async def check_connection(self) -> ConnectionCheck:
        """Prove the credentials work now; configuration errors come back as ``ok=False``."""
        ...

    async def aclose(self) -> None:
        """Release what the connector holds (it never closes shared process-wide resources)."""
        ...


@dataclass(frozen=True, slots=True)
class ConnectorContext:
    """Process-wide parts the gateway shares between connectors (each optional; connectors default them).

    * ``http_client`` — an ``httpx.AsyncClient`` (tests inject one on a mock or sandbox transport);
    * ``limit_store`` — the shared upstream-limit state (for Intacct a ``LimitStore``, PostgreSQL-backed
      in the gateway);
    * ``metrics`` — a hook told about limit waits.
    """

    http_client: Any = None
    limit_store: Any = None
    metrics: Any = None


class ConnectorFactory(Protocol):
    """How the registry builds a connector: the stored credentials and connection settings (mappings)
    plus the shared context."""

    def __call__(
        self,
        credentials: Mapping[str, Any],
        /,
        *,
        settings: Mapping[str, Any] | None = None,
        context: ConnectorContext | None = None,
    ) -> Connector: ...


def supports(connector: type[Connector] | Connector, data_type: str, operation: Operation) -> bool:
    """Does ``connector`` declare ``operation`` for ``data_type``?"""
    resource = connector.data_types.get(data_type)
    return resource is not None and operation in resource.operations
