"""Operation-level authentication: login credentials or an API session id.

Failures are answered the way the fixtures show (``error-response-auth-failure-XL03000006.xml``):
``<authentication><status>failure</status>`` plus an ``<errormessage>`` beside it, no results.

Expired or unknown session ids: Intacct's exact answer is not documented (intacct-behaviour §9). The
sandbox uses the closest documented shape — the same operation-level failure with ``XL03000006`` and
the sign-in text, with a correction that says the session is no longer valid — so clients re-login
once, which is what the official SDK guidance and our client do.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from connectors.intacct.sandbox.envelope import Login, Operation
from connectors.intacct.sandbox.registry import IntacctError
from connectors.intacct.sandbox.state import CompanyState, Entity, SandboxState, Session

SIGN_IN_FAILED = "Sign-in information is incorrect"


@dataclass
class Authenticated:
    company: CompanyState
    user_id: str
    companyid_echo: str
    entity: Entity | None
    session: Session | None
    timeout: dt.datetime


@dataclass
class AuthFailure:
    error: IntacctError
    userid: str = ""
    companyid: str = ""
    locationid: str = ""
    company: CompanyState | None = None


def company_of(state: SandboxState, operation: Operation) -> CompanyState | None:
    """The company an operation addresses (for counters, limits and faults), if it can be told."""
    if operation.login is not None:
        return state.find_company(operation.login.companyid)
    if operation.sessionid:
        session = state.sessions.get(operation.sessionid)
        if session is not None:
            return state.find_company(session.company_id)
    return None


def _user_password(company: CompanyState, userid: str) -> tuple[str, str] | None:
    for name, password in company.users.items():
        if name.casefold() == userid.casefold():
            return name, password
    return None


def new_session_id() -> str:
    """Intacct session ids end with ``..`` (intacct-behaviour §2)."""
    return secrets.token_urlsafe(24) + ".."


def authenticate(state: SandboxState, operation: Operation, senderid: str) -> Authenticated | AuthFailure:
    if operation.login is not None:
        return _login(state, operation.login, senderid)
    return _session(state, operation.sessionid or "", senderid)


def _sender_refused(company: CompanyState, senderid: str) -> IntacctError | None:
    if senderid in company.authorized_senders:
        return None
    return IntacctError(
        "XL03000006",
        "",
        "Invalid Web Services Authorization",
        f"The sender ID '{senderid}' is not authorized to make Web Services requests to company "
        f"'{company.company_id}'. Authorize it in Company > Setup > Company > Security.",
    )


def _login(state: SandboxState, login: Login, senderid: str) -> Authenticated | AuthFailure:
    failure = AuthFailure(
        IntacctError("XL03000006", "", SIGN_IN_FAILED, ""),
        userid=login.userid,
        companyid=login.companyid,
        locationid=login.locationid or "",
    )
    company = state.find_company(login.companyid)
    if company is None:
        return failure
    failure.company = company
    found = _user_password(company, login.userid)
    if found is None or found[1] != login.password:
        return failure
    refused = _sender_refused(company, senderid)
    if refused is not None:
        failure.error = refused
        return failure
    entity = None
    if login.locationid:
        entity = company.entities.get(login.locationid)
        if entity is None:
            failure.error = IntacctError(
                "XL03000006",
                "",
                SIGN_IN_FAILED,
                f"The entity '{login.locationid}' does not exist or the user cannot access it.",
            )
            return failure
    company.counters.logins += 1
    now = state.now()
    return Authenticated(
        company, found[0], login.companyid, entity, None, now + company.config.session_duration
    )


def _session(state: SandboxState, sessionid: str, senderid: str) -> Authenticated | AuthFailure:
    expired = AuthFailure(
        IntacctError(
            "XL03000006",
            "",
            SIGN_IN_FAILED,
            "The session is invalid or has expired. Sign in again with your login credentials.",
        )
    )
    session = state.sessions.get(sessionid)
    if session is None:
        return expired
    company = state.find_company(session.company_id)
    if company is None:
        return expired
    expired.company = company
    expired.userid, expired.companyid = session.user_id, session.company_id
    expired.locationid = session.entity_id or ""
    now = state.now()
    session.uses += 1
    every = company.faults.expire_sessions_every
    forced = every > 0 and session.uses > every
    if session.expires_at <= now or forced:
        state.sessions.pop(sessionid, None)
        company.counters.sessions_expired += 1
        if forced:
            company.counters.count_fault("expire_session")
        return expired
    refused = _sender_refused(company, senderid)
    if refused is not None:
        expired.error = refused
        return expired
    session.expires_at = now + company.config.session_duration
    entity = company.entities.get(session.entity_id) if session.entity_id else None
    return Authenticated(company, session.user_id, session.company_id, entity, session, session.expires_at)


def open_session(
    state: SandboxState, company: CompanyState, user_id: str, entity_id: str | None, endpoint: str
) -> Session:
    session = Session(
        session_id=new_session_id(),
        company_id=company.company_id,
        user_id=user_id,
        entity_id=entity_id,
        endpoint=endpoint,
        expires_at=state.now() + company.config.session_duration,
    )
    state.sessions[session.session_id] = session
    return session
