"""Attachments of a record, codat.md §4 (list: ``{"attachments": [...]}``; metadata of one attachment).
Upload answers a ``PushOperation`` whose change is ``AttachmentUploaded`` with ``attachmentId`` set."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.types import DateTime

__all__ = ["Attachment", "AttachmentsDataset"]


class Attachment(CheckedModel, kw_only=True):
    id: str | None = None
    name: str | UnsetType | None = UNSET
    content_type: str | UnsetType | None = UNSET
    file_size: int | UnsetType | None = UNSET
    date_created: DateTime | None = None
    include_when_sent: bool | None = None
    modified_date: DateTime | None = None
    source_modified_date: DateTime | None = None


class AttachmentsDataset(CheckedModel, kw_only=True):
    attachments: list[Attachment]
