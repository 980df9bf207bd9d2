"""Every response fixture parses into the right results, and into the right ConnectorError class."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from connectors.errors import (
    ConnectorConfigError,
    ConnectorError,
    ConnectorProtocolError,
    ConnectorRejectedError,
)
from connectors.intacct.client import Function
from connectors.intacct.errors import Action, IntacctDuplicateError
from connectors.intacct.xml import functions as fn
from connectors.intacct.xml.parse import parse_xml
from connectors.intacct.xml.response import parse_response
from tests.unit.connectors.intacct._support import FIXTURES, FakeIntacct, fixture, make_client, xml_response


def test_getapisession_response() -> None:
    response = parse_response(fixture("getapisession-response.xml")).check()
    assert response.control.status == "success"
    assert response.control.uniqueid is False
    assert response.authentication is not None
    assert response.authentication.session_timeout == dt.datetime.fromisoformat("2015-10-23T20:58:27-07:00")
    (result,) = response.results
    assert result.ok and result.function == "getAPISession" and result.controlid == "testControlId"
    assert result.records == [
        {
            "sessionid": "fAkESesSiOnId..",
            "endpoint": "https://api.intacct.com/ia/xml/xmlgw.phtml",
            "locationid": "",
        }
    ]


def test_getapisession_response_entity() -> None:
    response = parse_response(fixture("getapisession-response-entity.xml")).check()
    assert response.authentication is not None and response.authentication.location_id == "testentity"
    assert response.results[0].records[0]["endpoint"] == "https://unittest.intacct.com/ia/xml/xmlgw.phtml"


def test_getapisession_data_fragment_is_not_a_response() -> None:
    with pytest.raises(ConnectorProtocolError):
        parse_response(fixture("getapisession-response-data-docs.xml"))


def test_readbyquery_paged_with_result_id() -> None:
    (result,) = parse_response(fixture("readbyquery-response-paged-resultid.xml")).check().results
    assert result.data is not None
    data = result.data
    assert (data.listtype, data.count, data.totalcount, data.numremaining, data.result_id) == (
        "class",
        1,
        2,
        1,
        "myResultId",
    )
    assert data.record_tags == ["class"]
    assert result.records[0]["CLASSID"] == "C1234"
    assert result.records[0]["DESCRIPTION"] == ""


def test_readbyquery_customer_and_empty() -> None:
    (customer,) = parse_response(fixture("readbyquery-response-customer.xml")).check().results
    assert customer.data is not None and customer.data.result_id is None and customer.data.numremaining == 0
    assert customer.records == [{"CUSTOMERID": "C0001", "NAME": "Sage Intacct, Inc"}]
    (empty,) = parse_response(fixture("readbyquery-response-empty.xml")).check().results
    assert empty.ok and empty.records == [] and empty.data is not None and empty.data.totalcount == 0


def test_read_response() -> None:
    (result,) = parse_response(fixture("read-response-customer.xml")).check().results
    assert result.data is not None and result.data.listtype == "CUSTOMER" and result.data.count == 1
    assert result.data.totalcount is None
    assert result.records[0] == {"RECORDNO": "149", "CUSTOMERID": "10074", "STATUS": "active"}


def test_legacy_create_key_and_get_list() -> None:
    (created,) = parse_response(fixture("legacy-create-response-key.xml")).check().results
    assert created.ok and created.key == "C1234" and created.data is None
    (listed,) = parse_response(fixture("legacy-get-list-response.xml")).check().results
    assert listed.legacy_list is not None
    assert (
        listed.legacy_list.name,
        listed.legacy_list.start,
        listed.legacy_list.end,
        listed.legacy_list.total,
    ) == (
        "class",
        0,
        1,
        2,
    )
    assert [r["key"] for r in listed.records] == ["C1234", "C1235"]


def test_offline_acknowledgement() -> None:
    response = parse_response(fixture("offline-acknowledgement-response.xml")).check()
    assert response.acknowledged is True and response.results == []


@pytest.mark.parametrize(
    ("name", "status", "cls", "text"),
    [
        ("error-response-auth-failure-XL03000006.xml", None, ConnectorConfigError, "sign-in"),
        ("error-response-control-failure-PL04000055.xml", None, ConnectorConfigError, "demo company"),
        (
            "error-response-control-failure-XL03000006-policy.xml",
            None,
            ConnectorConfigError,
            "transport policy",
        ),
        ("error-response-http401-XMLGW_JPP0002.xml", 401, ConnectorConfigError, "sign-in"),
    ],
)
def test_request_level_failures(name: str, status: int | None, cls: type[ConnectorError], text: str) -> None:
    response = parse_response(fixture(name), http_status=status)
    with pytest.raises(cls) as caught:
        response.check()
    assert text in caught.value.message.lower()
    assert caught.value.errors and caught.value.errors[0].code
    if status is not None:
        assert caught.value.status_code == status


def test_create_failure_surfaces_the_specific_error_before_the_wrapper() -> None:
    (result,) = parse_response(fixture("error-response-create-failure-BL01001973.xml")).check().results
    assert result.status == "failure"
    assert result.data is not None and result.data.count == 0
    error = result.error
    assert isinstance(error, IntacctDuplicateError) and error.record_exists
    assert error.controlid == "testFunctionId"
    assert "The account number '5000.11' already exists" in error.message
    assert "Support ID" not in error.message
    assert [e.code for e in error.errors] == ["BL01001973", "BL01001973"]
    with pytest.raises(IntacctDuplicateError):
        result.raise_for_status()


def test_transaction_rollback_points_to_the_failing_function() -> None:
    aborted, failed = parse_response(fixture("error-response-transaction-true-rollback.xml")).check().results
    assert aborted.status == "aborted" and failed.status == "failure"
    assert aborted.action is Action.SEE_OTHER_ERROR
    assert isinstance(aborted.error, ConnectorRejectedError)
    assert "func2UnitTest" in aborted.error.message and "Something went wrong" in aborted.error.message
    assert isinstance(failed.error, ConnectorConfigError)
    assert "Something went wrong" in failed.error.message


def test_aborted_result_is_classified_by_its_specific_error() -> None:
    (result,) = parse_response(fixture("error-result-aborted-XL03000009.xml")).check().results
    assert result.status == "aborted"
    assert isinstance(result.error, ConnectorProtocolError)
    assert "VENDOR9" in result.error.message


def test_function_failures() -> None:
    (session,) = parse_response(fixture("error-result-failure-getapisession.xml")).check().results
    assert isinstance(session.error, ConnectorConfigError)
    (query,) = parse_response(fixture("error-result-failure-readbyquery.xml")).check().results
    assert isinstance(query.error, ConnectorProtocolError) and "BADOBJECT" in query.error.message


def test_not_a_response() -> None:
    with pytest.raises(ConnectorProtocolError):
        parse_response(b"<html><body>oops</body></html>")
    with pytest.raises(ConnectorProtocolError):
        parse_response(b"<response><operation/></response>")


# --- the same fixtures through the whole client -------------------------------------------------------

RESPONSE_FIXTURES = sorted(
    p.name
    for p in FIXTURES.glob("*.xml")
    if p.name.startswith(("error-", "legacy-", "read-response", "readbyquery-response", "offline-"))
    or "response" in p.name
)

# name -> exception execute() raises, or the (status, error class) of each result.
CLIENT_EXPECTATIONS: dict[str, object] = {
    "error-response-auth-failure-XL03000006.xml": ConnectorConfigError,
    "error-response-control-failure-PL04000055.xml": ConnectorConfigError,
    "error-response-control-failure-XL03000006-policy.xml": ConnectorConfigError,
    "error-response-create-failure-BL01001973.xml": [("failure", IntacctDuplicateError)],
    "error-response-http401-XMLGW_JPP0002.xml": ConnectorConfigError,
    "error-response-transaction-true-rollback.xml": [
        ("aborted", ConnectorRejectedError),
        ("failure", ConnectorConfigError),
    ],
    "error-result-aborted-XL03000009.xml": [("aborted", ConnectorProtocolError)],
    "error-result-failure-getapisession.xml": [("failure", ConnectorConfigError)],
    "error-result-failure-readbyquery.xml": [("failure", ConnectorProtocolError)],
    "getapisession-response-data-docs.xml": ConnectorProtocolError,
    "getapisession-response-entity.xml": [("success", None)],
    "getapisession-response.xml": [("success", None)],
    "legacy-create-response-key.xml": [("success", None)],
    "legacy-get-list-response.xml": [("success", None)],
    "offline-acknowledgement-response.xml": ConnectorProtocolError,
    "read-response-customer.xml": [("success", None)],
    "readbyquery-response-customer.xml": [("success", None)],
    "readbyquery-response-empty.xml": [("success", None)],
    "readbyquery-response-paged-resultid.xml": [("success", None)],
}


def test_every_response_fixture_has_an_expectation() -> None:
    assert set(RESPONSE_FIXTURES) == set(CLIENT_EXPECTATIONS)


@pytest.mark.asyncio
@pytest.mark.parametrize("name", sorted(CLIENT_EXPECTATIONS))
async def test_client_turns_each_fixture_into_results_or_errors(name: str) -> None:
    body = fixture(name)
    status = 401 if "http401" in name else 200
    root = parse_xml(body)
    controlids = [r.findtext("controlid") or "" for r in root.iterfind("operation/result")] or ["only"]

    fake = FakeIntacct()

    def answer(request: httpx.Request, number: int) -> httpx.Response | None:
        return None if b"<login>" in request.content else xml_response(body, status)

    fake.before = answer
    client = make_client(fake)
    functions = [Function.read(fn.read_more("r"), controlid=c) for c in controlids]
    expected = CLIENT_EXPECTATIONS[name]
    if isinstance(expected, type):
        with pytest.raises(expected):
            await client.execute(functions)
        return
    results = await client.execute(functions)
    assert [(r.status, type(r.error) if r.error else None) for r in results] == expected
    assert [r.controlid for r in results] == controlids
