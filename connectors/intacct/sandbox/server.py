"""The sandbox as a plain ASGI app: the Intacct XML gateway plus a small JSON admin API.

* ``POST …/ia/xml/xmlgw.phtml`` (under any prefix, so the gateway can mount it at
  ``/sandbox/intacct``): the XML gateway. Answers ``text/xml; encoding="UTF-8"``, gzipped when the
  client accepts gzip; gzipped request bodies are accepted too.
* ``…/sandbox/admin/…``: JSON inspection and configuration for tests in another process (see
  ``admin.py``).

Per request, in this order: parse, then the company's limits (concurrency, calls per minute) and
fault switches that refuse before executing (rate limit, 5xx), latency, execution, then the faults
that strike after the commit (524, dropped connection, slow answer). The ASGI scope may carry an
``asyncio.Event`` under ``scope["extensions"]["sandbox.committed"]``; it is set once the request's
writes are committed (or when nothing will be executed), which lets ``SandboxTransport`` time out a
slow answer only after the write really happened.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import secrets
import zlib
from typing import Any

import structlog
from lxml import etree

from connectors.intacct.sandbox.admin import handle_admin
from connectors.intacct.sandbox.auth import company_of
from connectors.intacct.sandbox.engine import Engine
from connectors.intacct.sandbox.envelope import (
    Control,
    ControlFailure,
    Request,
    control_block,
    errormessage,
    parse_request,
    serialize,
)
from connectors.intacct.sandbox.faults import html_for_status
from connectors.intacct.sandbox.handlers import load_all
from connectors.intacct.sandbox.registry import IntacctError
from connectors.intacct.sandbox.state import CompanyState, SandboxState

log = structlog.get_logger()

XML_PATH = "/ia/xml/xmlgw.phtml"
XML_CONTENT_TYPE = b'text/xml; encoding="UTF-8"'
_ADMIN = re.compile(r"/sandbox/admin(/.*)?$")

Scope = dict[str, Any]
Message = dict[str, Any]


class DroppedConnection(Exception):
    """Raised after ``http.response.start`` to make the server cut the connection mid-body."""


class Reply:
    """An HTTP answer under construction."""

    def __init__(self, status: int, body: bytes, content_type: bytes = XML_CONTENT_TYPE) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type


class SandboxApp:
    """ASGI callable serving one ``SandboxState``."""

    def __init__(self, state: SandboxState, *, snapshot_path: str | None = None) -> None:
        load_all()
        self.state = state
        self.engine = Engine(state)
        self.snapshot_path = snapshot_path

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path = str(scope.get("path", "")).rstrip("/")
        admin = _ADMIN.search(path)
        if path.endswith(XML_PATH):
            if scope.get("method") != "POST":
                await _send(send, Reply(405, b"Method Not Allowed", b"text/plain"), False)
                return
            await self.gateway(scope, receive, send)
        elif admin is not None:
            body = await _read_body(receive)
            status, payload = handle_admin(self, scope.get("method", "GET"), admin.group(1) or "/", body)
            await _send(send, Reply(status, payload, b"application/json"), False)
        else:
            await _send(send, Reply(404, b"Not Found", b"text/plain"), False)

    # -- XML gateway ------------------------------------------------------------------------------
    async def gateway(self, scope: Scope, receive: Any, send: Any) -> None:
        committed: asyncio.Event | None = scope.get("extensions", {}).get("sandbox.committed")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        gzip_ok = "gzip" in headers.get("accept-encoding", "")
        body = await _read_body(receive)
        try:
            if "gzip" in headers.get("content-encoding", ""):
                body = gzip.decompress(body)
            request = parse_request(body)
        except (ControlFailure, OSError, EOFError, zlib.error) as exc:
            failure = (
                exc
                if isinstance(exc, ControlFailure)
                else ControlFailure(
                    IntacctError("XL03000003", "", "The request body could not be decompressed.", ""),
                    echo=False,
                )
            )
            _set(committed)
            await _send(send, self._control_failure(None, failure), gzip_ok)
            return
        company = company_of(self.state, request.operations[0])
        if company is None:
            reply = self.execute(request, _endpoint(scope, headers))
            _set(committed)
            await _send(send, reply, gzip_ok)
            return
        company.counters.http_requests += 1
        refusal = self.refuse(company, request)
        if refusal is not None:
            _set(committed)
            await _send(send, refusal, gzip_ok)
            return
        counters = company.counters
        counters.concurrent += 1
        counters.max_concurrent = max(counters.max_concurrent, counters.concurrent)
        try:
            faults = company.faults
            if faults.latency_seconds > 0:
                await asyncio.sleep(faults.latency_seconds)
            reply = self.execute(request, _endpoint(scope, headers))
            _set(committed)
            if faults.roll(faults.http_524_after_commit_rate):
                counters.count_fault("http_524_after_commit")
                await _send(send, Reply(524, html_for_status(524), b"text/html"), False)
                return
            if faults.roll(faults.drop_after_commit_rate):
                counters.count_fault("drop_after_commit")
                await _drop(send, reply)
                return
            if faults.slow_seconds > 0:
                counters.count_fault("slow")
                await asyncio.sleep(faults.slow_seconds)
            await _send(send, reply, gzip_ok)
        finally:
            counters.concurrent -= 1

    def refuse(self, company: CompanyState, request: Request) -> Reply | None:
        """Limits and the faults that answer without executing anything."""
        limits, faults, counters = company.limits, company.faults, company.counters
        over = limits.max_concurrent > 0 and counters.concurrent >= limits.max_concurrent
        if over or not company.rate_window.try_take(self.state.now(), limits.calls_per_minute):
            counters.rate_limited += 1
            return self._rate_limited(request.control, limits.answer)
        if faults.roll(faults.rate_limit_rate):
            counters.rate_limited += 1
            counters.count_fault("rate_limit")
            return self._rate_limited(request.control, faults.rate_limit_mode)
        if faults.roll(faults.http_5xx_rate):
            counters.count_fault("http_5xx")
            return Reply(faults.http_5xx_status, html_for_status(faults.http_5xx_status), b"text/html")
        return None

    def execute(self, request: Request, endpoint: str) -> Reply:
        try:
            self.engine.check_control(request)
        except ControlFailure as failure:
            return self._control_failure(request.control, failure)
        pretty = request.control.includewhitespace
        if request.control.policyid:
            response = self.engine.run(request, endpoint)
            self.state.offline_responses[request.control.controlid] = serialize(response, pretty=pretty)
            return Reply(200, serialize(self.engine.acknowledge(request), pretty=pretty))
        return Reply(200, serialize(self.engine.run(request, endpoint), pretty=pretty))

    def _control_failure(self, control: Control | None, failure: ControlFailure) -> Reply:
        root = etree.Element("response")
        if failure.http_status == 401:
            etree.SubElement(etree.SubElement(root, "control"), "status").text = "failure"
            error = etree.SubElement(etree.SubElement(root, "errormessage"), "error")
            etree.SubElement(error, "errorno").text = failure.error.errorno
            etree.SubElement(error, "description").text = failure.error.description
        else:
            root.append(control_block(control, "failure", echo=failure.echo))
            root.append(errormessage([failure.error], support_ids=self.state.support_ids))
        pretty = control.includewhitespace if control is not None else True
        return Reply(failure.http_status, serialize(root, pretty=pretty))

    def _rate_limited(self, control: Control, mode: str) -> Reply:
        """GW-0010: HTTP 429 with only a description, or (``body``) an HTTP 200 answer whose text carries
        "API rate limit exceeded" (what fylein's SDK checks for), with a description2 for its parser."""
        request_id = secrets.token_hex(6).upper()
        root = etree.Element("response")
        root.append(control_block(control, "failure"))
        error = etree.SubElement(etree.SubElement(root, "errormessage"), "error")
        etree.SubElement(error, "errorno").text = "GW-0010"
        etree.SubElement(error, "description").text = f"API rate limit exceeded [Request ID: {request_id}]"
        if mode == "body":
            etree.SubElement(
                error, "description2"
            ).text = f"API rate limit exceeded [Support ID: {request_id}]"
            etree.SubElement(error, "correction").text = "Wait and send the request again."
            return Reply(200, serialize(root, pretty=control.includewhitespace))
        return Reply(429, serialize(root, pretty=control.includewhitespace))


def create_app(state: SandboxState | None = None, *, snapshot_path: str | None = None) -> SandboxApp:
    """The sandbox ASGI app; without a state it serves a fresh seeded ``DEMO`` company."""
    return SandboxApp(state if state is not None else SandboxState.demo(), snapshot_path=snapshot_path)


# -- ASGI plumbing --------------------------------------------------------------------------------
def _set(event: asyncio.Event | None) -> None:
    if event is not None:
        event.set()


def _endpoint(scope: Scope, headers: dict[str, str]) -> str:
    """The URL this request came to: ``getAPISession`` hands it out as the session's endpoint."""
    scheme = scope.get("scheme", "http")
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", 80)
        host = f"{server[0]}:{server[1]}"
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes | bytearray) else ""
    if not path.rstrip("/").endswith(XML_PATH):
        path = f"{scope.get('root_path', '')}{scope.get('path', '')}"
    return f"{scheme}://{host}{path.rstrip('/')}"


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _start(reply: Reply, body: bytes, gzipped: bool) -> Message:
    headers = [(b"content-type", reply.content_type), (b"content-length", str(len(body)).encode())]
    if gzipped:
        headers.append((b"content-encoding", b"gzip"))
    return {"type": "http.response.start", "status": reply.status, "headers": headers}


async def _send(send: Any, reply: Reply, gzip_ok: bool) -> None:
    gzipped = gzip_ok and reply.content_type == XML_CONTENT_TYPE
    # Level 1: a fifth of level 5's CPU on 2,000-row pages; the bytes inflate to the same answer.
    body = gzip.compress(reply.body, compresslevel=1) if gzipped else reply.body
    await send(_start(reply, body, gzipped))
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _drop(send: Any, reply: Reply) -> None:
    """Start the answer, send part of the body, then fail: the server closes the connection."""
    await send(_start(reply, reply.body, False))
    await send({"type": "http.response.body", "body": reply.body[: len(reply.body) // 2], "more_body": True})
    raise DroppedConnection("sandbox fault: connection dropped after commit")


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
