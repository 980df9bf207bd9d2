"""Core mapping helpers: record views and refusals, dates both ways, values read from Intacct rows, status
words and account refs. Re-exported through ``_common`` (import from there)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from typing import Any, Final, Literal, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

from connectors.errors import ConnectorProtocolError, ConnectorRejectedError, FieldIssue
from connectors.intacct.mapping.facts import AccountFact, CompanyFacts
from connectors.intacct.mapping.plan import PlanWarning
from connectors.intacct.rules._base import RecordView, RuleSet, as_decimal
from connectors.intacct.xml.tree import split_date
from datamodel import AccountRef, to_builtins
from datamodel.types import parse_codat_datetime

CENT: Final = Decimal("0.01")
T = TypeVar("T")

# --- record views and refusals -----------------------------------------------------------------------


def view_of(record: msgspec.Struct) -> dict[str, Any]:
    """The record as the rule tables see it: camelCase dict tree, ``Decimal`` kept, absent fields omitted."""
    view = to_builtins(record)
    assert isinstance(view, dict)
    return view


class Problems:
    """Field issues found while mapping: references only the mapping can resolve (dimensions, tax ids)."""

    def __init__(self, display_name: str) -> None:
        self.display_name = display_name
        self.issues: list[FieldIssue] = []

    def add(self, field_path: str, message: str) -> None:
        self.issues.append(FieldIssue(field_path, message))

    def __bool__(self) -> bool:
        return bool(self.issues)

    def raise_if_any(self) -> None:
        if self.issues:
            raise rejection(self.display_name, self.issues)


def rejection(display_name: str, issues: Sequence[FieldIssue]) -> ConnectorRejectedError:
    first = issues[0]
    more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
    message = f"{display_name} cannot be written to Sage Intacct: {first.field}: {first.message}{more}"
    return ConnectorRejectedError(message, issues=list(issues))


def checked(rules: RuleSet, view: RecordView, facts: CompanyFacts) -> tuple[PlanWarning, ...]:
    """Apply the rule table: errors refuse the write before anything is sent, warnings ride on the plan."""
    found = rules.validate(view, facts)
    errors = [FieldIssue(i.field, i.message) for i in found if i.severity == "error"]
    if errors:
        raise rejection(rules.display_name, errors)
    return tuple(PlanWarning(i.field, i.message, i.validator) for i in found if i.severity == "warning")


# --- dates ---------------------------------------------------------------------------------------------


def to_date(value: str | None) -> dt.date | None:
    """The calendar date a Codat date-time names, as written (``…T23:00:00-05:00`` stays that day)."""
    return parse_codat_datetime(value).date() if value else None


def legacy_date(value: str | None) -> dict[str, str] | None:
    """``<year>/<month>/<day>`` block of legacy functions; generic objects take the ``date`` itself."""
    day = to_date(value)
    return split_date(day) if day else None


def query_date(value: dt.date) -> str:
    """The ``MM/DD/YYYY`` text Intacct returns for a date field (and accepts in filters)."""
    return value.strftime("%m/%d/%Y")


_INTACCT_PATTERNS: Final = (
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
)


def _us_date(text: str) -> dt.datetime | None:
    """``MM/DD/YYYY`` or ``MM/DD/YYYY HH:MM:SS`` with every digit present (what Intacct prints), else
    ``None``: the common shapes without ``strptime``, which costs microseconds per call."""
    if len(text) not in (10, 19) or text[2] != "/" or text[5] != "/":
        return None
    if len(text) == 19 and (text[10] != " " or text[13] != ":" or text[16] != ":"):
        return None
    digits = (text[0:2], text[3:5], text[6:10], text[11:13], text[14:16], text[17:19])
    if not all(part.isascii() and part.isdigit() for part in digits if part):
        return None
    month, day, year = int(digits[0]), int(digits[1]), int(digits[2])
    try:
        if len(text) == 10:
            return dt.datetime(year, month, day)
        return dt.datetime(year, month, day, int(digits[3]), int(digits[4]), int(digits[5]))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _parse_intacct(text: str) -> dt.datetime | None:
    """Cached: a page of documents repeats the same few dates thousands of times."""
    text = text.strip()
    fast = _us_date(text)
    if fast is not None:
        return fast
    for pattern in _INTACCT_PATTERNS:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def read_date(value: Any) -> str | None:
    """Intacct date (``06/30/2015``, or ISO as some users' preferences return) -> ``2015-06-30T00:00:00``."""
    parsed = _parse_intacct(value) if isinstance(value, str) and value.strip() else None
    return f"{parsed.date().isoformat()}T00:00:00" if parsed else None


def required_date(row: Mapping[str, Any], path: str, object_name: str) -> str:
    """A date the unified record cannot do without; a row without it is not what Intacct returns."""
    found = read_date(get(row, path))
    if found is None:
        raise ConnectorProtocolError(f"Intacct returned {object_name} {text(row, 'RECORDNO')} without {path}")
    return found


def read_timestamp(value: Any) -> str | None:
    """Intacct audit timestamp (``01/09/2019 22:01:29``, no zone) -> ``2019-01-09T22:01:29``."""
    parsed = _parse_intacct(value) if isinstance(value, str) and value.strip() else None
    return parsed.isoformat(timespec="seconds") if parsed else None


# --- values read from rows -----------------------------------------------------------------------------


_ABSENT: Final = object()


def get(row: Mapping[str, Any], path: str) -> Any:
    """A field of a row: ``query`` returns owned fields flat (``DISPLAYCONTACT.EMAIL1``), ``read`` nests."""
    found = row.get(path, _ABSENT)
    if found is not _ABSENT:
        return found
    node: Any = row
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def text(row: Mapping[str, Any], path: str) -> str | None:
    value = row.get(path, _ABSENT)
    if value.__class__ is str:  # the common case first: a flat field read by ``query``
        return value.strip() or None  # type: ignore[no-any-return]
    if value is _ABSENT:
        value = get(row, path)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None if value is None or isinstance(value, Mapping | list) else str(value)


def or_unset(value: T | None) -> T | UnsetType:
    """``None`` as ``UNSET`` for nullable model fields, so a value Intacct left empty is omitted, not null."""
    return UNSET if value is None else value


def money(value: Any) -> Decimal | None:
    """An Intacct amount (``"372"``, ``"-27.47"``) as ``Decimal``; empty or junk -> ``None``."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def row_money(row: Mapping[str, Any], *paths: str) -> Decimal | None:
    """The first of ``paths`` that holds an amount (``TRX_AMOUNT`` then ``AMOUNT`` ...)."""
    for path in paths:
        found = money(get(row, path))
        if found is not None:
            return found
    return None


def unique_number(operation_key: str) -> str:
    """A number derived from the push operation, so a retried write sends the same document id."""
    return str(int(hashlib.sha256(operation_key.encode()).hexdigest()[:12], 16) % 10**8).zfill(8)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_net(line: Mapping[str, Any]) -> Decimal:
    """A line's amount before tax: ``subTotal`` when sent, else ``quantity * unitAmount - discountAmount``."""
    sub_total = as_decimal(line.get("subTotal"))
    if sub_total is not None:
        return sub_total
    quantity = as_decimal(line.get("quantity")) or Decimal(0)
    unit = as_decimal(line.get("unitAmount")) or Decimal(0)
    discount = as_decimal(line.get("discountAmount")) or Decimal(0)
    return quantity * unit - discount


# --- status words --------------------------------------------------------------------------------------

Action = Literal["Draft", "Submit"]
DocumentStatus = Literal["Draft", "Open", "PartiallyPaid", "Paid", "Void", "Unknown"]


def action_for(status: str | None) -> Action:
    """Codat ``Draft`` -> Intacct ``Draft``; anything else pushable (``Open``/``Submitted``) -> ``Submit``."""
    return "Draft" if status == "Draft" else "Submit"


def document_status(state: str | None, total: Decimal | None, due: Decimal | None) -> DocumentStatus:
    """A payable/receivable document's status from Intacct's STATE (word or stored code) and its amounts.

    ``Open`` means posted with nothing paid; callers rename it (``Submitted`` for invoices and credit notes).
    """
    word = (state or "").strip().lower()
    if word in {"draft", "d", "i"}:
        return "Draft"
    if word in {"reversed", "reversal", "voided", "void", "r", "v", "z"}:
        return "Void"
    if word in {"declined", "u"}:
        return "Unknown"
    if word in {"paid", "p"}:
        return "Paid"
    if word in {"partially paid", "pp"}:
        return "PartiallyPaid"
    if total is not None and due is not None and total != 0:
        if due == 0:
            return "Paid"
        if abs(due) < abs(total):
            return "PartiallyPaid"
    return "Open" if word else "Unknown"


StatusEnum = TypeVar("StatusEnum", bound=StrEnum)


def document_enum(
    kind: type[StatusEnum],
    state: str | None,
    total: Decimal | None,
    due: Decimal | None,
    *,
    open_as: str = "Open",
) -> StatusEnum:
    """``document_status`` as a member of the data type's status enum, ``Open`` renamed to ``open_as``."""
    word = document_status(state, total, due)
    return kind(open_as if word == "Open" else word)


def record_status(row: Mapping[str, Any], kind: type[StatusEnum]) -> StatusEnum:
    """A master record's ``STATUS`` (``active``/``inactive`` or ``T``/``F``) as ``kind``'s
    ``Active``/``Archived``/``Unknown`` member."""
    word = (text(row, "STATUS") or "").lower()
    if word in {"active", "t", "true"}:
        return kind("Active")
    if word in {"inactive", "f", "false"}:
        return kind("Archived")
    return kind("Unknown")


def line_number(row: Mapping[str, Any]) -> int:
    """A line row's ``LINE_NO`` for sorting (0 when absent or not a number)."""
    number = text(row, "LINE_NO") or ""
    return int(number) if number.isdigit() else 0


# --- refs between unified and Intacct ------------------------------------------------------------------


def gl_account_no(account_id: str, facts: CompanyFacts) -> str:
    """The account number Intacct takes for a unified ``accountRef.id`` (RECORDNO or the number itself)."""
    found = facts.account(account_id)
    return found.account_no if found else account_id


def account_fact_for(
    row: Mapping[str, Any], facts: CompanyFacts, key: str, number: str
) -> AccountFact | None:
    recordno, account_no = text(row, key), text(row, number)
    if recordno and recordno in facts.accounts:
        return facts.accounts[recordno]
    return facts.account(account_no) if account_no else None


def account_ref(
    row: Mapping[str, Any],
    facts: CompanyFacts,
    *,
    key: str = "ACCOUNTKEY",
    number: str = "ACCOUNTNO",
    title: str = "ACCOUNTTITLE",
) -> AccountRef | None:
    """``accountRef`` of a line row: id = the GL account RECORDNO (``ACCOUNTKEY``), name = its title."""
    known = account_fact_for(row, facts, key, number)
    recordno = text(row, key) or (known.recordno if known else None) or text(row, number)
    if recordno is None:
        return None
    return AccountRef(id=recordno, name=text(row, title) or (known.title if known and known.title else None))


def bank_account(account_id: str | None, facts: CompanyFacts) -> str | None:
    """The checking/savings account (``BANKACCOUNTID``) a GL account is tied to, if any."""
    found = facts.account(account_id) if account_id else None
    return found.bank_account_id if found else None
