"""Attachments in the sandbox: folders, records, files, the legacy get_list/get reads and SUPDOCID links."""

from __future__ import annotations

import base64

from connectors.intacct.xml.tree import from_element
from tests.unit.connectors.intacct.sandbox._handlers_support import (
    build_company,
    call,
    context,
    failure,
    fixture_text,
    key_of,
)


def folder(name: str, extra: str = "") -> str:
    return f"<create_supdocfolder><supdocfoldername>{name}</supdocfoldername>{extra}</create_supdocfolder>"


def attachment(name: str, data: bytes = b"hello") -> str:
    encoded = base64.b64encode(data).decode()
    return (
        f"<attachment><attachmentname>{name}</attachmentname><attachmenttype>txt</attachmenttype>"
        f"<attachmentdata>{encoded}</attachmentdata></attachment>"
    )


def test_folder_and_fixture_records():
    company = build_company()
    ctx = context(company)
    folder_key = key_of(call(ctx, fixture_text("create-supdocfolder-request.xml")))
    assert company.get("SUPDOCFOLDER", folder_key)["name"] == "My Folder"  # type: ignore[index]
    assert failure(ctx, fixture_text("create-supdocfolder-request.xml")) == [
        ("BL34000061", "Another Attachment Folder with the given value(s) My Folder already exists"),
        ("BL01001973", "Could not create supdocfolder record!"),
    ]
    (key,) = call(ctx, fixture_text("create-supdoc-request.xml"))
    row = company.find_one("SUPDOC", supdocid=key.text or "")
    assert row is not None and row["supdocname"] == "Unnamed" and row["folder"] == "My Folder"
    assert (key.text or "").isdigit()
    assert failure(ctx, fixture_text("create-supdoc-request-with-attachment.xml")) == [
        ("BL01001973", "Invalid Attachment Folder 'FyleAttachments' specified."),
        ("BL01001973", "Could not create supdoc record!"),
    ]
    call(ctx, folder("FyleAttachments"))
    (key,) = call(ctx, fixture_text("create-supdoc-request-with-attachment.xml"))
    assert key.text == "Random-abc-2"
    stored = company.find_one("SUPDOC", supdocid="Random-abc-2")
    assert stored is not None and stored["attachments"][0]["attachmentname"] == "Random 123 - 1"
    assert failure(ctx, fixture_text("create-supdoc-request-with-attachment.xml"))[0] == (
        "BL34000061",
        "Another Attachment with the given value(s) Random-abc-2 already exists",
    )


def test_update_adds_files_and_fixture_needs_an_existing_record():
    company = build_company()
    ctx = context(company)
    assert failure(ctx, fixture_text("update-supdoc-request.xml")) == [
        ("BL01001973", "Invalid Attachment 'A1234' specified."),
        ("BL01001973", "Could not update supdoc record!"),
    ]
    call(ctx, folder("Bills"))
    create = (
        "<create_supdoc><supdocid>A1234</supdocid><supdocname>Receipts</supdocname>"
        f"<supdocfoldername>Bills</supdocfoldername><attachments>{attachment('one')}</attachments></create_supdoc>"
    )
    call(ctx, create)
    assert call(ctx, fixture_text("update-supdoc-request.xml"))[0].text == "A1234"
    element = fixture_text("supdoc-attachment-element.xml").split("?>", 1)[1]
    update = f"<update_supdoc><supdocid>A1234</supdocid><attachments>{element}</attachments></update_supdoc>"
    call(ctx, update)
    stored = company.find_one("SUPDOC", supdocid="A1234")
    assert stored is not None and [a["attachmentname"] for a in stored["attachments"]] == ["one", "input"]
    assert failure(ctx, update)[0] == (
        "BL01001973",
        "An attachment named 'input' already exists in this attachment record.",
    )
    broken = update.replace("aGVsbG8sd29ybGQKdW5pdCx0ZXN0", "***not base64***").replace("input", "other")
    assert failure(ctx, broken)[0] == ("BL01001973", "The data of attachment 'other' is not valid base64.")


def test_get_list_filters_sorts_and_pages():
    company = build_company()
    ctx = context(company)
    for name in ("Receipts", "Bills", "FyleAttachments"):
        call(ctx, folder(name))
    listtype, data = call(
        ctx,
        '<get_list object="supdocfolder"><filter><expression><field>name</field><operator>=</operator>'
        "<value>FyleAttachments</value></expression></filter></get_list>",
    )
    assert listtype.text == "supdocfolder" and listtype.get("total") == "1" and listtype.get("start") == "0"
    assert [f.findtext("name") for f in data] == ["FyleAttachments"]
    listtype, data = call(
        ctx,
        '<get_list object="supdocfolder" start="1" maxitems="1"><filter><logical logical_operator="or">'
        "<expression><field>name</field><operator>like</operator><value>%s</value></expression>"
        "<expression><field>name</field><operator>=</operator><value>Bills</value></expression>"
        '</logical></filter><sorts><sortfield order="desc">name</sortfield></sorts></get_list>',
    )
    assert listtype.get("total") == "3" and listtype.get("end") == "1"
    assert [f.findtext("name") for f in data] == ["FyleAttachments"]
    assert failure(ctx, '<get_list object="class"/>') == [("BL01001973", "Object definition class not found")]


def test_get_returns_attachments_with_their_data_and_transactions_link_by_supdocid():
    company = build_company()
    ctx = context(company)
    call(ctx, folder("Bills"))
    call(ctx, f"<create_supdoc><supdocid>ATT-1</supdocid><supdocfoldername>Bills</supdocfoldername>"
              f"<attachments>{attachment('scan', b'%PDF-1')}</attachments></create_supdoc>")  # fmt: skip
    (data,) = call(ctx, '<get object="supdoc" key="ATT-1"/>')
    tree = from_element(data)["supdoc"]
    assert tree["supdocid"] == "ATT-1" and tree["folder"] == "Bills" and tree["createdby"] == "demo-user"
    file = tree["attachments"]["attachment"]
    assert file["attachmentname"] == "scan" and base64.b64decode(file["attachmentdata"]) == b"%PDF-1"
    assert failure(ctx, '<get object="supdoc" key="NOPE"/>') == [
        ("BL01001973", "Cannot find supdoc with key 'NOPE'.")
    ]
    bill = (
        "<create_bill><vendorid>V0001</vendorid><datecreated><year>2024</year><month>06</month><day>01</day>"
        "</datecreated><datedue><year>2024</year><month>07</month><day>01</day></datedue>"
        "<supdocid>{}</supdocid><billitems><lineitem><glaccountno>6000</glaccountno><amount>1</amount>"
        "</lineitem></billitems></create_bill>"
    )
    recordno = key_of(call(ctx, bill.format("ATT-1")))
    assert company.get("APBILL", recordno)["SUPDOCID"] == "ATT-1"  # type: ignore[index]
    assert failure(ctx, bill.format("MISSING"))[0] == (
        "BL01001973",
        "Invalid Attachment 'MISSING' specified.",
    )
    assert call(ctx, '<delete_supdoc key="ATT-1"/>') == []
    assert company.find("SUPDOC", supdocid="ATT-1") == []
