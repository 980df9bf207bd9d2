"""Attachments: upload as a push operation, list and read through the connector, download.

Upload checks the file before anything is stored (size against ``ATTACHMENT_MAX_BYTES`` -> 413, type
against the allowed list -> 415, an empty file or a malformed ``attachment`` part -> 400 naming the
part), keeps a copy of the bytes in the store and queues a push operation; the worker sends the file to
Intacct and answers ``changes[0] = {type: AttachmentUploaded, attachmentId}``.

Reads ask the connector (Intacct is the truth about what is attached, including files attached in
Intacct itself). Downloads of files the gateway uploaded are served from the stored copy — the same
bytes, without a call to Intacct; any other attachment is fetched from Intacct.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from connectors.base import Capability, Operation
from connectors.errors import ConnectorUnsupported
from connectors.registry import get_connector
from datamodel import Attachment, AttachmentsDataset, DecodeError, decode_json
from datamodel.enums import WriteType
from gateway.attachments.repository import AttachmentRepository
from gateway.attachments.schemas import (
    ALLOWED_CONTENT_TYPES,
    AttachmentPart,
    clean_file_name,
    resolve_content_type,
)
from gateway.errors import GatewayError, InvalidRequest, NotFound, PayloadTooLarge
from gateway.jobs.rows import Db
from gateway.push.connectors import ConnectionRef
from gateway.push.idempotency import request_hash
from gateway.push.schemas import PushPayload
from gateway.push.service import Prepared, PushService
from gateway.push.views import utc_text
from gateway.tenancy.schemas import TenantContext


class UnsupportedMediaType(GatewayError):
    """The file's type is not one the platform keeps as an attachment."""

    status_code = 415


@dataclass(frozen=True, slots=True)
class Upload:
    """A checked upload, ready to store."""

    file_name: str
    content_type: str
    content: bytes
    part: AttachmentPart


def check_upload(
    file_name: str | None,
    declared_type: str | None,
    content: bytes,
    attachment: str | None,
    *,
    max_bytes: int,
) -> Upload:
    """Validate one uploaded file and its ``attachment`` part; raises the 4xx that says what is wrong."""
    if len(content) > max_bytes:
        raise PayloadTooLarge(
            f"The file is {len(content)} bytes; attachments may be at most {max_bytes} bytes "
            "(ATTACHMENT_MAX_BYTES)."
        )
    if not content:
        raise InvalidRequest.field("file", "The file is empty.", "Attachment")
    content_type = resolve_content_type(declared_type, file_name or "")
    if content_type not in ALLOWED_CONTENT_TYPES:
        allowed = ", ".join(sorted(ALLOWED_CONTENT_TYPES))
        raise UnsupportedMediaType(
            f"Files of type {content_type or 'unknown'!r} cannot be attached; send one of: {allowed}."
        )
    part = AttachmentPart()
    if attachment is not None and attachment.strip():
        try:
            part = decode_json(attachment.encode(), AttachmentPart)
        except (DecodeError, ValueError) as exc:
            detail = str(exc).split(" - at `$", 1)
            where = detail[1].rstrip("`").lstrip(".") if len(detail) > 1 and detail[1].strip("`") else ""
            raise InvalidRequest.field(
                f"attachment.{where}" if where else "attachment",
                f'must be JSON {{"id": "...", "name": "Folder/SubFolder"}}: {detail[0]}',
                "Attachment",
            ) from None
    return Upload(clean_file_name(file_name, content_type), content_type, content, part)


def require_attachments(ref: ConnectionRef, data_type: str) -> None:
    """Codat's "not supported" error unless the platform keeps attachments for ``data_type``."""
    factory = get_connector(ref.integration_key)
    capabilities: frozenset[Capability] = getattr(factory, "capabilities", frozenset())
    resource = getattr(factory, "data_types", {}).get(data_type)
    # A resource may declare ``attachments``; otherwise records that can be written can carry files
    # (Intacct links a supporting document by updating the record), read-only ones cannot.
    declared = getattr(resource, "attachments", None)
    operations: frozenset[Operation] = getattr(resource, "operations", frozenset())
    writable = bool({Operation.CREATE, Operation.UPDATE} & set(operations))
    if (
        Capability.ATTACHMENTS in capabilities
        and resource is not None
        and (declared or (declared is None and writable))
    ):
        return
    raise ConnectorUnsupported(
        f"Attachments of {data_type} are not supported by platform(s) {ref.platform_name()}."
    )


def to_attachment(info: Any) -> Attachment:
    return Attachment(
        id=info.id,
        name=info.name,
        content_type=info.content_type,
        file_size=info.file_size,
        date_created=info.date_created,
    )


class AttachmentService:
    def __init__(self, pool: Db, push: PushService, *, max_bytes: int) -> None:
        self._pool = pool
        self._push = push
        self._repo = AttachmentRepository(pool)
        self._max_bytes = max_bytes

    def check(
        self, file_name: str | None, declared_type: str | None, content: bytes, attachment: str | None
    ) -> Upload:
        return check_upload(file_name, declared_type, content, attachment, max_bytes=self._max_bytes)

    async def upload(
        self,
        tenant: TenantContext,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        data_type: str,
        record_id: str,
        upload: Upload,
        *,
        idempotency_key: str | None = None,
        timeout_in_minutes: int | None = None,
    ) -> bytes:
        ref = await self._push.connection(tenant, company_id, connection_id)
        require_attachments(ref, data_type)
        ref.require(data_type, Operation.READ)
        ref.require_usable()
        hash_ = request_hash(
            "attach",
            data_type,
            record_id,
            upload.file_name,
            upload.content_type,
            upload.content,
            upload.part.id or "",
            upload.part.name or "",
            str(timeout_in_minutes or ""),
        )

        async def prepare(operation_id: uuid.UUID) -> Prepared:
            row_id = await self._repo.insert(
                tenant_id=ref.tenant_id,
                company_id=ref.company_id,
                connection_id=ref.connection_id,
                data_type=data_type,
                record_id=record_id,
                operation_id=operation_id,
                file_name=upload.file_name,
                content_type=upload.content_type,
                content=upload.content,
                requested_id=upload.part.id,
                folder=upload.part.name,
            )
            payload = PushPayload(
                type=WriteType.UPLOAD_ATTACHMENT,
                action="attach",
                connector_type=data_type,
                record_id=record_id,
                attachment_row_id=str(row_id),
            )
            return Prepared(payload=payload)

        return await self._push.create_operation(
            ref,
            data_type=data_type,
            hash_=hash_,
            idempotency_key=idempotency_key,
            timeout_in_minutes=timeout_in_minutes,
            prepare=prepare,
        )

    async def _connector(
        self, tenant: TenantContext, company_id: uuid.UUID, connection_id: uuid.UUID, data_type: str
    ) -> tuple[ConnectionRef, Any]:
        ref = await self._push.connection(tenant, company_id, connection_id)
        require_attachments(ref, data_type)
        return ref, await self._push.connector(ref)

    async def list(
        self,
        tenant: TenantContext,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        data_type: str,
        record_id: str,
    ) -> AttachmentsDataset:
        _, connector = await self._connector(tenant, company_id, connection_id, data_type)
        infos: Sequence[Any] = await connector.list_attachments(data_type, record_id)
        return AttachmentsDataset(attachments=[to_attachment(info) for info in infos])

    async def get(
        self,
        tenant: TenantContext,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        data_type: str,
        record_id: str,
        attachment_id: str,
    ) -> Attachment:
        dataset = await self.list(tenant, company_id, connection_id, data_type, record_id)
        for attachment in dataset.attachments:
            if attachment.id == attachment_id:
                return attachment
        stored = await self._repo.find(tenant.tenant_id, connection_id, data_type, record_id, attachment_id)
        if stored is not None:
            return Attachment(
                id=attachment_id,
                name=stored["file_name"],
                content_type=stored["content_type"],
                file_size=stored["file_size"],
                date_created=utc_text(stored["created_at"]),
            )
        raise NotFound(f"No attachment {attachment_id} found on {data_type} {record_id}.")

    async def download(
        self,
        tenant: TenantContext,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        data_type: str,
        record_id: str,
        attachment_id: str,
    ) -> tuple[bytes, str, str]:
        """(bytes, file name, content type): the stored copy when the gateway uploaded it, else Intacct's."""
        stored = await self._repo.find(
            tenant.tenant_id, connection_id, data_type, record_id, attachment_id, with_content=True
        )
        if stored is not None:
            return bytes(stored["content"]), stored["file_name"], stored["content_type"]
        _, connector = await self._connector(tenant, company_id, connection_id, data_type)
        content: bytes = await connector.download_attachment(data_type, record_id, attachment_id)
        return content, f"{attachment_id}", "application/octet-stream"
