"""Fault injection for one sandbox company: the failures our client and gateway must survive.

Every fault is switched on per company, so one test can break ``DEMO`` while another company stays
healthy. Random faults draw from a ``random.Random`` seeded by ``seed``, so a run with the same
settings and the same sequence of requests fails the same requests every time (no flaky tests).

Faults, in the order the server applies them to a request:

* ``offline``                 every function fails with "The Service is Temporarily Off-line".
* ``rate_limit_rate``         answer "API rate limit exceeded" without executing anything, either in an
                              HTTP 200 XML body (``rate_limit_mode="body"``, what fylein's SDK checks for)
                              or as HTTP 429 with gateway error ``GW-0010`` (``"http429"``).
* ``http_5xx_rate``           answer ``http_5xx_status`` (default 503) with an HTML page; nothing executed.
* ``latency_seconds``         sleep before executing (benchmarks inject 100 ms per call).
* ``http_524_after_commit_rate``  execute and commit, then answer 524 with Cloudflare's HTML page.
* ``drop_after_commit_rate``  execute and commit, then cut the connection in the middle of the body.
* ``slow_seconds``            execute and commit, then sleep before answering (client read timeouts).
* ``expire_sessions_every``   a session serves N calls; the next call with it finds it expired.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields
from typing import Any, Literal

RateLimitMode = Literal["body", "http429"]


@dataclass
class FaultSettings:
    """Per-company fault switches (all off by default)."""

    seed: int = 0
    offline: bool = False
    rate_limit_rate: float = 0.0
    rate_limit_mode: RateLimitMode = "body"
    http_5xx_rate: float = 0.0
    http_5xx_status: int = 503
    http_524_after_commit_rate: float = 0.0
    drop_after_commit_rate: float = 0.0
    latency_seconds: float = 0.0
    slow_seconds: float = 0.0
    expire_sessions_every: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def roll(self, rate: float) -> bool:
        """One deterministic draw: True with probability ``rate`` (no draw at all when rate is 0)."""
        if rate <= 0:
            return False
        if rate >= 1:
            return True
        return self._rng.random() < rate

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    def configure(self, changes: dict[str, Any]) -> None:
        """Apply a JSON-ish mapping of settings (the admin endpoint); unknown keys are refused."""
        known = {f.name: f for f in fields(self) if not f.name.startswith("_")}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown fault setting {key!r}")
            current = getattr(self, key)
            if isinstance(current, bool):
                setattr(self, key, bool(value))
            elif isinstance(current, int):
                setattr(self, key, int(value))
            elif isinstance(current, float):
                setattr(self, key, float(value))
            else:
                setattr(self, key, value)
        if self.rate_limit_mode not in ("body", "http429"):
            raise ValueError("rate_limit_mode must be 'body' or 'http429'")
        self._rng = random.Random(int(self.seed))

    def reset(self) -> None:
        """Switch every fault off again (keeps nothing but a fresh generator)."""
        for f in fields(self):
            if not f.name.startswith("_"):
                setattr(self, f.name, FaultSettings.__dataclass_fields__[f.name].default)
        self._rng = random.Random(self.seed)


HTML_503 = (
    b"<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head>"
    b"<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request."
    b"</p></body></html>"
)

HTML_524 = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>api.intacct.com | 524: A timeout occurred</title>'
    b'</head><body><div id="cf-wrapper"><h1>A timeout occurred</h1><span>Error code 524</span>'
    b"<p>The origin web server timed out responding to this request.</p>"
    b"<p>Cloudflare Ray ID: sandbox</p></div></body></html>"
)


def html_for_status(status: int) -> bytes:
    """The HTML page a CDN/load balancer answers with (never XML, on purpose)."""
    if status == 524:
        return HTML_524
    return HTML_503.replace(b"503 Service Unavailable", f"{status} Server Error".encode())
