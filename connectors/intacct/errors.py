"""One table from what Intacct answered to what the caller should do about it.

Exception tree used here (all from ``connectors.errors``)::

    ConnectorConfigError        fix credentials / configuration     FIX_CREDENTIALS, FIX_CONFIGURATION
    ConnectorTransientError     retry later                         RETRY_LATER
    └── IntacctRateLimited      throttled: nothing was executed     RETRY_LATER
    ConnectorRejectedError      fix the data (field when known)     FIX_DATA, SEE_OTHER_ERROR
    └── ConnectorDuplicateError
        └── IntacctDuplicateError   already applied: look it up     LOOK_UP
    ConnectorNotFoundError      the record does not exist           NOT_FOUND
    ConnectorProtocolError      our request was wrong               FIX_REQUEST, RETRY_READ_ONCE

Intacct reports several ``<error>`` blocks per failure: the specific one first, then generic wrappers
(``BL01001973`` "Could not create … record", ``XL03000009`` "transaction rolled back"). ``diagnose``
skips the wrappers and classifies the first specific error; messages are written for an Intacct admin.
Each rule matches on error number, HTTP status and/or message text; the first matching rule wins, so
text rules that refine a shared number (``XL03000006`` is also used for "fields cannot be queried")
come before the plain number rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from connectors.errors import (
    ConnectorConfigError,
    ConnectorDuplicateError,
    ConnectorError,
    ConnectorNotFoundError,
    ConnectorProtocolError,
    ConnectorRejectedError,
    ConnectorTransientError,
    FieldIssue,
    UpstreamError,
)

Level = Literal["control", "authentication", "result", "http"]


class Action(StrEnum):
    """What the caller (or the person behind it) should do."""

    FIX_CREDENTIALS = "fix_credentials"
    FIX_CONFIGURATION = "fix_configuration"
    FIX_DATA = "fix_data"
    RETRY_LATER = "retry_later"
    RETRY_READ_ONCE = "retry_read_once"
    LOOK_UP = "look_up"
    SEE_OTHER_ERROR = "see_other_error"
    FIX_REQUEST = "fix_request"
    NOT_FOUND = "not_found"


class IntacctRateLimited(ConnectorTransientError):
    """Intacct throttled the request (HTTP 429 ``GW-0010`` or "API rate limit exceeded"); nothing ran."""


class IntacctDuplicateError(ConnectorDuplicateError):
    """The write was already applied (duplicate function ``controlid``) or the record already exists.

    ``controlid`` is the function's control id, so a resolver can find what that write created.
    """

    def __init__(
        self,
        message: str,
        *,
        controlid: str | None = None,
        record_exists: bool = False,
        errors: list[UpstreamError] | None = None,
        issues: list[FieldIssue] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message, errors=errors, issues=issues, status_code=status_code)
        self.controlid = controlid
        self.record_exists = record_exists


FieldFinder = Callable[[str], "FieldIssue | None"]


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """One row of the table. Empty ``codes``/``statuses`` and ``text=None`` match anything."""

    action: Action
    error_class: type[ConnectorError]
    message: str
    codes: frozenset[str] = frozenset()
    statuses: frozenset[int] = frozenset()
    text: re.Pattern[str] | None = None
    levels: frozenset[str] = frozenset()
    #: A generic wrapper: another error of the same block says what actually went wrong.
    wrapper: bool = False
    field_finder: FieldFinder | None = field(default=None, compare=False)

    def matches(self, error: UpstreamError | None, level: Level, status: int | None, text: str) -> bool:
        if self.levels and level not in self.levels:
            return False
        if self.statuses and status not in self.statuses:
            return False
        if self.codes and (error is None or (error.code or "").strip() not in self.codes):
            return False
        return not (self.text is not None and not self.text.search(text))


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_LINE = _rx(r"line item\s+(\d+)")


def _line_account(text: str) -> FieldIssue | None:
    match = _LINE.search(text)
    index = int(match.group(1)) - 1 if match else None
    path = (
        f"lineItems[{index}].accountRef.id" if index is not None and index >= 0 else "lineItems.accountRef.id"
    )
    return FieldIssue(field=path, message=clean_text(text), upstream_code="BL03002112")


def _fixed(path: str) -> FieldFinder:
    def finder(text: str) -> FieldIssue:
        return FieldIssue(field=path, message=clean_text(text))

    return finder


_CREDENTIALS = (
    "Intacct refused the sign-in. Check the company ID, the Web Services user ID and password, and the "
    "sender ID and password; the sender ID must be listed in Intacct under Company > Setup > Company > "
    "Security > Web Services authorizations"
)

#: The table. Order matters: first match wins.
RULES: tuple[ErrorRule, ...] = (
    # --- throttling and availability (text first: Intacct puts these in 200 bodies) -----------------
    ErrorRule(
        Action.RETRY_LATER,
        IntacctRateLimited,
        "Intacct's API rate limit for this company was reached; the request was not processed, retry later",
        text=_rx(r"API rate limit exceeded"),
    ),
    ErrorRule(
        Action.RETRY_LATER,
        IntacctRateLimited,
        "Intacct is throttling this company (too many requests or concurrent sessions); retry later",
        codes=frozenset({"GW-0010"}),
    ),
    ErrorRule(
        Action.RETRY_LATER,
        IntacctRateLimited,
        "Intacct is throttling this company (HTTP 429); retry later",
        statuses=frozenset({429}),
    ),
    ErrorRule(
        Action.RETRY_LATER,
        ConnectorTransientError,
        "Sage Intacct is temporarily off-line (maintenance); retry later",
        text=_rx(r"Service is Temporarily Off-?line"),
    ),
    ErrorRule(
        Action.RETRY_LATER,
        ConnectorTransientError,
        "Intacct is still processing the same request (concurrent request in process); retry later",
        text=_rx(r"concurrent request in process"),
    ),
    ErrorRule(
        Action.RETRY_LATER,
        ConnectorTransientError,
        "Intacct's read cursor (resultId) expired before all pages were read; run the read again",
        text=_rx(r"invalid or expired resultId"),
    ),
    # --- duplicates: the write is already there, look it up -----------------------------------------
    ErrorRule(
        Action.LOOK_UP,
        IntacctDuplicateError,
        "Intacct already recorded this write (same control id); look the record up instead of writing again",
        text=_rx(r"already been recorded with the control ?id"),
    ),
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "A transaction with this document number already exists in Intacct; use another number",
        codes=frozenset({"BL03002185"}),
    ),
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "A transaction with this document number already exists in Intacct; use another number",
        text=_rx(r"A transaction with (that|the) number .*already exists"),
    ),
    ErrorRule(
        Action.LOOK_UP,
        IntacctDuplicateError,
        "A record with the same ID already exists in Intacct",
        codes=frozenset({"BL34000061", "PL05000104"}),
    ),
    ErrorRule(
        Action.LOOK_UP,
        IntacctDuplicateError,
        "A record with the same ID already exists in Intacct",
        text=_rx(r"(Another .* already exists|already exists)"),
        levels=frozenset({"result"}),
    ),
    # --- credentials, permissions, company configuration ---------------------------------------------
    ErrorRule(
        Action.FIX_REQUEST,
        ConnectorProtocolError,
        "Intacct cannot query some of the requested fields; the read asks for a field Intacct only "
        "returns through readByQuery or read",
        text=_rx(r"cannot be queried"),
    ),
    ErrorRule(
        Action.FIX_CONFIGURATION,
        ConnectorConfigError,
        "The transport policy (policyid) is not valid for this sender",
        text=_rx(r"not a valid transport policy"),
    ),
    ErrorRule(
        Action.FIX_CREDENTIALS,
        ConnectorConfigError,
        "The Web Services sender ID is not authorized for this company: add it in Intacct under Company > "
        "Setup > Company > Security > Web Services authorizations",
        text=_rx(r"(Invalid Web Services Authorization|not authori[sz]ed)"),
        levels=frozenset({"control", "authentication"}),
    ),
    ErrorRule(
        Action.FIX_CREDENTIALS,
        ConnectorConfigError,
        "The Web Services sender ID or password is wrong (Incorrect Intacct XML Partner ID or password)",
        text=_rx(r"XML Partner ID or password"),
    ),
    ErrorRule(
        Action.FIX_CREDENTIALS,
        ConnectorConfigError,
        _CREDENTIALS,
        codes=frozenset({"XL03000006", "XMLGW_JPP0002", "UJPP0002", "invalidRequest"}),
    ),
    ErrorRule(
        Action.FIX_CREDENTIALS,
        ConnectorConfigError,
        "The Intacct user has no permission for the API: give the Web Services user the role or "
        "permissions for the applications this connection reads and writes",
        text=_rx(r"do not have permission for API|permission denied"),
    ),
    ErrorRule(
        Action.FIX_CONFIGURATION,
        ConnectorConfigError,
        "This Intacct company is a demo company and has expired; connect an active company",
        codes=frozenset({"PL04000055"}),
    ),
    ErrorRule(
        Action.FIX_CONFIGURATION,
        ConnectorConfigError,
        "Intacct could not open an API session for this user and entity; check that the user may sign in "
        "to that entity",
        codes=frozenset({"Get API Session Failed"}),
    ),
    ErrorRule(
        Action.FIX_CONFIGURATION,
        ConnectorConfigError,
        "The Intacct user does not exist; check the user ID",
        codes=frozenset({"BL03000025"}),
    ),
    ErrorRule(
        Action.FIX_CONFIGURATION,
        ConnectorConfigError,
        "Intacct needs a payment summary for this payment: set Accounts Receivable/Payable > Setup > "
        "Configuration > Summary frequency for payments to Daily or Monthly (automatic payment summaries)",
        text=_rx(r"provide a payment batch key"),
    ),
    ErrorRule(
        Action.FIX_CONFIGURATION,
        ConnectorConfigError,
        "Multi-currency is not enabled in this Intacct company: enable foreign-currency transactions "
        "in Company > Setup > Configuration, or send the amount in the base currency",
        text=_rx(r"Enable foreign-currency transactions"),
    ),
    # --- transaction wrappers --------------------------------------------------------------------------
    ErrorRule(
        Action.SEE_OTHER_ERROR,
        ConnectorRejectedError,
        "Intacct rolled the whole request back because another function in the same transaction failed; "
        "fix that error and send the request again",
        codes=frozenset({"XL03000009"}),
        wrapper=True,
    ),
    ErrorRule(
        Action.SEE_OTHER_ERROR,
        ConnectorRejectedError,
        "Intacct could not create the record",
        codes=frozenset({"BL01001973"}),
        text=_rx(r"^(Could not create|Currently, we can.t create|Validate .* failed)|^$"),
        wrapper=True,
    ),
    # --- data problems, with the field where Intacct says which ---------------------------------------
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "The GL account on a line is tied to a bank or credit card account, which Intacct refuses on "
        "transaction lines; choose a GL account that is not linked to a bank account",
        codes=frozenset({"BL03002112"}),
        field_finder=_line_account,
    ),
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "The GL account on a line is tied to a bank or credit card account, which Intacct refuses on "
        "transaction lines; choose a GL account that is not linked to a bank account",
        text=_rx(r"account number \S+ is associated to the (Bank|Credit Card)"),
        field_finder=_line_account,
    ),
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "A line has no GL account; give every line an account",
        text=_rx(r"Enter an account number on line item"),
        field_finder=_line_account,
    ),
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "The supplier is not a valid, active Intacct vendor",
        text=_rx(r"(Invalid Vendor|Vendor .* is not valid|vendor .* is invalid|Activate the vendor)"),
        field_finder=_fixed("supplierRef.id"),
    ),
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "The customer is not a valid, active Intacct customer",
        text=_rx(r"(Invalid Customer|Customer .* is not valid|customer .* is invalid)"),
        field_finder=_fixed("customerRef.id"),
    ),
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "The date falls in a closed Intacct period; use a date in an open period or reopen the period",
        text=_rx(r"(Periods are closed|period that.s been closed|Date must be on or after)"),
        field_finder=_fixed("issueDate"),
    ),
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "Intacct needs a document number: supply one or set up a document sequence in Intacct",
        codes=frozenset({"PL01000127"}),
    ),
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "A field has a format Intacct does not accept",
        codes=frozenset({"BL03000018"}),
    ),
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "The document can no longer be changed in Intacct (it is paid or partly paid)",
        codes=frozenset({"BL03000215"}),
    ),
    ErrorRule(
        Action.NOT_FOUND,
        ConnectorNotFoundError,
        "The record does not exist in Intacct",
        text=_rx(r"(Cannot find .* with key|Cannot update non-existing|No record found)"),
    ),
    # --- our request was wrong -------------------------------------------------------------------------
    ErrorRule(
        Action.RETRY_READ_ONCE,
        ConnectorProtocolError,
        "Intacct could not process the request (DL02000001); usually a field name, or a date format in a "
        "filter, that Intacct does not accept",
        codes=frozenset({"DL02000001"}),
    ),
    ErrorRule(
        Action.FIX_REQUEST,
        ConnectorProtocolError,
        "Intacct refused the query: the object or a field name does not exist",
        codes=frozenset({"Query Failed", "readMore failed"}),
    ),
    ErrorRule(
        Action.FIX_REQUEST,
        ConnectorProtocolError,
        "Intacct could not read the request XML (XL03000003)",
        codes=frozenset({"XL03000003"}),
    ),
    ErrorRule(
        Action.FIX_REQUEST,
        ConnectorProtocolError,
        "Intacct's gateway refused the request",
        text=_rx(r"^GW-\d+"),
    ),
    # --- by HTTP status, for answers that are not Intacct XML -----------------------------------------
    ErrorRule(
        Action.FIX_CREDENTIALS,
        ConnectorConfigError,
        _CREDENTIALS,
        statuses=frozenset({401}),
    ),
    ErrorRule(
        Action.FIX_CONFIGURATION,
        ConnectorConfigError,
        "Intacct's gateway denied access (HTTP 403); check the endpoint URL and that the sender may call it",
        statuses=frozenset({403}),
    ),
    ErrorRule(
        Action.FIX_CONFIGURATION,
        ConnectorConfigError,
        "There is no Intacct XML gateway at this endpoint URL (HTTP 404)",
        statuses=frozenset({404}),
    ),
    ErrorRule(
        Action.RETRY_LATER,
        ConnectorTransientError,
        "Intacct's gateway is unavailable (HTTP {status}); retry later",
        statuses=frozenset(range(500, 600)),
    ),
    # --- defaults per level ----------------------------------------------------------------------------
    ErrorRule(
        Action.FIX_CONFIGURATION,
        ConnectorConfigError,
        "Intacct refused the request for this sender or company",
        levels=frozenset({"control"}),
    ),
    ErrorRule(
        Action.FIX_CREDENTIALS,
        ConnectorConfigError,
        _CREDENTIALS,
        levels=frozenset({"authentication"}),
    ),
    ErrorRule(
        Action.FIX_DATA,
        ConnectorRejectedError,
        "Intacct refused the data",
        levels=frozenset({"result"}),
    ),
    ErrorRule(
        Action.FIX_REQUEST,
        ConnectorProtocolError,
        "Intacct answered HTTP {status} with a body that is not an Intacct response",
    ),
)

_CONTROL_ID = re.compile(r"control ?id", re.IGNORECASE)
_SUPPORT_ID = re.compile(r"\s*\[(Support|Request) ID:[^\]]*\]", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Intacct's text without the ``[Support ID: …]`` suffix (kept in the raw errors for support)."""
    return _SUPPORT_ID.sub("", text).strip()


def error_text(error: UpstreamError) -> str:
    """``errorno`` + the joined description parts, as one string to match rules against."""
    return error.text() or (error.code or "")


def lookup(error: UpstreamError | None, *, level: Level, status: int | None = None) -> ErrorRule:
    """The first rule matching one error (``error=None``: match on HTTP status and level only)."""
    text = error_text(error) if error is not None else ""
    if error is not None and error.code and re.match(r"^GW-\d+", error.code):
        text = f"{error.code} {text}"
    for rule in RULES:
        if rule.matches(error, level, status, text):
            return rule
    raise AssertionError("the error table ends with a catch-all rule")  # pragma: no cover


@dataclass(slots=True)
class Diagnosis:
    """The rule picked for a block of errors, the error it was picked for, and the exception to raise."""

    action: Action
    rule: ErrorRule
    primary: UpstreamError | None
    error: ConnectorError


def diagnose(
    errors: Sequence[UpstreamError],
    *,
    level: Level,
    status: int | None = None,
    controlid: str | None = None,
    note: str | None = None,
) -> Diagnosis:
    """Classify a block of ``<error>`` elements (or an HTTP status with no usable body).

    The first error whose rule is not a wrapper decides; when all are wrappers the first one does.
    ``note`` is appended to the message (e.g. which other function made a transaction roll back).
    """
    picked: tuple[ErrorRule, UpstreamError | None] | None = None
    first: tuple[ErrorRule, UpstreamError | None] | None = None
    for error in errors:
        rule = lookup(error, level=level, status=status)
        if first is None:
            first = (rule, error)
        if not rule.wrapper:
            picked = (rule, error)
            break
    if picked is None:
        picked = first if first is not None else (lookup(None, level=level, status=status), None)
    rule, primary = picked
    message = rule.message.replace("{status}", str(status) if status is not None else "?")
    detail = clean_text(primary.text()) if primary is not None else ""
    if detail and detail.lower() not in message.lower():
        message = f"{message}. Intacct said: {detail}"
    if note:
        message = f"{message} ({note})"
    issues: list[FieldIssue] = []
    if rule.field_finder is not None and primary is not None:
        issue = rule.field_finder(primary.text())
        if issue is not None:
            issues.append(issue)
    if rule.error_class is IntacctDuplicateError:
        exc: ConnectorError = IntacctDuplicateError(
            message,
            controlid=controlid,
            record_exists=not _CONTROL_ID.search(primary.text() if primary else ""),
            errors=list(errors),
            issues=issues,
            status_code=status,
        )
    else:
        exc = rule.error_class(message, errors=list(errors), issues=issues, status_code=status)
    return Diagnosis(action=rule.action, rule=rule, primary=primary, error=exc)
