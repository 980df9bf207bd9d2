"""``IntacctClient``: functions in, results out — envelope, session, limits, transport, parse, error table.

One request goes through these steps:

1. the per-company ``Limiter`` grants a concurrency slot and a rate token (around each HTTP attempt);
2. the cached API session (one ``getAPISession`` per credentials+entity) authenticates it;
3. ``IntacctTransport`` posts it with the retry policy (writes are re-sent only under ``uniqueid=true``);
4. the answer is parsed; throttling answers are waited out and retried; an authentication failure of
   the session is answered by ONE new sign-in and a retry; each function gets its own ``FunctionResult``;
5. a duplicate refusal is handed to the function's ``on_duplicate`` resolver (look the record up, never
   write again); a ``DL02000001`` on a read is retried once.

Writes default to ``uniqueid=true`` with caller-supplied deterministic controlids; reads to
``uniqueid=false``. Secrets never reach the log: bodies are logged redacted, at debug level.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

import structlog
from lxml import etree

from connectors.base import CompanyEntity, ConnectionCheck
from connectors.errors import (
    ConnectorConfigError,
    ConnectorError,
    ConnectorOutcomeUnknown,
    ConnectorProtocolError,
    ConnectorTransientError,
)
from connectors.intacct import query as q
from connectors.intacct.batch import plan_requests
from connectors.intacct.config import IntacctCredentials
from connectors.intacct.errors import Action, IntacctDuplicateError, IntacctRateLimited, diagnose
from connectors.intacct.limits import (
    Limiter,
    LimitMetrics,
    LimitSettings,
    LimitStore,
    default_limit_store,
)
from connectors.intacct.metrics import function_label, outcome_of, report_calls, report_retry
from connectors.intacct.session import Session, SessionCache, accept_endpoint, default_session_cache
from connectors.intacct.transport import HttpAnswer, IntacctTransport
from connectors.intacct.xml import functions as fn
from connectors.intacct.xml.envelope import (
    Authentication,
    ControlBlock,
    LoginAuth,
    SessionAuth,
    build_request,
    function_element,
)
from connectors.intacct.xml.parse import XmlForbidden, XmlRejected
from connectors.intacct.xml.redact import RedactedBody
from connectors.intacct.xml.response import FunctionResult, Response, parse_response

log = structlog.get_logger(__name__)

DuplicateResolver = Callable[[IntacctDuplicateError], Awaitable[FunctionResult]]
#: Sign-ins one request may trigger when its sessions keep expiring under it (a loop guard).
MAX_SESSION_RENEWALS = 5
Record = dict[str, Any]


def new_controlid() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class Function:
    """One function to run: its ``controlid`` (the idempotency key for writes), element, kind.

    ``on_duplicate`` resolves a refused duplicate (already-executed controlid, or record already
    there) by looking the record up and returning a ``FunctionResult.resolved(...)``.
    """

    controlid: str
    element: etree._Element
    is_write: bool
    on_duplicate: DuplicateResolver | None = None

    @classmethod
    def read(cls, element: etree._Element, controlid: str | None = None) -> Function:
        return cls(controlid or new_controlid(), element, is_write=False)

    @classmethod
    def write(
        cls, element: etree._Element, controlid: str, *, on_duplicate: DuplicateResolver | None = None
    ) -> Function:
        """A write; ``controlid`` must be derived from the caller's idempotency key (same on retries)."""
        if not controlid:
            raise ValueError("a write needs a deterministic controlid")
        return cls(controlid, element, is_write=True, on_duplicate=on_duplicate)


class IntacctClient:
    """Client for one Intacct company (and optionally one entity of it).

    Shared, process-wide parts are injected: ``limit_store`` (PostgreSQL-backed in the gateway),
    ``session_cache`` and ``http`` (the transport around the pooled ``httpx.AsyncClient``). Each defaults
    to a process-wide instance, so many clients of the same company share sessions and limits.
    ``metrics`` is the host's hook (``connectors.intacct.metrics``): limit waits, calls and retries.
    """

    def __init__(
        self,
        credentials: IntacctCredentials,
        *,
        limits: LimitSettings | None = None,
        limit_store: LimitStore | None = None,
        session_cache: SessionCache | None = None,
        http: IntacctTransport | None = None,
        metrics: LimitMetrics | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        self.credentials = credentials
        self.limits = limits or (limiter.settings if limiter is not None else LimitSettings())
        self.limiter = limiter or Limiter(limit_store or default_limit_store(), self.limits, metrics=metrics)
        self.metrics: object | None = metrics if metrics is not None else self.limiter.metrics
        self.sessions = session_cache or default_session_cache()
        self.http = http or IntacctTransport()
        self._log = log.bind(company_id=credentials.company_id, entity_id=credentials.entity_id)

    def __repr__(self) -> str:
        creds = self.credentials
        return f"IntacctClient(company_id={creds.company_id!r}, entity_id={creds.entity_id!r})"

    # --- building blocks ---------------------------------------------------------------------------

    def read_function(self, element: etree._Element, controlid: str | None = None) -> Function:
        return Function.read(element, controlid)

    def _gate(self) -> AbstractAsyncContextManager[None]:
        return self.limiter.slot(self.credentials.limit_key)

    def _control(self, *, uniqueid: bool) -> ControlBlock:
        return ControlBlock(
            sender_id=self.credentials.sender_id,
            sender_password=self.credentials.sender_password,
            controlid=new_controlid(),
            uniqueid=uniqueid,
        )

    def _parse(self, answer: HttpAnswer, *, has_writes: bool) -> Response:
        body = answer.body
        head = body.lstrip()[:200].lower()
        looks_xml = head.startswith(b"<?xml") or head.startswith(b"<response")
        if answer.is_xml or looks_xml:
            try:
                return parse_response(body, http_status=answer.status_code)
            except XmlForbidden:
                raise  # a DTD, entities or an oversized body: hostile, not "cut off"
            except XmlRejected as exc:
                if b"rate limit exceeded" in body.lower():
                    raise IntacctRateLimited(
                        "Intacct's API rate limit was reached; retry later", status_code=answer.status_code
                    ) from exc
                if looks_xml and len(body) > 0:
                    message = f"Intacct's answer was cut off or is not well-formed XML ({exc.message})"
                    if has_writes:
                        raise ConnectorOutcomeUnknown(
                            message + "; the write may have been applied", status_code=answer.status_code
                        ) from exc
                    raise ConnectorTransientError(message, status_code=answer.status_code) from exc
                raise
        if b"rate limit exceeded" in body.lower():
            raise IntacctRateLimited(
                "Intacct's API rate limit was reached; retry later", status_code=answer.status_code
            )
        kind = "an HTML page" if b"<html" in head or b"<!doctype html" in head else "a body that is not XML"
        diagnosis = diagnose([], level="http", status=answer.status_code)
        error = diagnosis.error
        error.message = f"{error.message} (Intacct answered HTTP {answer.status_code} with {kind})"
        error.args = (error.message,)
        raise error

    async def _exchange(
        self, url: str, body: bytes, *, resend_safe: bool, has_writes: bool, rlog: Any
    ) -> Response:
        """POST, parse, and wait out throttling (a throttled request was not executed: safe to resend)."""
        policy = self.http.retry
        throttled = 0
        while True:
            rlog.debug("intacct.request", url=url, body=RedactedBody(body))
            answer = await self.http.post(
                url,
                body,
                resend_safe=resend_safe,
                gate=self._gate,
                log_context={"company_id": self.credentials.company_id},
                on_retry=self._retried,
            )
            rlog.debug("intacct.response", status=answer.status_code, body=RedactedBody(answer.body))
            try:
                response = self._parse(answer, has_writes=has_writes)
                rate_limited = self._throttled(response)
                if rate_limited is not None:
                    raise rate_limited
                return response
            except IntacctRateLimited as exc:
                throttled += 1
                if throttled > policy.max_retries:
                    raise
                retry_after = _retry_after(answer)
                delay = retry_after if retry_after is not None else policy.delay(throttled)
                rlog.info("intacct.throttled", attempt=throttled, delay=round(delay, 3), reason=exc.message)
                self._retried("rate_limited")
                await self.http.sleep(delay)

    def _retried(self, reason: str) -> None:
        report_retry(self.metrics, reason)

    @staticmethod
    def _throttled(response: Response) -> IntacctRateLimited | None:
        for diagnosis in (response.control_diagnosis(), response.auth_diagnosis()):
            if diagnosis is not None and isinstance(diagnosis.error, IntacctRateLimited):
                return diagnosis.error
        if response.results and all(isinstance(r.error, IntacctRateLimited) for r in response.results):
            first = response.results[0].error
            assert isinstance(first, IntacctRateLimited)
            return first
        return None

    # --- sessions ----------------------------------------------------------------------------------

    async def get_api_session(self, *, fresh: bool = False) -> Session:
        """The company's cached API session (one sign-in shared by all concurrent callers)."""
        return await self.sessions.get(self.credentials.cache_key, self._login, fresh=fresh)

    async def _login(self) -> Session:
        started = time.perf_counter()
        try:
            session = await self._sign_in()
        except BaseException as exc:  # cancelled too: a caller's timeout is an outcome worth counting
            report_calls(self.metrics, ["getAPISession"], [outcome_of(exc)], time.perf_counter() - started)
            raise
        report_calls(self.metrics, ["getAPISession"], ["success"], time.perf_counter() - started)
        return session

    async def _sign_in(self) -> Session:
        creds = self.credentials
        controlid = new_controlid()
        auth: Authentication = LoginAuth(
            user_id=creds.user_id,
            company_id=creds.company_id,
            password=creds.user_password,
            location_id=creds.entity_id,
        )
        body = build_request(
            self._control(uniqueid=False),
            auth,
            [function_element(controlid, fn.get_api_session(creds.entity_id))],
        )
        rlog = self._log.bind(controlid=controlid, function="getAPISession")
        # getAPISession has no side effects: safe to re-send even after a 524 (the SDKs do the same).
        response = await self._exchange(
            creds.endpoint_url, body, resend_safe=True, has_writes=False, rlog=rlog
        )
        response.check()
        if not response.results:
            raise ConnectorProtocolError("Intacct answered getAPISession without a result")
        result = response.results[0].raise_for_status()
        api = result.records[0] if result.records else {}
        session_id = api.get("sessionid") if isinstance(api, dict) else None
        if not session_id:
            raise ConnectorProtocolError("Intacct's getAPISession answer has no session id")
        endpoint = accept_endpoint(creds.endpoint_url, api.get("endpoint"))
        expires = response.authentication.session_timeout if response.authentication else None
        rlog.info("intacct.signed_in", endpoint=endpoint, entity=api.get("locationid") or None)
        return Session(
            session_id=str(session_id),
            endpoint=endpoint,
            location_id=str(api.get("locationid") or "") or None,
            expires_at=expires,
        )

    # --- executing functions -----------------------------------------------------------------------

    async def _run(
        self, functions: Sequence[Function], *, uniqueid: bool, transaction: bool
    ) -> list[FunctionResult]:
        """Send one request and report each function's outcome to the metrics hook."""
        names = [function_label(f.element) for f in functions]
        started = time.perf_counter()
        try:
            results = await self._send(functions, uniqueid=uniqueid, transaction=transaction)
        except BaseException as exc:  # cancelled too: a caller's timeout is an outcome worth counting
            report_calls(self.metrics, names, [outcome_of(exc)] * len(names), time.perf_counter() - started)
            raise
        outcomes = ["success" if r.ok else outcome_of(r.error or ConnectorError("failed")) for r in results]
        report_calls(self.metrics, names, outcomes, time.perf_counter() - started)
        return results

    async def _send(
        self, functions: Sequence[Function], *, uniqueid: bool, transaction: bool
    ) -> list[FunctionResult]:
        """Send one request with session auth; a refused session is renewed (one shared sign-in)."""
        has_writes = any(f.is_write for f in functions)
        resend_safe = uniqueid or not has_writes
        key = self.credentials.cache_key
        elements = [function_element(f.controlid, f.element) for f in functions]
        renewals = 0
        while True:
            session = await self.get_api_session()
            control = self._control(uniqueid=uniqueid)
            body = build_request(control, SessionAuth(session.session_id), elements, transaction=transaction)
            rlog = self._log.bind(
                request_controlid=control.controlid,
                controlid=functions[0].controlid if len(functions) == 1 else [f.controlid for f in functions],
                uniqueid=uniqueid,
                transaction=transaction,
            )
            response = await self._exchange(
                session.endpoint, body, resend_safe=resend_safe, has_writes=has_writes, rlog=rlog
            )
            control_failure = response.control_diagnosis()
            if control_failure is not None:
                raise control_failure.error
            auth_failure = response.auth_diagnosis()
            if auth_failure is not None:
                # A session that never served a request (the one just opened) being refused means the
                # credentials cannot hold a session. One that had worked, or that another call already
                # replaced, merely expired while this request waited for the limiter: renew again.
                never_worked = self.sessions.unproven(key, session)
                self.sessions.invalidate(key, session)
                renewals += 1
                if renewals > 1 and (never_worked or renewals > MAX_SESSION_RENEWALS):
                    error = auth_failure.error
                    if isinstance(error, ConnectorConfigError):
                        raise error
                    raise ConnectorConfigError(
                        f"Intacct refused a freshly opened session: {error.message}", errors=error.errors
                    ) from error
                rlog.info("intacct.session_rejected", reason=auth_failure.error.message)
                self._retried("session_expired")
                continue
            if response.authentication is not None:
                self.sessions.touch(key, session.session_id, response.authentication.session_timeout)
            return _match(functions, response.results)

    async def _run_group(
        self, functions: Sequence[Function], *, uniqueid: bool, transaction: bool
    ) -> list[FunctionResult]:
        results = await self._run(functions, uniqueid=uniqueid, transaction=transaction)
        # DL02000001 on a read: one cautious retry (Intacct sometimes reports transient faults this way).
        retry = [
            i
            for i, r in enumerate(results)
            if not functions[i].is_write and r.action is Action.RETRY_READ_ONCE
        ]
        if retry and not transaction:
            self._log.info("intacct.read_retry_once", controlids=[functions[i].controlid for i in retry])
            self._retried("read_retry")
            again = await self._run([functions[i] for i in retry], uniqueid=False, transaction=False)
            for i, result in zip(retry, again, strict=True):
                results[i] = result
        for i, result in enumerate(results):
            function = functions[i]
            error = result.error
            if isinstance(error, IntacctDuplicateError) and function.on_duplicate is not None:
                if error.controlid is None:
                    error.controlid = function.controlid
                self._log.info("intacct.duplicate_resolving", controlid=function.controlid)
                resolved = await function.on_duplicate(error)
                resolved.resolved_duplicate = True
                results[i] = resolved
        return results

    async def execute(
        self, functions: Sequence[Function], *, transaction: bool = False
    ) -> list[FunctionResult]:
        """Run ``functions`` (split into requests by kind and size); one result per function, in order.

        Request-level failures raise; function-level failures stay on their results
        (``result.raise_for_status()``). With ``transaction=True`` all functions (writes) go in one
        ``transaction="true"`` request: one failure rolls all back.
        """
        functions = list(functions)
        plans = plan_requests(
            functions, per_request=self.limits.functions_per_request, transaction=transaction
        )
        results: list[FunctionResult | None] = [None] * len(functions)

        async def run(indexes: tuple[int, ...], uniqueid: bool, atomic: bool) -> None:
            group = [functions[i] for i in indexes]
            for i, result in zip(
                indexes, await self._run_group(group, uniqueid=uniqueid, transaction=atomic), strict=True
            ):
                results[i] = result

        outcomes = await asyncio.gather(
            *(run(p.indexes, p.uniqueid, p.transaction) for p in plans), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return [r for r in results if r is not None]

    async def execute_one(self, function: Function) -> FunctionResult:
        """Run one function and raise its classified error unless it succeeded."""
        (result,) = await self.execute([function])
        return result.raise_for_status()

    # --- reads -------------------------------------------------------------------------------------

    def query(
        self,
        object_name: str,
        fields: Sequence[str | fn.Aggregate],
        *,
        filter: q.Filter | None = None,
        orderby: Sequence[fn.Order] = (),
        options: fn.QueryOptions | None = None,
        pagesize: int = fn.QUERY_MAX_PAGESIZE,
        docparid: str | None = None,
        concurrency: int | None = None,
    ) -> AsyncGenerator[q.QueryPage, None]:
        """``async for page in client.query("APBILL", [...], filter=modified_since(t))`` (``query.py``)."""
        return q.query_pages(
            self,
            object_name,
            fields,
            filter=filter,
            orderby=orderby,
            options=options,
            pagesize=pagesize,
            docparid=docparid,
            concurrency=concurrency,
        )

    def read_by_query(
        self,
        object_name: str,
        query: q.Filter | str | None = None,
        *,
        fields: str | Sequence[str] = "*",
        pagesize: int = fn.READ_BY_QUERY_MAX_PAGESIZE,
        docparid: str | None = None,
    ) -> AsyncGenerator[list[Record], None]:
        """Legacy paged read (``readByQuery`` + ``readMore``); ``query`` is a filter or its text."""
        return q.read_by_query_pages(
            self, object_name, query, fields=fields, pagesize=pagesize, docparid=docparid
        )

    async def list_entities(self) -> list[CompanyEntity]:
        """Entities of a multi-entity company (``LOCATIONENTITY``); empty for a single-entity company."""
        entities: list[CompanyEntity] = []
        async for page in self.query(
            "LOCATIONENTITY",
            ["RECORDNO", "LOCATIONID", "NAME", "CURRENCY", "STATUS"],
            orderby=[fn.Order("LOCATIONID")],
        ):
            for record in page:
                entity_id = str(record.get("LOCATIONID") or "")
                if not entity_id:
                    continue
                entities.append(
                    CompanyEntity(
                        id=entity_id,
                        name=str(record.get("NAME") or entity_id),
                        currency=str(record.get("CURRENCY") or "") or None,
                        record_no=str(record.get("RECORDNO") or "") or None,
                        status=str(record.get("STATUS") or "") or None,
                    )
                )
        return entities

    async def check(self) -> ConnectionCheck:
        """Sign in afresh (proves the credentials now) and list the entities; raises on failure."""
        session = await self.get_api_session(fresh=True)
        try:
            entities = tuple(await self.list_entities())
        except (ConnectorConfigError, ConnectorTransientError):
            raise
        except ConnectorError as exc:
            # A company without entities may refuse LOCATIONENTITY; the sign-in itself succeeded.
            self._log.warning("intacct.entities_unavailable", reason=exc.message)
            entities = ()
        where = f"entity {self.credentials.entity_id}" if self.credentials.entity_id else "the top level"
        return ConnectionCheck(
            ok=True,
            message=f"Signed in to Intacct company {self.credentials.company_id} at {where}",
            entities=entities,
            details={"endpoint": session.endpoint},
        )


def _match(functions: Sequence[Function], results: list[FunctionResult]) -> list[FunctionResult]:
    """Pair each function with its result by controlid (Intacct answers in order, but check)."""
    by_id: dict[str, FunctionResult] = {}
    for result in results:
        if result.controlid in by_id:
            raise ConnectorProtocolError(f"Intacct returned two results for controlid {result.controlid!r}")
        by_id[result.controlid] = result
    matched: list[FunctionResult] = []
    for index, function in enumerate(functions):
        found = by_id.get(function.controlid)
        if found is None and len(results) == len(functions) and not results[index].controlid:
            found = results[index]
        if found is None:
            raise ConnectorProtocolError(
                f"Intacct's answer has no result for function controlid {function.controlid!r}"
            )
        matched.append(found)
    return matched


def _retry_after(answer: HttpAnswer) -> float | None:
    value = answer.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, min(float(value), 300.0))
    except ValueError:
        return None
