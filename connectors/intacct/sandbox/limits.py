"""Per-company call limits the sandbox enforces, like Intacct's performance tiers.

Intacct publishes limits per company (calls per minute, concurrent requests, records per request).
The sandbox enforces them so the gateway's own limiter is proven by tests: a request over the rate
or concurrency limit is answered with the rate-limit answer and counted in ``Counters.rate_limited``;
a request carrying more functions than allowed is refused as a whole with a clear control error.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field, fields
from typing import Any, Literal

LimitAnswer = Literal["http429", "body"]


@dataclass
class LimitSettings:
    """Limits of one company (Intacct's published defaults)."""

    calls_per_minute: int = 300
    max_concurrent: int = 5
    max_functions_per_request: int = 100
    #: how an over-limit request is answered: HTTP 429 + GW-0010 (documented) or a 200 XML body.
    answer: LimitAnswer = "http429"

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def configure(self, changes: dict[str, Any]) -> None:
        known = {f.name for f in fields(self)}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown limit setting {key!r}")
            setattr(self, key, value if key == "answer" else int(value))
        if self.answer not in ("http429", "body"):
            raise ValueError("answer must be 'http429' or 'body'")


@dataclass
class RateWindow:
    """Accepted calls of the last minute (sliding window over the sandbox clock)."""

    calls: deque[dt.datetime] = field(default_factory=deque)

    def try_take(self, now: dt.datetime, per_minute: int) -> bool:
        """Record one call at ``now`` unless ``per_minute`` calls already happened in the last 60 s."""
        horizon = now - dt.timedelta(seconds=60)
        while self.calls and self.calls[0] <= horizon:
            self.calls.popleft()
        if per_minute > 0 and len(self.calls) >= per_minute:
            return False
        self.calls.append(now)
        return True
