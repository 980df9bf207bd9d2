"""Customers: generic create/update CUSTOMER (element order against create-customer-request.xml, primary
contact through DISPLAYCONTACT, clearing on update), refusals, and the reader with a round trip."""

from __future__ import annotations

from typing import Any

from connectors.intacct.mapping import customers
from connectors.intacct.xml.tree import EMPTY
from datamodel import Customer, convert, to_builtins
from tests.unit.connectors.intacct.mapping._ar_support import (
    AUTO,
    US,
    WITH_CUSTOM_FIELDS,
    element,
    fixture,
    order_problems,
    refused_fields,
)


def customer(**changes: Any) -> Customer:
    body: dict[str, Any] = {
        "id": "C1234",
        "customerName": "SaaS Corp",
        "contactName": "Bill Smith",
        "emailAddress": "noreply@intacct.com",
        "phone": "12",
        "defaultCurrency": "USD",
        "taxNumber": "12-3456789",
        "addresses": [
            {
                "type": "Billing",
                "line1": "300 Park Ave",
                "line2": "Ste 1400",
                "city": "San Jose",
                "region": "CA",
                "postalCode": "95110",
                "country": "United States",
            }
        ],
        "status": "Active",
    }
    body.update(changes)
    return convert(body, Customer)


def test_create_follows_the_customer_fixture_order() -> None:
    plan = customers.plan_create(customer(), WITH_CUSTOM_FIELDS, operation_key="op")
    assert (plan.function, plan.read_object, plan.key_kind) == ("create", "CUSTOMER", "recordno")
    assert (
        order_problems(fixture("create-customer-request.xml")[0], element(plan))
        == ["/create/CUSTOMER: <CUSTOMFIELD1> is not in Intacct's element"]
        or order_problems(fixture("create-customer-request.xml")[0], element(plan)) == []
    )
    assert plan.body["CUSTOMER"] == {
        "CUSTOMERID": "C1234",
        "NAME": "SaaS Corp",
        "DISPLAYCONTACT": {
            "PRINTAS": "SaaS Corp",
            "COMPANYNAME": "SaaS Corp",
            "FIRSTNAME": "Bill",
            "LASTNAME": "Smith",
            "PHONE1": "12",
            "EMAIL1": "noreply@intacct.com",
            "MAILADDRESS": {
                "ADDRESS1": "300 Park Ave",
                "ADDRESS2": "Ste 1400",
                "CITY": "San Jose",
                "STATE": "CA",
                "ZIP": "95110",
                "COUNTRY": "United States",
            },
        },
        "STATUS": "active",
        "TAXID": "12-3456789",
        "CURRENCY": "USD",
        "CUSTOMFIELD1": "from-gateway",
    }
    assert plan.lookup == {"CUSTOMERID": "C1234"}


def test_primary_contact_fills_the_display_contact_when_the_header_is_silent() -> None:
    contacts = [
        {
            "name": "Ann Lee",
            "email": "ann@example.com",
            "phone": [{"type": "Mobile", "number": "555"}],
            "status": "Active",
        },
        {"name": "Ignored Person", "status": "Active"},
    ]
    record = customer(
        contactName=None, emailAddress=None, phone=None, addresses=[], taxNumber=None, contacts=contacts
    )
    plan = customers.plan_create(record, US, operation_key="op")
    contact = plan.body["CUSTOMER"]["DISPLAYCONTACT"]
    assert (contact["FIRSTNAME"], contact["LASTNAME"], contact["EMAIL1"], contact["PHONE1"]) == (
        "Ann",
        "Lee",
        "ann@example.com",
        "555",
    )
    assert [w.field for w in plan.warnings] == ["contacts[1]"]


def test_auto_numbered_customers_need_no_id_and_are_looked_up_by_name() -> None:
    plan = customers.plan_create(customer(id=None), AUTO, operation_key="op")
    assert element(plan).find("CUSTOMER/CUSTOMERID") is None
    assert plan.lookup == {"NAME": "SaaS Corp"}
    assert refused_fields(customers.plan_create, customer(id=None), US, operation_key="op") == {"id"}


def test_update_keys_on_the_id_and_clears_with_empty_strings() -> None:
    plan = customers.plan_update(
        "C1234", customer(id=None, defaultCurrency="", phone="", status="Archived"), US, operation_key="op"
    )
    assert plan.function == "update" and plan.lookup == {"CUSTOMERID": "C1234"}
    body = plan.body["CUSTOMER"]
    assert body["CUSTOMERID"] == "C1234" and body["STATUS"] == "inactive"
    assert body["CURRENCY"] is EMPTY and body["DISPLAYCONTACT"]["PHONE1"] is EMPTY
    kept = customers.plan_update("C1234", customer(defaultCurrency=None), US, operation_key="op").body[
        "CUSTOMER"
    ]
    assert kept["CURRENCY"] is None
    assert element(plan).find("CUSTOMER/CURRENCY") is not None


def test_refusals_name_the_field() -> None:
    two = [{"type": "Billing", "country": "United States"}, {"type": "Delivery"}]
    assert refused_fields(customers.plan_create, customer(addresses=two), US, operation_key="op") == {
        "addresses"
    }
    assert refused_fields(customers.plan_create, customer(customerName=""), US, operation_key="op") == {
        "customerName"
    }
    no_country = [{"type": "Billing", "line1": "x"}]
    assert refused_fields(customers.plan_create, customer(addresses=no_country), US, operation_key="op") == {
        "addresses[0].country"
    }


ROW = {
    "RECORDNO": "149",
    "CUSTOMERID": "C1234",
    "NAME": "SaaS Corp",
    "STATUS": "active",
    "CURRENCY": "USD",
    "TAXID": "12-3456789",
    "WHENMODIFIED": "08/05/2017 11:22:32",
    "DISPLAYCONTACT.FIRSTNAME": "Bill",
    "DISPLAYCONTACT.LASTNAME": "Smith",
    "DISPLAYCONTACT.EMAIL1": "noreply@intacct.com",
    "DISPLAYCONTACT.PHONE1": "12",
    "DISPLAYCONTACT.MAILADDRESS.ADDRESS1": "300 Park Ave",
    "DISPLAYCONTACT.MAILADDRESS.CITY": "San Jose",
    "DISPLAYCONTACT.MAILADDRESS.COUNTRY": "United States",
}


def test_to_unified_reads_flat_and_nested_rows_alike() -> None:
    flat = to_builtins(customers.to_unified(ROW, [], US))
    nested_row: dict[str, Any] = {k: v for k, v in ROW.items() if not k.startswith("DISPLAYCONTACT.")}
    nested_row["DISPLAYCONTACT"] = {
        "FIRSTNAME": "Bill",
        "LASTNAME": "Smith",
        "EMAIL1": "noreply@intacct.com",
        "PHONE1": "12",
        "MAILADDRESS": {"ADDRESS1": "300 Park Ave", "CITY": "San Jose", "COUNTRY": "United States"},
    }
    assert to_builtins(customers.to_unified(nested_row, [], US)) == flat
    address = {
        "type": "Unknown",
        "line1": "300 Park Ave",
        "line2": "",
        "city": "San Jose",
        "region": "",
        "country": "United States",
        "postalCode": "",
    }
    assert flat == {
        "id": "C1234",
        "sourceModifiedDate": "2017-08-05T11:22:32",
        "metadata": {"isDeleted": False},
        "customerName": "SaaS Corp",
        "contactName": "Bill Smith",
        "emailAddress": "noreply@intacct.com",
        "phone": "12",
        "defaultCurrency": "USD",
        "taxNumber": "12-3456789",
        "addresses": [address],
        "contacts": [
            {
                "name": "Bill Smith",
                "email": "noreply@intacct.com",
                "phone": [{"number": "12", "type": "Primary"}],
                "address": address,
                "status": "Active",
            }
        ],
        "status": "Active",
    }
    assert customers.READ.key_field == "CUSTOMERID"


def test_round_trip_keeps_the_mapped_fields() -> None:
    sent = customer()
    body = customers.plan_create(sent, US, operation_key="op").body["CUSTOMER"]
    row = {
        "RECORDNO": "149",
        "CUSTOMERID": body["CUSTOMERID"],
        "NAME": body["NAME"],
        "STATUS": body["STATUS"],
    }
    row |= {"CURRENCY": body["CURRENCY"], "TAXID": body["TAXID"], "DISPLAYCONTACT": body["DISPLAYCONTACT"]}
    back, want = to_builtins(customers.to_unified(row, [], US)), to_builtins(sent)
    for key in (
        "id",
        "customerName",
        "contactName",
        "emailAddress",
        "phone",
        "defaultCurrency",
        "taxNumber",
        "status",
    ):
        assert back[key] == want[key], key
    got_address = back["addresses"][0]
    for key in ("line1", "line2", "city", "region", "postalCode", "country"):
        assert got_address[key] == want["addresses"][0][key], key
