"""The benchmark report: ratio direction, JSON shape, table, percentile (fast, no processes)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.benchmarks.p4_read import percentile
from tests.benchmarks.report import Measurement, bench_document, format_table, write_json


def measurement(
    key: str = "P1", *, ours: float = 2.0, reference: float = 10.0, lower: bool = True
) -> Measurement:
    return Measurement(
        key=key,
        title="t",
        unit="s",
        ours=ours,
        reference=reference,
        lower_is_better=lower,
        target=">= 5x",
        calls={"ours": 3, "reference": 11},
        minimum_calls=2,
        peak_rss_mb={"ours": 12.345, "reference": 40.0},
    )


def test_ratio_is_how_many_times_better_we_are() -> None:
    assert measurement(ours=2.0, reference=10.0, lower=True).ratio == 5.0  # times: reference / ours
    assert measurement(ours=10.0, reference=2.0, lower=False).ratio == 5.0  # throughputs: ours / reference
    assert measurement(ours=10.0, reference=2.0, lower=True).ratio == 0.2  # slower than the reference
    assert measurement(ours=0.0, reference=1.0, lower=True).ratio == float("inf")


def test_json_is_keyed_by_benchmark_with_the_agreed_fields(tmp_path: Path) -> None:
    path = tmp_path / "bench.json"
    write_json([measurement("P3"), measurement("P1")], path)
    document = json.loads(path.read_text())
    assert list(document) == ["P1", "P3"]
    entry = document["P1"]
    assert entry["ours"] == 2.0 and entry["reference"] == 10.0 and entry["ratio"] == 5.0
    assert entry["unit"] == "s"
    assert entry["calls"] == {"ours": 3, "reference": 11} and entry["minimum_calls"] == 2
    assert entry["peak_rss_mb"] == {"ours": 12.35, "reference": 40.0}
    assert bench_document([]) == {}


def test_table_has_one_row_per_benchmark_and_the_targets() -> None:
    table = format_table([measurement("P2"), measurement("P1", lower=False)])
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["benchmark", "unit"]
    assert lines[2].startswith("P1") and lines[3].startswith("P2")
    assert "3 / 11 (min 2)" in lines[2]
    assert "P1 target: >= 5x" in table


def test_percentile_is_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 0.5) == 50.0
    assert percentile(samples, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0
