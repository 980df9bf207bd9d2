"""Suppliers: VENDOR create/update plans (contact split, one address, clearing rules), rules, reading rows."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from connectors.intacct.mapping import suppliers
from datamodel import Supplier, decode_json, decode_json_untyped, encode_json, to_builtins

from ._ap_support import US, element, example, fixture, order_problems, refusal, shared_tags

FULL: dict[str, Any] = {
    "id": "V0100",
    "supplierName": "Acme Office Supplies",
    "contactName": "Mary Ann Smith",
    "emailAddress": "ap@acme.test",
    "phone": "+1 555 0100",
    "defaultCurrency": "GBP",
    "taxNumber": "12-3456789",
    "registrationNumber": "REG-1",
    "status": "Active",
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
}


def make(**changes: Any) -> Supplier:
    return decode_json(json.dumps({**FULL, **changes}), Supplier)


def test_example_push_creates_a_vendor() -> None:
    pushed = decode_json(encode_json(example("suppliers-push-request-sage-intacct.json")), Supplier)
    plan = suppliers.plan_create(pushed, US, operation_key="op")
    assert (plan.function, plan.key_kind, plan.read_object) == ("create", "recordno", "VENDOR")
    vendor = element(plan).find("VENDOR")
    assert vendor is not None
    assert [(c.tag, c.text) for c in vendor if not len(c)] == [
        ("VENDORID", "73593"),
        ("NAME", "test 20230420 1004"),
        ("STATUS", "active"),
    ]
    contact = vendor.find("DISPLAYCONTACT")
    assert contact is not None
    assert [(c.tag, c.text) for c in contact] == [
        ("PRINTAS", "test 20230420 1004"),
        ("COMPANYNAME", "test 20230420 1004"),
        ("FIRSTNAME", "Joe"),
        ("LASTNAME", "Bloggs"),
    ]
    assert plan.lookup == {"VENDORID": "73593"}


def test_full_supplier_follows_the_sdk_order() -> None:
    vendor = element(suppliers.plan_create(make(), US, operation_key="op")).find("VENDOR")
    assert vendor is not None
    expected = fixture("create-vendor-request.xml").find("create/VENDOR")
    assert expected is not None
    assert order_problems(expected, vendor) == []
    assert shared_tags(expected, vendor) == [
        "VENDORID",
        "NAME",
        "DISPLAYCONTACT",
        "STATUS",
        "TAXID",
        "CURRENCY",
    ]
    mail = vendor.find("DISPLAYCONTACT/MAILADDRESS")
    assert mail is not None and [c.tag for c in mail] == [
        "ADDRESS1",
        "ADDRESS2",
        "CITY",
        "STATE",
        "ZIP",
        "COUNTRY",
    ]
    assert (vendor.findtext("DISPLAYCONTACT/FIRSTNAME"), vendor.findtext("DISPLAYCONTACT/LASTNAME")) == (
        "Mary Ann",
        "Smith",
    )
    assert (vendor.findtext("DISPLAYCONTACT/EMAIL1"), vendor.findtext("DISPLAYCONTACT/PHONE1")) == (
        "ap@acme.test",
        "+1 555 0100",
    )


def test_contact_name_split_at_last_space_forty_characters_each() -> None:
    assert suppliers.split_contact_name("Joe Bloggs") == ("Joe", "Bloggs")
    assert suppliers.split_contact_name("Cher") == ("", "Cher")
    first, last = suppliers.split_contact_name("A" * 50 + " " + "B" * 45)
    assert (first, last) == ("A" * 40, "B" * 40)


def test_auto_numbered_vendors_need_no_id_others_do() -> None:
    facts = dataclasses.replace(US, auto_numbering={"VENDOR": True})
    plan = suppliers.plan_create(make(id=None), facts, operation_key="op")
    assert element(plan).find("VENDOR/VENDORID") is None
    assert plan.lookup == {"NAME": "Acme Office Supplies"}
    assert refusal(suppliers.plan_create, make(id=None), US, operation_key="op") == [
        ("id", "Must be provided when the company does not number suppliers automatically.")
    ]


def test_update_keeps_nulls_clears_empty_strings() -> None:
    plan = suppliers.plan_update(
        "V0100", make(id=None, defaultCurrency="", phone=None, emailAddress=""), US, operation_key="op"
    )
    vendor = element(plan).find("VENDOR")
    assert vendor is not None
    assert (plan.function, plan.lookup) == ("update", {"VENDORID": "V0100"})
    assert vendor.findtext("VENDORID") == "V0100"
    currency = vendor.find("CURRENCY")
    assert currency is not None and currency.text is None
    assert vendor.find("DISPLAYCONTACT/PHONE1") is None
    email = vendor.find("DISPLAYCONTACT/EMAIL1")
    assert email is not None and email.text is None
    kept = element(suppliers.plan_update("V0100", make(defaultCurrency=None), US, operation_key="op"))
    assert kept.find("VENDOR/CURRENCY") is None
    assert refusal(suppliers.plan_update, "V0100", make(supplierName=""), US, operation_key="op")[0][0] == (
        "supplierName"
    )


ADDRESS: dict[str, Any] = FULL["addresses"][0]  # type: ignore[index]


@pytest.mark.parametrize(
    ("supplier", "field", "message"),
    [
        (make(addresses=[ADDRESS, ADDRESS]), "addresses", "must contain only 1 address"),
        (make(addresses=[{**ADDRESS, "country": None}]), "addresses[0].country", "an Address with a Country"),
        (make(addresses=[]), "addresses", "an Address with a Country"),
        (make(addresses=[{**ADDRESS, "country": "Narnia"}]), "addresses[0].country", "country names"),
        (make(addresses=[{**ADDRESS, "region": "R" * 41}]), "addresses[0].region", "40 characters"),
        (make(supplierName="S" * 101), "supplierName", "between 1 and 100"),
        (make(contactName=None), "contactName", "between 1 and 200"),
        (make(phone="1" * 31), "phone", "30 characters"),
        (make(taxNumber="T" * 21), "taxNumber", "20 characters"),
        (make(status="Unknown"), "status", "Active or Archived"),
        (make(defaultCurrency="JPY"), "defaultCurrency", "currency enabled"),
    ],
)
def test_rules_refuse_naming_the_field(supplier: Supplier, field: str, message: str) -> None:
    found = refusal(suppliers.plan_create, supplier, US, operation_key="op")
    assert any(f == field and message in m for f, m in found), found


def test_rows_shaped_like_intacct_read_as_codat_example() -> None:
    row = {
        "RECORDNO": "51",
        "VENDORID": "3",
        "NAME": "ADP",
        "STATUS": "active",
        "CURRENCY": "USD",
        "TAXID": "85-3678274",
        "WHENMODIFIED": "02/16/2023 09:48:27",
        "DISPLAYCONTACT.FIRSTNAME": "William",
        "DISPLAYCONTACT.LASTNAME": "Jones",
        "DISPLAYCONTACT.PHONE1": "214-760-9491",
        "DISPLAYCONTACT.EMAIL1": "",
        "DISPLAYCONTACT.MAILADDRESS.ADDRESS1": "208 S Akard St",
        "DISPLAYCONTACT.MAILADDRESS.ADDRESS2": "",
        "DISPLAYCONTACT.MAILADDRESS.CITY": "Dallas",
        "DISPLAYCONTACT.MAILADDRESS.STATE": "TX",
        "DISPLAYCONTACT.MAILADDRESS.ZIP": "75265",
        "DISPLAYCONTACT.MAILADDRESS.COUNTRY": "United States",
    }
    result = decode_json_untyped(encode_json(suppliers.to_unified(row, [], US)))
    expected = example("suppliers-list-response-sage-intacct.json")["results"][0]
    expected.pop("modifiedDate")
    assert result.pop("contactName") == "William Jones"
    expected.pop("contactName")
    assert result == expected
    nested = {"VENDORID": "3", "NAME": "ADP", "STATUS": "inactive", "DISPLAYCONTACT": {"EMAIL1": "a@b.c"}}
    read = suppliers.to_unified(nested, [], US)
    assert (read.status, read.email_address, read.addresses) == ("Archived", "a@b.c", [])


def test_round_trip() -> None:
    vendor = suppliers.plan_create(make(), US, operation_key="op").body["VENDOR"]
    contact = vendor["DISPLAYCONTACT"]
    row = {"VENDORID": vendor["VENDORID"], "NAME": vendor["NAME"], "STATUS": vendor["STATUS"]}
    row |= {"CURRENCY": vendor["CURRENCY"], "TAXID": vendor["TAXID"]}
    row |= {f"DISPLAYCONTACT.{k}": v for k, v in contact.items() if k != "MAILADDRESS"}
    row |= {f"DISPLAYCONTACT.MAILADDRESS.{k}": v for k, v in contact["MAILADDRESS"].items()}
    back = to_builtins(suppliers.to_unified(row, [], US))
    sent = to_builtins(make())
    for name in (
        "id",
        "supplierName",
        "contactName",
        "emailAddress",
        "phone",
        "defaultCurrency",
        "taxNumber",
    ):
        assert back[name] == sent[name], name
    assert back["status"] == "Active"
    (address,) = back["addresses"]
    assert {k: v for k, v in address.items() if k != "type"} == {
        k: v for k, v in sent["addresses"][0].items() if k != "type"
    }
