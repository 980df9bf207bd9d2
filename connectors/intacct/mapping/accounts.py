"""Accounts (chart of accounts) <-> Intacct GL accounts (GLACCOUNT), created with the generic ``create``.

Unified ``id`` is the GLACCOUNT ``RECORDNO`` and ``nominalCode`` the ``ACCOUNTNO`` (codat.md §7.3). Codat's
five account types map onto Intacct's two report types and the normal balance:

    Asset -> balancesheet/debit      Liability, Equity -> balancesheet/credit
    Expense -> incomestatement/debit Income -> incomestatement/credit

Reading back, balance-sheet credit accounts are Equity when their category says so, else Liability. The
last part of ``fullyQualifiedCategory`` is written as the account ``CATEGORY``, and the read side rebuilds
the path from the report root and that category.

Lost-answer ``lookup``: ``ACCOUNTNO``, unique in the entity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from msgspec import UNSET

from connectors.intacct.mapping._common import checked, or_unset, read_timestamp, text, view_of
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import ReadSpec, WritePlan
from connectors.intacct.rules.accounts import ROOTS, RULES
from datamodel import Account, Metadata
from datamodel.enums import AccountStatus, AccountType

__all__ = ["READ", "RULES", "account_type", "plan_create", "to_unified"]

OBJECT = "GLACCOUNT"
_INTACCT_TYPE = {
    "Asset": ("balancesheet", "debit"),
    "Liability": ("balancesheet", "credit"),
    "Equity": ("balancesheet", "credit"),
    "Expense": ("incomestatement", "debit"),
    "Income": ("incomestatement", "credit"),
}
_EQUITY_WORDS = ("equity", "retained", "capital", "reserve", "dividend", "drawing", "owner", "partner")


def plan_create(record: Account, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``create GLACCOUNT``."""
    del operation_key  # ACCOUNTNO is unique and identifies the account
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    report_type, balance = _INTACCT_TYPE[str(view["type"])]
    category = str(view["fullyQualifiedCategory"]).split(".")
    account: dict[str, Any] = {
        "ACCOUNTNO": view["nominalCode"],
        "TITLE": view["name"],
        "ACCOUNTTYPE": report_type,
        "NORMALBALANCE": balance,
        "CATEGORY": category[-1].strip() or None,
        "STATUS": "active" if view.get("status") == "Active" else "inactive",
    }
    return WritePlan(
        function="create",
        body={OBJECT: account},
        read_object=OBJECT,
        key_kind="recordno",
        lookup={"ACCOUNTNO": str(view["nominalCode"])},
        warnings=warnings,
    )


def account_type(report_type: str | None, balance: str | None, category: str | None) -> AccountType:
    """Codat's type of an Intacct account from its report type, normal balance and category."""
    report, side = (report_type or "").lower(), (balance or "").lower()
    if report in {"incomestatement", "i"}:
        return AccountType.INCOME if side == "credit" else AccountType.EXPENSE
    if report in {"balancesheet", "n"}:
        if side != "credit":
            return AccountType.ASSET
        words = (category or "").lower()
        return AccountType.EQUITY if any(word in words for word in _EQUITY_WORDS) else AccountType.LIABILITY
    return AccountType.UNKNOWN


def to_unified(row: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts) -> Account:
    """A GLACCOUNT row as a unified account."""
    del lines
    recordno = text(row, "RECORDNO")
    category = text(row, "CATEGORY")
    kind = account_type(text(row, "ACCOUNTTYPE"), text(row, "NORMALBALANCE"), category)
    root = ROOTS.get(kind.value)
    qualified = root if category in (None, root) else ".".join(p for p in (root, category) if p) or None
    title = text(row, "TITLE")
    status = (text(row, "STATUS") or "").lower()
    known = facts.accounts.get(recordno or "") or facts.account(text(row, "ACCOUNTNO") or "")
    return Account(
        id=recordno,
        nominal_code=text(row, "ACCOUNTNO"),
        name=title,
        fully_qualified_category=or_unset(qualified),
        fully_qualified_name=".".join(p for p in (qualified, title) if p) or UNSET,
        currency=(known.currency if known and known.currency else None) or facts.base_currency,
        type=kind,
        status=AccountStatus.ACTIVE
        if status in {"active", "t"}
        else AccountStatus.ARCHIVED
        if status in {"inactive", "f"}
        else AccountStatus.UNKNOWN,
        is_bank_account=bool(known and known.bank_account_id),
        valid_datatype_links=[],
        source_modified_date=read_timestamp(text(row, "WHENMODIFIED")),
        metadata=Metadata(is_deleted=False),
    )


READ = ReadSpec(
    data_type="chartOfAccounts",
    object=OBJECT,
    fields=(
        "RECORDNO",
        "ACCOUNTNO",
        "TITLE",
        "ACCOUNTTYPE",
        "NORMALBALANCE",
        "CATEGORY",
        "STATUS",
        "WHENMODIFIED",
    ),
    to_unified=to_unified,
)
