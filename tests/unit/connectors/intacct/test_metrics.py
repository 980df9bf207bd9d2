"""The Intacct client's metrics hook: calls by function and outcome, retries by reason, limit waits —
driven through the real client against the in-process sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from lxml import etree

from connectors.errors import (
    ConnectorConfigError,
    ConnectorDuplicateError,
    ConnectorOutcomeUnknown,
    ConnectorRejectedError,
    ConnectorTransientError,
)
from connectors.intacct.client import Function, IntacctClient
from connectors.intacct.config import IntacctCredentials
from connectors.intacct.errors import IntacctRateLimited
from connectors.intacct.limits import InMemoryLimitStore, LimitSettings, WaitRecorder
from connectors.intacct.metrics import MetricsRecorder, function_label, outcome_of
from connectors.intacct.sandbox import SandboxState, SandboxTransport, create_app
from connectors.intacct.sandbox.state import CompanyState
from connectors.intacct.session import SessionCache
from connectors.intacct.transport import IntacctTransport, RetryPolicy
from connectors.intacct.xml.parse import parse_xml

URL = "http://sandbox.test/ia/xml/xmlgw.phtml"
RETRIES = 2


def demo_credentials() -> IntacctCredentials:
    return IntacctCredentials(
        sender_id="demo-sender",
        sender_password="demo-sender-pw",
        company_id="DEMO",
        user_id="demo-user",
        user_password="demo-user-pw",
        entity_id=None,
        endpoint_url=URL,
    )


class Rig:
    def __init__(self, metrics: object, limits: LimitSettings | None = None) -> None:
        self.state = SandboxState.demo()
        self.http = httpx.AsyncClient(transport=SandboxTransport(create_app(self.state)))
        self.client = IntacctClient(
            demo_credentials(),
            limits=limits,
            limit_store=InMemoryLimitStore(),
            session_cache=SessionCache(),
            http=IntacctTransport(self.http, retry=RetryPolicy(max_retries=RETRIES, base_delay=0.001)),
            metrics=metrics,  # type: ignore[arg-type]
        )

    @property
    def demo(self) -> CompanyState:
        return self.state.company("DEMO")

    async def vendors(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        async for page in self.client.query("VENDOR", ["VENDORID"], pagesize=100):
            rows.extend(page)
        return rows


@pytest_asyncio.fixture(loop_scope="session")
async def rig() -> AsyncIterator[Rig]:
    made = Rig(MetricsRecorder())
    try:
        yield made
    finally:
        await made.http.aclose()


def recorder(rig: Rig) -> MetricsRecorder:
    assert isinstance(rig.client.metrics, MetricsRecorder)
    return rig.client.metrics


@pytest.mark.parametrize(
    ("xml", "label"),
    [
        ("<getAPISession/>", "getAPISession"),
        ("<create_bill><vendorid>V1</vendorid></create_bill>", "create_bill"),
        ("<create><APBILL><VENDORID>V1</VENDORID></APBILL></create>", "create:APBILL"),
        ("<update><vendor><VENDORID>V1</VENDORID></vendor></update>", "update:VENDOR"),
        ("<query><object>VENDOR</object><select><field>VENDORID</field></select></query>", "query:VENDOR"),
        ("<readByQuery><object>apbill</object><query/></readByQuery>", "readByQuery:APBILL"),
        ("<read><object>ARINVOICE</object><keys>1</keys></read>", "read:ARINVOICE"),
        ("<readMore><resultId>abc</resultId></readMore>", "readMore"),
        ("<query><select><field>X</field></select></query>", "query"),
    ],
)
def test_function_labels_are_bounded_names(xml: str, label: str) -> None:
    assert function_label(parse_xml(xml.encode())) == label


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (None, "success"),
        (IntacctRateLimited("slow down"), "rate_limited"),
        (ConnectorOutcomeUnknown("lost"), "outcome_unknown"),
        (ConnectorTransientError("503"), "transient"),
        (ConnectorConfigError("bad password"), "config_error"),
        (ConnectorDuplicateError("again"), "duplicate"),
        (ConnectorRejectedError("no"), "rejected"),
        (ValueError("bug"), "error"),
        (asyncio.CancelledError(), "cancelled"),
    ],
)
def test_outcomes(error: BaseException | None, outcome: str) -> None:
    assert outcome_of(error) == outcome


@pytest.mark.asyncio(loop_scope="session")
async def test_a_connection_check_counts_the_sign_in_and_the_entity_query(rig: Rig) -> None:
    check = await rig.client.check()
    assert check.ok
    calls = recorder(rig).calls
    assert calls[("getAPISession", "success")] == 1
    assert calls[("query:LOCATIONENTITY", "success")] >= 1
    assert not recorder(rig).retries
    assert recorder(rig).call_seconds["getAPISession"] > 0


@pytest.mark.asyncio(loop_scope="session")
async def test_http_5xx_is_retried_and_the_call_ends_transient(rig: Rig) -> None:
    await rig.client.get_api_session()
    rig.demo.faults.configure({"http_5xx_rate": 1.0})
    with pytest.raises(ConnectorTransientError):
        await rig.vendors()
    assert recorder(rig).retries == {"http_5xx": RETRIES}
    assert recorder(rig).calls[("query:VENDOR", "transient")] == 1


@pytest.mark.asyncio(loop_scope="session")
async def test_rate_limit_answers_are_retried_with_their_reason(rig: Rig) -> None:
    await rig.client.get_api_session()
    rig.demo.faults.configure({"rate_limit_rate": 1.0})
    with pytest.raises(IntacctRateLimited):
        await rig.vendors()
    assert recorder(rig).retries == {"rate_limited": RETRIES}
    assert recorder(rig).calls[("query:VENDOR", "rate_limited")] == 1


@pytest.mark.asyncio(loop_scope="session")
async def test_an_expired_session_counts_one_retry_and_a_second_sign_in(rig: Rig) -> None:
    await rig.vendors()
    rig.demo.faults.configure({"expire_sessions_every": 1})
    await rig.vendors()
    assert recorder(rig).retries["session_expired"] >= 1
    assert recorder(rig).calls[("getAPISession", "success")] >= 2
    assert recorder(rig).calls[("query:VENDOR", "success")] == 2


@pytest.mark.asyncio(loop_scope="session")
async def test_a_refused_function_counts_with_its_error_kind(rig: Rig) -> None:
    element = etree.fromstring(b"<create><VENDOR><NAME>No id</NAME></VENDOR></create>")  # VENDORID missing
    (result,) = await rig.client.execute([Function.write(element, "metrics-test-1")])
    assert isinstance(result.error, ConnectorRejectedError)
    assert recorder(rig).calls[("create:VENDOR", "rejected")] == 1


@pytest.mark.asyncio(loop_scope="session")
async def test_waits_for_a_concurrency_slot_are_reported() -> None:
    made = Rig(MetricsRecorder(), limits=LimitSettings(max_concurrent=1))
    try:
        await made.client.get_api_session()
        made.demo.faults.configure({"latency_seconds": 0.05})
        await asyncio.gather(made.vendors(), made.vendors())
        metrics = made.client.metrics
        assert isinstance(metrics, MetricsRecorder)
        # The second query could only start once the first (held >= 50 ms by the sandbox) let go.
        assert metrics.wait_seconds["concurrency"] >= 0.04
        assert metrics.calls[("query:VENDOR", "success")] == 2
    finally:
        await made.http.aclose()


class Broken:
    def call(self, function: str, outcome: str, seconds: float) -> None:
        raise RuntimeError("metrics backend down")

    def retry(self, reason: str) -> None:
        raise RuntimeError("metrics backend down")

    def limit_wait(self, key: str, kind: str, seconds: float) -> None:
        pass


@pytest.mark.asyncio(loop_scope="session")
async def test_a_broken_hook_never_breaks_a_call() -> None:
    made = Rig(Broken())
    try:
        made.demo.faults.configure({"expire_sessions_every": 1})
        assert await made.vendors()
        assert await made.vendors()
    finally:
        await made.http.aclose()


@pytest.mark.asyncio(loop_scope="session")
async def test_a_limits_only_hook_still_works() -> None:
    # Hosts written against LimitMetrics alone (limit_wait) keep working: call/retry are optional.
    made = Rig(WaitRecorder())
    try:
        assert await made.vendors()
        metrics = made.client.metrics
        assert isinstance(metrics, WaitRecorder) and metrics.waits >= 1
    finally:
        await made.http.aclose()
