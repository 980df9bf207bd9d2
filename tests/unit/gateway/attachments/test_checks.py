"""Upload checks: size, type, the ``attachment`` part, file names."""

from __future__ import annotations

import pytest

from gateway.attachments.schemas import clean_file_name, resolve_content_type
from gateway.attachments.service import UnsupportedMediaType, check_upload
from gateway.errors import InvalidRequest, PayloadTooLarge


def test_a_good_upload_passes_with_its_part() -> None:
    upload = check_upload(
        "scan.pdf", "application/pdf", b"%PDF", '{"id": "A1", "name": "Bills/2024"}', max_bytes=10
    )
    assert (upload.file_name, upload.content_type, upload.part.id, upload.part.name) == (
        "scan.pdf",
        "application/pdf",
        "A1",
        "Bills/2024",
    )


@pytest.mark.parametrize(
    ("name", "declared", "content", "part", "error", "field"),
    [
        ("a.pdf", "application/pdf", b"x" * 11, None, PayloadTooLarge, None),
        ("a.pdf", "application/pdf", b"", None, InvalidRequest, "file"),
        ("a.exe", "application/x-msdownload", b"MZ", None, UnsupportedMediaType, None),
        ("a.html", "text/html", b"<p>", None, UnsupportedMediaType, None),
        ("a.pdf", "application/pdf", b"x", "{", InvalidRequest, "attachment"),
        ("a.pdf", "application/pdf", b"x", '{"name": "a/b/c"}', InvalidRequest, "attachment.name"),
        ("a.pdf", "application/pdf", b"x", '{"id": "bad id"}', InvalidRequest, "attachment.id"),
        ("a.pdf", "application/pdf", b"x", '{"other": 1}', InvalidRequest, "attachment"),
    ],
)
def test_bad_uploads_say_what_is_wrong(
    name: str, declared: str, content: bytes, part: str | None, error: type, field: str | None
) -> None:
    with pytest.raises(error) as raised:
        check_upload(name, declared, content, part, max_bytes=10)
    if field is not None:
        assert isinstance(raised.value, InvalidRequest)
        assert {item.item_id for item in raised.value.items} == {field}


def test_content_types_are_resolved_from_the_name_when_generic() -> None:
    assert resolve_content_type("application/octet-stream", "x.png") == "image/png"
    assert resolve_content_type("", "x.csv") == "text/csv"
    assert resolve_content_type("Application/PDF; charset=binary", "x") == "application/pdf"
    assert resolve_content_type(None, "no-extension") == "application/octet-stream"


def test_file_names_are_names_not_paths_and_have_an_extension() -> None:
    assert clean_file_name("../../etc/passwd", "text/plain") == "passwd.txt"
    assert clean_file_name("C:\\scans\\bill 1.pdf", "application/pdf") == "bill 1.pdf"
    assert clean_file_name(None, "application/pdf") == "attachment.pdf"
    assert clean_file_name("a<b>?.png", "image/png") == "a_b_.png"
