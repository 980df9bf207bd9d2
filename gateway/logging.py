"""structlog set-up: JSON lines in production, readable lines in development, secrets never written.

Every event passes through ``redact_secrets`` whatever its source (our code, connector code, stdlib
loggers routed through structlog), so a password or session id put into an event by mistake is
masked rather than shipped to a log store. ``RequestContextMiddleware`` gives every request an id
(honouring a sane incoming ``X-Request-ID``), binds it to the log context and echoes it back; the
tenant guard adds ``tenant_id``/``company_id``/``connection_id`` to the same context.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

import structlog
from litestar.enums import ScopeType

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from gateway.settings import LogSettings

REDACTED = "[REDACTED]"

# Keys whose values are secrets, compared case-insensitively with separators removed.
_SECRET_KEYS = frozenset(
    {
        "password",
        "senderpassword",
        "userpassword",
        "passwd",
        "secret",
        "secretkey",
        "clientsecret",
        "sessionid",
        "apikey",
        "authorization",
        "credentials",
        "token",
        "accesstoken",
        "refreshtoken",
        "accountnumber",
        "achaccountnumber",
        "wireaccountnumber",
        "cardnum",
        "ssn",
        "taxid",
        "attachmentdata",
    }
)
# Secrets embedded in free text: XML elements and key=value / "key": "value" pairs.
_XML_SECRET = re.compile(
    r"<(password|sessionid|accountnumber|achaccountnumber|wireaccountnumber|cardnum|ssn|taxid|attachmentdata)"
    r"(\s[^>]*)?>[^<]*</\1>",
    re.IGNORECASE,
)
_PAIR_SECRET = re.compile(
    r"""(?P<key>["']?(?:sender_?password|user_?password|password|session_?id|api_?key|secret|(?:access_?|refresh_?)?token)["']?\s*[:=]\s*)"""
    r"""(?P<value>"[^"]*"|'[^']*'|[^\s,;&}]+)""",
    re.IGNORECASE,
)
_BASIC = re.compile(r"\b(Basic|Bearer)\s+[A-Za-z0-9+/=._\-]{6,}", re.IGNORECASE)


def _normal(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def redact_text(text: str) -> str:
    """Mask secrets inside a string (XML bodies, exception messages, header dumps)."""
    text = _XML_SECRET.sub(lambda m: f"<{m.group(1)}{m.group(2) or ''}>{REDACTED}</{m.group(1)}>", text)
    text = _PAIR_SECRET.sub(lambda m: f"{m.group('key')}{REDACTED}", text)
    return _BASIC.sub(lambda m: f"{m.group(1)} {REDACTED}", text)


def redact_value(value: Any, depth: int = 0) -> Any:
    """Walk dicts/lists/strings and mask secrets; bounded depth so a cyclic object cannot hang logging."""
    if depth > 8:
        return value
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bytes):
        return redact_text(value.decode("utf-8", errors="replace"))
    if isinstance(value, Mapping):
        return {
            k: REDACTED if isinstance(k, str) and _normal(k) in _SECRET_KEYS else redact_value(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_value(v, depth + 1) for v in value]
    return value


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: mask secret-named keys and secrets inside string values."""
    for key in list(event_dict):
        if _normal(key) in _SECRET_KEYS:
            event_dict[key] = REDACTED
        else:
            event_dict[key] = redact_value(event_dict[key])
    return event_dict


def configure_logging(settings: LogSettings) -> None:
    """Configure structlog and route stdlib logging (uvicorn, asyncpg) through the same renderer."""
    level = logging.getLevelNamesMapping()[settings.level]
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_secrets,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if settings.format == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared[1:],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_gateway_handler", False)]:
        root.removeHandler(old)
    handler._gateway_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
log = structlog.get_logger("gateway.request")


def _incoming_or_new_id(scope: Scope) -> str:
    incoming = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), "")
    return incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def request_id_of(scope: Scope) -> str:
    """The id of this request: the middleware's, else (no route matched) the caller's or a new one."""
    state = scope.setdefault("state", {})  # type: ignore[typeddict-item]
    rid = state.get("request_id")
    if not isinstance(rid, str):
        rid = state["request_id"] = _incoming_or_new_id(scope)
    return rid


class RequestContextMiddleware:
    """ASGI middleware: request id, per-request log context, one access-log event per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        rid = _incoming_or_new_id(scope)
        state = scope.setdefault("state", {})  # type: ignore[typeddict-item]
        state["request_id"], state["request_id_sent"] = rid, True
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", rid.encode())]
                message = {**message, "headers": headers}  # type: ignore[typeddict-item]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request.completed",
                method=scope.get("method"),
                path=scope.get("path"),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            structlog.contextvars.clear_contextvars()
