"""A hostile or broken upstream: the real ``IntacctClient`` signs in against a loopback server that
answers XXE, entity expansion, 50 MB bodies, a gzip bomb, truncated and non-XML bodies, and Cloudflare's
HTML error page.

Each answer must end in a ``ConnectorError`` whose message says what happened, with no file opened
(inotify on the file the XXE names), no network fetched (a canary listener the XXE names stays
unvisited), the secret nowhere in the error or the logs, and memory bounded by the transport's cap
(tracemalloc peak of the whole exchange; RSS growth reported). A benign answer from the same server signs
in, so the harness itself is shown to work.
"""

from __future__ import annotations

import os
import tracemalloc
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import structlog

from connectors.errors import (
    ConnectorError,
    ConnectorOutcomeUnknown,
    ConnectorProtocolError,
    ConnectorTransientError,
)
from connectors.intacct.client import IntacctClient
from connectors.intacct.config import IntacctCredentials
from connectors.intacct.limits import InMemoryLimitStore
from connectors.intacct.session import SessionCache
from connectors.intacct.transport import BodyTooLarge, IntacctTransport, RetryPolicy
from connectors.intacct.xml.parse import MAX_XML_BYTES, XmlForbidden
from tests.reliability import hostile as h
from tests.reliability.figures import record

pytestmark = pytest.mark.asyncio(loop_scope="session")

MB = 1024 * 1024
SECRET = f"TOP-SECRET-{uuid.uuid4().hex}"
NO_WAIT = RetryPolicy(max_retries=5, base_delay=0.0, max_delay=0.0)


@dataclass
class Upstream:
    server: h.HostileUpstream
    canary: h.Canary
    secret_file: Path


def scenarios(secret_file: Path, canary: str) -> dict[str, h.Scenario]:
    """name -> answer builder. Names are also the URL prefix the client is pointed at."""

    def session(prolog: str = "", value: str = "sid-benign") -> h.Scenario:
        def build(request: bytes, endpoint: str) -> h.Answer:
            function, control = h.ids_of(request)
            body = h.session_answer(
                controlid=function, request_controlid=control, endpoint=endpoint, session=value, prolog=prolog
            )
            return h.fixed(200, 'text/xml; encoding="UTF-8"', body)

        return build

    laughs = "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n else "lol"}">' for n in range(10)
    )

    def truncated(request: bytes, endpoint: str) -> h.Answer:
        function, control = h.ids_of(request)
        body = h.session_answer(controlid=function, request_controlid=control, endpoint=endpoint, session="s")
        return h.fixed(200, 'text/xml; encoding="UTF-8"', body[: len(body) // 2])

    def constant(answer: h.Answer) -> h.Scenario:
        return lambda _request, _endpoint: answer

    return {
        "benign": session(),
        "xxe_file": session(f'<!DOCTYPE response [<!ENTITY xxe SYSTEM "file://{secret_file}">]>', "&xxe;"),
        "xxe_network": session(f'<!DOCTYPE response [<!ENTITY xxe SYSTEM "{canary}">]>', "&xxe;"),
        "external_dtd_file": session(f'<!DOCTYPE response SYSTEM "file://{secret_file}">'),
        "external_dtd_network": session(f'<!DOCTYPE response SYSTEM "{canary}">'),
        "parameter_entity": session(f'<!DOCTYPE response [<!ENTITY % p SYSTEM "{canary}"> %p;]>'),
        # a DOCTYPE after a long prolog comment: libxml2 would open a SYSTEM DTD's file
        "dtd_after_long_comment": session(
            "<!--" + "x" * 10_000 + f'--><!DOCTYPE response SYSTEM "file://{secret_file}">'
        ),
        "billion_laughs": session(f"<!DOCTYPE response [{laughs}]>", "&lol9;"),
        "huge_declared": constant(h.padded_xml(50 * MB, declared=True)),
        "huge_chunked": constant(h.padded_xml(50 * MB, declared=False)),
        "gzip_bomb": lambda _request, _endpoint: h.gzip_bomb(200 * MB),
        "truncated": truncated,
        "json": constant(h.fixed(200, "application/json", b'{"sessionid": "nope"}')),
        "plain_text": constant(h.fixed(200, "text/plain", b"OK")),
        "binary": constant(h.fixed(200, "application/octet-stream", os.urandom(4096))),
        "empty": constant(h.fixed(200, 'text/xml; encoding="UTF-8"', b"")),
        "cloudflare_524": constant(h.fixed(524, "text/html; charset=UTF-8", h.HTML_524)),
        "html_200": constant(h.fixed(200, "text/html", b"<!DOCTYPE html><html><body>Sign in</body></html>")),
    }


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def upstream(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Upstream]:
    secret_file = tmp_path_factory.mktemp("hostile") / "secret.txt"
    secret_file.write_text(f'<!ENTITY leak "{SECRET}">{SECRET}\n')
    async with h.Canary() as canary:
        async with h.HostileUpstream(scenarios(secret_file, canary.url)) as server:
            yield Upstream(server, canary, secret_file)


def client_for(endpoint: str, http: httpx.AsyncClient) -> IntacctClient:
    credentials = IntacctCredentials(
        sender_id="demo-sender",
        sender_password="demo-sender-pw",
        company_id="DEMO",
        user_id="demo-user",
        user_password="demo-user-pw",
        endpoint_url=endpoint,
    )

    async def no_sleep(_: float) -> None:
        return None

    return IntacctClient(
        credentials,
        limit_store=InMemoryLimitStore(),
        session_cache=SessionCache(),
        http=IntacctTransport(http, retry=NO_WAIT, sleep=no_sleep),
    )


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


#: scenario -> (error class, words the message must contain)
EXPECTED: dict[str, tuple[type[ConnectorError], str]] = {
    "xxe_file": (XmlForbidden, "DTD or entity declarations is refused"),
    "xxe_network": (XmlForbidden, "DTD or entity declarations is refused"),
    "external_dtd_file": (XmlForbidden, "DTD or entity declarations is refused"),
    "external_dtd_network": (XmlForbidden, "DTD or entity declarations is refused"),
    "parameter_entity": (XmlForbidden, "DTD or entity declarations is refused"),
    "dtd_after_long_comment": (XmlForbidden, "DTD or entity declarations is refused"),
    "billion_laughs": (XmlForbidden, "DTD or entity declarations is refused"),
    "huge_declared": (BodyTooLarge, f"declares {50 * MB} bytes"),
    "huge_chunked": (BodyTooLarge, f"exceeds the {MAX_XML_BYTES}-byte limit"),
    "gzip_bomb": (BodyTooLarge, f"exceeds the {MAX_XML_BYTES}-byte limit"),
    "truncated": (ConnectorTransientError, "cut off or is not well-formed XML"),
    "json": (ConnectorError, "a body that is not XML"),
    "plain_text": (ConnectorError, "a body that is not XML"),
    "binary": (ConnectorError, "a body that is not XML"),
    "empty": (ConnectorError, "not XML"),
    "cloudflare_524": (ConnectorOutcomeUnknown, "gave up after 6 attempts"),
    "html_200": (ConnectorError, "an HTML page"),
}

#: the tracemalloc peak of one refused exchange may not exceed this (the cap plus one read chunk and
#: the bookkeeping around it): the 50 MB and 200 MB bodies themselves are never held.
PEAK_LIMIT = MAX_XML_BYTES + 4 * MB


async def test_a_benign_answer_from_the_same_server_signs_in(upstream: Upstream) -> None:
    async with httpx.AsyncClient() as http:
        session = await client_for(upstream.server.url("benign"), http).get_api_session()
    assert session.session_id == "sid-benign"


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
async def test_a_hostile_answer_is_refused_with_a_clear_error(upstream: Upstream, scenario: str) -> None:
    error_class, words = EXPECTED[scenario]
    rss_before = rss_kb()
    with h.FileWatch(upstream.secret_file) as watch, structlog.testing.capture_logs() as logs:
        async with httpx.AsyncClient() as http:
            client = client_for(upstream.server.url(scenario), http)
            tracemalloc.start()
            try:
                with pytest.raises(ConnectorError) as caught:
                    await client.get_api_session()
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        opened = watch.events()
    error = caught.value
    assert isinstance(error, error_class), (scenario, type(error), error.message)
    assert words in error.message, (scenario, error.message)
    assert isinstance(error, ConnectorProtocolError | ConnectorTransientError | ConnectorError)
    # nothing was read or fetched on the answer's say-so, and the secret went nowhere
    if watch.available:
        assert opened == 0, f"{scenario}: the secret file was opened {opened} times"
    assert upstream.canary.connections == 0, f"{scenario}: the parser fetched the canary URL"
    assert SECRET not in error.message and SECRET not in repr(logs)
    assert peak < PEAK_LIMIT, f"{scenario}: tracemalloc peak {peak / MB:.1f} MB"
    rss_growth = (rss_kb() - rss_before) / 1024
    record(
        "hostile upstream",
        scenario,
        f"{type(error).__name__}; peak {peak / MB:.2f} MB; RSS +{max(rss_growth, 0):.1f} MB",
    )


async def test_a_cloudflare_page_on_a_write_is_outcome_unknown_without_a_resend(upstream: Upstream) -> None:
    """On a write sent without ``uniqueid`` a 524 is not re-sent: Intacct may have applied it."""
    async with httpx.AsyncClient() as http:
        transport = IntacctTransport(http, retry=NO_WAIT)
        before = upstream.server.requests.get("cloudflare_524", 0)
        with pytest.raises(ConnectorOutcomeUnknown) as caught:
            await transport.post(upstream.server.url("cloudflare_524"), b"<request/>", resend_safe=False)
    assert "HTTP 524" in caught.value.message and "may still be processing" in caught.value.message
    assert upstream.server.requests["cloudflare_524"] - before == 1
