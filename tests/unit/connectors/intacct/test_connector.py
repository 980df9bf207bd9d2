"""IntacctConnector: the shared contract suite, connection checks and declarations."""

from __future__ import annotations

import httpx
import pytest
from lxml import etree

from connectors.base import Capability, ConnectorContext, Operation, supports
from connectors.errors import ConnectorTransientError
from connectors.intacct import IntacctConnector
from connectors.intacct.limits import InMemoryLimitStore, LimitSettings, WaitRecorder
from connectors.intacct.resources import DATA_TYPES, RESOURCES
from connectors.intacct.session import SessionCache
from connectors.intacct.transport import RetryPolicy
from connectors.testing.contract import ConnectorContract
from tests.unit.connectors.intacct._support import Call, FakeIntacct, result

CREDENTIALS = {
    "senderId": "testsenderid",
    "senderPassword": "pass123!",
    "companyId": "testcompany",
    "userId": "testuser",
    "userPassword": "testpass",
}


def entities(call: Call) -> etree._Element:
    return result(
        call,
        data={"listtype": "LOCATIONENTITY", "count": 1, "totalcount": 1, "numremaining": 0, "offset": 0},
        records=[("LOCATIONENTITY", {"RECORDNO": "1", "LOCATIONID": "100", "NAME": "US", "CURRENCY": "USD"})],
    )


def build(fake: FakeIntacct, **settings: object) -> IntacctConnector:
    context = ConnectorContext(
        http_client=httpx.AsyncClient(transport=fake.transport()),
        limit_store=InMemoryLimitStore(),
        metrics=WaitRecorder(),
    )
    return IntacctConnector(
        CREDENTIALS,
        settings=settings or None,
        context=context,
        session_cache=SessionCache(),
        retry=RetryPolicy(max_retries=1, base_delay=0.001),
    )


class TestIntacctContract(ConnectorContract):
    connector_key = "knfz"

    def make_connector(self, *, valid: bool) -> IntacctConnector:
        fake = FakeIntacct(password="testpass" if valid else "something-else")
        fake.on("query", entities)
        return build(fake)


@pytest.mark.asyncio
async def test_check_connection_reports_entities_and_endpoint() -> None:
    fake = FakeIntacct()
    fake.on("query", entities)
    check = await build(fake).check_connection()
    assert check.ok and check.entities[0].id == "100" and check.entities[0].name == "US"
    assert check.details["endpoint"] == "https://api.intacct.com/ia/xml/xmlgw.phtml"
    assert "testcompany" in (check.message or "")


@pytest.mark.asyncio
async def test_entity_listing_refused_still_links() -> None:
    fake = FakeIntacct()
    fake.on(
        "query",
        lambda call: result(
            call, status="failure", errors=[("Query Failed", "Object definition LOCATIONENTITY not found")]
        ),
    )
    check = await build(fake).check_connection()
    assert check.ok and check.entities == ()


@pytest.mark.asyncio
async def test_transient_trouble_is_raised_not_reported_as_unlinked() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, content=b"<html/>", headers={"content-type": "text/html"})

    connector = IntacctConnector(
        CREDENTIALS,
        context=ConnectorContext(http_client=httpx.AsyncClient(transport=httpx.MockTransport(down))),
        session_cache=SessionCache(),
        retry=RetryPolicy(max_retries=0),
    )
    with pytest.raises(ConnectorTransientError):
        await connector.check_connection()


def test_settings_reach_the_client() -> None:
    connector = build(FakeIntacct(), maxConcurrent=2, functionsPerRequest=50)
    assert connector.client.limits == LimitSettings(max_concurrent=2, functions_per_request=50)
    assert "testpass" not in repr(connector)


def test_declared_data_types() -> None:
    assert set(DATA_TYPES) >= {
        "bills",
        "billCreditNotes",
        "billPayments",
        "creditNotes",
        "directIncomes",
        "invoices",
        "payments",
        "transfers",
        "accounts",
        "customers",
        "suppliers",
        "journalEntries",
        "taxRates",
        "trackingCategories",
    }
    assert len({r.data_type for r in RESOURCES}) == len(RESOURCES)
    assert supports(IntacctConnector, "bills", Operation.CREATE)
    assert supports(IntacctConnector, "transfers", Operation.READ)
    assert not supports(IntacctConnector, "transfers", Operation.CREATE)
    assert not supports(IntacctConnector, "nothing", Operation.READ)
    assert DATA_TYPES["invoices"].extra_objects == ("SODOCUMENT",)
    assert Capability.WRITE in IntacctConnector.capabilities
