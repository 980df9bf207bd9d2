"""Files on records: Intacct supporting documents ("attachments") linked through ``SUPDOCID``.

Intacct keeps files in an attachment record (``supdoc``) that lives in a folder and holds any number of
files; a transaction or party points at one record through its ``SUPDOCID``. So a unified record has at most
one supdoc, and each upload adds a file to it:

* the folder (``Folder`` or ``Folder/SubFolder``; the connection's default otherwise) is created when
  ``get_list supdocfolder`` does not show it, parent first;
* the record has no ``SUPDOCID`` yet -> ``create_supdoc`` (the id Codat's ``attachment`` form part names, or
  empty for Intacct's numbering) and then the record is updated with ``SUPDOCID``; it has one ->
  ``update_supdoc`` adds the file;
* listing and downloading use ``get supdoc`` (its files come with their base64 data).

A unified attachment id is ``<supdocid>:<file name without extension>`` (Intacct names files uniquely
within a record). Every write carries a controlid derived from the operation key, so a retried upload is
refused as a duplicate instead of adding the file twice.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import structlog

from connectors.base import AttachmentInfo, AttachmentUpload
from connectors.errors import ConnectorNotFoundError, ConnectorRejectedError, ConnectorUnsupported, FieldIssue
from connectors.intacct.client import Function
from connectors.intacct.errors import IntacctDuplicateError
from connectors.intacct.facts_loader import Read, query_many
from connectors.intacct.mapping import mapping_for
from connectors.intacct.mapping._common import read_date
from connectors.intacct.query import Eq
from connectors.intacct.xml.response import FunctionResult
from connectors.intacct.xml.tree import EMPTY, as_list, to_element

if TYPE_CHECKING:
    from connectors.intacct.client import IntacctClient

__all__ = ["Attachments", "attachment_id", "split_attachment_id"]

log = structlog.get_logger(__name__)
Row = dict[str, Any]
_UNSAFE = re.compile(r"[\x00-\x1f:/\\]")


def attachment_id(supdoc_id: str, name: str) -> str:
    return f"{supdoc_id}:{name}"


def split_attachment_id(value: str) -> tuple[str, str]:
    supdoc_id, sep, name = value.partition(":")
    if not sep or not supdoc_id or not name:
        raise ConnectorNotFoundError(f"{value!r} is not an attachment id of this connection")
    return supdoc_id, name


def _file_parts(file_name: str, content_type: str) -> tuple[str, str]:
    """(attachmentname, attachmenttype): the name without extension, and the extension without dot."""
    path = PurePosixPath(file_name.replace("\\", "/")).name
    stem, suffix = PurePosixPath(path).stem, PurePosixPath(path).suffix.lstrip(".")
    if not suffix:
        suffix = (mimetypes.guess_extension(content_type.split(";")[0].strip()) or "").lstrip(".")
    stem = _UNSAFE.sub("_", stem).strip() or "attachment"
    return stem, suffix.lower()


def _clean(data: Any) -> str:
    """Base64 text without the line breaks Intacct may wrap it in."""
    return re.sub(r"\s+", "", str(data or ""))


def _info(supdoc: Mapping[str, Any], entry: Mapping[str, Any]) -> AttachmentInfo:
    name, kind = str(entry.get("attachmentname") or ""), str(entry.get("attachmenttype") or "")
    data = _clean(entry.get("attachmentdata"))
    size = len(base64.b64decode(data)) if data else None
    file_name = f"{name}.{kind}" if kind else name
    return AttachmentInfo(
        id=attachment_id(str(supdoc.get("supdocid") or ""), name),
        name=file_name,
        content_type=mimetypes.guess_type(file_name)[0] or ("application/octet-stream" if kind else None),
        file_size=size,
        date_created=read_date(supdoc.get("creationdate")),
    )


def _files(supdoc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    holder = supdoc.get("attachments")
    entries = as_list(holder.get("attachment")) if isinstance(holder, Mapping) else []
    return [entry for entry in entries if isinstance(entry, Mapping)]


class Attachments:
    """Upload, list and download the files of unified records."""

    def __init__(self, client: IntacctClient, *, default_folder: str = "Attachments") -> None:
        self._client = client
        self.default_folder = default_folder

    # -- reading ----------------------------------------------------------------------------------------

    async def _record(self, data_type: str, record_id: str) -> tuple[str, str, Row]:
        """(object, id field, row with RECORDNO and SUPDOCID) of the record files are attached to."""
        mapping = mapping_for(data_type)
        if mapping.record_object is None or not mapping.writable:
            raise ConnectorUnsupported(f"Attachments are not supported for {data_type} in Sage Intacct")
        obj, id_field = mapping.record_object, mapping.id_field
        fields = list(dict.fromkeys(["RECORDNO", id_field, "SUPDOCID"]))
        (rows,) = await query_many(self._client, [Read(obj, fields, Eq(id_field, record_id))])
        if not rows:
            raise ConnectorNotFoundError(f"No {data_type} record with id {record_id} exists in Sage Intacct")
        return obj, id_field, rows[0]

    async def _supdoc(self, supdoc_id: str) -> Mapping[str, Any] | None:
        element = to_element("get", {"@object": "supdoc", "@key": supdoc_id})
        (result,) = await self._client.execute([Function.read(element)])
        if not result.ok:
            return None
        return result.records[0] if result.records else None

    async def list_attachments(self, data_type: str, record_id: str) -> list[AttachmentInfo]:
        _, _, row = await self._record(data_type, record_id)
        supdoc_id = str(row.get("SUPDOCID") or "")
        supdoc = await self._supdoc(supdoc_id) if supdoc_id else None
        return [_info(supdoc, entry) for entry in _files(supdoc)] if supdoc else []

    async def download_attachment(self, data_type: str, record_id: str, attachment: str) -> bytes:
        supdoc_id, name = split_attachment_id(attachment)
        _, _, row = await self._record(data_type, record_id)
        if str(row.get("SUPDOCID") or "") != supdoc_id:
            raise ConnectorNotFoundError(
                f"Attachment {attachment} does not belong to {data_type} {record_id}"
            )
        supdoc = await self._supdoc(supdoc_id)
        entry = next((e for e in _files(supdoc) if e.get("attachmentname") == name), None) if supdoc else None
        if entry is None:
            raise ConnectorNotFoundError(f"Attachment {attachment} does not exist in Sage Intacct")
        return base64.b64decode(_clean(entry.get("attachmentdata")))

    # -- uploading --------------------------------------------------------------------------------------

    async def _write(self, controlid: str, element: Any) -> FunctionResult | None:
        """One write; ``None`` when Intacct had already executed it (a retried upload)."""
        (result,) = await self._client.execute([Function.write(element, controlid)])
        if result.ok:
            return result
        if isinstance(result.error, IntacctDuplicateError):
            log.info("intacct.attachment_step_already_done", controlid=controlid)
            return None
        result.raise_for_status()
        return result

    async def _folders(self, path: Sequence[str], key: str) -> None:
        """Create the folders of ``path`` that do not exist yet, parent first."""
        expressions = [{"field": "name", "operator": "=", "value": name} for name in path]
        where = (
            {"expression": expressions[0]}
            if len(expressions) == 1
            else {"logical": {"@logical_operator": "or", "expression": expressions}}
        )
        listing = to_element("get_list", {"@object": "supdocfolder", "@maxitems": "100", "filter": where})
        (result,) = await self._client.execute([Function.read(listing)])
        existing = {str(r.get("name")) for r in result.raise_for_status().records}
        for depth, name in enumerate(path):
            if name in existing:
                continue
            body = {"supdocfoldername": name, "supdocparentfoldername": path[depth - 1] if depth else None}
            await self._write(f"{key}:att:folder:{depth}", to_element("create_supdocfolder", body))

    async def upload_attachment(self, upload: AttachmentUpload) -> AttachmentInfo:
        if not upload.content:
            raise ConnectorRejectedError(
                "The file is empty", issues=[FieldIssue("file", "Must not be empty.")]
            )
        key = upload.operation_key or f"attachment-{upload.data_type}-{upload.record_id}"
        obj, id_field, row = await self._record(upload.data_type, upload.record_id)
        path = [part.strip() for part in (upload.folder or self.default_folder).split("/") if part.strip()]
        if not path:
            raise ConnectorRejectedError(
                "The folder name is empty", issues=[FieldIssue("attachment.name", "Must name a folder.")]
            )
        await self._folders(path, key)
        name, kind = _file_parts(upload.file_name, upload.content_type)
        current = str(row.get("SUPDOCID") or "")
        supdoc = await self._supdoc(current) if current else None
        taken = {str(e.get("attachmentname")) for e in _files(supdoc)} if supdoc else set()
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name} ({n})"
        file_tree = {
            "attachment": {
                "attachmentname": unique,
                "attachmenttype": kind or None,
                "attachmentdata": base64.b64encode(upload.content).decode("ascii"),
            }
        }
        data = file_tree["attachment"]["attachmentdata"]
        if current:
            body = {"supdocid": current, "attachments": file_tree}
            written = await self._write(f"{key}:att:file", to_element("update_supdoc", body))
            supdoc_id = current
        else:
            supdoc_id, written = await self._create(upload, key, path[-1], file_tree)
            link = {"RECORDNO": row.get("RECORDNO"), "SUPDOCID": supdoc_id}
            if id_field != "RECORDNO":
                link = {id_field: row.get(id_field), "SUPDOCID": supdoc_id}
            element = (
                to_element("update_invoice", {"@key": row.get("RECORDNO"), "supdocid": supdoc_id})
                if obj == "ARINVOICE"
                else to_element("update", {obj: link})
            )
            await self._write(f"{key}:att:link", element)
        if written is None:  # a retry of an upload Intacct already has: find the file it stored
            stored = await self._supdoc(supdoc_id)
            same = [e for e in _files(stored) if _clean(e.get("attachmentdata")) == data] if stored else []
            if same:
                unique = str(same[-1].get("attachmentname") or unique)
        log.info("intacct.attachment_uploaded", object=obj, record=upload.record_id, supdoc=supdoc_id)
        return AttachmentInfo(
            id=attachment_id(supdoc_id, unique),
            name=f"{unique}.{kind}" if kind else unique,
            content_type=upload.content_type or None,
            file_size=len(upload.content),
        )

    async def _create(
        self, upload: AttachmentUpload, key: str, folder: str, files: Mapping[str, Any]
    ) -> tuple[str, FunctionResult | None]:
        """``create_supdoc`` (same controlid as an ``update_supdoc`` of the file, so a retry that finds the
        record already linked is refused too); its id, found again by its description on a lost answer."""
        description = f"{upload.data_type} {upload.record_id} ({key})"
        body = {
            "supdocid": upload.attachment_id or EMPTY,
            "supdocname": f"{upload.data_type} {upload.record_id}"[:100],
            "supdocfoldername": folder,
            "supdocdescription": description,
            "attachments": files,
        }
        result = await self._write(f"{key}:att:file", to_element("create_supdoc", body))
        if result is not None and result.key:
            return result.key, result
        if upload.attachment_id:
            return upload.attachment_id, result
        expression = {"expression": {"field": "description", "operator": "=", "value": description}}
        listing = to_element("get_list", {"@object": "supdoc", "@maxitems": "1", "filter": expression})
        (found,) = await self._client.execute([Function.read(listing)])
        rows = found.raise_for_status().records
        if not rows or not rows[0].get("supdocid"):
            raise ConnectorNotFoundError(
                "Intacct recorded the attachment before but it cannot be found again"
            )
        return str(rows[0]["supdocid"]), result
