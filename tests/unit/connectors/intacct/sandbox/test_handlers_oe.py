"""Order Entry sales transactions in the sandbox: documents, lines, the AR invoice they post, rules."""

from __future__ import annotations

import pytest

from tests.unit.connectors.intacct.sandbox._handlers_support import (
    build_company,
    call,
    context,
    failure,
    fixture_text,
    one,
)

WRAPPER = ("BL01001973", "Could not create Document record!")


def sales(items: str, header: str = "", kind: str = "Sales Invoice", customer: str = "C0001") -> str:
    return (
        f"<create_sotransaction><transactiontype>{kind}</transactiontype>"
        "<datecreated><year>2024</year><month>06</month><day>10</day></datecreated>"
        f"<customerid>{customer}</customerid>{header}"
        "<datedue><year>2024</year><month>07</month><day>10</day></datedue>"
        f"<sotransitems>{items}</sotransitems></create_sotransaction>"
    )


def item(itemid: str = "I100", quantity: str = "2", extra: str = "<unit>Each</unit><price>10</price>") -> str:
    return f"<sotransitem><itemid>{itemid}</itemid><quantity>{quantity}</quantity>{extra}</sotransitem>"


def key_text(result) -> str:
    (element,) = result
    assert element.tag == "key"
    return str(element.text)


def test_sales_invoice_writes_document_lines_and_its_ar_invoice():
    company = build_company()
    ctx = context(company)
    line = item(
        extra="<unit>Each</unit><price>12.50</price><warehouseid>WH100</warehouseid><departmentid>SAL</departmentid>"
    )
    docid = key_text(call(ctx, sales(line, "<referenceno>PO-7</referenceno><documentno>X1</documentno>")))
    assert docid == "Sales Invoice-SI0001"
    assert any("'X1' replaced by 'SI0001'" in note for note in ctx.notes)
    document = one(company, "SODOCUMENT", DOCID=docid)
    assert document["DOCNO"] == "SI0001" and document["DOCPARID"] == "Sales Invoice"
    assert (
        document["STATE"] == "Pending"
        and document["CUSTVENDID"] == "C0001"
        and document["PONUMBER"] == "PO-7"
    )
    assert document["WHENCREATED"] == "06/10/2024" and document["WHENDUE"] == "07/10/2024"
    assert document["TOTAL"] == document["TRX_TOTAL"] == "25" and document["CURRENCY"] == "USD"
    entry = one(company, "SODOCUMENTENTRY", DOCHDRNO=document["RECORDNO"])
    assert entry["DOCHDRID"] == docid and entry["LINE_NO"] == "0" and entry["ITEMID"] == "I100"
    assert (
        entry["UNIT"] == "Each"
        and entry["QUANTITY"] == "2"
        and entry["PRICE"] == "12.5"
        and entry["TOTAL"] == "25"
    )
    assert entry["WAREHOUSE.LOCATION_NO"] == "WH100" and entry["DEPARTMENTID"] == "SAL"
    invoice = company.get("ARINVOICE", int(document["PRRECORDKEY"]))
    assert invoice is not None
    assert (
        invoice["MODULEKEY"] == "8.SO" and invoice["RECORDID"] == "SI0001" and invoice["DOCNUMBER"] == "PO-7"
    )
    assert (
        invoice["STATE"] == "Posted"
        and invoice["TOTALENTERED"] == "25"
        and invoice["WHENDUE"] == "07/10/2024"
    )
    ar_line = one(company, "ARINVOICEITEM", RECORDKEY=invoice["RECORDNO"])
    assert (
        ar_line["ACCOUNTNO"] == "4000" and ar_line["ITEMID"] == "I100" and ar_line["WAREHOUSEID"] == "WH100"
    )


def test_sales_invoice_in_a_vat_entity_has_no_tax_lines():
    company = build_company()
    docid = key_text(call(context(company, "200"), sales(item(), customer="C0003")))
    document = one(company, "SODOCUMENT", DOCID=docid)
    invoice = company.get("ARINVOICE", int(document["PRRECORDKEY"]))
    assert invoice is not None and invoice["CURRENCY"] == "GBP" and invoice["TOTALENTERED"] == "20"
    assert [r["LINEITEM"] for r in company.find("ARINVOICEITEM", RECORDKEY=invoice["RECORDNO"])] == ["T"]


def test_draft_and_orders_post_no_ar_invoice():
    company = build_company()
    ctx = context(company)
    call(ctx, sales(item(), "<state>Draft</state>"))
    call(ctx, sales(item(), kind="Sales Order"))
    assert company.find("ARINVOICE") == []
    states = sorted((r["DOCPARID"], r["STATE"], r["RAWSTATE"]) for r in company.rows("SODOCUMENT"))
    assert states == [("Sales Invoice", "Draft", "I"), ("Sales Order", "Pending", "O")]


def test_sdk_fixture_converts_its_source_document():
    company = build_company()
    company.insert("CUSTOMER", {"CUSTOMERID": "23530", "NAME": "Fixture Customer", "STATUS": "active"})
    company.insert(
        "ITEM", {"ITEMID": "2390552", "NAME": "Fixture Item", "STATUS": "active", "UOMGRP": "Count"}
    )
    company.insert("PROJECT", {"PROJECTID": "P2904", "NAME": "Fixture Project", "STATUS": "active"})
    company.insert("SUPDOC", {"supdocid": "6942"})
    company.insert(
        "SODOCUMENT", {"DOCID": "Sales Quote-Q1002", "DOCPARID": "Sales Quote", "STATE": "Pending"}
    )
    docid = key_text(call(context(company), fixture_text("create-sotransaction-request.xml")))
    assert docid == "Sales Order-SO0001"
    document = one(company, "SODOCUMENT", DOCID=docid)
    assert document["CREATEDFROM"] == "Sales Quote-Q1002" and document["PROJECT"] == "P2904"
    assert document["SHIPVIA"] == "USPS" and document["SHIPTO.CONTACTNAME"] == "28952"
    assert document["CUSTOMFIELD1"] == "customvalue1" and document["PRRECORDKEY"] == ""
    assert one(company, "SODOCUMENT", DOCID="Sales Quote-Q1002")["STATE"] == "Converted"


def test_all_fields_line_fixture_inside_a_wrapper():
    company = build_company()
    company.insert("ITEM", {"ITEMID": "26323", "NAME": "Boxes", "STATUS": "active", "UOMGRP": "Packaging",
                            "INCOMEACCTNO": "4100"})  # fmt: skip
    for obj, field, value in (
        ("WAREHOUSE", "WAREHOUSEID", "93294"),
        ("LOCATION", "LOCATIONID", "SF"),
        ("DEPARTMENT", "DEPARTMENTID", "Receiving"),
        ("PROJECT", "PROJECTID", "235"),
        ("CUSTOMER", "CUSTOMERID", "23423434"),
        ("VENDOR", "VENDORID", "797656"),
        ("EMPLOYEE", "EMPLOYEEID", "90295"),
        ("CLASS", "CLASSID", "243609"),
        ("CONTRACT", "CONTRACTID", "9062"),
        ("TASK", "TASKID", "9850"),
    ):
        company.insert(obj, {field: value, "NAME": f"{obj} {value}", "TITLE": value, "STATUS": "active"})
    line = fixture_text("sotransitem-all-fields.xml").split("?>", 1)[1]
    docid = key_text(call(context(company), sales(line)))
    entry = one(company, "SODOCUMENTENTRY", DOCHDRID=docid)
    assert entry["UNIT"] == "593" and entry["QUANTITY"] == "2340" and entry["DISCOUNTPERCENT"] == "10"
    assert (
        entry["TOTAL"] == "68129.1" and entry["ITEM.TAXABLE"] == "true" and entry["BUNDLENUMBER"] == "092304"
    )
    assert entry["TASKID"] == "9850" and entry["CONTRACTID"] == "9062" and entry["LOCATIONID"] == "SF"
    invoice = one(company, "ARINVOICE", RECORDID=docid.split("-", 1)[1])
    assert one(company, "ARINVOICEITEM", RECORDKEY=invoice["RECORDNO"])["ACCOUNTNO"] == "4100"


@pytest.mark.parametrize(
    ("xml", "error"),
    [
        (sales(item("NOPE")), ("BL01001973", "Invalid Item 'NOPE' specified.")),
        (sales(item("I100", extra="<unit>Box</unit>")), ("BL01001973", "Invalid Unit 'Box' specified.")),
        (
            sales(item("I200", extra="<unit>Each</unit><warehouseid>WH100</warehouseid>")),
            ("BL01001973", "The unit 'Each' does not belong to the unit of measure group 'Weight' "
             "of line 1."),
        ),
        (
            sales(item("I200", extra="")),
            ("BL01001973", "Enter a warehouse on line 1: item I200 is an inventory item."),
        ),
        (sales(item(quantity="0")), ("BL01001973", "Enter a quantity greater than 0 on line 1.")),
        (
            sales(item(extra="<taxentries><taxentry><detailid>X</detailid></taxentry></taxentries>")),
            ("BL01001973", "Line 1: sales transaction lines cannot carry a tax rate."),
        ),
        (sales(item(), kind="Purchase Thing"),
         ("BL01001973", "Invalid Transaction Definition 'Purchase Thing' specified.")),
        (sales(item(), customer="NOPE"), ("BL01001973", "Invalid Customer 'NOPE' specified.")),
        (sales(item(), "<createdfrom>Sales Quote-Q9</createdfrom>"),
         ("BL01001973", "Invalid Source Document 'Sales Quote-Q9' specified.")),
        (sales(""), ("BL01001973", "A sales transaction must have at least one line item.")),
    ],
)  # fmt: skip
def test_refusals(xml: str, error: tuple[str, str]):
    assert failure(context(build_company()), xml) == [error, WRAPPER]


def test_numbering_off_needs_a_unique_document_number():
    company = build_company()
    company.config.auto_numbering["SODOCUMENT"] = False
    ctx = context(company)
    assert failure(ctx, sales(item())) == [("PL01000127", "Document Number is missing"), WRAPPER]
    assert key_text(call(ctx, sales(item(), "<documentno>INV-55</documentno>"))) == "Sales Invoice-INV-55"
    assert failure(ctx, sales(item(), "<documentno>INV-55</documentno>"))[0] == (
        "BL03002185",
        "A transaction with the number 'INV-55' already exists.",
    )


def test_item_without_revenue_account_cannot_post_an_invoice():
    company = build_company()
    company.insert("ITEM", {"ITEMID": "I300", "NAME": "Plain", "STATUS": "active", "UOMGRP": "Count"})
    assert failure(context(company), sales(item("I300"), customer="C0003"))[0] == (
        "BL01001973",
        "The item I300 has no revenue GL account.",
    )
    assert company.find("SODOCUMENT") == [] and company.find("ARINVOICE") == []
