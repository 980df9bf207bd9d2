"""Request bytes built by our builders match Intacct's SDK fixtures structurally."""

from __future__ import annotations

import pytest
from lxml import etree

from connectors.intacct.query import And, Eq, Ge, Le, Or
from connectors.intacct.xml import functions as fn
from connectors.intacct.xml.envelope import (
    ControlBlock,
    LoginAuth,
    SessionAuth,
    authentication_element,
    build_request,
    control_element,
    function_element,
    operation_element,
    request_element,
)
from connectors.intacct.xml.functions import Aggregate, Order, QueryOptions
from connectors.intacct.xml.parse import parse_xml
from connectors.intacct.xml.tree import EMPTY, to_element
from connectors.testing.xml import assert_xml_equal
from tests.unit.connectors.intacct._support import FIXTURES, fixture, fixture_element

DEFAULT_CONTROL = ControlBlock(sender_id="testsenderid", sender_password="pass123!", controlid="unittest")


def test_control_block_defaults() -> None:
    assert_xml_equal(fixture("control-block-defaults.xml"), control_element(DEFAULT_CONTROL))


def test_control_block_uniqueid_true_and_policy() -> None:
    control = ControlBlock(
        sender_id="testsenderid",
        sender_password="pass123!",
        controlid="testcontrol",
        uniqueid=True,
        policy_id="testpolicy",
    )
    assert_xml_equal(fixture("control-block-uniqueid-true-policyid.xml"), control_element(control))


def test_login_authentication_with_entity() -> None:
    auth = LoginAuth(
        user_id="testuser", company_id="testcompany", password="testpass", location_id="testentity"
    )
    assert_xml_equal(fixture("authentication-login-entity-locationid.xml"), authentication_element(auth))


def test_operation_login_get_api_session() -> None:
    auth = LoginAuth(user_id="testuser", company_id="testcompany", password="testpass")
    operation = operation_element(auth, [function_element("unittest", fn.get_api_session())])
    assert_xml_equal(fixture("operation-login-getapisession.xml"), operation)


def test_operation_session_transaction_true() -> None:
    operation = operation_element(
        SessionAuth("fakesession.."), [function_element("unittest", fn.get_api_session())], transaction=True
    )
    assert_xml_equal(fixture("operation-session-transaction-true.xml"), operation)


def test_whole_request_with_session_and_empty_content() -> None:
    body = build_request(DEFAULT_CONTROL, SessionAuth("testsession.."), [])
    assert body.startswith(b"<?xml version='1.0' encoding='UTF-8'?>") or body.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>'
    )
    assert_xml_equal(fixture("request-envelope-session.xml"), body)


def test_request_order_is_control_then_operation() -> None:
    body = build_request(DEFAULT_CONTROL, SessionAuth("s.."), [function_element("f1", fn.read_more("r"))])
    root = parse_xml(body)
    assert [c.tag for c in root] == ["control", "operation"]
    assert [c.tag for c in root[1]] == ["authentication", "content"]


@pytest.mark.parametrize(
    ("name", "element"),
    [
        ("getapisession-request.xml", lambda: fn.get_api_session()),
        ("getapisession-request-entity.xml", lambda: fn.get_api_session("100")),
        ("getapisession-request-top-level.xml", lambda: fn.get_api_session(top_level=True)),
        ("readbyquery-request.xml", lambda: fn.read_by_query("CLASS", "RECORDNO < 2", pagesize=1000)),
        (
            "readbyquery-request-docparid.xml",
            lambda: fn.read_by_query("CLASS", fields=["RECORDNO"], pagesize=100, docparid="255252235"),
        ),
        ("readmore-request.xml", lambda: fn.read_more("6465763031VyprCMCoHYQAAGr@aRsAAAAU4")),
        (
            "read-request.xml",
            lambda: fn.read("CLASS", ["Key1", "Key2"], fields=["Field1", "Field2"], docparid="Sales Invoice"),
        ),
        (
            "readbyname-request.xml",
            lambda: fn.read_by_name(
                "GLENTRY", "987", fields="TRX_AMOUNT,RECORDNO,BATCHNO", docparid="Sales Invoice"
            ),
        ),
        (
            "query-request-aggregates.xml",
            lambda: fn.query(
                "ARINVOICE",
                [
                    "CUSTOMERID",
                    Aggregate("avg", "TOTALDUE"),
                    Aggregate("min", "WHENDUE"),
                    Aggregate("max", "TOTALENTERED"),
                    Aggregate("sum", "TOTALDUE"),
                    Aggregate("count", "RECORDNO"),
                ],
            ),
        ),
        (
            "query-request-filter-and.xml",
            lambda: fn.query(
                "ARINVOICE", ["CUSTOMERID", "RECORDNO"], filter=And(Ge("RECORDNO", 1), Le("RECORDNO", 100))
            ),
        ),
        (
            "query-request-filter-nested-or-and.xml",
            lambda: fn.query(
                "GLBATCH",
                ["BATCHNO", "RECORDNO", "STATE"],
                filter=Or(
                    And(Eq("JOURNAL", "APJ"), Eq("STATE", "Posted")),
                    And(
                        Eq("JOURNAL", "RCPT"),
                        Eq("STATE", "Posted"),
                        Or(Eq("RECORDNO", 168), Eq("RECORDNO", 132)),
                    ),
                ),
            ),
        ),
        (
            "query-request-options-pagesize-offset.xml",
            lambda: fn.query(
                "CUSTOMER",
                ["CUSTOMERID", "RECORDNO"],
                docparid="REPORT",
                options=QueryOptions(case_insensitive=True, show_private=True),
                pagesize=10,
                offset=5,
            ),
        ),
        (
            "query-request-orderby.xml",
            lambda: fn.query(
                "ARINVOICE",
                ["CUSTOMERID", "RECORDNO"],
                orderby=[Order("TOTALDUE"), Order("RECORDNO", descending=True)],
            ),
        ),
    ],
)
def test_function_builders_match_fixtures(name: str, element) -> None:
    assert_xml_equal(fixture(name), function_element("unittest", element()))


def _function_fixtures() -> list[str]:
    names = []
    for path in sorted(FIXTURES.glob("*.xml")):
        root = parse_xml(path.read_bytes())
        if root.tag == "function":
            names.append(path.name)
    return names


@pytest.mark.parametrize("name", _function_fixtures())
def test_envelope_wraps_any_function_unchanged(name: str) -> None:
    original = fixture_element(name)
    body = build_request(
        DEFAULT_CONTROL,
        SessionAuth("s.."),
        [function_element(original.get("controlid", ""), original[0])],
        transaction=False,
    )
    sent = parse_xml(body).find("operation/content/function")
    assert sent is not None
    assert_xml_equal(original, sent)


def test_function_element_copies_its_body() -> None:
    body = fn.read_more("abc")
    first = function_element("a", body)
    second = function_element("b", body)
    assert first[0] is not body and second[0] is not body
    assert body.getparent() is None


def test_controlid_must_fit_intacct_limits() -> None:
    with pytest.raises(ValueError):
        function_element("", fn.read_more("x"))
    with pytest.raises(ValueError):
        function_element("x" * 257, fn.read_more("x"))


def test_builders_refuse_what_intacct_refuses() -> None:
    with pytest.raises(ValueError):
        fn.read_by_query("CLASS", pagesize=1001)
    with pytest.raises(ValueError):
        fn.query("APBILL", ["RECORDNO"], pagesize=2001)
    with pytest.raises(ValueError):
        fn.query("APBILL", [])
    with pytest.raises(ValueError):
        fn.read("CLASS", [str(i) for i in range(101)])
    with pytest.raises(ValueError):
        fn.read_more("")


def test_secret_characters_are_escaped_not_concatenated() -> None:
    control = ControlBlock(sender_id="s", sender_password="p<&>'\"", controlid="c")
    body = build_request(control, LoginAuth("u", "c", "pw</password><x>"), [])
    root = parse_xml(body)
    assert root.findtext("control/password") == "p<&>'\""
    assert root.findtext("operation/authentication/login/password") == "pw</password><x>"
    assert etree.tostring(root).count(b"<x>") == 0


def test_generic_write_builders() -> None:
    created = fn.create("CLASS", {"CLASSID": "UT01", "NAME": "Unit"})
    assert (
        etree.tostring(created) == b"<create><CLASS><CLASSID>UT01</CLASSID><NAME>Unit</NAME></CLASS></create>"
    )
    deleted = fn.delete("APPYMT", ["1", "2"])
    assert etree.tostring(deleted) == b"<delete><object>APPYMT</object><keys>1,2</keys></delete>"
    updated = fn.update("APBILL", {"RECORDNO": 5, "SUPDOCID": "A1"})
    assert updated[0].findtext("RECORDNO") == "5"


@pytest.mark.parametrize("transaction", [False, True])
@pytest.mark.parametrize(
    "auth", [SessionAuth("s.."), LoginAuth(user_id="u", company_id="c", password="p&<'\"", location_id="100")]
)
@pytest.mark.parametrize("count", [0, 1, 3])
def test_request_bytes_are_those_of_the_request_tree(transaction: bool, auth: object, count: int) -> None:
    """``build_request`` streams the envelope; the bytes are exactly those of serialising the tree."""
    control = ControlBlock(
        "sender é", "pw <&>", "ctl", uniqueid=True, policy_id="pol", include_whitespace=True
    )
    body = to_element("create_bill", {"@key": 'a"b', "memo": "é 😀 & < > \" '\t\n\r", "empty": EMPTY})
    functions = [function_element(f"f{n}", body) for n in range(count)]
    assert isinstance(auth, SessionAuth | LoginAuth)
    expected = etree.tostring(
        request_element(control, auth, functions, transaction=transaction),
        xml_declaration=True,
        encoding="UTF-8",
    )
    assert build_request(control, auth, functions, transaction=transaction) == expected
    assert all(f.getparent() is None and len(f) == 1 for f in functions)  # the caller's elements stay whole


def test_request_refuses_what_is_not_a_function() -> None:
    with pytest.raises(ValueError, match="expected <function>"):
        build_request(DEFAULT_CONTROL, SessionAuth("s.."), [fn.read_more("x")])
