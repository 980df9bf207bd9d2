"""The read-only readers (transfers, tax rates, tracking categories, payment methods, items, journals,
company info) against Codat's Sage Intacct list examples, and every AR ReadSpec's field list against the
object catalogue: ``query`` fails the whole read (XL03000006) when one selected field does not exist."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from connectors.intacct.mapping import (
    company_info,
    credit_notes,
    customers,
    direct_incomes,
    invoices,
    items,
    journals,
    payment_methods,
    payments,
    tax_rates,
    tracking_categories,
    transfers,
)
from connectors.intacct.mapping.plan import ReadSpec
from connectors.intacct.sandbox.catalogue import FIELDS
from datamodel import UNSET, ItemType, to_builtins
from tests.unit.connectors.intacct.mapping._ar_support import US, example

SPECS: list[ReadSpec] = [
    invoices.READ,
    *credit_notes.READS,
    payments.READ,
    direct_incomes.READ,
    customers.READ,
    transfers.READ,
    tax_rates.READ,
    *tracking_categories.READS,
    items.READ,
    journals.READ,
]


@pytest.mark.parametrize("spec", SPECS, ids=[f"{s.data_type}-{s.object}" for s in SPECS])
def test_read_fields_exist_on_the_object(spec: ReadSpec) -> None:
    assert set(spec.fields) - set(FIELDS[spec.object]) == set()
    assert spec.key_field in spec.fields
    if spec.line_object:
        assert set(spec.line_fields) - set(FIELDS[spec.line_object]) == set()
        assert spec.line_parent_field in spec.line_fields


def test_entity_fields_exist() -> None:
    assert set(company_info.ENTITY_FIELDS) - set(FIELDS[company_info.ENTITY_OBJECT]) == set()


# --- tracking categories ---------------------------------------------------------------------------------


def test_dimension_values_have_codats_shape() -> None:
    reference = example("trackingCategories-list-response-sage-intacct.json")["results"][0]
    row = {
        "RECORDNO": "2",
        "WAREHOUSEID": "WH200",
        "NAME": "200",
        "STATUS": "active",
        "WHENMODIFIED": "04/26/2020 05:26:46",
    }
    found = to_builtins(tracking_categories.SPECS["WAREHOUSE"].to_unified(row, [], US))
    assert set(found) - {"metadata"} == set(reference) - {"modifiedDate"}
    assert found == {
        "id": "WAREHOUSE-WH200",
        "parentId": "WAREHOUSE",
        "sourceModifiedDate": reference["sourceModifiedDate"],
        "name": "200",
        "hasChildren": False,
        "status": "Active",
        "metadata": {"isDeleted": False},
    }


@pytest.mark.parametrize(
    ("key", "row", "expected_id", "name"),
    [
        (
            "DEPARTMENT",
            {"DEPARTMENTID": "ADM", "TITLE": "Admin", "STATUS": "inactive"},
            "DEPARTMENT-ADM",
            "Admin",
        ),
        (
            "SUPPLIER",
            {"VENDORID": "V0001", "NAME": "Vendor ABC", "STATUS": "active"},
            "SUPPLIER-V0001",
            "Vendor ABC",
        ),
        ("EMPLOYEE", {"EMPLOYEEID": "E100", "CONTACT.CONTACTNAME": "Jo Doe"}, "EMPLOYEE-E100", "Jo Doe"),
    ],
)
def test_each_dimension_reads_its_own_id_and_name(
    key: str, row: dict[str, str], expected_id: str, name: str
) -> None:
    found = tracking_categories.SPECS[key].to_unified(row, [], US)
    assert (found.id, found.name, found.parent_id) == (expected_id, name, key)
    assert all(spec.data_type == "trackingCategories" for spec in tracking_categories.SPECS.values())
    assert (
        "CONTRACT" in tracking_categories.SPECS
        and tracking_categories.SPECS["CONTRACT"] not in tracking_categories.READS
    )


def test_parents_and_user_defined_dimensions() -> None:
    parents = tracking_categories.parent_categories(["DEPARTMENT", "LINE_OF_BUSINESS", "DEPARTMENT"])
    assert [(p.id, p.name, p.has_children, p.parent_id) for p in parents] == [
        ("DEPARTMENT", "Department", True, UNSET),
        ("LINE_OF_BUSINESS", "Line Of Business", True, UNSET),
    ]
    spec = tracking_categories.udd_read_spec("LINE_OF_BUSINESS")
    value = spec.to_unified({"id": "10003", "name": "CCC"}, [], US)
    assert (value.id, value.name, value.parent_id, spec.key_field) == (
        "LINE_OF_BUSINESS-10003",
        "CCC",
        "LINE_OF_BUSINESS",
        "id",
    )


# --- tax rates, payment methods, items, journals ---------------------------------------------------------


def test_tax_details_read_like_codats_tax_rates() -> None:
    first, second = example("taxRates-list-response-sage-intacct.json")["results"]
    devbox = {
        "RECORDNO": "109",
        "DETAILID": "DevboxTax",
        "DESCRIPTION": "Devbox test tax detail",
        "VALUE": "5",
        "STATUS": "active",
    }
    exempt = {
        "RECORDNO": "44",
        "DETAILID": "EC Purchase Goods Exempt Rate",
        "DESCRIPTION": "",
        "VALUE": "0",
        "STATUS": "active",
    }
    for row, reference in ((devbox, first), (exempt, second)):
        found = to_builtins(tax_rates.to_unified(row, [], US))
        assert found == {k: v for k, v in reference.items() if k != "modifiedDate"}
    assert tax_rates.READ.incremental is False
    fact = tax_rates.tax_fact(devbox)
    assert (fact.recordno, fact.detail_id, fact.rate) == ("109", "DevboxTax", "5")


def test_payment_methods_are_intacts_fixed_list_under_codats_ids() -> None:
    reference = {r["id"]: r for r in example("paymentMethods-list-response-sage-intacct.json")["results"]}
    found = {m.id: to_builtins(m) for m in payment_methods.records(US)}
    assert len(found) == example("paymentMethods-list-response-sage-intacct.json")["totalResults"]
    for key, record in reference.items():
        assert found[key] == {k: v for k, v in record.items() if k != "modifiedDate"}
    custom = dataclasses.replace(US, payment_methods={"6": "Cash", "7": "Wire"})
    assert [(m.id, m.name, m.type) for m in payment_methods.records(custom)] == [
        ("6", "Cash", "Cash"),
        ("7", "Wire", "Other"),
    ]
    assert payment_methods.method_id("eft", US) == "5"


@pytest.mark.parametrize(
    ("itemtype", "kind", "bill", "invoice"),
    [
        ("Inventory", ItemType.INVENTORY, True, True),
        ("Non-Inventory", ItemType.NON_INVENTORY, True, True),
        ("Non-Inventory (Purchase only)", ItemType.NON_INVENTORY, True, False),
        ("Non-Inventory (Sales only)", ItemType.NON_INVENTORY, False, True),
        ("SK", ItemType.INVENTORY, True, True),
        ("Mystery", ItemType.UNKNOWN, True, True),
    ],
)
def test_items(itemtype: str, kind: ItemType, bill: bool, invoice: bool) -> None:
    row = {"RECORDNO": "59", "ITEMID": "1011", "NAME": "Widget", "STATUS": "active", "ITEMTYPE": itemtype}
    row |= {
        "SODESCRIPTION": "Sold widget",
        "BASEPRICE": "12.5",
        "PODESCRIPTION": "Bought widget",
        "STANDARD_COST": "7",
    }
    found = items.to_unified(row, [], US)
    assert (found.id, found.code, found.name, found.type) == ("1011", "1011", "Widget", kind)
    assert (found.is_bill_item, found.is_invoice_item) == (bill, invoice)
    if invoice:
        assert found.invoice_item is not None and found.invoice_item.unit_price == Decimal("12.5")
    else:
        assert found.invoice_item is None
    assert (found.bill_item is not None) == bill


def test_journals() -> None:
    rows = [
        {
            "RECORDNO": "207",
            "SYMBOL": "GJ",
            "TITLE": "General Journal",
            "STATUS": "active",
            "WHENCREATED": "05/12/2021 22:03:51",
        },
        {"RECORDNO": "208", "SYMBOL": "ADJ", "TITLE": "Adjustments", "STATUS": "inactive"},
    ]
    found = [to_builtins(journals.to_unified(row, [], US)) for row in rows]
    assert found[0] == {
        "id": "207",
        "name": "General Journal",
        "journalCode": "GJ",
        "type": "GL",
        "status": "Active",
        "hasChildren": False,
        "createdOn": "2021-05-12T22:03:51",
        "metadata": {"isDeleted": False},
    }
    assert found[1]["status"] == "Archived"
    assert journals.journal_symbols(rows) == {"207": "GJ", "208": "ADJ"}


# --- transfers -------------------------------------------------------------------------------------------

TRANSFER = {
    "RECORDNO": "31",
    "DESCRIPTION": "Sweep to savings",
    "STATE": "Posted",
    "WHENCREATED": "06/30/2024",
    "FROMACCOUNTID": "BOA",
    "TOACCOUNTID": "BARCLAYS",
    "BASECURR": "USD",
    "CURRENCY": "USD",
    "TRX_TOTALENTERED": "500",
    "WHENMODIFIED": "06/30/2024 17:00:00",
}
ENTRIES = [
    {
        "RECORDNO": "1",
        "RECORDKEY": "31",
        "ACCOUNTKEY": "10",
        "ACCOUNTNO": "1010",
        "TRX_AMOUNT": "500",
        "TR_TYPE": "-1",
    },
    {
        "RECORDNO": "2",
        "RECORDKEY": "31",
        "ACCOUNTKEY": "11",
        "ACCOUNTNO": "1020",
        "TRX_AMOUNT": "500",
        "TR_TYPE": "1",
    },
]


def test_transfer_reads_both_sides_from_its_entries() -> None:
    found = to_builtins(transfers.to_unified(TRANSFER, ENTRIES, US))
    assert found["from"] == {
        "accountRef": {"id": "10", "name": "Bank - Checking"},
        "amount": Decimal(500),
        "currency": "USD",
    }
    assert found["to"] == {
        "accountRef": {"id": "11", "name": "Bank - Barclays"},
        "amount": Decimal(500),
        "currency": "USD",
    }
    assert (found["date"], found["description"]) == ("2024-06-30T00:00:00", "Sweep to savings")
    assert found["supplementalData"]["content"]["intacct"]["status"] == "Posted"


def test_transfer_without_entries_uses_the_bank_ties() -> None:
    found = transfers.to_unified(TRANSFER, [], US)
    assert (
        found.from_ is not None and found.from_.account_ref is not None and found.from_.account_ref.id == "10"
    )
    assert found.to is not None and found.to.amount == Decimal(500)


@pytest.mark.parametrize(
    "header",
    [
        {**TRANSFER, "STATE": "Voided"},
        {**TRANSFER, "STATE": "Posted", "REVERSEDKEY": "30", "TRX_TOTALENTERED": "-500"},
    ],
)
def test_voided_transfers_and_reversals_read_positive_with_status_void(header: dict[str, Any]) -> None:
    negated = [{**entry, "TRX_AMOUNT": "-500"} for entry in ENTRIES]
    found = transfers.to_unified(header, negated, US)
    assert found.from_ is not None and found.from_.amount == Decimal(500)
    assert found.to is not None and found.to.amount == Decimal(500)
    assert found.supplemental_data is not None
    assert found.supplemental_data.content == {
        "intacct": {"status": "Void", "state": header["STATE"], "reference": None}
    }
    assert transfers.is_void(header)


# --- company info ----------------------------------------------------------------------------------------


def test_company_info_from_facts_and_entity() -> None:
    entity = {
        "LOCATIONID": "100",
        "NAME": "Demo US",
        "LEGALNAME": "Demo US Inc.",
        "FEDERALID": "38-1515431",
        "FIRSTMONTH": "April",
        "LEGALADDRESS1": "300 Park Ave",
        "LEGALCITY": "San Jose",
        "LEGALCOUNTRY": "United States",
        "WHENCREATED": "04/29/2021 20:32:04",
    }
    found = to_builtins(company_info.company_info(US, entity, today=dt.date(2024, 3, 15)))
    assert found == {
        "companyName": "Demo US",
        "companyLegalName": "Demo US Inc.",
        "accountingPlatformRef": "DEMO/100",
        "baseCurrency": "USD",
        "registrationNumber": "38-1515431",
        "taxNumber": "38-1515431",
        "financialYearStartDate": "2023-04-01T00:00:00",
        "createdDate": "2021-04-29T20:32:04",
        "addresses": [
            {"type": "Billing", "line1": "300 Park Ave", "city": "San Jose", "country": "United States"}
        ],
        "phoneNumbers": [],
        "webLinks": [],
        "sourceUrls": {"Sage Intacct": "https://www.intacct.com/ia/acct/login.phtml?company=DEMO"},
    }
    bare = company_info.company_info(dataclasses.replace(US, entity_id=None))
    assert (bare.company_name, bare.accounting_platform_ref, bare.base_currency) == ("DEMO", "DEMO", "USD")
    assert company_info.fiscal_year_start("1", dt.date(2024, 3, 15)) == dt.date(2024, 1, 1)
    assert company_info.fiscal_year_start("", dt.date(2024, 3, 15)) is None
