"""What one benchmark produced, and how the runner prints and stores it.

Every benchmark answers a ``Measurement``: the same metric for the gateway (``ours``) and for the
thing it is compared with (``reference``: the community ``sageintacctsdk`` client, or a floor), plus
the Intacct calls each side made as the sandbox counted them. ``ratio`` is always "how many times
better we are", so above 1 is better whatever the unit: for times it is reference / ours, for
throughputs ours / reference.

``bench.json`` is an object keyed ``P1`` … ``P5`` (only the benchmarks that ran), each entry holding
``ours``, ``reference``, ``ratio``, ``unit`` and, where they apply, ``calls``, ``minimum_calls`` and
``peak_rss_mb``, then ``target`` and ``details`` (sizes and secondary figures such as p50).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(slots=True)
class Measurement:
    """One benchmark's outcome. ``lower_is_better`` says how ``ratio`` is formed."""

    key: str
    title: str
    unit: str
    ours: float
    reference: float
    lower_is_better: bool
    target: str
    #: Intacct calls (HTTP requests the sandbox accepted) per side, e.g. ``{"ours": 22, "reference": 1001}``.
    calls: dict[str, int] | None = None
    minimum_calls: int | None = None
    #: peak resident memory growth above idle, MB, per side.
    peak_rss_mb: dict[str, float] | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """How many times better ours is (above 1 is better); ``inf`` when the other side is zero."""
        better, worse = (self.reference, self.ours) if self.lower_is_better else (self.ours, self.reference)
        if worse <= 0:
            return float("inf") if better > 0 else 1.0
        return better / worse

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.title,
            "ours": _round(self.ours),
            "reference": _round(self.reference),
            "ratio": _round(self.ratio),
            "unit": self.unit,
        }
        if self.calls is not None:
            out["calls"] = dict(self.calls)
        if self.minimum_calls is not None:
            out["minimum_calls"] = self.minimum_calls
        if self.peak_rss_mb is not None:
            out["peak_rss_mb"] = {side: _round(mb) for side, mb in self.peak_rss_mb.items()}
        out["target"] = self.target
        out["details"] = self.details
        return out


def _round(value: float) -> float:
    if value in (float("inf"), float("-inf")):
        return value
    return float(f"{value:.4g}")


def bench_document(results: Iterable[Measurement]) -> dict[str, Any]:
    """The ``bench.json`` object: ``{"P1": {...}, ...}`` in key order."""
    return {m.key: m.as_json() for m in sorted(results, key=lambda m: m.key)}


def write_json(results: Iterable[Measurement], path: Path) -> None:
    path.write_text(json.dumps(bench_document(results), indent=2, sort_keys=False) + "\n", encoding="utf-8")


def _figure(value: float) -> str:
    if value == float("inf"):
        return "inf"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _calls(m: Measurement) -> str:
    if m.calls is None:
        return "-"
    text = " / ".join(str(m.calls.get(side, "-")) for side in ("ours", "reference"))
    return f"{text} (min {m.minimum_calls})" if m.minimum_calls is not None else text


def _rss(m: Measurement) -> str:
    if not m.peak_rss_mb:
        return "-"
    return " / ".join(
        _figure(m.peak_rss_mb[side]) if side in m.peak_rss_mb else "-" for side in ("ours", "reference")
    )


def format_table(results: Iterable[Measurement]) -> str:
    """A plain-text table: one row per benchmark, then each row's target."""
    header = ("", "benchmark", "unit", "ours", "reference", "ratio", "calls ours / ref", "RSS MB ours / ref")
    rows: list[tuple[str, ...]] = [header]
    ordered = sorted(results, key=lambda m: m.key)
    for m in ordered:
        rows.append(
            (
                m.key,
                m.title,
                m.unit,
                _figure(m.ours),
                _figure(m.reference),
                f"{_figure(m.ratio)}x",
                _calls(m),
                _rss(m),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append("")
    lines += [f"{m.key} target: {m.target}" for m in ordered]
    return "\n".join(lines)
