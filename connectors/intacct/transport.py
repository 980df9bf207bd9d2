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
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import httpx
import structlog

from connectors.errors import ConnectorOutcomeUnknown, ConnectorTransientError

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
    ) -> None:
        self._client = client
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
    ) -> HttpAnswer:
        """Send ``body``; ``gate`` wraps each attempt (the per-company limiter: slot + rate token)."""
        gate = gate or _no_gate
        context = log_context or {}
        attempt = 0
        while True:
            attempt += 1
            try:
                async with gate():
                    response = await self.client.post(
                        url,
                        content=body,
                        headers={
                            "Content-Type": "application/xml; charset=utf-8",
                            "Accept-Encoding": "gzip, deflate",
                            "User-Agent": USER_AGENT,
                        },
                        timeout=self.timeout,
                    )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                failure: ConnectorTransientError = ConnectorTransientError(
                    f"Could not connect to Intacct at {url}: {type(exc).__name__}"
                )
            except (
                httpx.ReadTimeout,
                httpx.WriteTimeout,
                httpx.RemoteProtocolError,
                httpx.ReadError,
                httpx.WriteError,
            ) as exc:
                failure = ConnectorOutcomeUnknown(
                    f"The connection to Intacct was lost after the request was sent ({type(exc).__name__}); "
                    "Intacct may have processed it"
                )
                if not resend_safe:
                    raise failure from exc
            except httpx.TransportError as exc:
                failure = ConnectorTransientError(f"Transport error talking to Intacct: {type(exc).__name__}")
            else:
                answer = HttpAnswer(
                    status_code=response.status_code,
                    content_type=response.headers.get("content-type", ""),
                    body=response.content,
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
                    if not resend_safe:
                        raise failure
                else:
                    failure = ConnectorTransientError(
                        f"Intacct's gateway is unavailable (HTTP {status}); retry later", status_code=status
                    )
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
            await self.sleep(delay)
