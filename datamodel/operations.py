"""Push operations (writes) and pull operations (datasets), codat.md §2.2-2.3 and §3.1.

The official SDKs reject a response that lacks a field they require (codat-sdk-models.md), so those fields
have no default here: a ``PushOperation`` cannot be built, and so cannot be sent, without
``pushOperationKey``, ``companyId``, ``dataConnectionKey``, ``status``, ``statusCode`` and
``requestedOnUtc``; the same holds for ``DataStatus`` and ``PullOperation``.

``PushOperation`` is generic in its ``data``: ``PushOperation[Bill]`` is Codat's ``CreateBillResponse``;
the bare ``PushOperation`` (``data: Any``) is the shape of the push history list, where ``data`` is absent
or whatever record was pushed (numbers in it decode to ``Decimal`` through ``datamodel.codec``).
"""

from __future__ import annotations

from typing import Any, Generic, TypeAlias, TypeVar

from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.common import Page
from datamodel.enums import DatasetStatus, DataType, PushChangeType, PushOperationStatus
from datamodel.types import DateTime

__all__ = [
    "DataStatus",
    "DataStatuses",
    "PullOperation",
    "PullOperations",
    "PushOperation",
    "PushOperationChange",
    "PushOperationRef",
    "PushOperations",
    "Validation",
    "ValidationItem",
]

T = TypeVar("T")


class ValidationItem(CheckedModel, kw_only=True):
    """One validation finding: ``itemId`` names the field (``LineItems[0].AccountRef.Id``)."""

    item_id: str | UnsetType | None = UNSET
    message: str | UnsetType | None = UNSET
    validator_name: str | UnsetType | None = UNSET


class Validation(CheckedModel, kw_only=True):
    errors: list[ValidationItem] | UnsetType | None = UNSET
    warnings: list[ValidationItem] | UnsetType | None = UNSET


class PushOperationRef(CheckedModel, kw_only=True):
    id: str | None = None
    data_type: DataType | None = None


class PushOperationChange(CheckedModel, kw_only=True):
    type: PushChangeType | None = None
    record_ref: PushOperationRef | None = None
    attachment_id: str | UnsetType | None = UNSET


class PushOperation(CheckedModel, Generic[T], kw_only=True):
    """The answer to every write, immediately (``Pending``) and when polled (``Success``/``Failed``/
    ``TimedOut``). ``statusCode`` is the HTTP-like code of the outcome (202 while pending)."""

    push_operation_key: str
    company_id: str
    data_connection_key: str
    data_type: DataType | None = None
    status: PushOperationStatus
    status_code: int
    requested_on_utc: DateTime
    completed_on_utc: DateTime | None = None
    timeout_in_minutes: int | UnsetType | None = UNSET
    timeout_in_seconds: int | UnsetType | None = UNSET
    error_message: str | UnsetType | None = UNSET
    validation: Validation | None = None
    changes: list[PushOperationChange] | UnsetType | None = UNSET
    data: T | UnsetType | None = UNSET


class PushOperations(Page[PushOperation[Any]], kw_only=True):
    """``GET /companies/{companyId}/push``."""

    # Bare on purpose: the same "PushOperation" schema as GET …/push/{key} (a parametrised one would
    # add a second schema named "PushOperation_typing.Any_").
    results: list[PushOperation]  # type: ignore[type-arg]


class DataStatus(CheckedModel, kw_only=True):
    """Freshness of one data type; ``GET …/dataStatus`` answers ``DataStatuses`` keyed by data type."""

    data_type: DataType
    last_successful_sync: DateTime
    current_status: DatasetStatus
    latest_sync_id: str | None = None
    latest_successful_sync_id: str | None = None


DataStatuses: TypeAlias = dict[str, DataStatus]


class PullOperation(CheckedModel, kw_only=True):
    """A dataset: one pull of one data type (``POST …/data/queue/{dataType}``, ``GET …/data/history``)."""

    id: str
    company_id: str
    connection_id: str
    data_type: str
    status: DatasetStatus
    status_description: str | UnsetType | None = UNSET
    error_message: str | UnsetType | None = UNSET
    requested: DateTime
    completed: DateTime | None = None
    progress: int
    is_completed: bool
    is_errored: bool


class PullOperations(Page[PullOperation], kw_only=True):
    """``GET /companies/{companyId}/data/history``."""

    results: list[PullOperation]
