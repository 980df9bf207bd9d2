"""The reference side: the community ``sageintacctsdk`` client, used the way its users use it.

Run as a child process so its memory can be measured on its own and its CPU never competes with the
benchmark's event loop::

    python -m tests.benchmarks.reference push --url URL --company REF --n 1000 --run r1
    python -m tests.benchmarks.reference pull --url URL --company BULK

It prints ``READY <json>`` with what it measured. The package is not modified: in this process only,
``ApiBase.__init__`` is wrapped so that every API object posts to the sandbox instead of
``https://api.intacct.com/ia/xml/xmlgw.phtml`` (the SDK keeps that URL per object, and only its
``api_base`` object learns the session endpoint).

* ``push``: ``SageIntacctSDK(...)`` (one ``getAPISession``) then ``sdk.bills.post(bill)`` for each bill,
  one request per bill, sequentially — the SDK has no batching. The SDK does not retry; when the sandbox
  answers "API rate limit exceeded" (300 calls a minute) this driver waits a second and sends the same
  bill again, as an integrator must. Refused attempts are counted.
* ``pull``: ``sdk.bills.get_all()`` — a count query, then ``query`` pages of 2000 with the SDK's default
  APBILL fields, every row kept in one list, as the SDK returns it.

Memory: ``VmHWM`` after the work minus ``VmRSS`` just before it (peak reset with ``clear_refs``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from tests.benchmarks.bills import sdk_bill
from tests.benchmarks.procs import peak_mb, reset_peak, rss_mb

CREDENTIALS = {
    "sender_id": "demo-sender",
    "sender_password": "demo-sender-pw",
    "user_id": "demo-user",
    "user_password": "demo-user-pw",
}
RATE_LIMIT_PAUSE = 1.0


def redirect_to(url: str) -> None:
    """Make every ``ApiBase`` object of this process post to ``url``."""
    from sageintacctsdk.apis.api_base import ApiBase  # type: ignore[import-untyped]

    original = ApiBase.__init__
    if getattr(original, "_bench_redirect", None) == url:
        return

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._ApiBase__api_url = url

    init._bench_redirect = url  # type: ignore[attr-defined]
    ApiBase.__init__ = init


def connect(url: str, company: str) -> Any:
    from sageintacctsdk import SageIntacctSDK  # type: ignore[import-untyped]

    redirect_to(url)
    return SageIntacctSDK(company_id=company, **CREDENTIALS)


def _rate_limited(exc: Exception) -> bool:
    return "rate limit exceeded" in str(exc).lower()


def push(url: str, company: str, n: int, run: str) -> dict[str, Any]:
    """Create ``n`` bills one by one; wall time includes the SDK's sign-in."""
    from sageintacctsdk.exceptions import SageIntacctSDKError  # type: ignore[import-untyped]

    bills = [sdk_bill(run, i) for i in range(n)]
    started = time.perf_counter()
    sdk = connect(url, company)
    refused = created = 0
    errors: list[str] = []
    for bill in bills:
        while True:
            try:
                answer = sdk.bills.post(bill)
            except SageIntacctSDKError as exc:
                if _rate_limited(exc):
                    refused += 1
                    time.sleep(RATE_LIMIT_PAUSE)
                    continue
                errors.append(str(exc)[:300])
                break
            if answer.get("status") == "success":
                created += 1
            else:
                errors.append(json.dumps(answer)[:300])
            break
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "created": created, "rate_limited": refused, "errors": errors[:5]}


def pull(url: str, company: str) -> dict[str, Any]:
    """``bills.get_all()``; wall time includes the SDK's sign-in."""
    import os

    pid = os.getpid()
    started = time.perf_counter()
    sdk = connect(url, company)
    reset_peak(pid)
    idle = rss_mb(pid)
    rows = sdk.bills.get_all()
    seconds = time.perf_counter() - started
    growth = max(peak_mb(pid) - idle, 0.0)
    return {"seconds": seconds, "records": len(rows), "rss_growth_mb": growth, "idle_rss_mb": idle}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["push", "pull"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--company", required=True)
    parser.add_argument("--n", type=int, default=0)
    parser.add_argument("--run", default="ref")
    args = parser.parse_args(argv)
    result = (
        push(args.url, args.company, args.n, args.run)
        if args.action == "push"
        else pull(args.url, args.company)
    )
    print("READY " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
