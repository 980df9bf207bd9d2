"""Prometheus metrics: HTTP traffic, the operations queue, worker outcomes and Intacct calls.

Two kinds of series, because the gateway runs as many processes:

* **per process** (prometheus_client's default registry): HTTP requests of this API process, outcomes
  of the operations this worker ran, Intacct calls, retries and limit waits made from this process.
  ``gateway serve`` exposes them at ``/metrics``; each ``gateway worker --metrics-port N`` exposes its
  own on port N. Prometheus scrapes every process and ``sum()`` aggregates across them.
* **global** (read from PostgreSQL at scrape time, only on the API's ``/metrics``): operations by kind,
  data type and status, queue depth and the wait of the oldest runnable operation. Every API replica
  reports the same values, so aggregate them with ``max()``, not ``sum()``.

The connector knows nothing of Prometheus: :func:`connector_metrics` is the hook object the gateway
passes as ``ConnectorContext(metrics=...)`` (``connectors/intacct/metrics.py`` says what it is told).
Label values are bounded: route templates (never raw paths), Intacct function names, fixed words.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import structlog
from litestar import Response, get
from litestar.datastructures import State
from litestar.enums import ScopeType
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST

import gateway
from gateway.jobs.models import PULL, PUSH, Operation, OperationStatus
from gateway.jobs.worker import Handler, OperationFailed

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger(__name__)

UNMATCHED_ROUTE = "unmatched"
#: A scrape never waits longer than this on the store; the store gauges are then left out.
STORE_QUERY_TIMEOUT_SECONDS = 2.0

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_INTACCT_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
_OPERATION_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)

HTTP_REQUESTS = Counter(
    "gateway_http_requests_total", "HTTP requests answered, by route template.", ["method", "route", "status"]
)
HTTP_DURATION = Histogram(
    "gateway_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
)
WORKER_OPERATIONS = Counter(
    "gateway_worker_operations_total",
    "Operation attempts run by this worker process, by kind and outcome "
    "(success, failed, retry, error, released).",
    ["kind", "outcome"],
)
WORKER_DURATION = Histogram(
    "gateway_worker_operation_duration_seconds",
    "Time one operation attempt took in this worker process.",
    ["kind"],
    buckets=_OPERATION_BUCKETS,
)
INTACCT_CALLS = Counter(
    "gateway_intacct_calls_total",
    "Intacct functions called, by function and outcome.",
    ["function", "outcome"],
)
INTACCT_DURATION = Histogram(
    "gateway_intacct_call_duration_seconds",
    "Duration of the Intacct request that carried a function.",
    ["function"],
    buckets=_INTACCT_BUCKETS,
)
INTACCT_RETRIES = Counter(
    "gateway_intacct_retries_total", "Intacct requests sent again, by reason.", ["reason"]
)
INTACCT_LIMIT_WAIT = Histogram(
    "gateway_intacct_limit_wait_seconds",
    "Time a request waited for a per-company Intacct limit (kind: concurrency or rate).",
    ["kind"],
    buckets=_LATENCY_BUCKETS,
)
BUILD_INFO = Gauge("gateway_build_info", "The running gateway version (always 1).", ["version"])
BUILD_INFO.labels(version=gateway.__version__).set(1)


# --- the connector hook -------------------------------------------------------------------------------


class GatewayMetrics:
    """The Intacct client's metrics hook (``call``/``retry``/``limit_wait``) backed by Prometheus.

    The per-company limit key is logged by the connector, not used as a label: a gateway serves an
    unbounded number of companies.
    """

    def call(self, function: str, outcome: str, seconds: float) -> None:
        INTACCT_CALLS.labels(function=function, outcome=outcome).inc()
        INTACCT_DURATION.labels(function=function).observe(seconds)

    def retry(self, reason: str) -> None:
        INTACCT_RETRIES.labels(reason=reason).inc()

    def limit_wait(self, key: str, kind: str, seconds: float) -> None:
        INTACCT_LIMIT_WAIT.labels(kind=kind).observe(seconds)


_HOOK = GatewayMetrics()


def connector_metrics() -> GatewayMetrics:
    """The hook to pass as ``ConnectorContext(metrics=connector_metrics())`` (one per process)."""
    return _HOOK


# --- HTTP ---------------------------------------------------------------------------------------------


def _status_of(exc: BaseException) -> int:
    """The status the single exception handler will answer ``exc`` with."""
    from gateway.errors import to_gateway_error

    if not isinstance(exc, Exception):
        return 500
    try:
        return to_gateway_error(exc).status_code
    except Exception:  # metrics must not turn one error into another
        return 500


def _observe(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_DURATION.labels(method=method, route=route).observe(seconds)


class PrometheusMiddleware:
    """Counts and times every routed request under its route template (``/companies/{companyId}``).

    Litestar runs app middleware after routing, so ``path_template`` is known here; requests that match
    no route are counted by :func:`record_unmatched` instead. An exception passing through is counted
    with the status the gateway's exception handler will give it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        route = str(scope.get("path_template") or UNMATCHED_ROUTE)  # type: ignore[typeddict-item]
        method = str(scope.get("method") or "GET")
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except BaseException as exc:
            status = _status_of(exc)
            raise
        finally:
            _observe(method, route, status, time.perf_counter() - started)


async def record_unmatched(exc: Exception, scope: Scope) -> None:
    """``after_exception`` hook: count requests the router refused (404/405) under one label."""
    if scope.get("type") != ScopeType.HTTP or scope.get("path_template"):  # type: ignore[typeddict-item]
        return  # routed: PrometheusMiddleware counted it
    _observe(str(scope.get("method") or "GET"), UNMATCHED_ROUTE, _status_of(exc), 0.0)


# --- store gauges -------------------------------------------------------------------------------------

_BY_STATUS_SQL = """
SELECT kind, coalesce(data_type, '') AS data_type, status, count(*) AS n
FROM operations GROUP BY kind, data_type, status
"""
_QUEUE_SQL = """
SELECT kind,
       count(*) FILTER (WHERE run_after <= now()) AS ready,
       count(*) FILTER (WHERE run_after > now()) AS delayed,
       coalesce(extract(epoch FROM now() - min(run_after) FILTER (WHERE run_after <= now())), 0)
           AS oldest_ready_seconds
FROM operations WHERE status = 'Pending' GROUP BY kind
"""


async def store_metrics(pool: Any) -> list[Metric]:
    """The global gauges, read from the operations table now (``gateway_store_up`` 0 when it failed)."""
    up = GaugeMetricFamily("gateway_store_up", "Whether the last scrape could read the store (1) or not (0).")
    try:
        async with pool.acquire() as conn:
            by_status, queue = await asyncio.wait_for(_read_store(conn), timeout=STORE_QUERY_TIMEOUT_SECONDS)
    except Exception as exc:  # the scrape still answers with the process metrics
        log.warning("metrics.store_unavailable", error=repr(exc))
        up.add_metric([], 0)
        return [up]
    up.add_metric([], 1)
    return [up, *_operation_families(by_status, queue)]


async def _read_store(conn: Any) -> tuple[list[Any], list[Any]]:
    async with conn.transaction(readonly=True):
        await conn.execute(f"SET LOCAL statement_timeout = {int(STORE_QUERY_TIMEOUT_SECONDS * 1000)}")
        return await conn.fetch(_BY_STATUS_SQL), await conn.fetch(_QUEUE_SQL)


def _operation_families(
    by_status: Iterable[Mapping[str, Any]], queue: Iterable[Mapping[str, Any]]
) -> list[Metric]:
    operations = GaugeMetricFamily(
        "gateway_operations",
        "Operations in the store by kind, data type and status (global).",
        labels=["kind", "data_type", "status"],
    )
    seen: set[tuple[str, str, str]] = set()
    for row in by_status:
        labels = (str(row["kind"]), str(row["data_type"]), str(row["status"]))
        seen.add(labels)
        operations.add_metric(list(labels), float(row["n"]))
    for kind in (PUSH, PULL):  # active states always present, so "no work" is 0, not a missing series
        for status in (OperationStatus.PENDING, OperationStatus.RUNNING):
            if not any(k == kind and s == status for k, _, s in seen):
                operations.add_metric([kind, "", str(status)], 0.0)
    depth = GaugeMetricFamily(
        "gateway_operations_queue_depth",
        "Pending operations a worker may claim now (global).",
        labels=["kind"],
    )
    delayed = GaugeMetricFamily(
        "gateway_operations_delayed",
        "Pending operations waiting for their retry time (global).",
        labels=["kind"],
    )
    oldest = GaugeMetricFamily(
        "gateway_operations_oldest_pending_age_seconds",
        "How long the oldest claimable Pending operation has waited for a worker (global).",
        labels=["kind"],
    )
    rows = {str(row["kind"]): row for row in queue}
    for kind in sorted({PUSH, PULL, *rows}):
        found = rows.get(kind)
        depth.add_metric([kind], float(found["ready"]) if found else 0.0)
        delayed.add_metric([kind], float(found["delayed"]) if found else 0.0)
        oldest.add_metric([kind], float(found["oldest_ready_seconds"]) if found else 0.0)
    return [operations, depth, delayed, oldest]


class _Families:
    """A throw-away collector holding families already read (exposition of the store gauges)."""

    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterable[Metric]:
        return iter(self._families)


def exposition(families: list[Metric]) -> bytes:
    """The text format of this process's metrics followed by ``families``."""
    extra = CollectorRegistry(auto_describe=False)
    extra.register(_Families(families))  # type: ignore[arg-type]
    return generate_latest(REGISTRY) + generate_latest(extra)


@get(
    "/metrics",
    operation_id="metrics",
    include_in_schema=False,
    opt={"public": True},
    media_type=CONTENT_TYPE_LATEST,
)
async def metrics_endpoint(state: State) -> Response[bytes]:
    """Prometheus scrape target: process metrics plus the global store gauges."""
    pool = getattr(state, "pool", None)
    families = await store_metrics(pool) if pool is not None else []
    return Response(exposition(families), media_type=CONTENT_TYPE_LATEST)


# --- workers ------------------------------------------------------------------------------------------


def instrument_handler(kind: str, handler: Handler) -> Handler:
    """``handler`` counting each attempt's outcome and duration in this process."""

    async def instrumented(operation: Operation) -> Mapping[str, Any] | None:
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(operation)
            outcome = "success"
            return result
        except OperationFailed:
            outcome = "failed"
            raise
        except asyncio.CancelledError:
            outcome = "released"
            raise
        except Exception as exc:
            outcome = "retry" if getattr(exc, "retryable", False) else "error"
            raise
        finally:
            WORKER_OPERATIONS.labels(kind=kind, outcome=outcome).inc()
            WORKER_DURATION.labels(kind=kind).observe(time.perf_counter() - started)

    return instrumented


def instrument_handlers(handlers: Mapping[str, Handler]) -> dict[str, Handler]:
    """Every handler of a worker's map wrapped by :func:`instrument_handler`."""
    return {kind: instrument_handler(kind, handler) for kind, handler in handlers.items()}


def start_metrics_server(port: int, host: str = "0.0.0.0") -> Any:
    """Serve this process's metrics on ``host:port`` (a thread); returns the server (``.shutdown()``)."""
    from prometheus_client import start_http_server

    server, _thread = start_http_server(port, addr=host)
    return server
