"""Master-data writes: customers, vendors, GL accounts and dimension objects through generic create/update."""

from __future__ import annotations

import re

import pytest
import pytest_asyncio
from lxml import etree

from ._core_support import (
    Sandbox,
    attrs,
    child,
    errors_of,
    fixture,
    login,
    row,
    text,
)


@pytest_asyncio.fixture
async def sb():
    sandbox = Sandbox()
    yield sandbox
    await sandbox.close()


def inner(name: str) -> str:
    return etree.tostring(fixture(name)).decode()


@pytest.mark.asyncio
async def test_customer_fixture_creates_customer_with_display_contact(sb: Sandbox) -> None:
    await sb.ok(
        "<create><CUSTOMER><CUSTOMERID>C5678</CUSTOMERID><NAME>Parent Corp</NAME></CUSTOMER></create>"
    )
    body = re.sub(r"^<function[^>]*>|</function>$", "", inner("create-customer-request.xml"))
    result = await sb.ok(body)
    created = child(result, "data/customer")
    assert attrs(child(result, "data")) == {"listtype": "objects", "count": "1"}
    assert [c.tag for c in created] == ["RECORDNO", "CUSTOMERID"]
    assert created.findtext("CUSTOMERID") == "C1234"
    stored = sb.demo.get("CUSTOMER", int(text(created, "RECORDNO")))
    assert stored is not None
    assert stored["DISPLAYCONTACT.EMAIL1"] == "noreply@intacct.com"
    assert stored["DISPLAYCONTACT.MAILADDRESS.CITY"] == "San Jose"
    assert stored["DISPLAYCONTACT.CONTACTNAME"] == "SaaS Corp(CC1234)"
    assert stored["PARENTNAME"] == "Parent Corp"
    assert stored["RESTRICTEDLOCATIONS"] == "100#~#200"
    contact = sb.demo.find_one("CONTACT", CONTACTNAME="SaaS Corp(CC1234)")
    assert contact is not None and contact["PRINTAS"] == "SaaS Corporation"
    assert stored["DISPLAYCONTACTKEY"] == contact["RECORDNO"]
    read = await sb.ok(
        "<readByName><object>CUSTOMER</object><keys>C1234</keys><fields>CUSTOMERID,"
        "DISPLAYCONTACT.EMAIL1,CUSTOMFIELD1</fields></readByName>"
    )
    assert read.findtext("data/CUSTOMER/DISPLAYCONTACT/EMAIL1") == "noreply@intacct.com"
    assert read.findtext("data/CUSTOMER/CUSTOMFIELD1") == "Hello"


@pytest.mark.asyncio
async def test_vendor_fixture_with_its_parent(sb: Sandbox) -> None:
    await sb.ok("<create><VENDOR><VENDORID>V5678</VENDORID><NAME>Parent Vendor</NAME></VENDOR></create>")
    body = re.sub(r"^<function[^>]*>|</function>$", "", inner("create-vendor-request.xml"))
    result = await sb.ok(body)
    assert result.findtext("data/vendor/VENDORID") == "V1234"
    stored = row(sb.demo, "VENDOR", VENDORID="V1234")
    assert stored["PAYTO.CONTACTNAME"] == "pay to"
    assert stored["ACHACCOUNTNUMBER"] == "1111222233334444"


@pytest.mark.asyncio
async def test_duplicate_ids_use_intacct_s_texts(sb: Sandbox) -> None:
    result = await sb.one("<create><VENDOR><VENDORID>V0001</VENDORID><NAME>Again</NAME></VENDOR></create>")
    assert result.findtext("status") == "failure"
    assert attrs(child(result, "data")) == {"listtype": "objects", "count": "0"}
    errors = errors_of(result)
    assert [e[0] for e in errors] == ["BL34000061", "BL01001973"]
    assert errors[0][1].startswith("Another Vendor with the given value(s) V0001  already exists")
    assert errors[1][1] == "Could not create Vendor record!"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("body", "errorno", "text"),
    [
        ("<CUSTOMER><NAME>No id</NAME></CUSTOMER>", "BL01001973", "Required field CUSTOMERID is missing"),
        ("<CUSTOMER><CUSTOMERID>X1</CUSTOMERID></CUSTOMER>", "BL01001973", "Required field NAME is missing"),
        ("<CUSTOMER><CUSTOMERID>X1</CUSTOMERID><NAME>n</NAME><STATUS>maybe</STATUS></CUSTOMER>", "BL01001973",
         "Invalid Status value 'maybe' specified."),
        ("<CUSTOMER><CUSTOMERID>X1</CUSTOMERID><NAME>n</NAME><TERMNAME>N99</TERMNAME></CUSTOMER>",
         "BL01001973", "Invalid Term 'N99' specified."),
        ("<VENDOR><VENDORID>X1</VENDORID><NAME>n</NAME><DISPLAYCONTACT><EMAIL1>@aeon.org</EMAIL1>"
         "</DISPLAYCONTACT></VENDOR>", "BL03000018",
         "Illegal format for Contactversion : Primary Email Address @aeon.org."),
        ("<PROJECT><PROJECTID>PX</PROJECTID><NAME>n</NAME><CUSTOMERID>NOPE</CUSTOMERID></PROJECT>",
         "BL01001973", "Invalid Customer 'NOPE' specified."),
        ("<GLACCOUNT><ACCOUNTNO>7000</ACCOUNTNO><TITLE>t</TITLE><ACCOUNTTYPE>odd</ACCOUNTTYPE></GLACCOUNT>",
         "BL01001973", "Invalid Accounttype value 'odd' specified."),
    ],
)  # fmt: skip
async def test_validation_errors(sb: Sandbox, body: str, errorno: str, text: str) -> None:
    result = await sb.one(f"<create>{body}</create>")
    errors = errors_of(result)
    assert errors[0][0] == errorno
    assert errors[0][1].startswith(text)
    assert errors[-1][1].startswith("Could not create")


@pytest.mark.asyncio
async def test_auto_numbering_of_customer_ids(sb: Sandbox) -> None:
    sb.demo.config.auto_numbering["CUSTOMER"] = True
    first = await sb.ok("<create><CUSTOMER><NAME>Auto One</NAME></CUSTOMER></create>")
    supplied = await sb.ok(
        "<create><CUSTOMER><CUSTOMERID>MINE</CUSTOMERID><NAME>Mine</NAME></CUSTOMER></create>"
    )
    second = await sb.ok("<create><CUSTOMER><NAME>Auto Two</NAME></CUSTOMER></create>")
    assert first.findtext("data/customer/CUSTOMERID") == "C-1"
    assert supplied.findtext("data/customer/CUSTOMERID") == "MINE"
    assert second.findtext("data/customer/CUSTOMERID") == "C-2"


@pytest.mark.asyncio
async def test_gl_account_and_dimension_passthrough_creates(sb: Sandbox) -> None:
    account = await sb.ok(
        "<create><GLACCOUNT><ACCOUNTNO>6600</ACCOUNTNO><TITLE>Training</TITLE></GLACCOUNT></create>"
    )
    assert account.findtext("data/glaccount/ACCOUNTNO") == "6600"
    assert row(sb.demo, "GLACCOUNT", ACCOUNTNO="6600")["ACCOUNTTYPE"] == "incomestatement"
    several = await sb.ok(
        "<create><PROJECT><PROJECTID>P900</PROJECTID><NAME>Passthrough</NAME><CUSTOMERID>C0001</CUSTOMERID>"
        "</PROJECT><DEPARTMENT><DEPARTMENTID>OPS</DEPARTMENTID><TITLE>Operations</TITLE></DEPARTMENT>"
        "<LOCATION><LOCATIONID>130</LOCATIONID><NAME>Austin</NAME><PARENTID>100</PARENTID></LOCATION>"
        "<CLASS><CLASSID>C900</CLASSID><NAME>New class</NAME></CLASS></create>"
    )
    data = child(several, "data")
    assert data.get("count") == "4"
    assert [c.tag for c in data] == ["project", "department", "location", "class"]
    assert row(sb.demo, "PROJECT", PROJECTID="P900")["CUSTOMERNAME"] == "Northwind Traders"


@pytest.mark.asyncio
async def test_update_by_id_or_recordno_and_unknown_record(sb: Sandbox) -> None:
    result = await sb.ok(
        "<update><VENDOR><VENDORID>V0002</VENDORID><NAME>Cloud Hosting LLC</NAME></VENDOR></update>"
    )
    assert result.findtext("data/vendor/VENDORID") == "V0002"
    assert row(sb.demo, "VENDOR", VENDORID="V0002")["NAME"] == "Cloud Hosting LLC"
    recordno = row(sb.demo, "CLASS", CLASSID="C100")["RECORDNO"]
    await sb.ok(f"<update><CLASS><RECORDNO>{recordno}</RECORDNO><STATUS>inactive</STATUS></CLASS></update>")
    assert row(sb.demo, "CLASS", CLASSID="C100")["STATUS"] == "inactive"
    missing = await sb.one("<update><CLASS><CLASSID>UT99</CLASSID><NAME>x</NAME></CLASS></update>")
    assert errors_of(missing) == [("Cannot update non-existing CLASS with CLASSID=UT99.", "")]


@pytest.mark.asyncio
async def test_delete_master_record(sb: Sandbox) -> None:
    await sb.ok("<create><CLASS><CLASSID>UT01</CLASSID><NAME>Temp</NAME></CLASS></create>")
    await sb.ok("<delete><object>CLASS</object><keys>UT01</keys></delete>")
    assert sb.demo.find("CLASS", CLASSID="UT01") == []
    again = await sb.one("<delete><object>CLASS</object><keys>UT01</keys></delete>")
    assert errors_of(again)[0][1].startswith("Cannot find class with key 'UT01' to delete.")


@pytest.mark.asyncio
async def test_records_created_in_an_entity_are_private_to_it(sb: Sandbox) -> None:
    await sb.ok(
        "<create><CLASS><CLASSID>UK1</CLASSID><NAME>UK only</NAME></CLASS></create>", auth=login(entity="200")
    )
    stored = row(sb.demo, "CLASS", CLASSID="UK1")
    assert (stored["MEGAENTITYID"], stored["MEGAENTITYNAME"]) == ("200", "UK Operations")
    query = (
        "<readByQuery><object>CLASS</object><fields>CLASSID</fields>"
        "<query>CLASSID = 'UK1'</query></readByQuery>"
    )
    assert child(await sb.ok(query, auth=login(entity="100")), "data").get("count") == "0"
    assert child(await sb.ok(query, auth=login(entity="200")), "data").get("count") == "1"


@pytest.mark.asyncio
async def test_legacy_create_class_answers_key(sb: Sandbox) -> None:
    result = await sb.ok(
        "<create_class><classid>L1</classid><name>Legacy</name><status>active</status></create_class>"
    )
    assert result.findtext("key") == "L1"
    assert row(sb.demo, "CLASS", CLASSID="L1")["NAME"] == "Legacy"
