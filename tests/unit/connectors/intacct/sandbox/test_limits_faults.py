"""Per-company limits (enforced and counted) and every fault switch, through the in-process transport."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import pytest_asyncio

from connectors.intacct.sandbox import FaultSettings
from connectors.intacct.xml.parse import parse_xml

from ._core_support import (
    URL,
    Sandbox,
    child,
    envelope,
    errors_of,
    fn,
    session,
)

CLASS = fn("<create><CLASS><CLASSID>{id}</CLASSID><NAME>n</NAME></CLASS></create>")


@pytest_asyncio.fixture
async def sb():
    sandbox = Sandbox()
    yield sandbox
    await sandbox.close()


def created(sb: Sandbox, class_id: str) -> bool:
    return sb.demo.find_one("CLASS", CLASSID=class_id) is not None


@pytest.mark.asyncio
async def test_counters_count_requests_functions_and_logins(sb: Sandbox) -> None:
    sid = await sb.session_id()
    await sb.call(fn("<getAPISession/>", "a") + fn("<readByQuery><object>CLASS</object></readByQuery>", "b"),
                  auth=session(sid))  # fmt: skip
    await sb.call(CLASS.format(id="K1"), auth=session(sid))
    counters = sb.demo.counters
    assert counters.http_requests == 3
    assert counters.functions == 4
    assert counters.by_function == {"getAPISession": 2, "readByQuery": 1, "create:CLASS": 1}
    assert counters.logins == 1
    assert counters.max_concurrent == 1
    assert counters.concurrent == 0


@pytest.mark.asyncio
async def test_calls_per_minute_are_enforced_with_http_429(sb: Sandbox) -> None:
    sb.demo.limits.calls_per_minute = 3
    statuses = [(await sb.post(envelope(fn("<getAPISession/>")))).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = await sb.post(envelope(fn("<getAPISession/>")))
    root = parse_xml(refused.content)
    assert root.findtext("control/status") == "failure"
    assert root.findtext("errormessage/error/errorno") == "GW-0010"
    assert "API rate limit exceeded" in refused.text
    assert sb.demo.counters.rate_limited == 2
    sb.clock.advance(seconds=61)
    assert (await sb.post(envelope(fn("<getAPISession/>")))).status_code == 200


@pytest.mark.asyncio
async def test_concurrent_requests_over_the_limit_are_refused(sb: Sandbox) -> None:
    sb.demo.limits.max_concurrent = 2
    sb.demo.faults.latency_seconds = 0.05
    responses = await asyncio.gather(*(sb.post(envelope(fn("<getAPISession/>"))) for _ in range(4)))
    assert sorted(r.status_code for r in responses) == [200, 200, 429, 429]
    assert sb.demo.counters.max_concurrent == 2
    assert sb.demo.counters.rate_limited == 2
    assert sb.demo.counters.concurrent == 0


@pytest.mark.asyncio
async def test_limit_answer_can_be_a_200_body(sb: Sandbox) -> None:
    sb.demo.limits.calls_per_minute = 1
    sb.demo.limits.answer = "body"
    await sb.post(envelope(fn("<getAPISession/>")))
    refused = await sb.post(envelope(fn("<getAPISession/>")))
    assert refused.status_code == 200
    assert "API rate limit exceeded" in refused.text
    assert errors_of(parse_xml(refused.content))[0][1].startswith("API rate limit exceeded [Support ID:")


@pytest.mark.asyncio
async def test_too_many_functions_in_one_request_is_refused_whole(sb: Sandbox) -> None:
    sb.demo.limits.max_functions_per_request = 3
    functions = "".join(CLASS.format(id=f"M{n}").replace('"f1"', f'"f{n}"') for n in range(4))
    root = await sb.call(functions)
    assert root.findtext("control/status") == "failure"
    errorno, text = errors_of(root)[0]
    assert errorno == "XL03000003"
    assert "4 functions; the limit is 3 functions per request" in text
    assert not created(sb, "M0")
    assert sb.demo.counters.oversized_requests == 1


@pytest.mark.asyncio
async def test_offline_fault_fails_every_function(sb: Sandbox) -> None:
    sb.demo.faults.offline = True
    root = await sb.call(CLASS.format(id="OFF"))
    result = child(root, "operation/result")
    assert result.findtext("status") == "failure"
    assert "The Service is Temporarily Off-line" in errors_of(result)[0][1]
    assert not created(sb, "OFF")


@pytest.mark.asyncio
@pytest.mark.parametrize(("mode", "status"), [("body", 200), ("http429", 429)])
async def test_rate_limit_fault(sb: Sandbox, mode: str, status: int) -> None:
    sb.demo.faults.configure({"rate_limit_rate": 1.0, "rate_limit_mode": mode})
    response = await sb.post(envelope(CLASS.format(id="RL")))
    assert response.status_code == status
    assert "API rate limit exceeded" in response.text
    assert not created(sb, "RL")
    assert sb.demo.counters.faults == {"rate_limit": 1}


@pytest.mark.asyncio
async def test_http_5xx_fault_executes_nothing(sb: Sandbox) -> None:
    sb.demo.faults.configure({"http_5xx_rate": 1.0, "http_5xx_status": 502})
    response = await sb.post(envelope(CLASS.format(id="X5")))
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert not created(sb, "X5")


@pytest.mark.asyncio
async def test_524_after_commit_applies_the_write(sb: Sandbox) -> None:
    sb.demo.faults.http_524_after_commit_rate = 1.0
    response = await sb.post(envelope(CLASS.format(id="X524")))
    assert response.status_code == 524
    assert b"A timeout occurred" in response.content
    assert created(sb, "X524")


@pytest.mark.asyncio
async def test_dropped_connection_after_commit(sb: Sandbox) -> None:
    sb.demo.faults.drop_after_commit_rate = 1.0
    with pytest.raises(httpx.RemoteProtocolError):
        await sb.post(envelope(CLASS.format(id="DROP")))
    assert created(sb, "DROP")
    assert sb.demo.counters.faults == {"drop_after_commit": 1}


@pytest.mark.asyncio
async def test_slow_answer_beyond_read_timeout_is_read_timeout_after_commit(sb: Sandbox) -> None:
    sb.demo.faults.slow_seconds = 30
    with pytest.raises(httpx.ReadTimeout):
        await sb.client.post(
            URL, content=envelope(CLASS.format(id="SLOW")), timeout=httpx.Timeout(5, read=0.05)
        )
    assert created(sb, "SLOW")
    assert sb.demo.counters.concurrent == 0


@pytest.mark.asyncio
async def test_latency_delays_but_answers(sb: Sandbox) -> None:
    sb.demo.faults.latency_seconds = 0.01
    assert (await sb.post(envelope(fn("<getAPISession/>")))).status_code == 200


@pytest.mark.asyncio
async def test_sessions_expire_every_n_calls(sb: Sandbox) -> None:
    sb.demo.faults.expire_sessions_every = 2
    sid = await sb.session_id()
    statuses = []
    for _ in range(3):
        root = await sb.call(fn("<getAPISession/>"), auth=session(sid))
        statuses.append(root.findtext("operation/authentication/status"))
    assert statuses == ["success", "success", "failure"]
    assert sb.demo.counters.sessions_expired == 1
    assert sb.demo.counters.faults == {"expire_session": 1}


@pytest.mark.asyncio
async def test_random_faults_are_deterministic_for_a_seed() -> None:
    async def outcomes() -> list[int]:
        sandbox = Sandbox()
        sandbox.demo.faults.configure({"seed": 7, "http_5xx_rate": 0.5})
        codes = [(await sandbox.post(envelope(fn("<getAPISession/>")))).status_code for _ in range(20)]
        await sandbox.close()
        return codes

    first, second = await outcomes(), await outcomes()
    assert first == second
    assert 200 in first and 503 in first


def test_fault_settings_refuse_unknown_keys_and_reset() -> None:
    faults = FaultSettings()
    with pytest.raises(ValueError, match="unknown fault setting"):
        faults.configure({"explode": True})
    with pytest.raises(ValueError, match="rate_limit_mode"):
        faults.configure({"rate_limit_mode": "smoke"})
    faults.configure({"rate_limit_mode": "http429", "offline": True, "latency_seconds": 1})
    faults.reset()
    assert faults.as_dict() == FaultSettings().as_dict()
