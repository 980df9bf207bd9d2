"""P3: CPU to turn one 10-line bill into the bytes of an Intacct request, no network.

Ours is the push worker's path for a create: the unified record (the dict the worker decodes from the
stored push, ``Decimal`` money) -> ``convert`` into the ``Bill`` model (validation included) ->
``plan_create`` (Intacct rules, dimensions, dates) -> lxml function element -> the request envelope
(control, session, ``<function controlid>``) as UTF-8 bytes.

The reference is ``sageintacctsdk``'s own path for the same bill: ``sdk.bills.post(dict)`` builds its
nested envelope dict and runs ``xmltodict.unparse`` and ``.encode("utf-8")``. Its module-level
``requests`` is swapped, in this process only, for a stub that keeps the body and stops there, so what is
timed is exactly the SDK's code up to the socket.

Both sides run the same number of iterations and are timed with ``time.process_time`` (CPU, not wall),
best of ``repeats`` rounds; the figure is microseconds per bill.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import httpx

from connectors.base import ConnectorContext
from connectors.intacct.connector import IntacctConnector
from connectors.intacct.mapping import mapping_for
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.sandbox import SandboxState, SandboxTransport, create_app
from connectors.intacct.xml.envelope import ControlBlock, SessionAuth, build_request, function_element
from connectors.intacct.xml.parse import parse_xml
from connectors.intacct.xml.tree import to_element
from datamodel import convert, decode_json_untyped, encode_json
from tests.benchmarks.bills import LINES, sdk_bill, unified_bill
from tests.benchmarks.report import Measurement

SANDBOX_URL = "http://sandbox/ia/xml/xmlgw.phtml"
DEMO_CREDENTIALS = {
    "senderId": "demo-sender",
    "senderPassword": "demo-sender-pw",
    "companyId": "DEMO",
    "userId": "demo-user",
    "userPassword": "demo-user-pw",
    "endpointUrl": SANDBOX_URL,
}
TARGET = ">= 5x"


async def demo_facts() -> CompanyFacts:
    """The DEMO company's facts as the connector loads them (in-process sandbox, not timed)."""
    state = SandboxState.demo()
    async with httpx.AsyncClient(transport=SandboxTransport(create_app(state))) as http:
        connector = IntacctConnector(DEMO_CREDENTIALS, context=ConnectorContext(http_client=http))
        return await connector.facts.get()


def ours_builder(facts: CompanyFacts) -> Callable[[dict[str, Any], int], bytes]:
    """``build(record, n) -> request bytes`` along the push worker's path."""
    mapping = mapping_for("bills")
    model_type, plan_create = mapping.model, mapping.plan_create
    assert model_type is not None and plan_create is not None
    control = ControlBlock("demo-sender", "demo-sender-pw", "bench-request", uniqueid=True)
    auth = SessionAuth("bench-session..")

    def build(record: dict[str, Any], n: int) -> bytes:
        key = f"bench-operation-{n}"
        plan = plan_create(convert(record, model_type), facts, operation_key=key)
        function = function_element(f"{key}:0", to_element(plan.function, plan.body))
        return build_request(control, auth, [function])

    return build


class _Sent(Exception):
    """Raised by the stub in place of sending: carries the body the SDK would have posted."""

    def __init__(self, body: bytes) -> None:
        super().__init__("captured")
        self.body = body


class _NoNetwork:
    """Stands in for the ``requests`` module inside ``sageintacctsdk.apis.api_base``."""

    @staticmethod
    def post(url: str, headers: Any = None, data: bytes = b"", **_: Any) -> Any:
        raise _Sent(data)


def reference_builder() -> tuple[Callable[[dict[str, Any], int], bytes], Any]:
    """``(build, patch)``: ``build(dict, n)`` runs ``bills.post``; ``patch`` stubs its HTTP call."""
    from sageintacctsdk.apis import api_base  # type: ignore[import-untyped]
    from sageintacctsdk.apis.bills import Bills  # type: ignore[import-untyped]

    bills = Bills()
    bills.set_sender_id("demo-sender")
    bills.set_sender_password("demo-sender-pw")
    bills.set_session_id("bench-session..")
    bills.set_show_private(False)

    def build(data: dict[str, Any], n: int) -> bytes:
        try:
            bills.post(data)
        except _Sent as sent:
            return sent.body
        raise AssertionError("sageintacctsdk sent nothing")

    return build, mock.patch.object(api_base, "requests", _NoNetwork)


def ours_stages(facts: CompanyFacts, inputs: list[dict[str, Any]]) -> dict[str, float]:
    """CPU microseconds per bill of each step of our path (one round): where the time goes."""
    mapping = mapping_for("bills")
    model_type, plan_create = mapping.model, mapping.plan_create
    assert model_type is not None and plan_create is not None
    control = ControlBlock("demo-sender", "demo-sender-pw", "bench-request", uniqueid=True)
    auth = SessionAuth("bench-session..")
    gc.collect()
    t0 = time.process_time()
    models = [convert(record, model_type) for record in inputs]
    t1 = time.process_time()
    plans = [plan_create(model, facts, operation_key=f"stage-{n}") for n, model in enumerate(models)]
    t2 = time.process_time()
    elements = [to_element(plan.function, plan.body) for plan in plans]
    t3 = time.process_time()
    for n, element in enumerate(elements):
        build_request(control, auth, [function_element(f"stage-{n}:0", element)])
    t4 = time.process_time()
    per = 1e6 / len(inputs)
    return {
        "convert": round((t1 - t0) * per, 1),
        "plan_create": round((t2 - t1) * per, 1),
        "to_element": round((t3 - t2) * per, 1),
        "envelope_bytes": round((t4 - t3) * per, 1),
    }


def _cpu_per_call(build: Callable[[Any, int], bytes], inputs: list[Any], repeats: int) -> float:
    """Best-of-``repeats`` CPU seconds per call over all ``inputs``."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        started = time.process_time()
        for n, item in enumerate(inputs):
            build(item, n)
        best = min(best, (time.process_time() - started) / len(inputs))
    return best


def _line_count(body: bytes, tag: str) -> int:
    return len(parse_xml(body).findall(f".//{tag}"))


async def run_p3(iterations: int = 2000, repeats: int = 5) -> Measurement:
    """Load DEMO's facts from an in-process sandbox, then time both sides in a thread (CPU only)."""
    facts = await demo_facts()
    return await asyncio.to_thread(_measure, facts, iterations, repeats)


def _measure(facts: CompanyFacts, iterations: int, repeats: int) -> Measurement:
    count = max(iterations, 1)
    # distinct bills (different numbers and amounts), as a batch of real pushes would be
    ours_inputs = [decode_json_untyped(encode_json(unified_bill("p3", n))) for n in range(count)]
    ref_inputs = [sdk_bill("p3", n) for n in range(count)]
    ours = ours_builder(facts)
    reference, no_network = reference_builder()
    with no_network:
        # the same bill must come out of both, with all its lines, before anything is timed
        ours_body, ref_body = ours(ours_inputs[0], 0), reference(ref_inputs[0], 0)
        lines = {"ours": _line_count(ours_body, "lineitem"), "reference": _line_count(ref_body, "APBILLITEM")}
        if set(lines.values()) != {LINES}:
            raise AssertionError(f"P3 bodies do not carry {LINES} lines each: {lines}")
        ours_cpu = _cpu_per_call(ours, ours_inputs, repeats)
        ref_cpu = _cpu_per_call(reference, ref_inputs, repeats)
    stages = ours_stages(facts, ours_inputs)
    return Measurement(
        key="P3",
        title=f"CPU: one {LINES}-line bill -> request bytes",
        unit="us/bill",
        ours=ours_cpu * 1e6,
        reference=ref_cpu * 1e6,
        lower_is_better=True,
        target=TARGET,
        details={
            "iterations": count,
            "repeats": repeats,
            "timer": "time.process_time, best round",
            "body_bytes": {"ours": len(ours_body), "reference": len(ref_body)},
            "lines": lines,
            "ours_stages_us": stages,
        },
    )
