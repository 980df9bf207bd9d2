"""A hostile "Intacct" on loopback: a raw HTTP/1.1 server that answers what an attacker or a broken
proxy would, plus the probes that prove the client did not act on it.

``HostileUpstream`` serves one scenario per URL prefix (``/<scenario>/ia/xml/xmlgw.phtml``). Bodies are
produced chunk by chunk (``await writer.drain()`` between chunks), so a 50 MB answer never sits in this
process's memory and a tracemalloc peak measures the client, not the server. ``Canary`` is a second
listener that counts connections: an XXE or external DTD pointing at it proves "no network" when it
stays at zero. ``FileWatch`` (Linux inotify through ctypes) proves "no file read": any process opening or
reading the watched file produces an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import functools
import gzip
import os
import re
import struct
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

CHUNK = 64 * 1024
SESSION_RESPONSE = """<?xml version="1.0" encoding="UTF-8"?>{prolog}
<response>
  <control><status>success</status><senderid>demo-sender</senderid><controlid>{request_controlid}</controlid>
    <uniqueid>false</uniqueid><dtdversion>3.0</dtdversion></control>
  <operation>
    <authentication><status>success</status><userid>demo-user</userid><companyid>DEMO</companyid>
      <locationid></locationid><sessiontimestamp>2026-01-01T00:00:00+00:00</sessiontimestamp>
      <sessiontimeout>2026-01-02T00:00:00+00:00</sessiontimeout></authentication>
    <result><status>success</status><function>getAPISession</function><controlid>{controlid}</controlid>
      <data><api><sessionid>{session}</sessionid><endpoint>{endpoint}</endpoint><locationid></locationid></api></data>
    </result>
  </operation>
</response>
"""

HTML_524 = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>api.intacct.com | 524: A timeout occurred</title>'
    b'</head><body><div id="cf-error-details"><h1>A timeout occurred</h1><span>Error code 524</span>'
    b"<p>The origin web server timed out responding to this request.</p>"
    b"<p>Cloudflare Ray ID: 8a1b2c3d4e5f6a7b</p></div></body></html>"
)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the server sends: status, headers and a body made of chunks (produced lazily)."""

    status: int
    content_type: str
    chunks: Callable[[], AsyncIterator[bytes]]
    length: int | None = None  # None: chunked transfer encoding
    encoding: str | None = None


def _once(body: bytes) -> Callable[[], AsyncIterator[bytes]]:
    async def gen() -> AsyncIterator[bytes]:
        yield body

    return gen


def fixed(status: int, content_type: str, body: bytes) -> Answer:
    return Answer(status, content_type, _once(body), len(body))


def padded_xml(total: int, *, declared: bool) -> Answer:
    """A well-formed-looking answer of ``total`` bytes: an XML head, then whitespace-free padding."""
    head = b'<?xml version="1.0" encoding="UTF-8"?><response><control><status>success</status></control><x>'
    filler = b"A" * CHUNK

    async def gen() -> AsyncIterator[bytes]:
        yield head
        sent = len(head)
        while sent < total:
            piece = filler[: min(CHUNK, total - sent)]
            sent += len(piece)
            yield piece

    return Answer(200, 'text/xml; encoding="UTF-8"', gen, total if declared else None)


@functools.cache
def gzip_bomb(inflated: int) -> Answer:
    """A gzip body of a few hundred KB that inflates to ``inflated`` bytes of XML-ish text (built once)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(b'<?xml version="1.0"?><response><x>')]
    block = b" " * (1024 * 1024)
    for _ in range(inflated // len(block)):
        parts.append(compressor.compress(block))
    parts.append(compressor.flush())
    body = b"".join(parts)
    return Answer(200, 'text/xml; encoding="UTF-8"', _once(body), len(body), encoding="gzip")


def session_answer(
    *, controlid: str, request_controlid: str, endpoint: str, session: str, prolog: str = ""
) -> bytes:
    return SESSION_RESPONSE.format(
        prolog=prolog,
        controlid=controlid,
        request_controlid=request_controlid,
        endpoint=endpoint,
        session=session,
    ).encode()


_FUNCTION_ID = re.compile(rb'<function controlid="([^"]+)"')
_REQUEST_ID = re.compile(rb"<controlid>([^<]+)</controlid>")

Scenario = Callable[[bytes, str], Answer]
"""(request body, this scenario's endpoint URL) -> the answer."""


class HostileUpstream:
    """``async with HostileUpstream(scenarios) as server``; ``server.url(name)``: that scenario's endpoint."""

    def __init__(self, scenarios: dict[str, Scenario]) -> None:
        self.scenarios = scenarios
        self.requests: dict[str, int] = {}
        self._server: asyncio.base_events.Server | None = None
        self.port = 0

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}/ia/xml/xmlgw.phtml"

    async def __aenter__(self) -> HostileUpstream:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                headers = {
                    k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines if h)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                name = request_line.split(" ")[1].strip("/").split("/")[0]
                self.requests[name] = self.requests.get(name, 0) + 1
                answer = self.scenarios[name](body, self.url(name))
                await self._answer(writer, answer)
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()

    @staticmethod
    async def _answer(writer: asyncio.StreamWriter, answer: Answer) -> None:
        lines = [f"HTTP/1.1 {answer.status} X", f"Content-Type: {answer.content_type}"]
        if answer.encoding:
            lines.append(f"Content-Encoding: {answer.encoding}")
        lines.append(
            f"Content-Length: {answer.length}" if answer.length is not None else "Transfer-Encoding: chunked"
        )
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        async for chunk in answer.chunks():
            if answer.length is None:
                writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            else:
                writer.write(chunk)
            await writer.drain()
        if answer.length is None:
            writer.write(b"0\r\n\r\n")
        await writer.drain()


def ids_of(request: bytes) -> tuple[str, str]:
    """(function controlid, request controlid) of a client request, to answer it plausibly."""
    function = _FUNCTION_ID.search(request)
    control = _REQUEST_ID.search(request)
    return (
        function.group(1).decode() if function else "f",
        control.group(1).decode() if control else "c",
    )


class Canary:
    """A loopback listener that only counts who connects to it (it answers nothing useful)."""

    def __init__(self) -> None:
        self.connections = 0
        self._server: asyncio.base_events.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/evil.dtd"

    async def __aenter__(self) -> Canary:
        async def hit(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            writer.close()

        self._server = await asyncio.start_server(hit, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


IN_ACCESS, IN_OPEN = 0x00000001, 0x00000020


class FileWatch:
    """Counts opens/reads of one file by any process (Linux inotify); ``available`` False elsewhere."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = -1
        name = ctypes.util.find_library("c")
        self._libc = ctypes.CDLL(name, use_errno=True) if name else None
        self.available = self._libc is not None and hasattr(self._libc, "inotify_init1")

    def __enter__(self) -> FileWatch:
        if self.available and self._libc is not None:
            self.fd = self._libc.inotify_init1(os.O_NONBLOCK)
            watch = self._libc.inotify_add_watch(self.fd, str(self.path).encode(), IN_ACCESS | IN_OPEN)
            self.available = self.fd >= 0 and watch >= 0
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)

    def events(self) -> int:
        """Open/access events since the watch began."""
        count = 0
        while self.available:
            try:
                data = os.read(self.fd, 4096)
            except BlockingIOError:
                break
            offset = 0
            while offset < len(data):
                _wd, mask, _cookie, length = struct.unpack_from("iIII", data, offset)
                if mask & (IN_ACCESS | IN_OPEN):
                    count += 1
                offset += 16 + length
        return count


def gzip_of(body: bytes) -> bytes:
    return gzip.compress(body)
