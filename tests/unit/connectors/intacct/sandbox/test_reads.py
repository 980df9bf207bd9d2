"""Reads: ``query`` (filters, orderby, paging, aggregates, related fields), ``readByQuery``/``readMore``,
``read``/``readByName``, multi-entity visibility and the read-side errors."""

from __future__ import annotations

import pytest
import pytest_asyncio
from lxml import etree

from ._core_support import (
    Sandbox,
    attrs,
    child,
    errors_of,
    login,
    row,
    session,
    text,
)


@pytest_asyncio.fixture
async def sb():
    sandbox = Sandbox()
    company = sandbox.demo
    for number, (vendor, state, amount, entity, when) in enumerate(
        [
            ("V0001", "Posted", "100.00", "", "01/15/2024"),
            ("V0002", "Paid", "250.50", "", "02/20/2024"),
            ("V0001", "Draft", "75", "100", "03/05/2024"),
            ("V0003", "Posted", "1200", "200", "04/30/2024"),
            ("V0004", "Partially Paid", "", "", "05/01/2024"),
        ],
        start=1,
    ):
        key = company.insert(
            "APBILL",
            {
                "RECORDID": f"B-{number}",
                "VENDORID": vendor,
                "STATE": state,
                "TOTALENTERED": amount,
                "MEGAENTITYID": entity,
                "WHENCREATED": when,
                "AUWHENCREATED": f"{when} 10:00:00",
            },
        )
        for line in (1, 2):
            company.insert(
                "APBILLITEM",
                {
                    "RECORDKEY": str(key),
                    "LINE_NO": str(line),
                    "ACCOUNTNO": "6000",
                    "AMOUNT": "1",
                    "MEGAENTITYID": entity,
                },
            )
    yield sandbox
    await sandbox.close()


def records(result: etree._Element) -> list[dict[str, str]]:
    data = child(result, "data")
    return [{c.tag: c.text or "" for c in record} for record in data]


def query(obj: str, fields: str, extra: str = "") -> str:
    select = "".join(f"<field>{f}</field>" for f in fields.split(","))
    return f"<query><select>{select}</select><object>{obj}</object>{extra}</query>"


def flt(inner: str) -> str:
    return f"<filter>{inner}</filter>"


def eq(field: str, value: str, op: str = "equalto") -> str:
    return f"<{op}><field>{field}</field><value>{value}</value></{op}>"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("filter_xml", "expected"),
    [
        (eq("VENDORID", "V0001"), ["B-1", "B-3"]),
        (eq("VENDORID", "V0001", "notequalto"), ["B-2", "B-4", "B-5"]),
        (eq("TOTALENTERED", "100", "greaterthan"), ["B-2", "B-4"]),
        (eq("TOTALENTERED", "100", "greaterthanorequalto"), ["B-1", "B-2", "B-4"]),
        (eq("TOTALENTERED", "100", "lessthan"), ["B-3"]),
        (eq("TOTALENTERED", "100.0", "lessthanorequalto"), ["B-1", "B-3"]),
        (eq("WHENCREATED", "03/01/2024", "greaterthan"), ["B-3", "B-4", "B-5"]),
        (eq("AUWHENCREATED", "02/20/2024 10:00:00", "greaterthanorequalto"), ["B-2", "B-3", "B-4", "B-5"]),
        (
            "<between><field>WHENCREATED</field><value>02/01/2024</value><value>04/30/2024</value></between>",
            ["B-2", "B-3", "B-4"],
        ),
        ("<in><field>STATE</field><value>Paid</value><value>Draft</value></in>", ["B-2", "B-3"]),
        ("<notin><field>STATE</field><value>Paid</value><value>Draft</value></notin>", ["B-1", "B-4", "B-5"]),
        (eq("RECORDID", "B-%", "like"), ["B-1", "B-2", "B-3", "B-4", "B-5"]),
        (eq("STATE", "%Paid", "notlike"), ["B-1", "B-3", "B-4"]),
        ("<isnull><field>TOTALENTERED</field></isnull>", ["B-5"]),
        ("<isnotnull><field>TOTALENTERED</field></isnotnull>", ["B-1", "B-2", "B-3", "B-4"]),
        (
            f"<or>{eq('STATE', 'Draft')}<and>{eq('VENDORID', 'V0001')}{eq('STATE', 'Posted')}</and></or>",
            ["B-1", "B-3"],
        ),
        (
            f"<and>{eq('STATE', 'Posted')}<or>{eq('VENDORID', 'V0003')}{eq('VENDORID', 'V0004')}</or></and>",
            ["B-4"],
        ),
        (eq("VENDOR.NAME", "Cloud Hosting Inc"), ["B-2"]),
    ],
)
async def test_query_filters(sb: Sandbox, filter_xml: str, expected: list[str]) -> None:
    extra = flt(filter_xml) + "<options><showprivate>true</showprivate></options>"
    result = await sb.ok(query("APBILL", "RECORDID", extra))
    assert [r["RECORDID"] for r in records(result)] == expected


@pytest.mark.asyncio
async def test_query_is_case_sensitive_unless_asked(sb: Sandbox) -> None:
    sensitive = await sb.ok(query("VENDOR", "VENDORID", flt(eq("NAME", "office supplies co"))))
    assert records(sensitive) == []
    relaxed = query(
        "VENDOR",
        "VENDORID",
        flt(eq("NAME", "office%", "like")) + "<options><caseinsensitive>true</caseinsensitive></options>",
    )
    assert [r["VENDORID"] for r in records(await sb.ok(relaxed))] == ["V0001"]


@pytest.mark.asyncio
async def test_query_status_uses_printed_values(sb: Sandbox) -> None:
    result = await sb.ok(query("VENDOR", "VENDORID,STATUS", flt(eq("STATUS", "inactive"))))
    assert records(result) == [{"VENDORID": "V0005", "STATUS": "inactive"}]


@pytest.mark.asyncio
async def test_query_orderby_and_paging_totals(sb: Sandbox) -> None:
    order = (
        "<orderby><order><field>VENDORID</field><descending/></order>"
        "<order><field>RECORDID</field></order></orderby>"
    )
    extra = (
        order + "<options><showprivate>true</showprivate></options><pagesize>2</pagesize><offset>1</offset>"
    )
    result = await sb.ok(query("APBILL", "RECORDID,VENDORID", extra))
    data = child(result, "data")
    assert attrs(data) == {
        "listtype": "APBILL",
        "totalcount": "5",
        "offset": "1",
        "count": "2",
        "numremaining": "2",
    }
    assert [r["RECORDID"] for r in records(result)] == ["B-4", "B-2"]
    amounts = await sb.ok(
        query(
            "APBILL",
            "RECORDID",
            "<orderby><order><field>TOTALENTERED</field><ascending/>"
            "</order></orderby><options><showprivate>true</showprivate></options>",
        )
    )
    assert [r["RECORDID"] for r in records(amounts)] == ["B-3", "B-1", "B-2", "B-4", "B-5"]


@pytest.mark.asyncio
async def test_query_default_and_maximum_pagesize(sb: Sandbox) -> None:
    result = await sb.ok(query("GLACCOUNT", "ACCOUNTNO"))
    assert child(result, "data").get("count") == str(len(sb.demo.table("GLACCOUNT")))
    too_big = await sb.one(query("GLACCOUNT", "ACCOUNTNO", "<pagesize>2001</pagesize>"))
    assert too_big.findtext("status") == "failure"


@pytest.mark.asyncio
async def test_query_aggregates_group_by_the_other_fields(sb: Sandbox) -> None:
    select = (
        "<select><field>VENDORID</field><count>RECORDNO</count><sum>TOTALENTERED</sum><max>WHENCREATED</max>"
        "<avg>TOTALENTERED</avg></select>"
    )
    body = (
        f"<query>{select}<object>APBILL</object><options><showprivate>true</showprivate></options>"
        "<orderby><order><field>VENDORID</field></order></orderby></query>"
    )
    rows = records(await sb.ok(body))
    assert rows[0] == {
        "VENDORID": "V0001",
        "COUNT.RECORDNO": "2",
        "TOTALENTERED": "175",
        "MAX.WHENCREATED": "03/05/2024",
        "AVG.TOTALENTERED": "87.5",
    }
    assert rows[-1]["VENDORID"] == "V0004"
    assert rows[-1]["TOTALENTERED"] == ""


@pytest.mark.asyncio
async def test_query_unknown_field_is_the_documented_error(sb: Sandbox) -> None:
    result = await sb.one(query("APBILL", "RECORDNO,PAYTOCONTACTNAME"))
    assert errors_of(result)[0] == (
        "XL03000006",
        errors_of(result)[0][1],
    )
    assert errors_of(result)[0][1].startswith(
        "The following fields cannot be queried: [ apbill: [PAYTOCONTACTNAME] ]"
    )
    two_hops = await sb.one(query("CUSTOMER", "CUSTOMERID,PARENT.PARENT.NAME"))
    assert errors_of(two_hops)[0][0] == "XL03000006"


@pytest.mark.asyncio
async def test_query_bad_date_literal_is_dl02000001(sb: Sandbox) -> None:
    result = await sb.one(query("APBILL", "RECORDNO", flt(eq("WHENCREATED", "2024-01-01", "greaterthan"))))
    assert errors_of(result)[0][0] == "DL02000001"


@pytest.mark.asyncio
async def test_custom_fields_written_by_a_create_are_queryable(sb: Sandbox) -> None:
    await sb.ok(
        "<create><CLASS><CLASSID>CF1</CLASSID><NAME>Custom</NAME><CUSTOMFIELD1>Hello</CUSTOMFIELD1></CLASS>"
        "</create>"
    )
    result = await sb.ok(query("CLASS", "CLASSID,CUSTOMFIELD1", flt(eq("CUSTOMFIELD1", "Hello"))))
    assert records(result) == [{"CLASSID": "CF1", "CUSTOMFIELD1": "Hello"}]


@pytest.mark.asyncio
async def test_entity_visibility(sb: Sandbox) -> None:
    top_default = records(await sb.ok(query("APBILL", "RECORDID")))
    assert [r["RECORDID"] for r in top_default] == ["B-1", "B-2", "B-5"]
    sid_100 = await sb.session_id(entity="100")
    in_100 = records(await sb.ok(query("APBILL", "RECORDID"), auth=session(sid_100)))
    assert [r["RECORDID"] for r in in_100] == ["B-1", "B-2", "B-3", "B-5"]
    by_query_top = await sb.ok(
        "<readByQuery><object>APBILL</object><fields>RECORDID</fields><query/></readByQuery>"
    )
    assert child(by_query_top, "data").get("totalcount") == "5"
    in_200 = await sb.ok(
        "<readByQuery><object>APBILL</object><fields>RECORDID</fields><query/></readByQuery>",
        auth=login(entity="200"),
    )
    assert [r["RECORDID"] for r in records(in_200)] == ["B-1", "B-2", "B-4", "B-5"]


@pytest.mark.asyncio
async def test_read_by_query_pages_with_result_id_and_read_more(sb: Sandbox) -> None:
    first = await sb.ok(
        "<readByQuery><object>GLACCOUNT</object><fields>ACCOUNTNO</fields><query/>"
        "<pagesize>10</pagesize></readByQuery>"
    )
    data = child(first, "data")
    total = len(sb.demo.table("GLACCOUNT"))
    assert data.get("listtype") == "glaccount"
    assert [data.get(a) for a in ("count", "totalcount", "numremaining")] == [
        "10",
        str(total),
        str(total - 10),
    ]
    assert data[0].tag == "glaccount"
    result_id = data.get("resultId")
    seen = [r["ACCOUNTNO"] for r in records(first)]
    while True:
        more = await sb.ok(f"<readMore><resultId>{result_id}</resultId></readMore>")
        seen += [r["ACCOUNTNO"] for r in records(more)]
        if child(more, "data").get("numremaining") == "0":
            break
    assert len(seen) == total == len(set(seen))
    used_up = await sb.one(f"<readMore><resultId>{result_id}</resultId></readMore>")
    assert errors_of(used_up)[0][0] == "readMore failed"
    assert errors_of(used_up)[0][1].startswith(
        f"Attempt to readMore with an invalid or expired resultId: {result_id}"
    )


@pytest.mark.asyncio
async def test_read_more_result_sets_expire(sb: Sandbox) -> None:
    first = await sb.ok(
        "<readByQuery><object>GLACCOUNT</object><fields>ACCOUNTNO</fields><query/>"
        "<pagesize>1</pagesize></readByQuery>"
    )
    result_id = child(first, "data").get("resultId")
    sb.clock.advance(minutes=31)
    expired = await sb.one(f"<readMore><resultId>{result_id}</resultId></readMore>")
    assert errors_of(expired)[0][0] == "readMore failed"


@pytest.mark.asyncio
async def test_read_by_query_compares_stored_codes(sb: Sandbox) -> None:
    body = (
        "<readByQuery><object>VENDOR</object><fields>VENDORID,STATUS</fields><query>{q}</query></readByQuery>"
    )
    active = records(await sb.ok(body.format(q="STATUS = 'T' AND ONETIME = 'F'")))
    assert [r["VENDORID"] for r in active] == ["V0001", "V0002", "V0003", "V0004"]
    assert {r["STATUS"] for r in active} == {"active"}
    assert records(await sb.ok(body.format(q="STATUS = 'active'"))) == []
    posted = records(
        await sb.ok(
            "<readByQuery><object>APBILL</object><fields>RECORDID</fields>"
            "<query>STATE = 'A'</query></readByQuery>"
        )
    )
    assert [r["RECORDID"] for r in posted] == ["B-1", "B-4"]


@pytest.mark.asyncio
async def test_read_by_query_errors(sb: Sandbox) -> None:
    base = "<readByQuery><object>{o}</object><fields>{f}</fields><query>{q}</query></readByQuery>"
    unknown_object = await sb.one(base.format(o="VENDOR9", f="*", q=""))
    assert errors_of(unknown_object)[0][:1] == ("Query Failed",)
    assert errors_of(unknown_object)[0][1].startswith("Object definition VENDOR9 not found")
    for fields, query_text in (
        ("NOPE", ""),
        ("*", "this is not a query"),
        ("*", "NOPE = 'x'"),
        ("*", "RECORDNO = 1 ORDER BY NAME"),
    ):
        result = await sb.one(base.format(o="VENDOR", f=fields, q=query_text))
        assert errors_of(result)[0][0] == "DL02000001", (fields, query_text)
        assert errors_of(result)[0][1].startswith("There was an error processing the request.")
    too_big = await sb.one(
        "<readByQuery><object>VENDOR</object><query/><pagesize>1001</pagesize></readByQuery>"
    )
    assert too_big.findtext("status") == "failure"


@pytest.mark.asyncio
async def test_read_nests_owned_fields_and_lines(sb: Sandbox) -> None:
    bill = row(sb.demo, "APBILL", RECORDID="B-1")
    result = await sb.ok(
        f"<read><object>APBILL</object><keys>{bill['RECORDNO']},999999</keys><fields>*</fields></read>"
    )
    data = child(result, "data")
    assert attrs(data) == {"listtype": "APBILL", "count": "1"}
    record = child(data, "APBILL")
    items = record.findall("APBILLITEMS/apbillitem")
    assert [i.findtext("LINE_NO") for i in items] == ["1", "2"]
    assert record.findtext("RECORDID") == "B-1"
    vendor = row(sb.demo, "VENDOR", VENDORID="V0001")
    read = await sb.ok(
        f"<read><object>VENDOR</object><keys>{vendor['RECORDNO']}</keys><fields>*</fields></read>"
    )
    assert read.findtext("data/VENDOR/DISPLAYCONTACT/MAILADDRESS/CITY") == "Chicago"
    some = await sb.ok(
        f"<read><object>VENDOR</object><keys>{vendor['RECORDNO']}</keys><fields>VENDORID,NAME</fields></read>"
    )
    assert [c.tag for c in child(some, "data/VENDOR")] == ["VENDORID", "NAME"]


@pytest.mark.asyncio
async def test_read_by_name_and_its_limits(sb: Sandbox) -> None:
    result = await sb.ok(
        "<readByName><object>GLACCOUNT</object><keys>1010,4000,9999</keys><fields>ACCOUNTNO,TITLE"
        "</fields></readByName>"
    )
    assert [r["TITLE"] for r in records(result)] == ["Bank - Checking", "Sales Revenue"]
    keys = ",".join(str(n) for n in range(101))
    too_many = await sb.one(f"<readByName><object>GLACCOUNT</object><keys>{keys}</keys></readByName>")
    assert errors_of(too_many)[0][0] == "DL02000001"


@pytest.mark.asyncio
async def test_every_catalogued_object_answers_query_and_read_by_query(sb: Sandbox) -> None:
    from connectors.intacct.sandbox.schema import SPECS

    for name in SPECS:
        ok = await sb.ok(query(name, "RECORDNO"))
        assert child(ok, "data").get("listtype") == name
        by_query = await sb.ok(
            f"<readByQuery><object>{name}</object><fields>*</fields><query/></readByQuery>"
        )
        assert child(by_query, "data").get("listtype") == name.lower()


@pytest.mark.asyncio
async def test_get_dimensions_lists_standard_dimensions(sb: Sandbox) -> None:
    result = await sb.ok("<getDimensions/>")
    names = [d.findtext("objectName") for d in result.iter("dimension")]
    assert "DEPARTMENT" in names and "LOCATION" in names


@pytest.mark.asyncio
async def test_lookup_describes_fields_and_relations(sb: Sandbox) -> None:
    result = await sb.ok("<lookup><object>APBILL</object></lookup>")
    type_el = child(result, "data/Type")
    assert type_el.get("Name") == "APBILL"
    fields = {text(f, "ID"): f for f in type_el.iter("Field")}
    assert text(fields["RECORDNO"], "DATATYPE") == "INTEGER"
    assert text(fields["TOTALDUE"], "DATATYPE") == "DECIMAL"
    assert text(fields["WHENDUE"], "DATATYPE") == "DATE"
    assert "Posted" in [v.text for v in fields["STATE"].iter("VALIDVALUE")]
    relation = child(type_el, "Relationships/Relationship")
    assert (text(relation, "OBJECTPATH"), text(relation, "OBJECTNAME")) == ("VENDOR", "VENDOR")
