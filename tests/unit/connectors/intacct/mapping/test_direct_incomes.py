"""Direct incomes: the record_otherreceipt plan for Codat's Sage Intacct example (payee, Cash, bank from the
allocation, currency, ignored-field warnings), element order, refusals, the reader and a round trip."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from connectors.intacct.mapping import direct_incomes
from connectors.intacct.mapping.facts import AccountFact
from datamodel import DirectIncome, convert, to_builtins
from tests.unit.connectors.intacct.mapping._ar_support import (
    ACCOUNTS,
    GB,
    US,
    element,
    example,
    fixture,
    intacct_date,
    order_problems,
    refusal,
    refused_fields,
)

#: The company Codat's example was pushed to: line account 195, bank-tied account 289, tax rate 99.
EXAMPLE_COMPANY = dataclasses.replace(
    GB,
    accounts={
        **ACCOUNTS,
        "195": AccountFact("195", "4200", "Other Income"),
        "289": AccountFact("289", "1030", "Bank - Savings", bank_account_id="BOA-SAV"),
    },
    dimension_names={},
    custom_dimensions=(),
)


def codat_example() -> DirectIncome:
    body = example("directIncomes-push-request-sage-intacct.json")
    body["lineItems"][0]["trackingCategoryRefs"] = [{"id": "DEPARTMENT-2"}, {"id": "LOCATION-8"}]
    return convert(body, DirectIncome)


def income(**changes: Any) -> DirectIncome:
    body: dict[str, Any] = {
        "reference": "Walk-in customer",
        "note": "Market stall",
        "issueDate": "2024-05-02T00:00:00",
        "currency": "USD",
        "lineItems": [
            {"description": "Cash sale", "unitAmount": "19.99", "quantity": 2, "accountRef": {"id": "40"}},
        ],
        "paymentAllocations": [
            {"payment": {"accountRef": {"id": "10"}, "paidOnDate": "2024-05-03T00:00:00"}, "allocation": {}}
        ],
        "subTotal": "39.98",
        "taxAmount": 0,
        "totalAmount": "39.98",
    }
    body.update(changes)
    return convert(body, DirectIncome)


def test_codats_example_becomes_a_cash_receipt_into_the_tied_bank() -> None:
    plan = direct_incomes.plan_create(codat_example(), EXAMPLE_COMPANY, operation_key="op")
    assert (plan.function, plan.read_object, plan.key_kind) == ("record_otherreceipt", "OTHERRECEIPTS", "key")
    body = plan.body
    assert body["payee"] == "test ref" and body["paymentmethod"] == "Cash"
    assert body["bankaccountid"] == "BOA-SAV"
    assert (
        body["paymentdate"]
        == body["receiveddate"]
        == body["depositdate"]
        == {"year": "2023", "month": "03", "day": "31"}
    )
    assert body["description"] == "Test 1"
    assert (body["currency"], body["exchrate"]) == ("USD", Decimal("0.5")) and "exchratetype" not in body
    assert body["receiptitems"]["lineitem"] == [
        {
            "glaccountno": "4200",
            "amount": Decimal("9.99"),
            "locationid": "8",
            "departmentid": "2",
            "taxentries": {"taxentry": {"detailid": "UK Sale Standard Rate", "trx_tax": Decimal("2.00")}},
        }
    ]
    assert plan.lookup == {
        "PAYEE": "test ref",
        "BANKACCOUNTID": "BOA-SAV",
        "WHENCREATED": "03/31/2023",
        "DESCRIPTION": "Test 1",
    }


def test_fields_intacct_ignores_are_warnings_as_in_codats_response() -> None:
    plan = direct_incomes.plan_create(codat_example(), EXAMPLE_COMPANY, operation_key="op")
    warned = {w.field for w in plan.warnings}
    response = example("directIncomes-push-response-sage-intacct.json")
    codat = {item["itemId"] for item in response["validation"]["warnings"]}
    spelled = {
        f.replace(
            "paymentAllocations[0].payment.", "PaymentAllocations[0].PaymentAllocationPayment."
        ).replace("paymentAllocations[0].allocation.", "PaymentAllocations[0].Allocation.")
        for f in warned
    }
    normalised = {".".join(p[:1].upper() + p[1:] for p in f.split(".")) for f in spelled}
    # Codat also ignores paidOnDate; here it becomes the deposit date, so it is not reported as ignored
    assert normalised == codat - {"PaymentAllocations[0].PaymentAllocationPayment.PaidOnDate"}


def test_receipt_follows_record_otherreceipt_element_order() -> None:
    line = {
        "description": "All dimensions",
        "unitAmount": 5,
        "quantity": 1,
        "accountRef": {"id": "40"},
        "trackingCategoryRefs": [
            {"id": f"{dim}-X"}
            for dim in (
                "LOCATION",
                "DEPARTMENT",
                "PROJECT",
                "CUSTOMER",
                "SUPPLIER",
                "EMPLOYEE",
                "ITEM",
                "CLASS",
                "CONTRACT",
                "WAREHOUSE",
            )
        ],
    }
    built = element(
        direct_incomes.plan_create(income(lineItems=[line], currency="GBP"), US, operation_key="op")
    )
    assert order_problems(fixture("record-otherreceipt-request-bank-deposit.xml")[0], built) == []
    item = built.find("receiptitems/lineitem")
    assert item is not None
    all_fields = fixture("otherreceipt-lineitem-all-dimensions.xml")
    all_fields[0].tag = "glaccountno"
    assert order_problems(all_fields, item) == []


def test_currency_block_of_a_receipt() -> None:
    daily = direct_incomes.plan_create(income(currency="EUR"), US, operation_key="op").body
    assert (daily["currency"], daily["exchratetype"]) == ("EUR", "Intacct Daily Rate")
    assert intacct_date(daily["exchratedate"]) == "05/02/2024" and "exchrate" not in daily
    base = direct_incomes.plan_create(income(), US, operation_key="op").body
    assert not {"currency", "exchrate", "exchratetype", "exchratedate", "basecurr"} & set(base)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reference": "r" * 81}, "reference"),
        ({"reference": None}, "reference"),
        ({"paymentAllocations": []}, "paymentAllocations"),
        (
            {
                "paymentAllocations": [
                    {"payment": {"accountRef": {"id": "10"}, "paidOnDate": "2024-05-03"}, "allocation": {}},
                    {"payment": {"accountRef": {"id": "11"}, "paidOnDate": "2024-05-03"}, "allocation": {}},
                ]
            },
            "paymentAllocations",
        ),
        (
            {
                "paymentAllocations": [
                    {"payment": {"accountRef": {"id": "12"}, "paidOnDate": "2024-05-03"}, "allocation": {}}
                ]
            },
            "paymentAllocations[0].payment.accountRef.id",
        ),
        (
            {"lineItems": [{"unitAmount": 1, "quantity": 1, "accountRef": {"id": "10"}}]},
            "lineItems[0].accountRef.id",
        ),
    ],
)
def test_refusals_name_the_field(changes: dict[str, Any], field: str) -> None:
    assert field in refused_fields(direct_incomes.plan_create, income(**changes), US, operation_key="op")


def test_a_non_bank_allocation_account_is_explained() -> None:
    allocation = [{"payment": {"accountRef": {"id": "12"}, "paidOnDate": "2024-05-03"}, "allocation": {}}]
    issues = dict(
        refusal(direct_incomes.plan_create, income(paymentAllocations=allocation), US, operation_key="op")
    )
    assert "checking or savings" in str(issues["paymentAllocations[0].payment.accountRef.id"])


HEADER = {
    "RECORDNO": "61",
    "PAYEE": "Walk-in customer",
    "PAYMETHOD": "Cash",
    "DESCRIPTION": "Market stall",
    "BANKACCOUNTID": "BOA",
    "DEPOSITDATE": "05/03/2024",
    "WHENCREATED": "05/02/2024",
    "BASECURR": "USD",
    "CURRENCY": "EUR",
    "EXCHANGE_RATE": "1.08",
    "TRX_TOTALENTERED": "39.98",
    "WHENMODIFIED": "05/03/2024 11:00:00",
}
LINES = [
    {
        "RECORDNO": "71",
        "RECORDKEY": "61",
        "LINE_NO": "1",
        "ACCOUNTKEY": "40",
        "ACCOUNTNO": "4000",
        "ACCOUNTTITLE": "Sales",
        "TRX_AMOUNT": "39.98",
        "ENTRYDESCRIPTION": "Cash sale",
        "DEPARTMENTID": "SAL",
        "DEPARTMENTNAME": "Sales",
    }
]


def test_to_unified_maps_an_other_receipt_field_by_field() -> None:
    assert to_builtins(direct_incomes.to_unified(HEADER, LINES, US)) == {
        "id": "61",
        "reference": "Walk-in customer",
        "note": "Market stall",
        "issueDate": "2024-05-02T00:00:00",
        "currency": "EUR",
        "currencyRate": Decimal("1.08"),
        "lineItems": [
            {
                "quantity": Decimal(1),
                "unitAmount": Decimal("39.98"),
                "description": "Cash sale",
                "subTotal": Decimal("39.98"),
                "taxAmount": Decimal(0),
                "totalAmount": Decimal("39.98"),
                "accountRef": {"id": "40", "name": "Sales"},
                "trackingCategoryRefs": [{"id": "DEPARTMENT-SAL", "name": "Sales"}],
            }
        ],
        "paymentAllocations": [
            {
                "payment": {
                    "accountRef": {"id": "10", "name": "Bank - Checking"},
                    "currency": "EUR",
                    "paidOnDate": "2024-05-03T00:00:00",
                    "totalAmount": Decimal("39.98"),
                },
                "allocation": {
                    "currency": "EUR",
                    "allocatedOnDate": "2024-05-03T00:00:00",
                    "totalAmount": Decimal("39.98"),
                },
            }
        ],
        "subTotal": Decimal("39.98"),
        "taxAmount": Decimal(0),
        "totalAmount": Decimal("39.98"),
        "sourceModifiedDate": "2024-05-03T11:00:00",
    }


def test_round_trip_keeps_the_mapped_fields() -> None:
    sent = income(currency="EUR", currencyRate="1.08")
    body = direct_incomes.plan_create(sent, US, operation_key="op").body
    header = {
        **HEADER,
        "PAYEE": body["payee"],
        "BANKACCOUNTID": body["bankaccountid"],
        "DEPOSITDATE": intacct_date(body["depositdate"]),
        "WHENCREATED": intacct_date(body["paymentdate"]),
        "CURRENCY": body["currency"],
        "EXCHANGE_RATE": str(body["exchrate"]),
    }
    rows = [
        {
            **LINES[0],
            "ACCOUNTKEY": "40",
            "TRX_AMOUNT": str(item["amount"]),
            "ENTRYDESCRIPTION": item["memo"],
            "DEPARTMENTID": "",
        }
        for item in body["receiptitems"]["lineitem"]
    ]
    back, want = to_builtins(direct_incomes.to_unified(header, rows, US)), to_builtins(sent)
    for key in ("reference", "note", "issueDate", "currency", "currencyRate", "totalAmount"):
        assert back[key] == want[key], key
    payment = back["paymentAllocations"][0]["payment"]
    assert payment["accountRef"]["id"] == "10" and payment["paidOnDate"] == "2024-05-03T00:00:00"
    assert (
        back["lineItems"][0]["unitAmount"] == Decimal("39.98")
        and back["lineItems"][0]["description"] == "Cash sale"
    )
