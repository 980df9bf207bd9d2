"""``CompanyFacts`` look-ups: by RECORDNO first, else by number (accounts) or DETAILID (tax details), the
first match in the facts' order winning, with the indexes neither compared nor serialised."""

from __future__ import annotations

import dataclasses

import msgspec

from connectors.intacct.mapping.facts import AccountFact, CompanyFacts, TaxFact

ACCOUNTS = {
    "10": AccountFact("10", "6000", "Office"),
    "11": AccountFact("11", "10", "Number equal to another RECORDNO"),
    "12": AccountFact("12", "6000", "Second account with number 6000"),
}
TAXES = {
    "1": TaxFact("1", "UK Standard", "20"),
    "2": TaxFact("2", "1", "0"),
    "3": TaxFact("3", "UK Standard", "5"),
}
FACTS = CompanyFacts(company_id="C", accounts=ACCOUNTS, tax_details=TAXES)


def test_account_by_recordno_then_by_first_number() -> None:
    assert FACTS.account("10") is ACCOUNTS["10"]  # RECORDNO wins over account number "10"
    assert FACTS.account("6000") is ACCOUNTS["10"]
    assert FACTS.account("12") is ACCOUNTS["12"]
    assert FACTS.account("9999") is None
    assert CompanyFacts(company_id="C").account("6000") is None


def test_tax_detail_by_recordno_then_by_first_detail_id() -> None:
    assert FACTS.tax_detail("1") is TAXES["1"]
    assert FACTS.tax_detail("UK Standard") is TAXES["1"]
    assert FACTS.tax_detail("nope") is None


def test_replaced_facts_index_their_own_accounts() -> None:
    FACTS.account("6000")  # builds the index of FACTS
    other = dataclasses.replace(FACTS, accounts={"20": AccountFact("20", "6000", "Other")})
    assert other.account("6000") is other.accounts["20"]
    assert FACTS.account("6000") is ACCOUNTS["10"]


def test_indexes_are_not_part_of_equality_or_the_encoded_facts() -> None:
    fresh = CompanyFacts(company_id="C", accounts=ACCOUNTS, tax_details=TAXES)
    FACTS.account("6000"), FACTS.tax_detail("UK Standard")
    assert FACTS == fresh
    encoded = msgspec.json.encode(FACTS)
    assert encoded == msgspec.json.encode(fresh)
    decoded = msgspec.json.decode(encoded, type=CompanyFacts)
    assert decoded == FACTS and decoded.account("6000") == ACCOUNTS["10"]
