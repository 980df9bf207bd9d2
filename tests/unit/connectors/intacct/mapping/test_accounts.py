"""Accounts: GLACCOUNT create plans (type -> report type and normal balance), rules, reading rows back."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from connectors.intacct.mapping import accounts
from connectors.intacct.mapping.facts import AccountFact
from datamodel import Account, decode_json, decode_json_untyped, encode_json, to_builtins

from ._ap_support import GB, US, element, example, refusal


def make(**changes: Any) -> Account:
    body = {
        "nominalCode": "6500",
        "name": "Software subscriptions",
        "status": "Active",
        "type": "Expense",
        "fullyQualifiedCategory": "Total Expenses.Software",
    }
    return decode_json(json.dumps(body | changes), Account)


@pytest.mark.parametrize(
    ("kind", "category", "report", "balance"),
    [
        ("Asset", "Assets.Current Assets", "balancesheet", "debit"),
        ("Liability", "Liabilities.Current Liabilities", "balancesheet", "credit"),
        ("Equity", "Equity.Retained Earnings", "balancesheet", "credit"),
        ("Expense", "Total Expenses.Software", "incomestatement", "debit"),
        ("Income", "Total Income.Revenue", "incomestatement", "credit"),
    ],
)
def test_types_map_to_report_type_and_balance_and_back(
    kind: str, category: str, report: str, balance: str
) -> None:
    plan = accounts.plan_create(make(type=kind, fullyQualifiedCategory=category), US, operation_key="op")
    assert (plan.function, plan.key_kind, plan.lookup) == ("create", "recordno", {"ACCOUNTNO": "6500"})
    glaccount = element(plan).find("GLACCOUNT")
    assert glaccount is not None
    assert [(c.tag, c.text) for c in glaccount] == [
        ("ACCOUNTNO", "6500"),
        ("TITLE", "Software subscriptions"),
        ("ACCOUNTTYPE", report),
        ("NORMALBALANCE", balance),
        ("CATEGORY", category.split(".")[-1]),
        ("STATUS", "active"),
    ]
    row = {c.tag: c.text for c in glaccount} | {"RECORDNO": "700", "WHENMODIFIED": "01/29/2020 01:42:43"}
    back = to_builtins(accounts.to_unified(row, [], US))
    sent = to_builtins(make(type=kind, fullyQualifiedCategory=category))
    for name in ("nominalCode", "name", "status", "type", "fullyQualifiedCategory"):
        assert back[name] == sent[name], name
    assert back["id"] == "700" and back["fullyQualifiedName"] == f"{category}.Software subscriptions"


@pytest.mark.parametrize(
    ("account", "field", "message"),
    [
        (make(nominalCode="1010"), "nominalCode", "Must be unique within the entity."),
        (make(nominalCode="1" * 25), "nominalCode", "at most 24 characters"),
        (make(name=None), "name", "Must be provided."),
        (make(status="Pending"), "status", "Active or Archived"),
        (make(type=None), "type", "Must be provided."),
        (make(fullyQualifiedCategory="Expenses.Software"), "fullyQualifiedCategory", "hierarchy of one of"),
        (make(fullyQualifiedCategory="Total Income.Software"), "fullyQualifiedCategory", "matching Type"),
    ],
)
def test_rules_refuse_naming_the_field(account: Account, field: str, message: str) -> None:
    found = refusal(accounts.plan_create, account, US, operation_key="op")
    assert any(f == field and message in m for f, m in found), found


def test_rows_shaped_like_intacct_read_as_codat_example() -> None:
    row = {
        "RECORDNO": "2",
        "ACCOUNTNO": "12100",
        "TITLE": "Accounts Receivable",
        "ACCOUNTTYPE": "balancesheet",
        "NORMALBALANCE": "debit",
        "CATEGORY": "Accounts Receivable",
        "STATUS": "active",
        "WHENMODIFIED": "01/29/2020 01:42:43",
    }
    result = decode_json_untyped(encode_json(accounts.to_unified(row, [], GB)))
    expected = example("accounts-list-response-sage-intacct.json")["results"][0]
    for name in ("modifiedDate", "currentBalance", "fullyQualifiedCategory", "fullyQualifiedName"):
        expected.pop(name)
    assert result.pop("fullyQualifiedCategory") == "Assets.Accounts Receivable"
    assert result.pop("fullyQualifiedName") == "Assets.Accounts Receivable.Accounts Receivable"
    assert result == expected


def test_bank_accounts_and_equity_are_recognised_on_read() -> None:
    bank = dataclasses.replace(US, accounts={"10": AccountFact("10", "1010", "Bank", bank_account_id="BOA")})
    read = accounts.to_unified(
        {"RECORDNO": "10", "ACCOUNTTYPE": "balancesheet", "NORMALBALANCE": "debit"}, [], bank
    )
    assert read.is_bank_account is True and read.type == "Asset"
    assert accounts.account_type("N", "credit", "Owner's Capital") == "Equity"
    assert accounts.account_type("balancesheet", "credit", "Accrued Liabilities") == "Liability"
    assert accounts.account_type(None, None, None) == "Unknown"
