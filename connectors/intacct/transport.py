"""HTTP for the Intacct XML gateway: one pooled client per process, timeouts, gzip and retries.

Knows bytes and status codes, not XML. Retry policy (Intacct's official SDKs, max 5 retries) with real
exponential backoff and jitter:

* connection never made (connect error/timeout, pool timeout) — always retried: nothing was sent;
* HTTP 5xx other than 524 — retried;
* outcome unknown — HTTP 524 (Cloudflare gave up while Intacct may still be working), read timeout,
  connection dropped after the request was sent — retried **only** when the caller says re-sending the
  same bytes is safe: reads, and writes sent with ``uniqueid=true`` (Intacct then refuses a function
  ``controlid`` it already executed). Otherwise ``ConnectorOutcomeUnknown`` is raised at once.

Every other answer (2xx, 4xx) is returned to the caller, which parses XML bodies whatever the status.

Bodies are read as a stream and refused past ``max_body_bytes`` (the XML parser's cap): an upstream
that answers 50 MB, or a small gzip body that inflates to gigabytes, costs at most the cap in memory.
Decompression is done here, chunk by bounded chunk, for the same reason.
"""

from __future__ import annotations

import asyncio
import random
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import httpx
import structlog

from connectors.errors import ConnectorOutcomeUnknown, ConnectorProtocolError, ConnectorTransientError
from connectors.intacct.xml.parse import MAX_XML_BYTES

log = structlog.get_logger(__name__)

USER_AGENT = "intacct-gateway/0.1 (+python-httpx)"
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=300.0, write=60.0, pool=60.0)
_DEFAULT_LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=50, keepalive_expiry=60.0)

#: Cloudflare's "origin timed out": the request reached Intacct, the answer did not reach us.
OUTCOME_UNKNOWN_STATUSES = frozenset({524})

_shared_client: httpx.AsyncClient | None = None


def shared_client() -> httpx.AsyncClient:
    """The process-wide pooled client (created on first use; connections are reused across companies)."""
    global _shared_client
    if _shared_client is None or _shared_client.is_closed:
        _shared_client = httpx.AsyncClient(
            timeout=DEFAULT_TIMEOUT,
            limits=_DEFAULT_LIMITS,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )
    return _shared_client


async def close_shared_client() -> None:
    """Close the process-wide client (application shutdown)."""
    global _shared_client
    client, _shared_client = _shared_client, None
    if client is not None:
        await client.aclose()


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry. ``base_delay`` is small in tests, ~1 s in production."""

    max_retries: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, retry_number: int, rand: Callable[[], float] = random.random) -> float:
        """Backoff before retry ``retry_number`` (1-based): exponential, with "equal jitter"."""
        ceiling = min(self.max_delay, self.base_delay * (2.0 ** (retry_number - 1)))
        return ceiling / 2 + rand() * ceiling / 2


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    status_code: int
    content_type: str
    body: bytes
    headers: httpx.Headers
    attempts: int = 1

    @property
    def is_xml(self) -> bool:
        return "xml" in self.content_type.lower()


Gate = Callable[[], AbstractAsyncContextManager[None]]


@asynccontextmanager
async def _no_gate() -> AsyncIterator[None]:
    yield


class BodyTooLarge(ConnectorProtocolError):
    """The upstream's answer is larger than we agree to hold in memory; it was not read to the end."""


class _Undecodable(Exception):
    """The compressed body is corrupt or cut off (handled like a connection lost mid-answer)."""


#: Largest piece one decompression step may produce: memory stays at the cap plus this, whatever the ratio.
_INFLATE_STEP = 256 * 1024


def _inflater(encoding: str) -> Callable[[bytes, bytearray, int], None] | None:
    """A bounded decompressor for ``Content-Encoding`` (None: identity).

    ``inflate(data, into, limit)`` appends the decoded bytes of ``data`` to ``into`` in steps of at most
    ``_INFLATE_STEP`` and stops once ``into`` holds more than ``limit`` bytes.
    """
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise ConnectorProtocolError(f"Intacct answered with an unsupported Content-Encoding {encoding!r}")
    state: dict[str, zlib._Decompress] = {}

    def inflate(data: bytes, into: bytearray, limit: int) -> None:
        if "d" not in state:  # deflate is zlib-wrapped (0x78..) or, from some servers, raw
            raw_deflate = encoding == "deflate" and not (data[:1] == b"\x78")
            state["d"] = zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS | 32)
        decoder = state["d"]
        try:
            while data and len(into) <= limit:
                into += decoder.decompress(data, min(_INFLATE_STEP, limit + 1 - len(into)))
                data = decoder.unconsumed_tail
        except zlib.error as exc:
            raise _Undecodable(str(exc)) from exc

    return inflate


async def read_body(response: httpx.Response, limit: int) -> bytes:
    """The decoded body of a streamed ``response``; ``BodyTooLarge`` past ``limit`` decoded bytes."""

    def too_large(what: str) -> BodyTooLarge:
        return BodyTooLarge(
            f"Intacct's answer {what} the {limit}-byte limit; it was refused without being read "
            f"(HTTP {response.status_code}, {response.headers.get('content-type') or 'no content type'})",
            status_code=response.status_code,
        )

    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise too_large(f"declares {declared} bytes, over")
    if response.is_stream_consumed:  # a wrapping transport (a test recorder) already read and decoded it
        if len(response.content) > limit:
            raise too_large("exceeds")
        return response.content
    inflate = _inflater(response.headers.get("content-encoding", ""))
    body = bytearray()
    async for chunk in response.aiter_raw():
        if inflate is None:
            body += chunk
        else:
            inflate(chunk, body, limit)
        if len(body) > limit:
            raise too_large("exceeds")
    return bytes(body)


class IntacctTransport:
    """POST XML to the gateway with the retry policy above.

    ``client`` defaults to the shared pooled client; tests inject ``httpx.AsyncClient(transport=
    httpx.MockTransport(...))`` or the sandbox transport. ``sleep`` and ``rand`` are injectable so tests
    run instantly and deterministically.
    """

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        max_body_bytes: int = MAX_XML_BYTES,
    ) -> None:
        self._client = client
        self.max_body_bytes = max_body_bytes
        self.retry = retry or RetryPolicy()
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.sleep = sleep
        self._rand = rand

    @property
    def client(self) -> httpx.AsyncClient:
        return self._client if self._client is not None else shared_client()

    async def post(
        self,
        url: str,
        body: bytes,
        *,
        resend_safe: bool,
        gate: Gate | None = None,
        log_context: dict[str, object] | None = None,
        on_retry: Callable[[str], None] | None = None,
    ) -> HttpAnswer:
        """Send ``body``; ``gate`` wraps each attempt (the per-company limiter: slot + rate token).

        ``on_retry(reason)`` is told before each re-send (a metrics hook; reasons as in
        ``connectors.intacct.metrics.RETRY_REASONS``).
        """
        gate = gate or _no_gate
        context = log_context or {}
        attempt = 0
        while True:
            attempt += 1
            try:
                async with (
                    gate(),
                    self.client.stream(
                        "POST",
                        url,
                        content=body,
                        headers={
                            "Content-Type": "application/xml; charset=utf-8",
                            "Accept-Encoding": "gzip, deflate",
                            "User-Agent": USER_AGENT,
                        },
                        timeout=self.timeout,
                    ) as response,
                ):
                    content = await read_body(response, self.max_body_bytes)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                failure: ConnectorTransientError = ConnectorTransientError(
                    f"Could not connect to Intacct at {url}: {type(exc).__name__}"
                )
                reason = "connect_error"
            except (
                httpx.ReadTimeout,
                httpx.WriteTimeout,
                httpx.RemoteProtocolError,
                httpx.ReadError,
                httpx.WriteError,
                _Undecodable,
            ) as exc:
                failure = ConnectorOutcomeUnknown(
                    f"The connection to Intacct was lost after the request was sent ({type(exc).__name__}); "
                    "Intacct may have processed it"
                )
                reason = "outcome_unknown"
                if not resend_safe:
                    raise failure from exc
            except httpx.TransportError as exc:
                failure = ConnectorTransientError(f"Transport error talking to Intacct: {type(exc).__name__}")
                reason = "transport_error"
            else:
                answer = HttpAnswer(
                    status_code=response.status_code,
                    content_type=response.headers.get("content-type", ""),
                    body=content,
                    headers=response.headers,
                    attempts=attempt,
                )
                status = response.status_code
                if status < 500:
                    return answer
                if status in OUTCOME_UNKNOWN_STATUSES:
                    failure = ConnectorOutcomeUnknown(
                        f"Intacct's gateway timed out (HTTP {status}) while Intacct may still be processing "
                        "the request",
                        status_code=status,
                    )
                    reason = "outcome_unknown"
                    if not resend_safe:
                        raise failure
                else:
                    failure = ConnectorTransientError(
                        f"Intacct's gateway is unavailable (HTTP {status}); retry later", status_code=status
                    )
                    reason = "http_5xx"
            if attempt > self.retry.max_retries:
                failure.message = f"{failure.message} (gave up after {attempt} attempts)"
                failure.args = (failure.message,)
                raise failure
            delay = self.retry.delay(attempt, self._rand)
            log.info(
                "intacct.retry",
                attempt=attempt,
                delay=round(delay, 3),
                reason=failure.message,
                status=failure.status_code,
                **context,
            )
            if on_retry is not None:
                on_retry(reason)
            await self.sleep(delay)
