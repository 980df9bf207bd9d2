"""API sessions: one ``getAPISession`` per (credentials, entity), shared by every request of that company.

A session is bound to the company, user, entity and the endpoint Intacct returned with it. The cache
holds one per key with its expiry (``sessiontimeout``, which slides forward with every call), and one
``asyncio.Lock`` per key so that twenty coroutines starting at once cause a single sign-in. A session
that failed authentication is invalidated only if it is still the cached one, so concurrent failures of
the same session also lead to a single new sign-in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import structlog

log = structlog.get_logger(__name__)

#: Sign in again when less than this is left before ``sessiontimeout`` (HG3's practice: 120 s).
RENEW_MARGIN = dt.timedelta(seconds=120)


@dataclass(frozen=True, slots=True)
class Session:
    session_id: str = field(repr=False)
    endpoint: str
    location_id: str | None = None
    expires_at: dt.datetime | None = None
    #: A request has succeeded with it (so a later refusal means it expired, not that it never worked).
    proven: bool = False

    def usable(self, now: dt.datetime) -> bool:
        """Still good for a while (Intacct's timestamps may lack a zone: read as UTC)."""
        if self.expires_at is None:
            return True
        return _aware(self.expires_at) - _aware(now) > RENEW_MARGIN


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class SessionCache:
    """Process-wide session cache, keyed by ``IntacctCredentials.cache_key`` (a digest, no secrets)."""

    def __init__(self, now: Callable[[], dt.datetime] = utcnow) -> None:
        self._now = now
        self._sessions: dict[str, Session] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.logins = 0

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    def peek(self, key: str) -> Session | None:
        return self._sessions.get(key)

    async def get(self, key: str, login: Callable[[], Awaitable[Session]], *, fresh: bool = False) -> Session:
        """The cached session for ``key``, signing in (once, under the key's lock) when needed.

        ``fresh=True`` forces a new sign-in (connection checks must prove the credentials work now).
        """
        current = self._sessions.get(key)
        if not fresh and current is not None and current.usable(_aware(self._now())):
            return current
        async with self._lock(key):
            latest = self._sessions.get(key)
            if latest is not None and latest.usable(_aware(self._now())):
                if not fresh or latest is not current:
                    return latest
            session = await login()
            self.logins += 1
            self._sessions[key] = session
            log.debug(
                "intacct.session_opened", key=key, endpoint=session.endpoint, entity=session.location_id
            )
            return session

    def invalidate(self, key: str, session: Session | None = None) -> None:
        """Forget the cached session (only if it is still ``session``, when given)."""
        current = self._sessions.get(key)
        if current is None:
            return
        if session is None or current.session_id == session.session_id:
            del self._sessions[key]

    def touch(self, key: str, session_id: str, expires_at: dt.datetime | None) -> None:
        """A request succeeded with this session: mark it proven and slide its expiry forward from the
        response's ``sessiontimeout``."""
        current = self._sessions.get(key)
        if current is not None and current.session_id == session_id:
            expiry = _aware(expires_at) if expires_at is not None else current.expires_at
            self._sessions[key] = replace(current, expires_at=expiry, proven=True)

    def unproven(self, key: str, session: Session) -> bool:
        """``session`` is still the cached one and no request has succeeded with it yet."""
        current = self._sessions.get(key)
        return current is not None and current.session_id == session.session_id and not current.proven

    def clear(self) -> None:
        self._sessions.clear()


def accept_endpoint(configured: str, returned: str | None) -> str:
    """The endpoint to use for session requests.

    Intacct returns a company-specific endpoint (``https://na12.intacct.com/…``); it is used when it is
    HTTPS on an ``intacct.com`` host or on the same scheme and host as the configured endpoint (a
    sandbox). Anything else is ignored, so a tampered answer cannot send session ids elsewhere.
    """
    if not returned:
        return configured
    mine, theirs = urlsplit(configured), urlsplit(returned)
    host = (theirs.hostname or "").lower().rstrip(".")
    if theirs.scheme == "https" and (host == "intacct.com" or host.endswith(".intacct.com")):
        return returned
    if (theirs.scheme, theirs.netloc.lower()) == (mine.scheme, mine.netloc.lower()):
        return returned
    log.warning("intacct.endpoint_ignored", configured=configured, returned=returned)
    return configured


_default_cache: SessionCache | None = None


def default_session_cache() -> SessionCache:
    """The process-wide cache used when a client is given none."""
    global _default_cache
    if _default_cache is None:
        _default_cache = SessionCache()
    return _default_cache
