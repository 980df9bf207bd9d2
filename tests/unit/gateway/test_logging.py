"""Redaction on every log event, JSON output in production format, request context binding."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog

from gateway.logging import REDACTED, configure_logging, redact_secrets, redact_text
from gateway.settings import LogSettings


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("<password>hunter2</password>", "hunter2"),
        ('<sessionid type="x">abc123session</sessionid>', "abc123session"),
        ("<ACCOUNTNUMBER>12345678</ACCOUNTNUMBER>", "12345678"),
        ("<attachmentdata>QUJDREVG</attachmentdata>", "QUJDREVG"),
        ('{"senderPassword": "pw-1", "x": 1}', "pw-1"),
        ("user_password=pw-2&next=1", "pw-2"),
        ("Authorization: Basic Z3drX3NlY3JldGtleQ==", "Z3drX3NlY3JldGtleQ=="),
        ("session_id: 'sess-9'", "sess-9"),
    ],
)
def test_secrets_inside_text_are_masked(text: str, secret: str) -> None:
    masked = redact_text(text)
    assert secret not in masked and REDACTED in masked


def test_processor_masks_keys_and_nested_values() -> None:
    event = redact_secrets(
        None,
        "info",
        {
            "event": "login",
            "sender_password": "a",
            "credentials": {"userId": "u"},
            "request": {"headers": {"Authorization": "Basic xyz123456"}, "body": "<password>b</password>"},
            "items": [{"sessionId": "c"}, "ok"],
            "company": "DEMO",
        },
    )
    assert event["sender_password"] == REDACTED and event["credentials"] == REDACTED
    assert event["request"]["headers"]["Authorization"] == REDACTED
    assert "b</password>" not in event["request"]["body"]
    assert event["items"] == [{"sessionId": REDACTED}, "ok"]
    assert event["company"] == "DEMO"


def test_json_format_writes_redacted_lines_with_context() -> None:
    stream = io.StringIO()
    configure_logging(LogSettings(level="INFO", format="json"))
    root = logging.getLogger()
    handler = next(h for h in root.handlers if getattr(h, "_gateway_handler", False))
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        structlog.contextvars.bind_contextvars(request_id="r-1", tenant_id="t-1")
        structlog.get_logger("test").info("auth.checked", password="pw", xml="<password>p</password>")
        logging.getLogger("stdlib").warning("token=abc%s", "def")
    finally:
        structlog.contextvars.clear_contextvars()
        configure_logging(LogSettings(level="WARNING", format="console"))
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    first = lines[0]
    assert first["event"] == "auth.checked" and first["request_id"] == "r-1" and first["tenant_id"] == "t-1"
    assert first["password"] == REDACTED and "p</password>" not in first["xml"]
    assert "abcdef" not in stream.getvalue()
