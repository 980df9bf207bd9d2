"""Invoices: AR invoice and sales invoice plans (element order against Intacct's SDK fixtures, values,
numbering, look-up), refusals, updates, the ARINVOICE reader and a round trip."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from connectors.errors import ConnectorUnsupported
from connectors.intacct.mapping import invoices
from connectors.intacct.query import Ge
from datamodel import Invoice, InvoiceStatus, convert, to_builtins
from tests.unit.connectors.intacct.mapping._ar_support import (
    AUTO,
    GB,
    US,
    WITH_CUSTOM_FIELDS,
    element,
    fixture,
    order_problems,
    refusal,
    refused_fields,
    stored_rows,
)


def ar_invoice(**changes: Any) -> Invoice:
    body: dict[str, Any] = {
        "invoiceNumber": "INV-1001",
        "customerRef": {"id": "C0001"},
        "issueDate": "2024-03-05T00:00:00",
        "dueDate": "2024-04-04T00:00:00",
        "status": "Submitted",
        "note": "March services",
        "lineItems": [
            {
                "description": "Consulting",
                "unitAmount": 250,
                "quantity": 1,
                "accountRef": {"id": "40"},
                "trackingCategoryRefs": [{"id": "DEPARTMENT-SAL"}, {"id": "LOCATION-100"}],
            },
            {"description": "Support", "unitAmount": "99.5", "quantity": 1, "accountRef": {"id": "41"}},
        ],
        "totalTaxAmount": 0,
        "totalAmount": "349.5",
        "amountDue": "349.5",
    }
    body.update(changes)
    return convert(body, Invoice)


def sales_invoice(**changes: Any) -> Invoice:
    line = {
        "description": "Widget",
        "unitAmount": "12.50",
        "quantity": 4,
        "discountPercentage": 10,
        "itemRef": {"id": "I100"},
        "trackingCategoryRefs": [{"id": "WAREHOUSE-WH100"}, {"id": "ITEM-I100"}, {"id": "LOCATION-100"}],
    }
    return ar_invoice(lineItems=[line], **changes)


# --- AR invoice ----------------------------------------------------------------------------------------


def test_ar_invoice_with_every_field_follows_create_invoice_element_order() -> None:
    dims = [
        f"{d}-X1" for d in ("DEPARTMENT", "LOCATION", "PROJECT", "CUSTOMER", "SUPPLIER", "EMPLOYEE", "ITEM")
    ]
    line = {
        "description": "All dimensions",
        "unitAmount": 100,
        "quantity": 1,
        "taxAmount": 20,
        "accountRef": {"id": "40"},
        "taxRateRef": {"id": "99"},
        "trackingCategoryRefs": [{"id": ref} for ref in [*dims, "CLASS-C1", "WAREHOUSE-WH100"]],
    }
    record = ar_invoice(lineItems=[line], currency="USD")
    facts = dataclasses.replace(GB, custom_fields=WITH_CUSTOM_FIELDS.custom_fields)
    built = element(invoices.plan_create(record, facts, operation_key="op-1"))

    assert order_problems(fixture("create-invoice-legacy-request.xml")[0], built) == []
    lineitem = built.find("invoiceitems/lineitem")
    assert lineitem is not None
    all_fields = fixture("invoice-lineitem-all-dimensions.xml")
    all_fields[0].tag = "glaccountno"  # the fixture names the account by label; either takes that place
    assert order_problems(all_fields, lineitem) == []
    assert [c.tag for c in lineitem][:3] == ["glaccountno", "amount", "memo"]
    assert lineitem[-1].tag == "taxentries"


def test_ar_invoice_values() -> None:
    plan = invoices.plan_create(ar_invoice(), US, operation_key="op-1")
    assert (plan.function, plan.read_object, plan.key_kind) == ("create_invoice", "ARINVOICE", "key")
    body = plan.body
    assert body["customerid"] == "C0001"
    assert body["datecreated"] == {"year": "2024", "month": "03", "day": "05"}
    assert body["datedue"] == {"year": "2024", "month": "04", "day": "04"}
    assert body["action"] == "Submit"
    assert body["invoiceno"] == "INV-1001"
    assert body["description"] == "March services"
    assert "currency" not in body and "basecurr" not in body  # base currency: nothing sent
    assert "taxsolutionid" not in body  # US entity
    first, second = body["invoiceitems"]["lineitem"]
    assert first == {
        "glaccountno": "4000",
        "amount": Decimal("250.00"),
        "memo": "Consulting",
        "locationid": "100",
        "departmentid": "SAL",
    }
    assert second["glaccountno"] == "4100" and second["amount"] == Decimal("99.50")
    assert plan.number_field == "RECORDID" and plan.sent_number == "INV-1001"
    assert plan.lookup == {"RECORDID": "INV-1001", "CUSTOMERID": "C0001"}


def test_draft_status_is_written_as_draft_action() -> None:
    plan = invoices.plan_create(ar_invoice(status="Draft"), US, operation_key="op")
    assert plan.body["action"] == "Draft"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"currency": "GBP", "currencyRate": "1.27"},
            {"basecurr": "USD", "currency": "GBP", "exchrate": Decimal("1.27")},
        ),
        ({"currency": "GBP"}, {"basecurr": "USD", "currency": "GBP", "exchratetype": "Intacct Daily Rate"}),
        ({"currency": "USD", "currencyRate": 1}, {}),
    ],
)
def test_currency_block(changes: dict[str, Any], expected: dict[str, Any]) -> None:
    body = invoices.plan_create(ar_invoice(**changes), US, operation_key="op").body
    block = {k: body[k] for k in ("basecurr", "currency", "exchratetype", "exchrate") if k in body}
    assert block == expected
    if expected:
        assert body["exchratedate"] == {"year": "2024", "month": "03", "day": "05"}


def test_vat_entity_writes_tax_solution_and_one_tax_entry_per_line() -> None:
    line = {"unitAmount": 100, "quantity": 1, "accountRef": {"id": "40"}, "taxRateRef": {"id": "99"}}
    plan = invoices.plan_create(
        ar_invoice(lineItems=[line, {**line, "taxAmount": "7.5"}]), GB, operation_key="op"
    )
    assert plan.body["taxsolutionid"] == "United Kingdom - VAT"
    computed, given = (item["taxentries"] for item in plan.body["invoiceitems"]["lineitem"])
    assert computed == {"taxentry": {"detailid": "UK Sale Standard Rate", "trx_tax": Decimal("20.00")}}
    assert given == {"taxentry": {"detailid": "UK Sale Standard Rate", "trx_tax": Decimal("7.5")}}


def test_custom_fields_and_user_defined_dimensions_go_to_customfields() -> None:
    line = {
        "description": "Consulting",
        "unitAmount": 1,
        "quantity": 1,
        "accountRef": {"id": "40"},
        "trackingCategoryRefs": [{"id": "LINE_OF_BUSINESS-10003"}],
    }
    body = invoices.plan_create(ar_invoice(lineItems=[line]), WITH_CUSTOM_FIELDS, operation_key="op").body
    assert body["customfields"] == {
        "customfield": [{"customfieldname": "CUSTOMFIELD1", "customfieldvalue": "fixed"}]
    }
    assert body["invoiceitems"]["lineitem"][0]["customfields"] == {
        "customfield": [
            {"customfieldname": "LINEFIELD", "customfieldvalue": "Consulting"},
            {"customfieldname": "GLDIMLINE_OF_BUSINESS", "customfieldvalue": "10003"},
        ]
    }


def test_tracking_by_exact_name_resolves_through_facts() -> None:
    line = {
        "unitAmount": 1,
        "quantity": 1,
        "accountRef": {"id": "40"},
        "trackingCategoryRefs": [{"id": "Sales"}],
    }
    body = invoices.plan_create(ar_invoice(lineItems=[line]), US, operation_key="op").body
    assert body["invoiceitems"]["lineitem"][0]["departmentid"] == "SAL"


def test_unknown_tracking_dimension_is_refused_naming_the_ref() -> None:
    line = {
        "unitAmount": 1,
        "quantity": 1,
        "accountRef": {"id": "40"},
        "trackingCategoryRefs": [{"id": "REGION-9"}],
    }
    issues = refusal(invoices.plan_create, ar_invoice(lineItems=[line]), US, operation_key="op")
    assert issues[0][0] == "lineItems[0].trackingCategoryRefs[0].id"


def test_unknown_tracking_name_is_refused_naming_the_ref() -> None:
    line = {
        "unitAmount": 1,
        "quantity": 1,
        "accountRef": {"id": "40"},
        "trackingCategoryRefs": [{"id": "nowhere"}],
    }
    issues = refusal(invoices.plan_create, ar_invoice(lineItems=[line]), US, operation_key="op")
    assert issues == [
        ("lineItems[0].trackingCategoryRefs[0].id", "Tracking Category 'nowhere' cannot be found.")
    ]


def test_task_tracking_is_not_supported_on_ar_invoice_lines() -> None:
    line = {
        "unitAmount": 1,
        "quantity": 1,
        "accountRef": {"id": "40"},
        "trackingCategoryRefs": [{"id": "TASK-T1"}],
    }
    issues = refusal(invoices.plan_create, ar_invoice(lineItems=[line]), US, operation_key="op")
    assert issues == [
        ("lineItems[0].trackingCategoryRefs[0].id", "TASK tracking is not supported on an AR invoice line.")
    ]


def test_auto_numbered_invoice_reports_number_for_replacement_and_looks_up_without_it() -> None:
    plan = invoices.plan_create(ar_invoice(), AUTO, operation_key="op")
    assert plan.sent_number == "INV-1001" and plan.number_field == "RECORDID"
    assert plan.lookup == {
        "CUSTOMERID": "C0001",
        "WHENCREATED": "03/05/2024",
        "WHENDUE": "04/04/2024",
        "DESCRIPTION": "March services",
    }
    assert invoices.plan_create(ar_invoice(invoiceNumber=None), AUTO, operation_key="op").sent_number is None


# --- sales invoice ---------------------------------------------------------------------------------------


def test_sales_invoice_follows_create_sotransaction_element_order() -> None:
    line = {
        "description": "Widget",
        "unitAmount": 5,
        "quantity": 2,
        "discountPercentage": 10,
        "itemRef": {"id": "I100"},
        "trackingCategoryRefs": [
            {"id": ref}
            for ref in (
                "WAREHOUSE-WH1",
                "LOCATION-100",
                "DEPARTMENT-SAL",
                "PROJECT-P1",
                "CUSTOMER-C1",
                "SUPPLIER-V1",
            )
        ]
        + [{"id": ref} for ref in ("EMPLOYEE-E1", "CLASS-C1", "CONTRACT-K1", "TASK-T1", "ITEM-I100")],
    }
    built = element(
        invoices.plan_create(ar_invoice(lineItems=[line], currency="GBP"), US, operation_key="op")
    )
    assert order_problems(fixture("create-sotransaction-request.xml")[0], built) == []
    item = built.find("sotransitems/sotransitem")
    assert item is not None
    assert order_problems(fixture("sotransitem-all-fields.xml"), item) == []


def test_sales_invoice_values() -> None:
    plan = invoices.plan_create(sales_invoice(), US, operation_key="op")
    assert (plan.function, plan.read_object, plan.key_kind) == ("create_sotransaction", "SODOCUMENT", "docid")
    body = plan.body
    assert body["transactiontype"] == "Sales Invoice"
    assert body["documentno"] == "INV-1001" and body["state"] == "Pending"
    assert body["message"] == "March services"
    assert body["sotransitems"]["sotransitem"] == [
        {
            "itemid": "I100",
            "itemdesc": "Widget",
            "warehouseid": "WH100",
            "quantity": Decimal(4),
            "unit": "Each",
            "discountpercent": Decimal(10),
            "price": Decimal("12.50"),
            "locationid": "100",
        }
    ]
    assert plan.number_field == "DOCNO"
    assert plan.lookup == {"DOCNO": "INV-1001", "CUSTVENDID": "C0001", "DOCPARID": "Sales Invoice"}


def test_sales_invoice_uses_the_company_definition_and_draft_state() -> None:
    facts = dataclasses.replace(US, sales_invoice_definition="ALS Sales Invoice")
    body = invoices.plan_create(sales_invoice(status="Draft"), facts, operation_key="op").body
    assert body["transactiontype"] == "ALS Sales Invoice" and body["state"] == "Draft"


def test_mixed_lines_are_refused_before_anything_is_sent() -> None:
    item_line = {"unitAmount": 1, "quantity": 1, "itemRef": {"id": "I100"}}
    account_line = {"unitAmount": 1, "quantity": 1, "accountRef": {"id": "40"}}
    fields = refused_fields(
        invoices.plan_create, ar_invoice(lineItems=[item_line, account_line]), US, operation_key="op"
    )
    assert "lineItems[1].itemRef.id" in fields


def test_negative_invoice_is_refused_with_credit_note_advice() -> None:
    line = {"unitAmount": -10, "quantity": 1, "accountRef": {"id": "40"}}
    issues = refusal(
        invoices.plan_create, ar_invoice(lineItems=[line], totalAmount=-10), US, operation_key="op"
    )
    assert (
        "totalAmount",
        "Sage Intacct does not accept negative invoices: write a credit note instead.",
    ) in issues
    assert any(field == "lineItems[0].unitAmount" and "credit note" in message for field, message in issues)


# --- updates ---------------------------------------------------------------------------------------------


def test_update_writes_lines_by_position_and_adds_new_ones() -> None:
    plan = invoices.plan_update("501", ar_invoice(), US, operation_key="op", existing_lines=1)
    assert plan.function == "update_invoice" and plan.body["@key"] == "501"
    assert "basecurr" not in plan.body
    items = plan.body["updateinvoiceitems"]
    assert [line["@line_num"] for line in items["updatelineitem"]] == ["1"]
    assert [line["glaccountno"] for line in items["lineitem"]] == ["4100"]
    built = element(plan)
    assert built.get("key") == "501"
    assert built.find("updateinvoiceitems/updatelineitem").get("line_num") == "1"  # type: ignore[union-attr]


def test_update_cannot_remove_lines() -> None:
    issues = refusal(invoices.plan_update, "501", ar_invoice(), US, operation_key="op", existing_lines=3)
    assert issues[0][0] == "lineItems"


def test_sales_invoices_cannot_be_updated() -> None:
    with pytest.raises(ConnectorUnsupported):
        invoices.plan_update("501", sales_invoice(), US, operation_key="op")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"RECORDID": "INV-1", "TRX_TOTALPAID": "0", "STATE": "Posted"}, None),
        ({"RECORDID": "INV-1", "TRX_TOTALPAID": "10", "STATE": "Posted"}, "has been paid or partially paid"),
        ({"RECORDID": "INV-1", "TRX_TOTALPAID": "0", "STATE": "Paid"}, "has been paid or partially paid"),
        ({"RECORDID": "INV-1", "TRX_TOTALPAID": "0", "STATE": "Posted", "MODULEKEY": "8.SO"}, "Order Entry"),
    ],
)
def test_update_refusal(row: dict[str, str], reason: str | None) -> None:
    found = invoices.update_refusal(row)
    if reason is None:
        assert found is None
    else:
        assert found is not None and found.startswith("Invoice INV-1 ") and reason in found


# --- reading ---------------------------------------------------------------------------------------------

HEADER = {
    "RECORDNO": "3160",
    "RECORDID": "IN0486",
    "STATE": "Posted",
    "CUSTOMERID": "C-000095",
    "CUSTOMERNAME": "Stanley Test",
    "WHENCREATED": "12/09/2024",
    "WHENDUE": "01/08/2025",
    "WHENPAID": "",
    "BASECURR": "GBP",
    "CURRENCY": "USD",
    "EXCHANGE_RATE": "0.79",
    "TRX_TOTALENTERED": "1200",
    "TRX_TOTALPAID": "200",
    "TRX_TOTALDUE": "1000",
    "DESCRIPTION": "Hardware",
    "MODULEKEY": "4.AR",
    "WHENMODIFIED": "12/10/2024 08:15:00",
}
LINES = [
    {
        "RECORDNO": "58010",
        "RECORDKEY": "3160",
        "LINE_NO": "1",
        "LINEITEM": "T",
        "ACCOUNTKEY": "358",
        "ACCOUNTNO": "12701-400",
        "ACCOUNTTITLE": "Unbilled AR - Hardware",
        "AMOUNT": "790",
        "TRX_AMOUNT": "1000",
        "ENTRYDESCRIPTION": "First line item",
        "DEPARTMENTID": "200",
        "DEPARTMENTNAME": "Services",
        "LOCATIONID": "100",
        "LOCATIONNAME": "USA 1",
    },
    {
        "RECORDNO": "58011",
        "RECORDKEY": "3160",
        "LINE_NO": "1",
        "LINEITEM": "F",
        "PARENTENTRY": "58010",
        "DETAILKEY": "99",
        "TRX_AMOUNT": "200",
        "AMOUNT": "158",
    },
]


def test_to_unified_maps_an_arinvoice_field_by_field() -> None:
    found = invoices.to_unified(HEADER, LINES, GB)
    assert found is not None
    assert to_builtins(found) == {
        "id": "3160",
        "invoiceNumber": "IN0486",
        "customerRef": {"id": "C-000095", "companyName": "Stanley Test"},
        "issueDate": "2024-12-09T00:00:00",
        "dueDate": "2025-01-08T00:00:00",
        "currency": "USD",
        "currencyRate": Decimal("0.79"),
        "lineItems": [
            {
                "quantity": Decimal(1),
                "unitAmount": Decimal(1000),
                "description": "First line item",
                "subTotal": Decimal(1000),
                "taxAmount": Decimal(200),
                "totalAmount": Decimal(1200),
                "accountRef": {"id": "358", "name": "Unbilled AR - Hardware"},
                "taxRateRef": {"id": "99", "name": "UK Sale Standard Rate", "effectiveTaxRate": Decimal(20)},
                "trackingCategoryRefs": [
                    {"id": "DEPARTMENT-200", "name": "Services"},
                    {"id": "LOCATION-100", "name": "USA 1"},
                ],
            }
        ],
        "totalDiscount": Decimal(0),
        "subTotal": Decimal(1000),
        "totalTaxAmount": Decimal(200),
        "totalAmount": Decimal(1200),
        "amountDue": Decimal(1000),
        "status": "PartiallyPaid",
        "note": "Hardware",
        "sourceModifiedDate": "2024-12-10T08:15:00",
    }


@pytest.mark.parametrize(
    ("state", "paid", "due", "status"),
    [
        ("Draft", "0", "1200", InvoiceStatus.DRAFT),
        ("Posted", "0", "1200", InvoiceStatus.SUBMITTED),
        ("Posted", "1200", "0", InvoiceStatus.PAID),
        ("Paid", "1200", "0", InvoiceStatus.PAID),
        ("Reversed", "0", "1200", InvoiceStatus.VOID),
    ],
)
def test_status_from_state_and_amounts(state: str, paid: str, due: str, status: InvoiceStatus) -> None:
    found = invoices.to_unified(
        {**HEADER, "STATE": state, "TRX_TOTALPAID": paid, "TRX_TOTALDUE": due}, LINES, GB
    )
    assert found is not None and found.status == status


def test_negative_invoices_are_not_read_as_invoices() -> None:
    assert invoices.to_unified({**HEADER, "TRX_TOTALENTERED": "-50"}, LINES, GB) is None
    assert invoices.READ.where == Ge("TRX_TOTALENTERED", 0)
    assert invoices.READ.line_parent_field == "RECORDKEY"


def test_order_entry_invoices_read_their_item_as_item_ref() -> None:
    line = {**LINES[0], "ITEMID": "I100", "ITEMNAME": "Widget"}
    found = invoices.to_unified({**HEADER, "MODULEKEY": "8.SO"}, [line], GB)
    assert found is not None and found.line_items
    assert found.line_items[0].item_ref is not None and found.line_items[0].item_ref.id == "I100"
    assert all(not ref.id.startswith("ITEM-") for ref in found.line_items[0].tracking_category_refs or [])
    plain = invoices.to_unified(HEADER, [line], GB)
    assert plain is not None and plain.line_items and plain.line_items[0].item_ref is None


@pytest.mark.parametrize("facts", [US, GB], ids=["us", "gb-vat"])
def test_round_trip_keeps_the_mapped_fields(facts: Any) -> None:
    tax = {"taxRateRef": {"id": "99"}, "taxAmount": 50} if facts.has_vat else {}
    lines = [
        {
            "description": "Consulting",
            "unitAmount": 250,
            "quantity": 1,
            "accountRef": {"id": "40"},
            "trackingCategoryRefs": [{"id": "LOCATION-100"}, {"id": "DEPARTMENT-SAL"}],
            **tax,
        }
    ]
    sent = ar_invoice(lineItems=lines, currency="EUR", currencyRate="1.1")
    plan = invoices.plan_create(sent, facts, operation_key="op")
    header, rows = stored_rows(plan.body, "invoiceitems", facts, number="INV-1001")
    back = invoices.to_unified(header, rows, facts)
    assert back is not None
    keys = (
        "invoiceNumber",
        "customerRef",
        "issueDate",
        "dueDate",
        "currency",
        "currencyRate",
        "note",
        "status",
    )
    got, want = to_builtins(back), to_builtins(sent)
    assert {k: got[k].get("id") if k == "customerRef" else got[k] for k in keys} == {
        k: want[k].get("id") if k == "customerRef" else want[k] for k in keys
    }
    for got_line, want_line in zip(got["lineItems"], want["lineItems"], strict=True):
        for key in ("description", "unitAmount", "quantity", "taxAmount"):
            assert got_line.get(key) == want_line.get(key, got_line.get(key)), key
        for key in ("accountRef", "taxRateRef"):
            assert (got_line.get(key) or {}).get("id") == (want_line.get(key) or {}).get("id"), key
    assert sorted(ref["id"] for ref in got["lineItems"][0]["trackingCategoryRefs"]) == [
        "DEPARTMENT-SAL",
        "LOCATION-100",
    ]
