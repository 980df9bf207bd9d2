"""gateway.metrics pieces that need no server: the connector hook, worker instrumentation, status
mapping of exceptions, and the exposition of store gauges next to the process metrics."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

import gateway
from connectors.errors import ConnectorRejectedError, ConnectorTransientError
from connectors.intacct.metrics import IntacctMetrics
from gateway.jobs.worker import OperationFailed, RetryLater
from gateway.metrics import (
    _operation_families,
    _status_of,
    connector_metrics,
    exposition,
    instrument_handlers,
)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_the_connector_hook_feeds_the_intacct_series() -> None:
    hook: IntacctMetrics = connector_metrics()
    assert connector_metrics() is hook  # one per process
    calls = sample("gateway_intacct_calls_total", function="create_bill", outcome="rejected")
    durations = sample("gateway_intacct_call_duration_seconds_count", function="create_bill")
    retries = sample("gateway_intacct_retries_total", reason="http_5xx")
    waits = sample("gateway_intacct_limit_wait_seconds_sum", kind="rate")
    hook.call("create_bill", "rejected", 0.25)
    hook.retry("http_5xx")
    hook.limit_wait("intacct:acme", "rate", 1.5)
    assert sample("gateway_intacct_calls_total", function="create_bill", outcome="rejected") == calls + 1
    assert sample("gateway_intacct_call_duration_seconds_count", function="create_bill") == durations + 1
    assert sample("gateway_intacct_retries_total", reason="http_5xx") == retries + 1
    assert sample("gateway_intacct_limit_wait_seconds_sum", kind="rate") == waits + 1.5
    # The company key is not a label: a gateway serves unboundedly many companies.
    assert "intacct:acme" not in exposition([]).decode()


class Op:
    def __init__(self, payload: dict[str, Any]) -> None:
        self.id = uuid.uuid4()
        self.payload = payload


async def behave(op: Any) -> dict[str, Any]:
    match op.payload["do"]:
        case "ok":
            return {"ok": True}
        case "fail":
            raise OperationFailed("refused")
        case "retry":
            raise RetryLater("later")
        case "transient":
            raise ConnectorTransientError("503")
        case "hang":
            await asyncio.sleep(30)
    raise ValueError("bug")


@pytest.mark.asyncio(loop_scope="session")
async def test_worker_outcomes_are_counted_per_kind() -> None:
    kind = f"unit-{uuid.uuid4().hex[:6]}"
    handler = instrument_handlers({kind: behave})[kind]
    assert await handler(Op({"do": "ok"})) == {"ok": True}  # type: ignore[arg-type]
    for do, error in (
        ("fail", OperationFailed),
        ("retry", RetryLater),
        ("transient", ConnectorTransientError),
    ):
        with pytest.raises(error):
            await handler(Op({"do": do}))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        await handler(Op({"do": "crash"}))  # type: ignore[arg-type]
    task: asyncio.Task[Any] = asyncio.create_task(handler(Op({"do": "hang"})))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    counts = {
        outcome: sample("gateway_worker_operations_total", kind=kind, outcome=outcome)
        for outcome in ("success", "failed", "retry", "error", "released")
    }
    assert counts == {"success": 1, "failed": 1, "retry": 2, "error": 1, "released": 1}
    assert sample("gateway_worker_operation_duration_seconds_count", kind=kind) == 6


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (ConnectorRejectedError("no"), 400),
        (ConnectorTransientError("down"), 503),
        (RuntimeError("bug"), 500),
        (asyncio.CancelledError(), 500),
    ],
)
def test_exceptions_are_counted_with_the_status_the_handler_renders(exc: BaseException, status: int) -> None:
    assert _status_of(exc) == status


def test_store_gauges_are_exposed_after_the_process_metrics() -> None:
    families = _operation_families(
        [{"kind": "push", "data_type": "bills", "status": "Failed", "n": 4}],
        [{"kind": "pull", "ready": 2, "delayed": 1, "oldest_ready_seconds": 12.5}],
    )
    text = exposition(families).decode()
    parsed = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert (
        parsed[("gateway_operations", (("data_type", "bills"), ("kind", "push"), ("status", "Failed")))] == 4
    )
    assert parsed[("gateway_operations", (("data_type", ""), ("kind", "push"), ("status", "Pending")))] == 0
    assert parsed[("gateway_operations_queue_depth", (("kind", "pull"),))] == 2
    assert parsed[("gateway_operations_queue_depth", (("kind", "push"),))] == 0
    assert parsed[("gateway_operations_delayed", (("kind", "pull"),))] == 1
    assert parsed[("gateway_operations_oldest_pending_age_seconds", (("kind", "pull"),))] == 12.5
    assert ("gateway_build_info", (("version", gateway.__version__),)) in parsed
