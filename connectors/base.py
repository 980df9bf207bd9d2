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

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

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

    # Optional: ``async def prepare(self) -> None`` — learn what the connector needs about the company
    # (the gateway calls it after a successful link, so the first operation need not).


@dataclass(frozen=True, slots=True)
class ConnectorContext:
    """Process-wide parts the gateway shares between connectors (each optional; connectors default them).

    * ``http_client`` — an ``httpx.AsyncClient`` (tests inject one on a mock or sandbox transport);
    * ``limit_store`` — the shared upstream-limit state (for Intacct a ``LimitStore``, PostgreSQL-backed
      in the gateway);
    * ``metrics`` — a hook told about limit waits;
    * ``shared_cache`` — a ``SharedCache`` scoped to this connection, where a connector keeps what it
      learnt about the company for the gateway's other processes (``None``: nothing is shared).
    """

    http_client: Any = None
    limit_store: Any = None
    metrics: Any = None
    shared_cache: SharedCache | None = None


class SharedCache(Protocol):
    """Bytes under a key for a while, shared by every process of the gateway for one connection.

    Why: a value like Intacct company facts costs a request of the company's call budget to learn, and
    the API process and each worker would otherwise learn it separately. The gateway scopes the cache to
    one connection before handing it over, so connectors never see another connection's entries.
    Failures are the cache's business: ``get`` answers ``None`` and ``put`` does nothing when the store
    cannot be reached, since the connector can always ask upstream instead.
    """

    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, value: bytes, ttl_seconds: float) -> None: ...


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


# -- data-level contract: push, read, attachments, passthrough ---------------------------------------
#
# Records cross this boundary as plain dict trees with Codat's camelCase keys (``datamodel.to_builtins``
# of a unified Struct; ``Decimal`` money stays ``Decimal``), so the gateway stores and serves them
# without knowing the connector, and connectors validate them against their own rule tables.

PushAction = Literal["create", "update", "delete"]
Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One problem for a push operation's ``validation.errors``/``warnings`` (Codat ``ValidationItem``).

    ``severity`` tells ``validate``'s errors (refuse the push) from its warnings (the push goes ahead)."""

    field: str | None
    message: str
    validator: str
    severity: Literal["error", "warning"] = "error"


@dataclass(frozen=True, slots=True)
class PushRequest:
    """One unified write. ``operation_key`` is stable across retries and crashes of the same operation,
    so the connector derives its upstream idempotency key (Intacct function ``controlid``) from it."""

    operation_key: str
    data_type: str
    action: PushAction
    record: Record | None = None
    record_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecordChange:
    """Codat ``PushOperationChange``: ``type`` is Created/Modified/Deleted/AttachmentUploaded."""

    type: str
    record_id: str
    data_type: str
    attachment_id: str | None = None


@dataclass(slots=True)
class PushOutcome:
    """What happened to one ``PushRequest``.

    ``ok`` with ``record`` (the record as the upstream now holds it, unified) and ``changes``; or not ok
    with ``errors`` naming fields and a ``message`` saying what to fix. ``retryable`` marks failures that
    say nothing about the data (upstream down): the worker retries those with the same operation key.
    """

    operation_key: str
    ok: bool
    record: Record | None = None
    record_id: str | None = None
    changes: list[RecordChange] = field(default_factory=list)
    warnings: list[ValidationIssue] = field(default_factory=list)
    errors: list[ValidationIssue] = field(default_factory=list)
    message: str | None = None
    retryable: bool = False
    #: HTTP-like code for the push operation's ``statusCode`` (200 ok, 400 data refused, 401/403 config…).
    status_code: int = 200


@dataclass(frozen=True, slots=True)
class ReadPage:
    """One page of unified records from a pull; ``ids_seen`` is set on full pulls' id scans."""

    records: list[Record]
    #: Total the upstream reported for the whole pull (for progress), when known.
    total: int | None = None


@dataclass(frozen=True, slots=True)
class AttachmentUpload:
    data_type: str
    record_id: str
    file_name: str
    content_type: str
    content: bytes
    #: Codat's ``attachment`` form part for Intacct: the supporting-document id shown in Intacct's UI.
    attachment_id: str | None = None
    #: Folder, or ``Folder/SubFolder``; created when missing.
    folder: str | None = None
    operation_key: str = ""


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """Codat ``Attachment``."""

    id: str
    name: str
    content_type: str | None
    file_size: int | None
    date_created: str | None = None


class DataConnector(Connector, Protocol):
    """A connector that reads and writes unified records (every production connector)."""

    async def options(self, data_type: str) -> Mapping[str, Any]:
        """Codat's push-options tree (``PushOption`` as a dict) for ``data_type`` on this company."""
        ...

    async def validate(self, request: PushRequest) -> list[ValidationIssue]:
        """Pre-send validation from the same rules as ``options``; errors refuse the push at once."""
        ...

    async def push(self, requests: Sequence[PushRequest]) -> list[PushOutcome]:
        """Carry out writes (batched within upstream limits); one outcome per request, same order.

        Safe to call again with the same operation keys after a crash: nothing is written twice."""
        ...

    def read(self, data_type: str, *, modified_since: datetime | None = None) -> AsyncIterator[ReadPage]:
        """Pages of unified records changed since ``modified_since`` (all records when ``None``)."""
        ...

    async def list_ids(self, data_type: str) -> set[str]:
        """Every id of ``data_type`` upstream now (to flag records deleted since the last pull)."""
        ...

    async def upload_attachment(self, upload: AttachmentUpload) -> AttachmentInfo: ...

    async def list_attachments(self, data_type: str, record_id: str) -> list[AttachmentInfo]: ...

    async def download_attachment(self, data_type: str, record_id: str, attachment_id: str) -> bytes: ...

    async def passthrough_query(
        self,
        object_name: str,
        fields: Sequence[str],
        *,
        filter: Mapping[str, Any] | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> tuple[list[Record], int]:
        """Objects the unified model does not cover (e.g. PROJECT): raw upstream rows and the total."""
        ...

    async def passthrough_write(
        self,
        object_name: str,
        action: Literal["create", "update"],
        fields: Mapping[str, Any],
        *,
        operation_key: str,
    ) -> Record:
        """Create or update an unmodelled object; returns the upstream key fields of the record."""
        ...
