"""Transfers <- Intacct funds transfers (``FUNDSTRANSFER`` / ``FUNDSTRANSFERENTRY``). Read only.

Intacct's XML gateway has no function that creates a funds transfer (intacct.md §5.9), so there is no
plan here; the gateway answers pushes with "not supported".

A transfer moves money from one bank account to another. The GL side comes from the entries (credit
``TR_TYPE -1`` = from, debit ``1`` = to, each with its GL account RECORDNO); without entries the header's
bank account ids are mapped to the GL accounts tied to them. Codat's rule for voided transfers: the
reversal reads with *positive* amounts and status void. The unified transfer has no status field, so
the status travels in ``supplementalData.content["intacct"]["status"]`` (``Void``/``Posted``) next to
Intacct's own state word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from connectors.intacct.mapping._common import (
    account_ref,
    read_date,
    read_timestamp,
    row_money,
    text,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import ReadSpec
from datamodel import AccountRef, SupplementalData, Transfer, TransferAccount

__all__ = ["READ", "is_void", "to_unified"]

OBJECT: Final = "FUNDSTRANSFER"
VOID_STATES: Final = frozenset({"voided", "void", "reversed", "reversal", "v", "r"})

HEADER_FIELDS: Final = (
    "RECORDNO", "RECORDID", "DOCNUMBER", "DESCRIPTION", "STATE", "WHENCREATED", "FROMACCOUNTID",
    "FROMACCOUNTNAME", "TOACCOUNTID", "TOACCOUNTNAME", "BASECURR", "CURRENCY", "TOTALENTERED",
    "TRX_TOTALENTERED", "REVERSEDKEY", "REVERSALKEY", "WHENMODIFIED",
)  # fmt: skip
LINE_FIELDS: Final = (
    "RECORDNO", "RECORDKEY", "LINE_NO", "ACCOUNTKEY", "ACCOUNTNO", "ACCOUNTTITLE", "AMOUNT", "TRX_AMOUNT",
    "TR_TYPE", "CURRENCY",
)  # fmt: skip


def is_void(header: Mapping[str, Any]) -> bool:
    """A voided transfer or the reversal that voided one."""
    state = (text(header, "STATE") or "").lower()
    return state in VOID_STATES or bool(text(header, "REVERSEDKEY") or text(header, "REVERSALKEY"))


def _bank_ref(bank: str | None, name: str | None, facts: CompanyFacts) -> AccountRef | None:
    if not bank:
        return None
    tied = next((a for a in facts.accounts.values() if a.bank_account_id == bank), None)
    if tied is None:
        return AccountRef(id=bank, name=name)
    return AccountRef(id=tied.recordno, name=tied.title or name)


def _side(
    entries: Sequence[Mapping[str, Any]], tr_type: str, fallback: AccountRef | None, facts: CompanyFacts
) -> tuple[AccountRef | None, Decimal | None, str | None]:
    for entry in entries:
        if text(entry, "TR_TYPE") == tr_type:
            amount = row_money(entry, "TRX_AMOUNT", "AMOUNT")
            return account_ref(entry, facts) or fallback, amount, text(entry, "CURRENCY")
    return fallback, None, None


def to_unified(
    header: Mapping[str, Any], entries: Sequence[Mapping[str, Any]], facts: CompanyFacts
) -> Transfer:
    """A ``FUNDSTRANSFER`` and its entries as a transfer; reversals of voided transfers read positive."""
    total = row_money(header, "TRX_TOTALENTERED", "TOTALENTERED")
    currency = text(header, "CURRENCY") or text(header, "BASECURR") or facts.base_currency
    from_bank = _bank_ref(text(header, "FROMACCOUNTID"), text(header, "FROMACCOUNTNAME"), facts)
    to_bank = _bank_ref(text(header, "TOACCOUNTID"), text(header, "TOACCOUNTNAME"), facts)
    from_ref, from_amount, from_currency = _side(entries, "-1", from_bank, facts)
    to_ref, to_amount, to_currency = _side(entries, "1", to_bank, facts)
    void = is_void(header)
    status = "Void" if void else "Posted"

    def amount(found: Decimal | None) -> Decimal | None:
        """Entries are unsigned (``TR_TYPE`` gives the side); a reversal may carry negated amounts."""
        value = found if found is not None else total
        return abs(value) if value is not None else None

    return Transfer(
        id=text(header, "RECORDNO"),
        description=text(header, "DESCRIPTION"),
        date=read_date(text(header, "WHENCREATED")),
        from_=TransferAccount(
            account_ref=from_ref, amount=amount(from_amount), currency=from_currency or currency
        ),
        to=TransferAccount(account_ref=to_ref, amount=amount(to_amount), currency=to_currency or currency),
        source_modified_date=read_timestamp(text(header, "WHENMODIFIED")),
        supplemental_data=SupplementalData(
            content={
                "intacct": {
                    "status": status,
                    "state": text(header, "STATE"),
                    "reference": text(header, "DOCNUMBER"),
                }
            }
        ),
    )


READ = ReadSpec(
    data_type="transfers",
    object=OBJECT,
    fields=HEADER_FIELDS,
    to_unified=to_unified,
    line_object="FUNDSTRANSFERENTRY",
    line_fields=LINE_FIELDS,
    line_parent_field="RECORDKEY",
)
