"""Attachments through HTTP: upload as a push operation -> a supporting document in the sandbox linked
to the record; list, metadata and download return what was uploaded; bad uploads are clear 4xx."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from datamodel import Attachment, AttachmentsDataset, decode_json
from tests.integration.gateway.helpers import error_body, error_fields
from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import Linked, PushEnv, push_env

pytestmark = pytest.mark.asyncio(loop_scope="session")

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


async def created(env: PushEnv, linked: Linked, path: str, body: dict[str, Any]) -> str:
    response = await env.push(linked, path, body)
    async with env.worker():
        done = await env.wait(linked, response.json()["pushOperationKey"])
    assert done["status"] == "Success", done
    return str(done["changes"][0]["recordRef"]["id"])


async def upload(
    env: PushEnv,
    linked: Linked,
    path: str,
    *,
    name: str = "invoice-scan.pdf",
    content: bytes = PDF,
    content_type: str = "application/pdf",
    attachment: dict[str, Any] | str | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    data = {}
    if attachment is not None:
        data["attachment"] = attachment if isinstance(attachment, str) else json.dumps(attachment)
    return await env.client.post(
        f"{linked.base}/push/{path}",
        files={"file": (name, content, content_type)},
        data=data,
        headers={**linked.headers, **(headers or {})},
    )


async def test_a_file_uploaded_to_a_bill_is_linked_in_intacct_and_downloads_byte_for_byte(
    env: PushEnv,
) -> None:
    linked = await env.link()
    bill_id = await created(env, linked, "bills", b.bill(uuid.uuid4().hex[:8]))
    response = await upload(
        env, linked, f"bills/{bill_id}/attachments", attachment={"id": "DOC77", "name": "Bills/2024"}
    )
    assert response.status_code == 200, response.text
    pending = response.json()
    assert pending["status"] == "Pending" and pending["dataType"] == "bills"
    async with env.worker():
        done = await env.wait(linked, pending["pushOperationKey"])
    assert done["status"] == "Success", (done.get("errorMessage"), done.get("validation"))
    change = done["changes"][0]
    assert change["type"] == "AttachmentUploaded"
    assert change["recordRef"] == {"id": bill_id, "dataType": "bills"}
    attachment_id = change["attachmentId"]
    assert attachment_id and attachment_id.startswith("DOC77")

    # In the sandbox: a supporting document in the folder, linked to the bill.
    bill = env.demo.get("APBILL", int(bill_id))
    assert bill["SUPDOCID"] == "DOC77"
    [supdoc] = env.demo.find("SUPDOC", supdocid="DOC77")
    assert supdoc["folder"] in ("Bills/2024", "2024")

    base = f"{linked.base}/data/bills/{bill_id}/attachments"
    listed = decode_json((await env.client.get(base, headers=linked.headers)).content, AttachmentsDataset)
    assert [a.id for a in listed.attachments] == [attachment_id]
    one = await env.client.get(f"{base}/{attachment_id}", headers=linked.headers)
    assert one.status_code == 200
    assert decode_json(one.content, Attachment).id == attachment_id
    download = await env.client.get(f"{base}/{attachment_id}/download", headers=linked.headers)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"].startswith("application/octet-stream")
    assert "invoice-scan.pdf" in download.headers["content-disposition"]

    # Downloads of files the gateway uploaded come from its copy; others from Intacct (same bytes).
    await env.pool.execute(
        "DELETE FROM attachments WHERE operation_id = $1", uuid.UUID(done["pushOperationKey"])
    )
    from_intacct = await env.client.get(f"{base}/{attachment_id}/download", headers=linked.headers)
    assert from_intacct.status_code == 200 and from_intacct.content == PDF
    missing = await env.client.get(f"{base}/DOC77:nothing", headers=linked.headers)
    assert missing.status_code == 404


async def test_a_second_file_joins_the_same_intacct_attachment(env: PushEnv) -> None:
    linked = await env.link()
    bill_id = await created(env, linked, "bills", b.bill(uuid.uuid4().hex[:8]))
    keys = []
    for name, content in (("first.txt", b"one"), ("second.csv", b"a,b\n1,2\n")):
        response = await upload(
            env, linked, f"bills/{bill_id}/attachments", name=name, content=content, content_type="text/plain"
        )
        assert response.status_code == 200, response.text
        keys.append(response.json()["pushOperationKey"])
        async with env.worker():
            done = await env.wait(linked, keys[-1])
        assert done["status"] == "Success", (done.get("errorMessage"), done.get("validation"))
    listed = (
        await env.client.get(f"{linked.base}/data/bills/{bill_id}/attachments", headers=linked.headers)
    ).json()
    assert len(listed["attachments"]) == 2
    supdoc_id = env.demo.get("APBILL", int(bill_id))["SUPDOCID"]
    assert supdoc_id and all(a["id"].startswith(f"{supdoc_id}:") for a in listed["attachments"])
    second = next(a for a in listed["attachments"] if a["id"].endswith("second"))
    download = await env.client.get(
        f"{linked.base}/data/bills/{bill_id}/attachments/{second['id']}/download", headers=linked.headers
    )
    assert download.content == b"a,b\n1,2\n"


async def test_other_types_take_codats_singular_upload_path(env: PushEnv) -> None:
    linked = await env.link()
    for path, data_type in (
        ("invoices/55/attachment", "invoices"),
        ("billCreditNotes/56/attachment", "billCreditNotes"),
        ("directIncomes/57/attachment", "directIncomes"),
    ):
        response = await upload(
            env, linked, path, name="notes.txt", content=b"hello", content_type="text/plain"
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "Pending" and response.json()["dataType"] == data_type
    plural = await upload(env, linked, "invoices/55/attachments")
    assert plural.status_code in (404, 405)
    rows = await env.pool.fetch(
        "SELECT data_type, record_id, file_name, content FROM attachments "
        "WHERE connection_id = $1 ORDER BY data_type",
        uuid.UUID(linked.connection_id),
    )
    assert [(r["data_type"], r["record_id"], r["file_name"], bytes(r["content"])) for r in rows] == [
        ("billCreditNotes", "56", "notes.txt", b"hello"),
        ("directIncomes", "57", "notes.txt", b"hello"),
        ("invoices", "55", "notes.txt", b"hello"),
    ]


async def test_uploads_are_checked_before_anything_is_stored(env: PushEnv) -> None:
    linked = await env.link()
    path = "bills/123/attachments"
    exe = await upload(
        env, linked, path, name="tool.exe", content=b"MZ\x90\x00", content_type="application/x-msdownload"
    )
    assert exe.status_code == 415 and "application/x-msdownload" in error_body(exe).error
    empty = await upload(env, linked, path, content=b"")
    assert empty.status_code == 400 and "file" in error_fields(empty)
    for bad in ("not json", {"name": "a/b/c"}, {"id": "has space"}, {"folder": "x"}):
        response = await upload(env, linked, path, attachment=bad)
        assert response.status_code == 400, (bad, response.text)
        assert any(f.startswith("attachment") for f in error_fields(response)), response.text
    no_file = await env.client.post(
        f"{linked.base}/push/{path}", data={"attachment": "{}"}, headers=linked.headers
    )
    assert no_file.status_code == 400
    transfer = await upload(env, linked, "transfers/5/attachment")
    assert transfer.status_code == 404 and "not supported" in error_body(transfer).error
    # A generic content type is resolved from the file name.
    guessed = await upload(
        env, linked, path, name="scan.png", content=b"\x89PNG....", content_type="application/octet-stream"
    )
    assert guessed.status_code == 200, guessed.text
    stored = await env.pool.fetch(
        "SELECT content_type, file_size FROM attachments WHERE connection_id = $1",
        uuid.UUID(linked.connection_id),
    )
    assert [(r["content_type"], r["file_size"]) for r in stored] == [("image/png", 8)]


async def test_files_over_the_limit_are_413(settings: Any) -> None:
    async with push_env(settings, max_attachment_bytes=1000) as env:
        linked = await env.link()
        big = await upload(
            env, linked, "bills/1/attachments", content=b"x" * 1001, content_type="text/plain", name="a.txt"
        )
        assert big.status_code == 413 and "1000 bytes" in error_body(big).error
        fits = await upload(
            env, linked, "bills/1/attachments", content=b"x" * 1000, content_type="text/plain", name="a.txt"
        )
        assert fits.status_code == 200


async def test_an_upload_to_a_missing_record_fails_with_the_reason(env: PushEnv) -> None:
    linked = await env.link()
    response = await upload(env, linked, "bills/999999/attachments")
    async with env.worker():
        done = await env.wait(linked, response.json()["pushOperationKey"])
    assert done["status"] == "Failed" and done["statusCode"] == 404, done
    assert "999999" in done["errorMessage"]
