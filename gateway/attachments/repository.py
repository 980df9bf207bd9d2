"""The gateway's copy of uploaded files (table ``attachments``, migration 0004), tenant-scoped.

An upload is a push operation: the request stores the bytes here under the operation's id and the
worker sends them from here. Once Intacct has the file, ``attachment_id`` holds its id, and downloads
of that attachment are served from this copy (same bytes, no call to Intacct).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from gateway.jobs.rows import Db

_COLUMNS = (
    "id, tenant_id, company_id, connection_id, data_type, record_id, operation_id, attachment_id, "
    "requested_id, folder, file_name, content_type, file_size, sha256, created_at, uploaded_at"
)


class AttachmentRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def insert(
        self,
        *,
        tenant_id: uuid.UUID,
        company_id: uuid.UUID,
        connection_id: uuid.UUID,
        data_type: str,
        record_id: str,
        operation_id: uuid.UUID,
        file_name: str,
        content_type: str,
        content: bytes,
        requested_id: str | None,
        folder: str | None,
    ) -> uuid.UUID:
        """Keep the file for the upload operation ``operation_id`` (one file per operation)."""
        row_id = uuid.uuid4()
        await self._db.execute(
            """INSERT INTO attachments (id, tenant_id, company_id, connection_id, data_type, record_id,
                   operation_id, requested_id, folder, file_name, content_type, file_size, sha256, content)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
               ON CONFLICT (operation_id) DO NOTHING""",
            row_id,
            tenant_id,
            company_id,
            connection_id,
            data_type,
            record_id,
            operation_id,
            requested_id,
            folder,
            file_name,
            content_type,
            len(content),
            hashlib.sha256(content).hexdigest(),
            content,
        )
        return row_id

    async def for_operation(self, tenant_id: uuid.UUID, operation_id: uuid.UUID) -> dict[str, Any] | None:
        """The stored upload of a push operation, with its bytes."""
        row = await self._db.fetchrow(
            f"SELECT {_COLUMNS}, content FROM attachments WHERE tenant_id = $1 AND operation_id = $2",
            tenant_id,
            operation_id,
        )
        return None if row is None else dict(row)

    async def mark_uploaded(self, tenant_id: uuid.UUID, row_id: uuid.UUID, attachment_id: str) -> None:
        await self._db.execute(
            "UPDATE attachments SET attachment_id = $3, uploaded_at = now() WHERE tenant_id = $1 AND id = $2",
            tenant_id,
            row_id,
            attachment_id,
        )

    async def find(
        self,
        tenant_id: uuid.UUID,
        connection_id: uuid.UUID,
        data_type: str,
        record_id: str,
        attachment_id: str,
        *,
        with_content: bool = False,
    ) -> dict[str, Any] | None:
        """The newest stored copy of an uploaded attachment of one record, if the gateway uploaded it."""
        content = ", content" if with_content else ""
        row = await self._db.fetchrow(
            f"""SELECT {_COLUMNS}{content} FROM attachments
            WHERE tenant_id = $1 AND connection_id = $2 AND data_type = $3 AND record_id = $4
              AND attachment_id = $5
            ORDER BY uploaded_at DESC NULLS LAST LIMIT 1""",
            tenant_id,
            connection_id,
            data_type,
            record_id,
            attachment_id,
        )
        return None if row is None else dict(row)
