"""SessionCache: one sign-in per key under concurrency, expiry margin, guarded invalidation."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from connectors.intacct.session import RENEW_MARGIN, Session, SessionCache, accept_endpoint

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def make_login(counter: list[int], expires: dt.datetime | None = None):
    async def login() -> Session:
        counter.append(1)
        await asyncio.sleep(0)
        return Session(f"s{len(counter)}", "https://api.intacct.com/x", expires_at=expires)

    return login


@pytest.mark.asyncio
async def test_concurrent_get_signs_in_once() -> None:
    cache, counter = SessionCache(now=lambda: NOW), list[int]()
    sessions = await asyncio.gather(*(cache.get("k", make_login(counter)) for _ in range(20)))
    assert len(counter) == 1 and {s.session_id for s in sessions} == {"s1"}
    assert cache.logins == 1


@pytest.mark.asyncio
async def test_near_expiry_renews_and_touch_slides() -> None:
    clock = {"now": NOW}
    cache, counter = SessionCache(now=lambda: clock["now"]), list[int]()
    expires = NOW + dt.timedelta(hours=1)
    await cache.get("k", make_login(counter, expires))
    clock["now"] = expires - RENEW_MARGIN + dt.timedelta(seconds=1)
    cache.touch("k", "s1", clock["now"] + dt.timedelta(hours=2))  # a response slid it forward
    assert (await cache.get("k", make_login(counter, expires))).session_id == "s1"
    clock["now"] += dt.timedelta(hours=2)
    assert (await cache.get("k", make_login(counter, expires))).session_id == "s2"


@pytest.mark.asyncio
async def test_invalidate_only_the_failed_session_and_fresh() -> None:
    cache, counter = SessionCache(now=lambda: NOW), list[int]()
    first = await cache.get("k", make_login(counter))
    cache.invalidate("k", Session("other", "u"))
    assert cache.peek("k") is first
    cache.invalidate("k", first)
    assert cache.peek("k") is None
    second = await cache.get("k", make_login(counter))
    third = await cache.get("k", make_login(counter), fresh=True)
    assert (second.session_id, third.session_id) == ("s2", "s3")
    naive = Session("n", "u", expires_at=dt.datetime(2030, 1, 1, 5))  # naive = UTC
    assert naive.expires_at is not None and naive.usable(NOW) is True
    assert "secret-id" not in repr(Session("secret-id", "u"))


def test_accept_endpoint() -> None:
    configured = "https://api.intacct.com/ia/xml/xmlgw.phtml"
    assert accept_endpoint(configured, "https://na12.intacct.com/ia/xml/xmlgw.phtml").startswith(
        "https://na12"
    )
    assert accept_endpoint(configured, None) == configured
    assert accept_endpoint(configured, "http://na12.intacct.com/x") == configured
    assert accept_endpoint(configured, "https://intacct.com.evil.io/x") == configured
    sandbox = "http://testserver/sandbox/intacct/ia/xml/xmlgw.phtml"
    assert (
        accept_endpoint(sandbox, "http://testserver/ia/xml/xmlgw.phtml")
        == "http://testserver/ia/xml/xmlgw.phtml"
    )
