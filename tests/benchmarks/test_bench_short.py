"""The benchmarks in short mode inside ``make test``, so their code cannot rot.

The same code as ``make bench`` at small sizes (``run.SHORT``: 20 bills pushed, 200 pulled, 40 in the
scale-out round). No timing is asserted — wall times on a shared test machine say nothing — only that
every benchmark produced numbers, that both sides did the same work, and that the call counters the
sandbox keeps make sense: the SDK makes exactly the calls its code implies, ours never beat the
theoretical minimum (the counter counts) and the gateway batches (fewer calls than bills).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.benchmarks import report
from tests.benchmarks.run import ALL, SHORT, run_benchmarks

pytestmark = pytest.mark.benchmark


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


@pytest.mark.asyncio
async def test_every_benchmark_runs_in_short_mode(database_server_url: str, tmp_path: Path) -> None:
    from gateway.logging import configure_logging
    from gateway.settings import LogSettings

    configure_logging(LogSettings(level="WARNING"))  # as the test app does (P3 logs at debug otherwise)
    results = {m.key: m for m in await run_benchmarks(SHORT, ALL, server_url=database_server_url)}
    assert sorted(results) == list(ALL)
    for m in results.values():
        assert _positive(m.ours) and _positive(m.reference), m
        assert _positive(m.ratio), m

    p1 = results["P1"]
    assert p1.calls is not None and p1.minimum_calls == math.ceil(SHORT.p1_bills / 100) + 1
    # the SDK: one sign-in, then one request per bill (nothing refused at this size)
    assert p1.calls["reference"] == SHORT.p1_bills + 1
    assert p1.details["reference"]["functions"] == {"create:APBILL": SHORT.p1_bills, "getAPISession": 1}
    # ours: never below the minimum; every bill written exactly once (how many requests carried them
    # depends on how the POSTs and the worker's claims interleave, so no upper bound here)
    assert p1.calls["ours"] >= p1.minimum_calls, p1.details
    assert p1.details["ours"]["functions"]["create_bill"] == SHORT.p1_bills, p1.details

    p2 = results["P2"]
    assert p2.calls is not None and p2.minimum_calls == math.ceil(SHORT.p2_bills / 2000) + 1
    # the SDK's get_all: sign-in, a count query, then one page per 2000 rows
    assert p2.calls["reference"] == math.ceil(SHORT.p2_bills / 2000) + 2
    assert p2.calls["ours"] >= p2.minimum_calls
    assert p2.peak_rss_mb is not None and all(mb >= 0 for mb in p2.peak_rss_mb.values())
    assert p2.details["ours"]["records"] == p2.details["reference"]["records"] == SHORT.p2_bills

    p3 = results["P3"]
    assert p3.details["lines"] == {"ours": 10, "reference": 10}
    assert set(p3.details["ours_stages_us"]) == {"convert", "plan_create", "to_element", "envelope_bytes"}

    p4 = results["P4"]
    for side in ("ours", "floor"):
        figures = p4.details[side]
        assert 0 < figures["p50_ms"] <= figures["p99_ms"] <= figures["max_ms"]
    assert p4.details["bills_in_store"] == SHORT.p2_bills

    p5 = results["P5"]
    assert p5.calls is not None
    # each round signs in to both companies and writes to both; every bill exactly once per round
    assert p5.calls["reference"] >= 2 * 2 and p5.calls["ours"] >= 2 * 2
    for round_ in ("one_worker", "two_workers"):
        assert p5.details[round_]["functions"]["create_bill"] == SHORT.p5_bills, p5.details

    output = tmp_path / "bench.json"
    report.write_json(results.values(), output)
    document = json.loads(output.read_text())
    assert list(document) == list(ALL)
    for key in ALL:
        assert {"ours", "reference", "ratio", "unit"} <= set(document[key])
    assert {"calls", "minimum_calls", "peak_rss_mb"} <= set(document["P2"])
    table = report.format_table(results.values())
    assert all(key in table for key in ALL)
