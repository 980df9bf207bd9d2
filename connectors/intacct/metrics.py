"""Metrics hooks of the Intacct client: calls, retries and limit waits, without a metrics library.

The connector must not depend on Prometheus (or on the gateway), so it reports to a small hook
object the host passes in ``ConnectorContext.metrics``. The hook may implement any subset of:

* ``call(function, outcome, seconds)`` — one Intacct function finished (``function`` is e.g.
  ``create_bill``, ``query:APBILL``, ``getAPISession``; ``outcome`` is ``success`` or an error kind,
  see :func:`outcome_of`; ``seconds`` is the duration of the HTTP request that carried it);
* ``retry(reason)`` — a request is about to be sent again (see :data:`RETRY_REASONS`);
* ``limit_wait(key, kind, seconds)`` — a request waited for a per-company limit (``limits.py``).

Missing methods are skipped and a hook that raises is logged and ignored: metrics never break a call.
Labels are bounded (function names and Intacct object names, fixed outcome and reason words), so a
Prometheus implementation can use them as label values directly.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

import structlog
from lxml import etree

from connectors.errors import (
    ConnectorConfigError,
    ConnectorDuplicateError,
    ConnectorError,
    ConnectorNotFoundError,
    ConnectorOutcomeUnknown,
    ConnectorProtocolError,
    ConnectorRejectedError,
    ConnectorTransientError,
    ConnectorUnsupported,
)
from connectors.intacct.errors import IntacctRateLimited
from connectors.intacct.limits import LimitMetrics

log = structlog.get_logger(__name__)

#: Why a request was sent again: transport faults (``transport.py``) and client-level retries.
RETRY_REASONS = (
    "connect_error",  # the connection was never made: nothing was sent
    "transport_error",  # another transport failure before an answer
    "http_5xx",  # Intacct's gateway answered 5xx (not 524)
    "outcome_unknown",  # 524 / dropped connection, re-sent because the request is resend-safe
    "rate_limited",  # "API rate limit exceeded": nothing was executed
    "session_expired",  # the cached session was refused: one new sign-in, then the request again
    "read_retry",  # DL02000001 on a read: one cautious retry
)

#: Intacct functions whose name alone says little: the label adds the object they act on.
_GENERIC_FUNCTIONS = frozenset(
    {"create", "update", "delete", "query", "read", "readByQuery", "readByName", "readRelated", "inspect"}
)


class IntacctMetrics(LimitMetrics, Protocol):
    """The full hook (a host may implement only part of it; see the module docstring)."""

    def call(self, function: str, outcome: str, seconds: float) -> None: ...

    def retry(self, reason: str) -> None: ...


def function_label(element: etree._Element) -> str:
    """A bounded label for a function element: ``create_bill``, ``create:APBILL``, ``query:VENDOR``."""
    name = etree.QName(element).localname
    if name not in _GENERIC_FUNCTIONS:
        return name
    target: str | None = None
    for child in element:
        if not isinstance(child.tag, str):
            continue
        child_name = etree.QName(child).localname
        if child_name == "object":
            target = (child.text or "").strip() or None
            break
        if name in {"create", "update", "delete"}:
            target = child_name
            break
    return f"{name}:{target.upper()}" if target else name


def outcome_of(error: BaseException | None) -> str:
    """The outcome word for a call that ended with ``error`` (``None``: success)."""
    if error is None:
        return "success"
    if isinstance(error, asyncio.CancelledError):
        return "cancelled"  # the caller gave up (a timeout, a worker shutting down)
    kinds: tuple[tuple[type[BaseException], str], ...] = (
        (IntacctRateLimited, "rate_limited"),
        (ConnectorOutcomeUnknown, "outcome_unknown"),
        (ConnectorTransientError, "transient"),
        (ConnectorConfigError, "config_error"),
        (ConnectorDuplicateError, "duplicate"),
        (ConnectorRejectedError, "rejected"),
        (ConnectorNotFoundError, "not_found"),
        (ConnectorProtocolError, "protocol_error"),
        (ConnectorUnsupported, "unsupported"),
        (ConnectorError, "error"),
    )
    for kind, word in kinds:
        if isinstance(error, kind):
            return word
    return "error"


def report_calls(
    metrics: object | None, functions: Sequence[str], outcomes: Sequence[str], seconds: float
) -> None:
    """Tell the hook about each function of one request (same duration: they shared the request)."""
    hook = getattr(metrics, "call", None)
    if hook is None:
        return
    for function, outcome in zip(functions, outcomes, strict=True):
        try:
            hook(function, outcome, seconds)
        except Exception as exc:  # a broken hook must not fail an Intacct call
            log.debug("intacct.metrics_hook_failed", hook="call", error=repr(exc))


def report_retry(metrics: object | None, reason: str) -> None:
    """Tell the hook a request is about to be re-sent, and why."""
    hook = getattr(metrics, "retry", None)
    if hook is None:
        return
    try:
        hook(reason)
    except Exception as exc:  # a broken hook must not fail an Intacct call
        log.debug("intacct.metrics_hook_failed", hook="retry", error=repr(exc))


class MetricsRecorder:
    """An ``IntacctMetrics`` that keeps counts in memory (library default for tests and benchmarks)."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.call_seconds: dict[str, float] = {}
        self.retries: Counter[str] = Counter()
        self.waits: Counter[str] = Counter()
        self.wait_seconds: dict[str, float] = {}

    def call(self, function: str, outcome: str, seconds: float) -> None:
        self.calls[(function, outcome)] += 1
        self.call_seconds[function] = self.call_seconds.get(function, 0.0) + seconds

    def retry(self, reason: str) -> None:
        self.retries[reason] += 1

    def limit_wait(self, key: str, kind: str, seconds: float) -> None:
        self.waits[kind] += 1
        self.wait_seconds[kind] = self.wait_seconds.get(kind, 0.0) + seconds
