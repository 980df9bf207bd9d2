"""Parse an Intacct response and check it level by level: control, authentication, each function.

::

    <response>
      <control><status>success|failure</status> senderid controlid uniqueid dtdversion </control>
      [<errormessage>]                          control failure (bad sender, demo expired, bad XML)
      <operation>
        <authentication> status userid companyid locationid sessiontimestamp sessiontimeout
        [<errormessage>]                        authentication failure (bad login, expired session)
        <result> status function controlid [listtype] [data|key] [errormessage] </result> …

A function's ``status`` is ``success``, ``failure`` (its own error) or ``aborted`` (rolled back because
another function of a ``transaction="true"`` operation failed). Failed and aborted results carry a
``Diagnosis`` from the error table; ``check`` raises for control and authentication failures, while
per-function failures stay on the results so a batch can hand each caller its own outcome.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from lxml import etree

from connectors.errors import ConnectorError, ConnectorProtocolError, UpstreamError
from connectors.intacct.errors import Action, Diagnosis, Level, clean_text, diagnose
from connectors.intacct.xml.parse import parse_xml, text_of
from connectors.intacct.xml.tree import from_element

SUCCESS = "success"
FAILURE = "failure"
ABORTED = "aborted"


@dataclass(slots=True)
class ControlStatus:
    status: str
    sender_id: str | None = None
    controlid: str | None = None
    uniqueid: bool | None = None
    dtdversion: str | None = None


@dataclass(slots=True)
class AuthStatus:
    status: str
    user_id: str | None = None
    company_id: str | None = None
    location_id: str | None = None
    session_timestamp: dt.datetime | None = None
    session_timeout: dt.datetime | None = None


@dataclass(slots=True)
class ResultData:
    """``<data>`` of a result: paging attributes plus one dict per record element."""

    listtype: str | None = None
    count: int | None = None
    totalcount: int | None = None
    numremaining: int | None = None
    offset: int | None = None
    result_id: str | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    #: Element name of each record (``customer`` from readByQuery, ``CUSTOMER`` from query ...).
    record_tags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class LegacyList:
    """``<listtype start end total>`` of legacy ``get_list``."""

    name: str
    start: int | None = None
    end: int | None = None
    total: int | None = None


@dataclass(slots=True)
class FunctionResult:
    """Outcome of one ``<function>``; ``diagnosis`` is set when it did not succeed."""

    status: str
    function: str
    controlid: str
    data: ResultData | None = None
    key: str | None = None
    errors: list[UpstreamError] = field(default_factory=list)
    legacy_list: LegacyList | None = None
    diagnosis: Diagnosis | None = None
    #: True when a duplicate refusal was resolved by looking the record up (no new write happened).
    resolved_duplicate: bool = False

    @property
    def ok(self) -> bool:
        return self.status == SUCCESS

    @property
    def records(self) -> list[dict[str, Any]]:
        return self.data.records if self.data is not None else []

    @property
    def error(self) -> ConnectorError | None:
        return self.diagnosis.error if self.diagnosis is not None else None

    @property
    def action(self) -> Action | None:
        return self.diagnosis.action if self.diagnosis is not None else None

    def raise_for_status(self) -> FunctionResult:
        """Raise the classified error unless the function succeeded; returns ``self`` for chaining."""
        if self.ok:
            return self
        if self.diagnosis is None:
            self.diagnosis = diagnose(self.errors, level="result", controlid=self.controlid)
        raise self.diagnosis.error

    @classmethod
    def resolved(
        cls,
        controlid: str,
        function: str,
        *,
        key: str | None = None,
        records: list[dict[str, Any]] | None = None,
    ) -> FunctionResult:
        """A success built by a duplicate resolver from the record it looked up."""
        data = (
            ResultData(records=list(records or []), count=len(records or [])) if records is not None else None
        )
        return cls(
            status=SUCCESS,
            function=function,
            controlid=controlid,
            key=key,
            data=data,
            resolved_duplicate=True,
        )


@dataclass(slots=True)
class Response:
    control: ControlStatus
    control_errors: list[UpstreamError] = field(default_factory=list)
    authentication: AuthStatus | None = None
    auth_errors: list[UpstreamError] = field(default_factory=list)
    results: list[FunctionResult] = field(default_factory=list)
    #: Offline (``policyid``) requests are answered with an acknowledgement instead of results.
    acknowledged: bool | None = None
    http_status: int | None = None

    @property
    def control_failed(self) -> bool:
        return self.control.status != SUCCESS

    @property
    def auth_failed(self) -> bool:
        return self.authentication is not None and self.authentication.status != SUCCESS

    def control_diagnosis(self) -> Diagnosis | None:
        if not self.control_failed:
            return None
        return diagnose(self.control_errors, level="control", status=self.http_status)

    def auth_diagnosis(self) -> Diagnosis | None:
        if not self.auth_failed:
            return None
        return diagnose(self.auth_errors, level="authentication", status=self.http_status)

    def check(self) -> Response:
        """Raise for a control failure, then for an authentication failure; per-function errors stay."""
        for diagnosis in (self.control_diagnosis(), self.auth_diagnosis()):
            if diagnosis is not None:
                raise diagnosis.error
        if self.acknowledged is None and not self.results and self.authentication is None:
            raise ConnectorProtocolError("Intacct's response has neither an operation nor an acknowledgement")
        return self


def _int(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ConnectorProtocolError(f"Intacct sent a non-integer paging attribute {value!r}") from exc


def _timestamp(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def parse_errors(parent: etree._Element | None) -> list[UpstreamError]:
    """The ``<error>`` blocks of ``parent/errormessage`` (empty list when there are none)."""
    if parent is None:
        return []
    out: list[UpstreamError] = []
    for error in parent.iterfind("errormessage/error"):
        out.append(
            UpstreamError(
                code=(text_of(error, "errorno") or "").strip() or None,
                description=text_of(error, "description") or None,
                description2=text_of(error, "description2") or None,
                correction=text_of(error, "correction") or None,
            )
        )
    return out


#: True when some record of a ``<data>`` block has a field with children or attributes: such blocks are
#: converted field by field with ``from_element``. One XPath over the block is far cheaper than asking
#: every field (a 2,000-row page has tens of thousands).
_NESTED = etree.XPath("boolean(*/*/* | */*/@*)")


def _flat_record(record: etree._Element) -> dict[str, Any] | None:
    """A record whose fields are all leaves without attributes (what ``query`` returns), else ``None``.

    Equal to ``from_element`` for such records; field names are interned, so the thousands of rows of
    a page share one string per field name instead of holding a copy each.
    """
    if record.attrib:
        return None
    row = {intern(field.tag): field.text or "" for field in record}  # type: ignore[arg-type]
    return row if len(row) == len(record) else None  # a repeated field name: from_element lists it


def _parse_data(element: etree._Element) -> ResultData:
    data = ResultData(
        listtype=element.get("listtype"),
        count=_int(element.get("count")),
        totalcount=_int(element.get("totalcount")),
        numremaining=_int(element.get("numremaining")),
        offset=_int(element.get("offset")),
        result_id=element.get("resultId") or None,
    )
    flat = not _NESTED(element)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        value = _flat_record(child) if flat else None
        if value is None:
            value = from_element(child)
        data.records.append(value if isinstance(value, dict) else {})
        data.record_tags.append(child.tag)
    return data


def _parse_result(element: etree._Element) -> FunctionResult:
    result = FunctionResult(
        status=(text_of(element, "status") or "").strip().lower(),
        function=text_of(element, "function") or "",
        controlid=text_of(element, "controlid") or "",
        key=text_of(element, "key"),
        errors=parse_errors(element),
    )
    data = element.find("data")
    if data is not None:
        result.data = _parse_data(data)
    listtype = element.find("listtype")
    if listtype is not None:
        result.legacy_list = LegacyList(
            name=listtype.text or "",
            start=_int(listtype.get("start")),
            end=_int(listtype.get("end")),
            total=_int(listtype.get("total")),
        )
    if result.status not in (SUCCESS, FAILURE, ABORTED):
        raise ConnectorProtocolError(f"Intacct sent an unknown result status {result.status!r}")
    return result


def _diagnose_results(results: list[FunctionResult], http_status: int | None) -> None:
    failed = [r for r in results if r.status == FAILURE]
    level: Level = "result"
    for result in failed:
        result.diagnosis = diagnose(
            result.errors, level=level, status=http_status, controlid=result.controlid
        )
    for result in results:
        if result.status != ABORTED:
            continue
        note = None
        if failed and failed[0] is not result and failed[0].diagnosis is not None:
            primary = failed[0].diagnosis.primary
            reason = clean_text(primary.text()) if primary is not None else failed[0].diagnosis.error.message
            note = f"function {failed[0].controlid} failed: {reason}"
        result.diagnosis = diagnose(
            result.errors, level=level, status=http_status, controlid=result.controlid, note=note
        )


def parse_response(body: bytes, *, http_status: int | None = None) -> Response:
    """Parse the bytes of an Intacct answer (hardened parser); raises ``ConnectorProtocolError``."""
    root = parse_xml(body)
    if root.tag != "response":
        raise ConnectorProtocolError(f"Intacct answered with <{root.tag}> instead of <response>")
    control_el = root.find("control")
    if control_el is None:
        raise ConnectorProtocolError("Intacct's response has no <control> block")
    uniqueid = text_of(control_el, "uniqueid")
    response = Response(
        control=ControlStatus(
            status=(text_of(control_el, "status") or "").strip().lower(),
            sender_id=text_of(control_el, "senderid"),
            controlid=text_of(control_el, "controlid"),
            uniqueid=None if uniqueid is None else uniqueid.strip().lower() == "true",
            dtdversion=text_of(control_el, "dtdversion"),
        ),
        control_errors=parse_errors(root),
        http_status=http_status,
    )
    ack = root.find("acknowledgement")
    if ack is not None:
        response.acknowledged = (text_of(ack, "status") or "").strip().lower() == SUCCESS
    operation = root.find("operation")
    if operation is None:
        return response
    auth_el = operation.find("authentication")
    if auth_el is not None:
        response.authentication = AuthStatus(
            status=(text_of(auth_el, "status") or "").strip().lower(),
            user_id=text_of(auth_el, "userid"),
            company_id=text_of(auth_el, "companyid"),
            location_id=text_of(auth_el, "locationid") or None,
            session_timestamp=_timestamp(text_of(auth_el, "sessiontimestamp")),
            session_timeout=_timestamp(text_of(auth_el, "sessiontimeout")),
        )
    response.auth_errors = parse_errors(operation)
    response.results = [_parse_result(el) for el in operation.iterfind("result")]
    _diagnose_results(response.results, http_status)
    return response
