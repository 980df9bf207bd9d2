"""Retries: what is re-sent, how often, and what is never re-sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from connectors.errors import ConnectorOutcomeUnknown, ConnectorTransientError
from connectors.intacct import transport as transport_module
from connectors.intacct.transport import IntacctTransport, RetryPolicy
from tests.unit.connectors.intacct._support import FakeSleep

URL = "https://api.intacct.com/ia/xml/xmlgw.phtml"
OK = httpx.Response(200, content=b"<response/>", headers={"content-type": "text/xml"})


class Script:
    """Answers from a list: an ``httpx.Response`` or an exception class to raise."""

    def __init__(self, *steps: object) -> None:
        self.steps = list(steps)
        self.bodies: list[bytes] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(request.content)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, type) and issubclass(step, httpx.TransportError):
            raise step("scripted", request=request)
        assert isinstance(step, httpx.Response)
        return step


def make(script: Script, sleep: FakeSleep | None = None, max_retries: int = 5) -> IntacctTransport:
    return IntacctTransport(
        httpx.AsyncClient(transport=httpx.MockTransport(script)),
        retry=RetryPolicy(max_retries=max_retries, base_delay=0.5, max_delay=4.0),
        sleep=sleep or FakeSleep(),
        rand=lambda: 0.5,
    )


def status(code: int, body: bytes = b"<html>cloudflare</html>") -> httpx.Response:
    return httpx.Response(code, content=body, headers={"content-type": "text/html"})


@pytest.mark.asyncio
async def test_502_then_success_is_retried() -> None:
    script, sleep = Script(status(502), OK), FakeSleep()
    answer = await make(script, sleep).post(URL, b"<request/>", resend_safe=False)
    assert answer.status_code == 200 and answer.attempts == 2
    assert len(script.bodies) == 2 and len(sleep.delays) == 1


@pytest.mark.asyncio
async def test_524_on_a_read_is_retried() -> None:
    script = Script(status(524), OK)
    answer = await make(script).post(URL, b"<read/>", resend_safe=True)
    assert answer.status_code == 200 and len(script.bodies) == 2


@pytest.mark.asyncio
async def test_524_on_an_unprotected_write_is_never_resent() -> None:
    script = Script(status(524), OK)
    with pytest.raises(ConnectorOutcomeUnknown) as caught:
        await make(script).post(URL, b"<write/>", resend_safe=False)
    assert len(script.bodies) == 1
    assert caught.value.status_code == 524


@pytest.mark.asyncio
async def test_524_on_a_uniqueid_write_is_resent_with_the_same_bytes() -> None:
    script = Script(status(524), OK)
    body = b'<request><function controlid="bill-1:create"/></request>'
    await make(script).post(URL, body, resend_safe=True)
    assert script.bodies == [body, body]


@pytest.mark.asyncio
async def test_at_most_five_retries_with_exponential_backoff() -> None:
    script, sleep = Script(status(503)), FakeSleep()
    with pytest.raises(ConnectorTransientError) as caught:
        await make(script, sleep).post(URL, b"<read/>", resend_safe=True)
    assert len(script.bodies) == 6
    assert "gave up after 6 attempts" in caught.value.message
    # equal jitter with rand=0.5: 3/4 of min(max_delay, base * 2**n)
    assert sleep.delays == [0.375, 0.75, 1.5, 3.0, 3.0]


@pytest.mark.asyncio
async def test_retry_count_is_configurable() -> None:
    script = Script(status(500))
    with pytest.raises(ConnectorTransientError):
        await make(script, max_retries=0).post(URL, b"<read/>", resend_safe=True)
    assert len(script.bodies) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("exc", [httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError])
async def test_lost_answer_after_send(exc: type[Exception]) -> None:
    unsafe = Script(exc, OK)
    with pytest.raises(ConnectorOutcomeUnknown):
        await make(unsafe).post(URL, b"<write/>", resend_safe=False)
    assert len(unsafe.bodies) == 1
    safe = Script(exc, OK)
    assert (await make(safe).post(URL, b"<read/>", resend_safe=True)).status_code == 200
    assert len(safe.bodies) == 2


@pytest.mark.asyncio
async def test_connection_never_made_is_always_retried() -> None:
    script = Script(httpx.ConnectError, httpx.ConnectTimeout, OK)
    answer = await make(script).post(URL, b"<write/>", resend_safe=False)
    assert answer.status_code == 200 and len(script.bodies) == 3


@pytest.mark.asyncio
async def test_4xx_is_returned_for_the_caller_to_parse() -> None:
    body = b"<response><control><status>failure</status></control></response>"
    script = Script(httpx.Response(401, content=body, headers={"content-type": "application/xml"}))
    answer = await make(script).post(URL, b"<x/>", resend_safe=False)
    assert answer.status_code == 401 and answer.is_xml and answer.body == body
    assert len(script.bodies) == 1


@pytest.mark.asyncio
async def test_gzip_answers_are_decoded_and_requested() -> None:
    import gzip

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            content=gzip.compress(b"<response/>"),
            headers={"content-type": "text/xml", "content-encoding": "gzip"},
        )

    transport = IntacctTransport(httpx.AsyncClient(transport=httpx.MockTransport(handler)))
    answer = await transport.post(URL, b"<x/>", resend_safe=True)
    assert answer.body == b"<response/>"
    assert "gzip" in seen[0].headers["accept-encoding"]
    assert seen[0].headers["content-type"].startswith("application/xml")


@pytest.mark.asyncio
async def test_gate_wraps_every_attempt() -> None:
    entered: list[int] = []

    @asynccontextmanager
    async def gate() -> AsyncIterator[None]:
        entered.append(1)
        yield

    script = Script(status(502), status(502), OK)
    await make(script).post(URL, b"<x/>", resend_safe=True, gate=gate)
    assert len(entered) == 3


@pytest.mark.asyncio
async def test_shared_client_is_one_per_process() -> None:
    first = transport_module.shared_client()
    assert transport_module.shared_client() is first
    assert IntacctTransport().client is first
    await transport_module.close_shared_client()
    second = transport_module.shared_client()
    assert second is not first
    await transport_module.close_shared_client()
