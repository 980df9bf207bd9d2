"""Attachment routes (Codat's paths, codat-sdk-paths.txt) and the upload form.

Codat's upload path is ``…/attachment`` (singular) for every type except bills (``…/attachments``);
the read paths (list, metadata, download) are ``…/connections/{connectionId}/data/{type}/{id}/
attachments[/{attachmentId}[/download]]``.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from typing import Annotated

from litestar.datastructures import UploadFile
from msgspec import Meta

from datamodel._base import Model


@dataclass(frozen=True, slots=True)
class UploadRoute:
    """``POST …/push/{path}/{id_param}/{suffix}``; ``data_type`` is the Codat DataType of the record."""

    path: str
    id_param: str
    suffix: str
    singular: str

    @property
    def data_type(self) -> str:
        return self.path

    @property
    def operation_id(self) -> str:
        return f"upload-{self.singular}-attachment"


@dataclass(frozen=True, slots=True)
class ReadRoute:
    """``GET …/data/{path}/{id_param}/attachments…``."""

    path: str
    id_param: str
    singular: str


UPLOAD_ROUTES: tuple[UploadRoute, ...] = (
    UploadRoute("billCreditNotes", "billCreditNoteId", "attachment", "bill-credit-note"),
    UploadRoute("bills", "billId", "attachments", "bill"),
    UploadRoute("directIncomes", "directIncomeId", "attachment", "direct-income"),
    UploadRoute("invoices", "invoiceId", "attachment", "invoice"),
    UploadRoute("transfers", "transferId", "attachment", "transfer"),
)
READ_ROUTES: tuple[ReadRoute, ...] = (
    ReadRoute("bills", "billId", "bill"),
    ReadRoute("customers", "customerId", "customer"),
    ReadRoute("directIncomes", "directIncomeId", "direct-income"),
    ReadRoute("invoices", "invoiceId", "invoice"),
    ReadRoute("suppliers", "supplierId", "supplier"),
)

# What Intacct keeps as supporting documents and people attach to transactions: documents, images,
# spreadsheets, text and archives. Anything else (executables, HTML) is refused with 415.
ALLOWED_CONTENT_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/tiff",
        "image/bmp",
        "text/plain",
        "text/csv",
        "application/xml",
        "text/xml",
        "application/zip",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/rtf",
    }
)
GENERIC_CONTENT_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})

SUPDOC_ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,29}$"
FOLDER = r"^[^/\\]{1,100}(/[^/\\]{1,100})?$"


class AttachmentPart(Model, kw_only=True):
    """Intacct's extra form part ``attachment``: the supporting-document id shown in Intacct's UI and
    the folder (``Folder`` or ``Folder/SubFolder``, created when missing)."""

    id: (
        Annotated[
            str,
            Meta(pattern=SUPDOC_ID, description="Attachment (supdoc) id; Intacct numbers it when absent."),
        ]
        | None
    ) = None
    name: Annotated[str, Meta(pattern=FOLDER, description="Folder or Folder/SubFolder.")] | None = None


@dataclass
class AttachmentForm:
    """``multipart/form-data`` body of an upload: ``file`` and, for Sage Intacct, ``attachment``
    (JSON ``{"id": "...", "name": "Folder/SubFolder"}``)."""

    file: UploadFile
    attachment: str | None = None


_SAFE_NAME = re.compile(r"[^\w.\- ()]+")


def resolve_content_type(declared: str | None, file_name: str) -> str:
    """The part's content type, or the one its file name implies when the client sent a generic one."""
    value = (declared or "").split(";", 1)[0].strip().lower()
    if value in GENERIC_CONTENT_TYPES:
        guessed, _ = mimetypes.guess_type(file_name)
        return guessed or value or "application/octet-stream"
    return value


def clean_file_name(name: str | None, content_type: str) -> str:
    """A file name Intacct accepts (name and extension), never a path."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = _SAFE_NAME.sub("_", base)[:200].strip(" .") or "attachment"
    if "." not in base:
        extension = mimetypes.guess_extension(content_type) or ""
        base += extension
    return base
