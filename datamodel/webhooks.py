"""Webhook event bodies the gateway sends, codat.md §6.

Every event is ``{id, eventType, generatedDate, payload}``. Write events (``{dataType}.write.successful`` /
``.unsuccessful``) carry the push operation's outcome and, on success, the created record's id; the
``read.completed`` event lists each pulled data type with its dataset status and issues.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.enums import DatasetStatus, PushOperationStatus, WriteType
from datamodel.types import DateTime

__all__ = [
    "CompanyReference",
    "CompanyReferenceLinks",
    "ReadCompletedDataType",
    "ReadCompletedIssue",
    "ReadCompletedIssueLinks",
    "ReadCompletedPayload",
    "ReadCompletedWebhookEvent",
    "WebhookEvent",
    "WebhookRecordRef",
    "WritePayload",
    "WriteWebhookEvent",
]

P = TypeVar("P")


class CompanyReferenceLinks(CheckedModel, kw_only=True):
    portal: str | None = None


class CompanyReference(CheckedModel, kw_only=True):
    """The company an event is about (Codat's ``CompanyReference``)."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    links: CompanyReferenceLinks | None = None
    tags: dict[str, str] | None = None


class WebhookRecordRef(CheckedModel, kw_only=True):
    id: str | None = None


class WritePayload(CheckedModel, kw_only=True):
    """``id`` is the push operation key; ``record`` is present on success."""

    id: str
    type: WriteType
    reference_company: CompanyReference | None = None
    connection_id: str | None = None
    requested_on_date: DateTime | None = None
    completed_on_date: DateTime | None = None
    status: PushOperationStatus
    record: WebhookRecordRef | None = None
    attachment_id: str | UnsetType | None = UNSET


class ReadCompletedIssueLinks(CheckedModel, kw_only=True):
    logs: str | None = None
    portal: str | None = None
    read_more: str | None = None


class ReadCompletedIssue(CheckedModel, kw_only=True):
    type: str | None = None
    message: str | None = None
    links: ReadCompletedIssueLinks | None = None


class ReadCompletedDataType(CheckedModel, kw_only=True):
    connection_id: str | None = None
    data_type: str
    records_modified: bool | None = None
    status: DatasetStatus
    issues: list[ReadCompletedIssue] | None = None


class ReadCompletedPayload(CheckedModel, kw_only=True):
    reference_company: CompanyReference | None = None
    modified_from_date: DateTime | None = None
    data_types: list[ReadCompletedDataType]


class WebhookEvent(CheckedModel, Generic[P], kw_only=True):
    id: str
    event_type: str
    generated_date: DateTime
    payload: P


class WriteWebhookEvent(WebhookEvent[WritePayload], kw_only=True):
    """``{dataType}.write.successful`` / ``{dataType}.write.unsuccessful``."""


class ReadCompletedWebhookEvent(WebhookEvent[ReadCompletedPayload], kw_only=True):
    """``read.completed`` / ``read.completed.initial``."""
