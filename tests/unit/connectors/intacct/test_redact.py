"""Secrets never reach a log: the SDKs' element list plus attachment data, case-insensitively."""

from __future__ import annotations

import pytest

from connectors.intacct.xml.envelope import (
    ControlBlock,
    LoginAuth,
    SessionAuth,
    build_request,
    function_element,
)
from connectors.intacct.xml.functions import get_api_session
from connectors.intacct.xml.redact import REDACTED, SECRET_ELEMENTS, RedactedBody, redact
from tests.unit.connectors.intacct._support import fixture


@pytest.mark.parametrize("tag", SECRET_ELEMENTS)
def test_each_secret_element_is_redacted(tag: str) -> None:
    body = f"<x><{tag}>s3cr3t-value</{tag}><keep>visible</keep></x>"
    out = redact(body)
    assert "s3cr3t-value" not in out
    assert f"<{tag}>{REDACTED}</{tag}>" in out
    assert "<keep>visible</keep>" in out


def test_case_insensitive_attributes_and_multiline() -> None:
    body = b'<PassWord type="x">line1\nline2</PassWord><SESSIONID>abc..</SESSIONID><TaxId>12-345</TaxId>'
    out = redact(body)
    for secret in ("line1", "line2", "abc..", "12-345"):
        assert secret not in out
    assert '<PassWord type="x">REDACTED</PassWord>' in out


def test_whole_request_keeps_structure_but_no_secrets() -> None:
    body = build_request(
        ControlBlock(sender_id="sender", sender_password="sender-pw-123", controlid="c1"),
        LoginAuth(user_id="user", company_id="co", password="user-pw-456"),
        [function_element("f1", get_api_session())],
    )
    out = redact(body)
    assert "sender-pw-123" not in out and "user-pw-456" not in out
    assert "<senderid>sender</senderid>" in out and "<userid>user</userid>" in out
    session_body = build_request(ControlBlock("s", "pw", "c"), SessionAuth("SESSION-XYZ.."), [])
    assert "SESSION-XYZ" not in redact(session_body)


def test_fixture_with_attachment_and_session_response() -> None:
    out = redact(fixture("create-supdoc-request-with-attachment.xml"))
    assert "aGVsbG8gd29ybGQh" not in out and "<attachmentname>Random 123 - 1</attachmentname>" in out
    assert "fAkESesSiOnId" not in redact(fixture("getapisession-response.xml"))
    vendor = redact(fixture("create-vendor-request.xml"))
    assert "<TAXID>REDACTED</TAXID>" in vendor and "12-3456789" not in vendor


def test_self_closing_and_similar_names_untouched() -> None:
    out = redact("<password/><passwordhint>hint</passwordhint><sessionidx>1</sessionidx>")
    assert out == "<password/><passwordhint>hint</passwordhint><sessionidx>1</sessionidx>"


def test_truncated_body_drops_an_unclosed_secret() -> None:
    out = redact("<request><control><password>half-a-secr")
    assert "half-a-secr" not in out and out.endswith("<password>REDACTED")


def test_long_bodies_are_cut_after_redaction() -> None:
    out = redact("<password>p</password>" + "x" * 50_000, limit=100)
    assert out.startswith("<password>REDACTED</password>") and "more characters" in out


def test_lazy_log_value() -> None:
    value = RedactedBody(b"<sessionid>abc</sessionid>")
    assert str(value) == repr(value) == "<sessionid>REDACTED</sessionid>"
    assert redact(None) == ""
