"""``make bench``: run P1-P5, print the table, write ``bench.json``.

    python -m tests.benchmarks.run                  # full sizes (several minutes: see below)
    python -m tests.benchmarks.run --short          # the sizes ``make test`` uses
    python -m tests.benchmarks.run --only P3,P4 --output /tmp/bench.json

Full mode takes minutes on purpose: the reference client creates 1,000 bills one request at a time
against a sandbox that allows 300 calls a minute, which alone takes over 200 seconds.

One ``BenchStack`` serves every benchmark that needs the system (P1, P2, P4, P5): one sandbox process
holding a clone of DEMO per role — ``DEMO`` (P1, ours), ``DEMO_REF`` (P1, the SDK), ``BULK`` (P2 and
P4: the bulk bills), ``DEMO2``/``DEMO3`` (P5) — one gateway API process, and worker processes started
and stopped by each benchmark. P3 needs none of it. Order: P3, P2, P4 (reads what P2 stored), P1, P5.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from tests.benchmarks import p1_push, p2_pull, p3_cpu, p4_read, p5_scale
from tests.benchmarks.report import Measurement, format_table, write_json
from tests.benchmarks.stack import BenchStack

ALL = ("P1", "P2", "P3", "P4", "P5")


@dataclass(frozen=True, slots=True)
class Sizes:
    p1_bills: int
    p2_bills: int
    p2_lines: int
    p3_iterations: int
    p3_repeats: int
    p4_clients: int
    p4_requests_per_client: int
    p5_bills: int
    timeout_seconds: float


FULL = Sizes(
    p1_bills=1000,
    p2_bills=100_000,
    p2_lines=1,
    p3_iterations=2000,
    p3_repeats=5,
    p4_clients=32,
    p4_requests_per_client=50,
    p5_bills=1000,
    timeout_seconds=3600.0,
)
SHORT = Sizes(
    p1_bills=20,
    p2_bills=200,
    p2_lines=1,
    p3_iterations=200,
    p3_repeats=3,
    p4_clients=32,
    p4_requests_per_client=5,
    p5_bills=40,
    timeout_seconds=120.0,
)


def _companies(selected: set[str], sizes: Sizes) -> tuple[list[str], list[str]]:
    companies: list[str] = []
    bulk: list[str] = []
    if "P1" in selected:
        companies += ["DEMO", "DEMO_REF"]
    if selected & {"P2", "P4"}:
        companies.append("BULK")
        bulk.append(f"BULK:APBILL:{sizes.p2_bills}:{sizes.p2_lines}")
    if "P5" in selected:
        companies += ["DEMO2", "DEMO3"]
    return companies, bulk


async def run_benchmarks(
    sizes: Sizes,
    only: Sequence[str] = ALL,
    *,
    server_url: str | None = None,
    progress: Callable[[str], None] = lambda text: None,
) -> list[Measurement]:
    """Run the selected benchmarks at ``sizes``; ``server_url`` is a PostgreSQL server to make the
    throw-away database on (default: ``TEST_DATABASE_URL``, else an embedded server)."""
    selected = {key.upper() for key in only}
    unknown = selected - set(ALL)
    if unknown:
        raise ValueError(f"unknown benchmarks: {sorted(unknown)}")
    results: list[Measurement] = []
    if "P3" in selected:
        progress("P3: CPU per bill")
        results.append(await p3_cpu.run_p3(sizes.p3_iterations, sizes.p3_repeats))
    if not selected - {"P3"}:
        return results
    companies, bulk = _companies(selected, sizes)
    progress(f"starting sandbox ({', '.join(companies)}), database and gateway")
    async with BenchStack.start(companies=companies, bulk=bulk, server_url=server_url) as stack:
        linked = {company: await stack.link(company) for company in companies}
        wait_seconds = sizes.timeout_seconds
        if "P2" in selected:
            progress(f"P2: pull {sizes.p2_bills:,} bills")
            results.append(
                await p2_pull.run_p2(stack, linked["BULK"], sizes.p2_bills, wait_seconds=wait_seconds)
            )
        if "P4" in selected:
            if "P2" not in selected:
                progress("P4: filling the store with a pull first")
                await p2_pull.ours(stack, linked["BULK"], wait_seconds)
            progress(f"P4: {sizes.p4_clients} clients reading pages of bills")
            results.append(
                await p4_read.run_p4(
                    stack,
                    linked["BULK"],
                    clients=sizes.p4_clients,
                    requests_per_client=sizes.p4_requests_per_client,
                )
            )
        if "P1" in selected:
            progress(f"P1: push {sizes.p1_bills:,} bills (the SDK's one-by-one run is rate limited)")
            results.append(
                await p1_push.run_p1(
                    stack, linked["DEMO"], "DEMO_REF", sizes.p1_bills, wait_seconds=wait_seconds
                )
            )
        if "P5" in selected:
            progress(f"P5: push {sizes.p5_bills:,} bills with 1 then 2 workers")
            results.append(
                await p5_scale.run_p5(
                    stack, [linked["DEMO2"], linked["DEMO3"]], sizes.p5_bills, wait_seconds=wait_seconds
                )
            )
    return results


def _override(sizes: Sizes, assignments: Sequence[str]) -> Sizes:
    """``sizes`` with ``field=value`` assignments applied (values keep the field's type)."""
    changes: dict[str, float | int] = {}
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        current = getattr(sizes, name.strip(), None)
        if current is None or not value:
            raise SystemExit(f"--set {assignment!r}: expected one of {sorted(asdict(sizes))}=<number>")
        changes[name.strip()] = type(current)(value)
    return replace(sizes, **changes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.run", description=__doc__)
    parser.add_argument("--short", action="store_true", help="small sizes (what make test runs)")
    parser.add_argument("--only", default=",".join(ALL), help="comma-separated subset, e.g. P1,P3")
    parser.add_argument("--output", default="bench.json", help="where to write the JSON results")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=N",
        help="override one size, e.g. --set p2_bills=20000 (repeatable; for quicker local comparisons)",
    )
    args = parser.parse_args(argv)
    from gateway.logging import configure_logging
    from gateway.settings import LogSettings

    configure_logging(LogSettings(level="WARNING"))
    sizes = _override(SHORT if args.short else FULL, args.set)
    only = [key.strip() for key in args.only.split(",") if key.strip()]
    started = time.monotonic()

    def progress(text: str) -> None:
        print(f"[{time.monotonic() - started:7.1f}s] {text}", flush=True)

    progress(f"{'short' if args.short else 'full'} mode: {asdict(sizes)}")
    results = asyncio.run(run_benchmarks(sizes, only, progress=progress))
    print()
    print(format_table(results))
    write_json(results, Path(args.output))
    progress(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
