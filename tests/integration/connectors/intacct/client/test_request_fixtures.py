"""Issue 4, point 1 (requests): every request fixture, sent by OUR client, is accepted by the sandbox or
answered with the documented refusal.

Function fixtures go through ``IntacctClient.execute`` exactly as they are (the fixture's function element
inside the client's own envelope, session and uniqueid handling). Line-level fragments (``<lineitem>``,
``<GLENTRY>`` ...) are placed inside a minimal DEMO document. The expected outcome of each is pinned
in ``OUTCOMES``: the SDK fixtures name records DEMO does not have (``VENDOR1``, ``BA1143``), so most are
refused — and the refusal must be Intacct's documented text naming the fixture's own value, which
proves the sandbox read the function the client sent down to its business rules.

Envelope-level fixtures (``<control>``, ``<authentication>``, ``<operation>``, ``<request>``) are
compared with the blocks the client writes itself, element by element, and the sandbox must accept them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from lxml import etree

from connectors.intacct.client import Function
from connectors.intacct.xml import functions as fn
from connectors.intacct.xml.envelope import ControlBlock, LoginAuth, build_request, function_element
from connectors.intacct.xml.parse import parse_xml
from connectors.intacct.xml.response import parse_response
from connectors.intacct.xml.tree import EMPTY, split_date, to_element

from ._support import FIXTURES, Harness, demo_credentials, fixture_element

READS = frozenset({"getAPISession", "readByQuery", "read", "readByName", "query", "readMore", "get_list"})
SANDBOX_CRASH = "Sandbox internal error"
DAY = split_date(dt.date(2024, 6, 30))

#: fixture -> (status, first errorno, text the first error must contain). ``None`` errorno = success.
Outcome = tuple[str, str | None, str]
OK: Outcome = ("success", None, "")


def refused(text: str, errorno: str = "BL01001973") -> Outcome:
    return ("failure", errorno, text)


OUTCOMES: dict[str, Outcome] = {
    # functions the sandbox runs as sent
    "create-supdocfolder-request.xml": OK,
    "getapisession-request.xml": OK,
    "getapisession-request-entity.xml": OK,
    "getapisession-request-top-level.xml": OK,
    "query-request-aggregates.xml": OK,
    "query-request-filter-and.xml": OK,
    "query-request-filter-nested-or-and.xml": OK,
    "query-request-options-pagesize-offset.xml": OK,
    "query-request-orderby.xml": OK,
    "readbyquery-request.xml": OK,
    "readbyquery-request-docparid.xml": OK,
    # refused by Intacct's rules, naming the fixture's own (unknown to DEMO) reference
    "approve-appaymentrequest-request.xml": refused("Cannot find appayment with key '1234'"),
    "create-apadjustment-request.xml": refused("Invalid Vendor 'VENDOR1' specified."),
    "create-apbill-request.xml": refused("Invalid Vendor 'V100' specified."),
    "create-appymt-request-all-params.xml": refused("Invalid Bank Account 'BA1143'"),
    "create-appymt-request-credits-applied.xml": refused("Invalid Bank Account 'BA1143'"),
    "create-appymt-request-fyle.xml": refused("Invalid Vendor 'V100' specified."),
    "create-appymt-request.xml": refused("Invalid Bank Account 'BA1143'"),
    "create-aradjustment-request.xml": refused("Invalid Customer 'CUSTOMER1' specified."),
    "create-arpayment-legacy-request.xml": refused("Invalid Customer 'C0020' specified."),
    "create-arpymt-request-multicurrency.xml": refused("Invalid Customer 'JHC' specified."),
    "create-arpymt-request.xml": refused("Invalid Customer 'JHC' specified."),
    "create-bill-legacy-request-minimal.xml": refused("Invalid Vendor 'VENDOR1' specified."),
    "create-bill-legacy-request.xml": refused("Invalid Vendor 'VENDOR1' specified."),
    "create-customer-request.xml": refused("Invalid Parent Customer 'C5678' specified."),
    "create-glbatch-request.xml": refused("Enter an account number on line 1"),
    "create-invoice-legacy-request.xml": refused("Invalid Customer 'CUSTOMER1' specified."),
    "create-sotransaction-request.xml": refused("Invalid Customer '23530' specified."),
    "create-supdoc-request-with-attachment.xml": refused(
        "Invalid Attachment Folder 'FyleAttachments' specified."
    ),
    "create-supdoc-request.xml": refused("Invalid Attachment Folder 'My Folder' specified."),
    "create-vendor-request.xml": refused("Invalid Parent Vendor 'V5678' specified."),
    "record-otherreceipt-request-bank-deposit.xml": refused("Invalid Bank Account 'BA1234' specified."),
    "record-otherreceipt-request-undeposited.xml": refused("Invalid Account '1000' specified."),
    "update-supdoc-request.xml": refused("Invalid Attachment 'A1234' specified."),
    # documented query errors: unknown fields / no readByName for the object; a stale readMore cursor
    "read-request.xml": refused("There was an error processing the request.", "DL02000001"),
    "readbyname-request.xml": refused("There was an error processing the request.", "DL02000001"),
    "readmore-request.xml": refused("Attempt to readMore with an invalid or expired", "readMore failed"),
    # legacy cash functions: the fixture's payment / bank account are unknown to DEMO
    "apply-arpayment-request.xml": refused("Invalid AR Payment '1234' specified."),
    "record-deposit-request.xml": refused("Invalid Bank Account 'BA1145' specified."),
    # line-level fragments inside a minimal DEMO document (see ``FRAGMENTS``)
    "bill-lineitem-all-dimensions.xml": refused("Invalid Account Label 'TestBill Account1'"),
    "apadjustment-lineitem-all-dimensions.xml": refused("Invalid Account Label 'TestBill Account1'"),
    "invoice-lineitem-all-dimensions.xml": refused("Invalid Account Label 'TestBill Account1'"),
    "otherreceipt-lineitem-all-dimensions.xml": refused("Invalid Account Label 'TestBill Account1'"),
    "glentry-all-dimensions-currency.xml": refused("Invalid Task 'T123'"),
    "sotransitem-all-fields.xml": refused("Invalid Item '26323'"),
    "supdoc-attachment-element.xml": refused("Invalid Attachment Folder 'Folder'"),
    "arpaymentitem.xml": refused("enter a valid invoice (1234)"),
}

#: fragment -> (document tag, document tree, path of the element the fragment goes into or None).
FRAGMENTS: dict[str, tuple[str, dict[str, Any], str | None]] = {
    "bill-lineitem-all-dimensions.xml": (
        "create_bill",
        {"vendorid": "V0001", "datecreated": DAY, "datedue": DAY, "billitems": EMPTY},
        "billitems",
    ),
    "apadjustment-lineitem-all-dimensions.xml": (
        "create_apadjustment",
        {"vendorid": "V0001", "datecreated": DAY, "apadjustmentitems": EMPTY},
        "apadjustmentitems",
    ),
    "invoice-lineitem-all-dimensions.xml": (
        "create_invoice",
        {"customerid": "C0001", "datecreated": DAY, "datedue": DAY, "invoiceitems": EMPTY},
        "invoiceitems",
    ),
    "otherreceipt-lineitem-all-dimensions.xml": (
        "record_otherreceipt",
        {
            "paymentdate": DAY,
            "payee": "Costco",
            "receiveddate": DAY,
            "paymentmethod": "Cash",
            "undepglaccountno": "1200",
            "receiptitems": EMPTY,
        },
        "receiptitems",
    ),
    "glentry-all-dimensions-currency.xml": (
        "create",
        {
            "GLBATCH": {
                "JOURNAL": "GJ",
                "BATCH_DATE": "06/30/2024",
                "BATCH_TITLE": "t",
                # the balancing line; the fixture's debit line is appended after it
                "ENTRIES": {"GLENTRY": {"ACCOUNTNO": "6000", "TR_TYPE": "-1", "TRX_AMOUNT": "1456.54"}},
            }
        },
        "GLBATCH/ENTRIES",
    ),
    "sotransitem-all-fields.xml": (
        "create_sotransaction",
        {
            "transactiontype": "Sales Invoice",
            "datecreated": DAY,
            "customerid": "C0001",
            "sotransitems": EMPTY,
        },
        "sotransitems",
    ),
    "supdoc-attachment-element.xml": (
        "create_supdoc",
        {"supdocid": "ATT1", "supdocfoldername": "Folder", "attachments": EMPTY},
        "attachments",
    ),
    "arpaymentitem.xml": (
        "create_arpayment",
        {
            "customerid": "C0001",
            "paymentamount": "1",
            "bankaccountid": "BOA",
            "datereceived": DAY,
            "paymentmethod": "Cash",
        },
        None,
    ),
}

#: fragments sent from an entity session (DEMO's bank accounts belong to entity 100)
ENTITY = {"arpaymentitem.xml": "100"}

ENVELOPE_TAGS = frozenset({"control", "authentication", "operation", "request"})


@pytest_asyncio.fixture
async def harness() -> AsyncIterator[Harness]:
    h = Harness()
    yield h
    await h.aclose()


def _function_fixtures() -> list[str]:
    names = []
    for path in sorted(FIXTURES.glob("*.xml")):
        tag = parse_xml(path.read_bytes()).tag
        if tag not in ENVELOPE_TAGS and tag not in ("response", "api"):
            names.append(path.name)
    return names


def _function_of(name: str) -> etree._Element:
    """The element that goes inside ``<function>``: the fixture's own, or a fragment in a document."""
    root = fixture_element(name)
    if root.tag == "function":
        (element,) = (child for child in root if isinstance(child.tag, str))
        return element
    if root.tag == "create":
        return root
    tag, tree, path = FRAGMENTS[name]
    document = to_element(tag, tree)
    parent = document.find(path) if path is not None else document
    assert parent is not None
    parent.append(root)
    return document


def test_every_function_fixture_has_a_pinned_outcome() -> None:
    assert sorted(OUTCOMES) == _function_fixtures()


@pytest.mark.asyncio
@pytest.mark.parametrize("name", _function_fixtures())
async def test_function_fixture_sent_by_the_client(harness: Harness, name: str) -> None:
    client = harness.client(demo_credentials(entity_id=ENTITY.get(name)))
    element = _function_of(name)
    is_read = element.tag in READS
    function = Function.read(element) if is_read else Function.write(element, f"fixture-{name}")
    (result,) = await client.execute([function])

    sent = [e for e in harness.recorder.exchanges if e.function_count]
    request = sent[-1].request_root
    assert request.findtext("control/uniqueid") == ("false" if is_read else "true")
    (sent_function,) = request.findall("operation/content/function")
    assert sent_function.get("controlid") == function.controlid
    assert etree.tostring(sent_function[0], method="c14n") == etree.tostring(element, method="c14n")

    status, errorno, text = OUTCOMES[name]
    described = [(e.code, e.text()) for e in result.errors]
    assert result.status == status, described
    assert all(SANDBOX_CRASH not in (e.correction or "") for e in result.errors), described
    if errorno is None:
        assert result.errors == []
        assert result.error is None
        return
    assert result.errors, "a refusal without an error block"
    first = result.errors[0]
    assert first.code == errorno, described
    assert text in first.text(), described
    assert result.error is not None  # classified by the client's error table, not left raw


# -- envelope-level fixtures: the blocks our client writes ------------------------------------------------


def _shape(element: etree._Element) -> list[tuple[str, dict[str, str]]]:
    """Element order and attributes, depth first (values left out: ids and secrets differ)."""
    return [
        (str(e.tag), {str(k): str(v) for k, v in e.attrib.items() if k != "controlid"})
        for e in element.iter()
        if isinstance(e.tag, str)
    ]


def _block(body: bytes, path: str) -> etree._Element:
    found = parse_xml(body).find(path)
    assert found is not None, body[:300]
    return found


def _sign_in(harness: Harness) -> bytes:
    return next(e.request for e in harness.recorder.exchanges if b"<login>" in e.request)


@pytest.mark.asyncio
async def test_control_block_defaults_fixture(harness: Harness) -> None:
    client = harness.client()
    (result,) = await client.execute([Function.read(fn.read_by_query("CLASS"))])
    assert result.ok
    control = _block(harness.recorder.last.request, "control")
    expected = fixture_element("control-block-defaults.xml")
    assert _shape(control) == _shape(expected)
    for tag in ("uniqueid", "dtdversion", "includewhitespace"):
        assert control.findtext(tag) == expected.findtext(tag)


@pytest.mark.asyncio
async def test_control_block_with_policy_fixture(harness: Harness) -> None:
    """The client's envelope writer with ``uniqueid``/``policyid`` (offline requests): same block; an
    unknown policy gets Intacct's documented control failure, a registered one the acknowledgement."""
    client = harness.client()
    expected = fixture_element("control-block-uniqueid-true-policyid.xml")

    def request(policy: str) -> bytes:
        control = ControlBlock(
            sender_id=client.credentials.sender_id,
            sender_password=client.credentials.sender_password,
            controlid="testcontrol",
            uniqueid=True,
            policy_id=policy,
        )
        creds = client.credentials
        auth = LoginAuth(creds.user_id, creds.company_id, creds.user_password)
        return build_request(control, auth, [function_element("f1", fn.get_api_session())])

    body = request("testpolicy")
    assert _shape(_block(body, "control")) == _shape(expected)
    answer = await client.http.post(harness.endpoint, body, resend_safe=True)
    refused = parse_response(answer.body, http_status=answer.status_code)
    assert [e.code for e in refused.control_errors] == ["XL03000006"]
    assert (refused.control_errors[0].text() or "").startswith("testpolicy is not a valid transport policy.")

    harness.state.transport_policies.add("demo-policy")
    answer = await client.http.post(harness.endpoint, request("demo-policy"), resend_safe=True)
    assert parse_response(answer.body, http_status=answer.status_code).acknowledged is True


@pytest.mark.asyncio
async def test_login_blocks_match_the_entity_and_operation_fixtures(harness: Harness) -> None:
    client = harness.client(demo_credentials(entity_id="100"))
    session = await client.get_api_session()
    assert session.location_id == "100"
    body = _sign_in(harness)
    authentication = _block(body, "operation/authentication")
    assert _shape(authentication) == _shape(fixture_element("authentication-login-entity-locationid.xml"))

    top = Harness()
    try:
        await top.client().get_api_session()
        operation = _block(_sign_in(top), "operation")
        assert _shape(operation) == _shape(fixture_element("operation-login-getapisession.xml"))
    finally:
        await top.aclose()


@pytest.mark.asyncio
async def test_session_transaction_operation_fixture(harness: Harness) -> None:
    client = harness.client()
    functions = [Function.write(fn.get_api_session(), "unittest")]
    (result,) = await client.execute(functions, transaction=True)
    assert result.ok
    operation = _block(harness.recorder.last.request, "operation")
    assert _shape(operation) == _shape(fixture_element("operation-session-transaction-true.xml"))


@pytest.mark.asyncio
async def test_session_request_envelope_fixture(harness: Harness) -> None:
    """``request-envelope-session.xml`` has an empty ``<content>``: compare everything around it."""
    client = harness.client()
    (result,) = await client.execute([Function.read(fn.read_by_query("CLASS"))])
    assert result.ok
    sent = parse_xml(harness.recorder.last.request)
    content = sent.find("operation/content")
    assert content is not None
    for child in list(content):
        content.remove(child)
    expected = parse_xml((FIXTURES / "request-envelope-session.xml").read_bytes())
    assert _shape(sent) == _shape(expected)
    assert sent.find("operation/authentication/sessionid") is not None  # a session, not a login
