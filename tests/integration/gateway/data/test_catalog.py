"""The data type catalog: every name a type goes by resolves to it, and it matches the connector."""

from __future__ import annotations

from connectors.intacct.connector import IntacctConnector
from datamodel.enums import DataType
from gateway.data.catalog import BY_NAME, DATA_TYPES, dataset_keys, find, supported


def test_every_name_resolves_to_one_spec() -> None:
    assert find("chartOfAccounts") is find("accounts") is find("ACCOUNTS") is BY_NAME["accounts"]
    assert find("company") is find("info") is find("companyInfo") is BY_NAME["companyInfo"]
    assert find("balanceSheet") is None and find("") is None
    assert dataset_keys()["accounts"] == "chartOfAccounts" and dataset_keys()["bills"] == "bills"


def test_dataset_keys_are_codat_data_types_and_ids_follow_codat() -> None:
    assert {spec.dataset for spec in DATA_TYPES} <= {member.value for member in DataType}
    bill_credit_notes = BY_NAME["billCreditNotes"]
    assert (bill_credit_notes.kebab, bill_credit_notes.kebab_singular, bill_credit_notes.id_param) == (
        "bill-credit-notes",
        "bill-credit-note",
        "billCreditNoteId",
    )
    assert {spec.name for spec in DATA_TYPES if spec.scope == "connection"} == {"directIncomes", "transfers"}


def test_the_intacct_connector_can_pull_every_catalog_type() -> None:
    assert [spec.name for spec in supported(IntacctConnector.data_types)] == [
        spec.name for spec in DATA_TYPES
    ]
    assert supported({"chartOfAccounts"}) == [BY_NAME["accounts"]]
