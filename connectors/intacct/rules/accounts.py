"""What Sage Intacct needs of a chart-of-accounts entry, written as a GLACCOUNT (codat.md §7.2
"chartOfAccounts"). ``fullyQualifiedCategory`` must sit under one of Intacct's five report roots, and the
root must agree with the account ``type``.
"""

from __future__ import annotations

from collections.abc import Iterator

from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import (
    FieldSpec,
    RecordView,
    Rule,
    RuleSet,
    length_between,
    one_of,
    required,
)

STATUSES = ("Active", "Archived")
TYPES = ("Asset", "Equity", "Expense", "Income", "Liability")
#: Root category of each account type (the first part of ``fullyQualifiedCategory``).
ROOTS = {
    "Asset": "Assets",
    "Equity": "Equity",
    "Expense": "Total Expenses",
    "Income": "Total Income",
    "Liability": "Liabilities",
}


def category_root(category: str) -> str:
    return category.split(".", 1)[0].strip()


def _duplicate_code(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    code = record.get("nominalCode")
    if isinstance(code, str) and any(a.account_no == code for a in facts.accounts.values()):
        yield "nominalCode"


def _bad_root(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    category = record.get("fullyQualifiedCategory")
    if not isinstance(category, str) or not category:
        return
    root = category_root(category)
    expected = ROOTS.get(str(record.get("type")))
    if root not in ROOTS.values() or (expected is not None and root != expected):
        yield "fullyQualifiedCategory"


RULES = RuleSet(
    data_type="chartOfAccounts",
    display_name="Nominal Account",
    description="Nominal Accounts are the categories a business uses to record transactions",
    validator="Account",
    fields=(
        FieldSpec(
            "nominalCode",
            "The external reference given to each nominal account for a business",
            required=True,
        ),
        FieldSpec("name", "Name of the account", required=True),
        FieldSpec(
            "status", "The status of the account", required=True, choices=tuple((s, s) for s in STATUSES)
        ),
        FieldSpec(
            "type",
            "The type, or base category, of the account",
            required=True,
            choices=tuple((t, t) for t in TYPES),
        ),
        FieldSpec(
            "fullyQualifiedCategory",
            "The full category of the account e.g. Liabilities.Current Liabilities or Total Income.Revenue",
            required=True,
        ),
    ),
    rules=(
        required("nominalCode"),
        length_between("nominalCode", 1, 24, "Must be at most 24 characters in length."),
        Rule("nominalCode", "Must be unique within the entity.", _duplicate_code),
        required("name"),
        length_between("name", 1, 80, "Must be between 1 and 80 characters."),
        required("status"),
        one_of("status", STATUSES, "Must be Active or Archived."),
        required("type"),
        one_of("type", TYPES),
        required("fullyQualifiedCategory"),
        Rule(
            "fullyQualifiedCategory",
            "Must be part of the hierarchy of one of 'Assets', 'Equity', 'Liabilities', 'Total Expenses' and "
            "'Total Income', matching Type.",
            _bad_root,
        ),
    ),
)
