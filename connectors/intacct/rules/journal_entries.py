"""What Sage Intacct needs of a journal entry, written as a GLBATCH (codat.md §7.2 "journalEntries"):
a journal, a posting date, a description, and at least two non-zero lines in the base currency that
balance (debits, positive ``netAmount``, equal credits, negative ``netAmount``).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from connectors.intacct.mapping._common import TRACKING_FORMAT
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import (
    FieldSpec,
    RecordView,
    Rule,
    RuleSet,
    as_decimal,
    length_between,
    lines,
    required,
    values_at,
)


def journal_symbol(journal_id: str, facts: CompanyFacts) -> str | None:
    """The journal symbol (``GJ``) for a ``journalRef.id`` (GLJOURNAL RECORDNO, or the symbol itself)."""
    if journal_id in facts.journals:
        return facts.journals[journal_id]
    if not facts.journals or journal_id in facts.journals.values():
        return journal_id
    return None


def _journal_unknown(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    journal_id = (record.get("journalRef") or {}).get("id")
    if isinstance(journal_id, str) and journal_id and journal_symbol(journal_id, facts) is None:
        yield "journalRef.id"


def _too_few(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if len(lines(record, "journalLines")) < 2:
        yield "journalLines"


def _zero_amount(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for where, value in values_at(record, "journalLines.netAmount"):
        if as_decimal(value) == 0:
            yield where


def _unbalanced(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    amounts = [as_decimal(line.get("netAmount")) for line in lines(record, "journalLines")]
    if amounts and None not in amounts and sum((a for a in amounts if a is not None), Decimal(0)) != 0:
        yield "journalLines"


def _foreign_currency(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    for where, value in values_at(record, "journalLines.currency"):
        if isinstance(value, str) and value and value != facts.base_currency:
            yield where


def _unknown_account(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    for where, value in values_at(record, "journalLines.accountRef.id"):
        if isinstance(value, str) and value and facts.accounts and facts.account(value) is None:
            yield where


RULES = RuleSet(
    data_type="journalEntries",
    display_name="JournalEntry",
    description="A journal entry records debits and credits to nominal accounts; Sage Intacct holds it as a "
    "GL batch (GLBATCH) with GL entries.",
    validator="JournalEntry",
    fields=(
        FieldSpec("postedOn", "The date the entry was posted in the originating system", required=True),
        FieldSpec(
            "journalRef", "Reference to the journal in which this journal entry was created", required=True
        ),
        FieldSpec("journalRef.id", "The reference identifier for the journal", required=True),
        FieldSpec("description", "A top level description for the journal entry", required=True),
        FieldSpec(
            "journalLines",
            "A collection of detail lines that represent the transactions associated in this entry",
            required=True,
        ),
        FieldSpec("journalLines.netAmount", "The amount for the journal line, excluding tax", required=True),
        FieldSpec(
            "journalLines.accountRef", "Reference to the nominal account the line is linked to", required=True
        ),
        FieldSpec("journalLines.accountRef.id", "The identifier for the account", required=True),
        FieldSpec("journalLines.description", "The description for the journal line"),
        FieldSpec("journalLines.currency", "The currency for the line"),
    ),
    rules=(
        required("postedOn"),
        required("journalRef.id"),
        Rule("journalRef.id", "Must match to an existing Journal Id (or its symbol).", _journal_unknown),
        required("description"),
        length_between("description", 1, 512, "Must be no greater than 512 characters."),
        Rule("journalLines", "There must be at least two lines.", _too_few),
        Rule("journalLines", "The lines must balance: the sum of NetAmount must be 0.", _unbalanced),
        required("journalLines.netAmount"),
        Rule("journalLines.netAmount", "Must not be a 0 amount.", _zero_amount),
        required("journalLines.accountRef.id"),
        Rule("journalLines.accountRef.id", "Must match to an existing Account Id.", _unknown_account),
        length_between("journalLines.description", 0, 512, "Must be no greater than 512 characters."),
        Rule(
            "journalLines.currency",
            "If provided, must match the base currency for the company.",
            _foreign_currency,
        ),
        Rule("journalLines.tracking.recordRefs.id", TRACKING_FORMAT),
    ),
)
