"""Attachments against the sandbox: folders made on demand, one supporting document per record holding its
files, the record linked through SUPDOCID, and downloads returning the very bytes uploaded."""

from __future__ import annotations

import pytest

from connectors.base import AttachmentUpload
from connectors.errors import ConnectorNotFoundError, ConnectorUnsupported
from connectors.intacct import IntacctConnector
from connectors.intacct.sandbox import CompanyState

from . import _records as records
from .test_push_ap import ok, push_one

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def upload(
    record_id: str, *, key: str, name: str = "invoice.pdf", content: bytes = PDF, **extra: str
) -> AttachmentUpload:
    return AttachmentUpload(
        data_type=extra.pop("data_type", "bills"),
        record_id=record_id,
        file_name=name,
        content_type="application/pdf",
        content=content,
        operation_key=key,
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.asyncio
async def test_upload_list_and_download_a_bill_attachment(
    us: IntacctConnector, company: CompanyState
) -> None:
    bill = ok(await push_one(us, records.create("a-bill", "bills", records.bill())))
    info = await us.upload_attachment(
        upload(bill["id"], key="a-up-1", folder="Invoices/2024", attachment_id="BILL-DOCS-1")
    )
    assert info.id == "BILL-DOCS-1:invoice" and info.name == "invoice.pdf" and info.file_size == len(PDF)
    folders = {row["name"]: row for row in company.rows("SUPDOCFOLDER")}
    assert folders["2024"]["parentfolder"] == "Invoices" and "Invoices" in folders
    supdoc = company.find_one("SUPDOC", supdocid="BILL-DOCS-1")
    assert supdoc is not None and supdoc["folder"] == "2024"
    assert company.find_one("APBILL", RECORDNO=bill["id"])["SUPDOCID"] == "BILL-DOCS-1"  # type: ignore[index]

    second = await us.upload_attachment(
        upload(bill["id"], key="a-up-2", name="receipt.png", content=b"\x89PNG...")
    )
    assert second.id == "BILL-DOCS-1:receipt"
    listed = await us.list_attachments("bills", bill["id"])
    assert [(a.id, a.name, a.file_size) for a in listed] == [
        ("BILL-DOCS-1:invoice", "invoice.pdf", len(PDF)),
        ("BILL-DOCS-1:receipt", "receipt.png", 7),
    ]
    assert listed[0].content_type == "application/pdf"
    assert await us.download_attachment("bills", bill["id"], info.id) == PDF
    assert await us.download_attachment("bills", bill["id"], second.id) == b"\x89PNG..."
    assert len(company.find("SUPDOC")) == 1


@pytest.mark.asyncio
async def test_retried_upload_does_not_add_the_file_twice(
    us: IntacctConnector, company: CompanyState
) -> None:
    bill = ok(await push_one(us, records.create("a-bill2", "bills", records.bill())))
    first = await us.upload_attachment(upload(bill["id"], key="a-retry"))
    assert first.id.endswith(":invoice")  # auto-numbered by Intacct
    again = await us.upload_attachment(upload(bill["id"], key="a-retry"))  # the worker's retry after a crash
    (supdoc,) = company.find("SUPDOC")
    assert len(supdoc["attachments"]) == 1 and again.id == first.id
    assert [a.id for a in await us.list_attachments("bills", bill["id"])] == [first.id]
    assert company.counters.duplicates_refused >= 1


@pytest.mark.asyncio
async def test_same_file_name_twice_gets_a_new_name(us: IntacctConnector) -> None:
    bill = ok(await push_one(us, records.create("a-bill3", "bills", records.bill())))
    first = await us.upload_attachment(upload(bill["id"], key="a-same-1"))
    second = await us.upload_attachment(upload(bill["id"], key="a-same-2", content=b"v2"))
    assert first.id != second.id and second.name == "invoice (2).pdf"
    assert await us.download_attachment("bills", bill["id"], second.id) == b"v2"


@pytest.mark.asyncio
async def test_supplier_attachment_links_by_vendor_id(us: IntacctConnector, company: CompanyState) -> None:
    info = await us.upload_attachment(upload("V0002", key="a-sup", data_type="suppliers", name="w9.pdf"))
    vendor = company.find_one("VENDOR", VENDORID="V0002")
    assert vendor is not None and info.id.startswith(f"{vendor['SUPDOCID']}:")
    assert await us.download_attachment("suppliers", "V0002", info.id) == PDF


@pytest.mark.asyncio
async def test_attachment_errors(us: IntacctConnector) -> None:
    bill = ok(await push_one(us, records.create("a-bill4", "bills", records.bill())))
    with pytest.raises(ConnectorNotFoundError):
        await us.upload_attachment(upload("999999", key="a-missing"))
    with pytest.raises(ConnectorNotFoundError):
        await us.download_attachment("bills", bill["id"], "NOPE:file")
    with pytest.raises(ConnectorUnsupported):
        await us.list_attachments("taxRates", "1")
    assert await us.list_attachments("bills", bill["id"]) == []
