"""How pushes are executed: batching, idempotency after lost answers, transient failures, validation and
options — all through the real client against the sandbox, asserting on the sandbox's counters."""

from __future__ import annotations

import dataclasses

import pytest

from connectors.base import PushRequest
from connectors.errors import ConnectorUnsupported
from connectors.intacct import IntacctConnector
from connectors.intacct.mapping import registry
from connectors.intacct.mapping.plan import WritePlan
from connectors.intacct.sandbox import CompanyState

from . import _records as records
from .conftest import Factory, Recording
from .test_push_ap import errors, ok, push_one


def bills(n: int, prefix: str = "batch") -> list[PushRequest]:
    return [
        records.create(f"{prefix}-{i}", "bills", records.bill(reference=f"{prefix.upper()}-{i:03d}"))
        for i in range(n)
    ]


@pytest.mark.asyncio
async def test_fifty_bills_go_in_one_request(
    us: IntacctConnector, company: CompanyState, sent: Recording
) -> None:
    await us.facts.get()
    before = company.counters.http_requests
    outcomes = await us.push(bills(50))
    assert all(o.ok for o in outcomes), [o.errors for o in outcomes if not o.ok]
    assert company.counters.by_function["create_bill"] == 50
    assert sent.requests_with(b"<create_bill>") == 1  # all 50 writes in one HTTP request
    # then the read back of all 50 (headers and lines in one request; the sandbox makes the client ask
    # once more without a line field its query cannot return)
    assert company.counters.http_requests - before <= 3
    assert len(company.find("APBILL")) == 50
    assert sorted(o.record["reference"] for o in outcomes if o.record) == [
        f"BATCH-{i:03d}" for i in range(50)
    ]
    assert [o.operation_key for o in outcomes] == [f"batch-{i}" for i in range(50)]


@pytest.mark.asyncio
async def test_requests_are_split_at_the_functions_per_request_limit(
    connect: Factory, sent: Recording
) -> None:
    connector = connect("100", functionsPerRequest=20)
    outcomes = await connector.push(bills(45, "split"))
    assert all(o.ok for o in outcomes)
    assert sent.requests_with(b"<create_bill>") == 3  # 20 + 20 + 5


@pytest.mark.asyncio
async def test_a_lost_answer_is_resolved_without_writing_twice(
    us: IntacctConnector, company: CompanyState
) -> None:
    await us.facts.get()
    company.faults.configure({"drop_after_commit_rate": 1.0})
    request = records.create("op-lost", "bills", records.bill(reference="LOST-1"))
    first = await push_one(us, request)
    assert not first.ok and first.retryable and first.status_code == 503  # every answer was cut off
    assert len(company.find("APBILL", DOCNUMBER="LOST-1")) == 1  # ... but the first attempt was applied
    company.faults.reset()
    again = await push_one(us, request)  # the worker's retry: same operation key
    record = ok(again)
    assert len(company.find("APBILL", DOCNUMBER="LOST-1")) == 1
    assert record["id"] == company.find("APBILL", DOCNUMBER="LOST-1")[0]["RECORDNO"]
    assert company.counters.duplicates_refused >= 2  # the client's own re-sends and the retry were refused
    assert any("already recorded" in w.message for w in again.warnings)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("data_type", "body", "table"),
    [
        ("suppliers", records.supplier(), "VENDOR"),  # generic create: RECORDNO in <data>
        ("invoices", records.sales_invoice(), "SODOCUMENT"),  # Order Entry: DOCID as the key
        ("creditNotes", records.credit_note(), "ARADJUSTMENT"),  # legacy create: <key>
        ("journalEntries", None, "GLBATCH"),
    ],
)
async def test_lost_answers_of_every_function_kind_are_looked_up(
    us: IntacctConnector, company: CompanyState, data_type: str, body: dict[str, object] | None, table: str
) -> None:
    await us.facts.get()
    before = len(company.find(table))
    request = records.create(f"op-lost-{data_type}", data_type, body or records.journal_entry(company))
    company.faults.configure({"drop_after_commit_rate": 1.0})
    assert (await push_one(us, request)).retryable
    company.faults.reset()
    record = ok(await push_one(us, request))
    assert len(company.find(table)) == before + 1
    assert record["id"]


@pytest.mark.asyncio
async def test_a_retried_update_and_delete_are_not_applied_twice(
    us: IntacctConnector, company: CompanyState
) -> None:
    record = ok(await push_one(us, records.create("op-d", "bills", records.bill())))
    delete = PushRequest("op-d-del", "bills", "delete", record_id=record["id"])
    assert (await push_one(us, delete)).ok
    again = await push_one(us, delete)
    assert again.ok and again.changes[0].type == "Deleted"
    assert company.counters.duplicates_refused == 1


@pytest.mark.asyncio
async def test_transient_trouble_is_retryable_and_nothing_is_written(
    us: IntacctConnector, company: CompanyState
) -> None:
    await us.facts.get()
    company.faults.configure({"http_5xx_rate": 1.0})
    outcome = await push_one(us, records.create("op-503", "bills", records.bill()))
    assert not outcome.ok and outcome.retryable and outcome.status_code == 503
    assert company.find("APBILL") == []


@pytest.mark.asyncio
async def test_wrong_credentials_fail_every_request_with_401(connect: Factory, company: CompanyState) -> None:
    company.users["demo-user"] = "changed"
    outcomes = await connect("100").push(bills(2, "auth"))
    assert [(o.ok, o.status_code, o.retryable) for o in outcomes] == [(False, 401, False)] * 2
    assert "sign-in" in (outcomes[0].message or "")


@pytest.mark.asyncio
async def test_one_bad_record_does_not_stop_the_others(us: IntacctConnector, company: CompanyState) -> None:
    requests = bills(3, "mix")
    bad = records.bill(supplierRef={"id": "V0005"})  # an inactive vendor: Intacct refuses it
    requests.insert(1, records.create("mix-bad", "bills", bad))
    outcomes = await us.push(requests)
    assert [o.ok for o in outcomes] == [True, False, True, True]
    assert errors(outcomes[1])[0][0] == "supplierRef.id"
    assert len(company.find("APBILL")) == 3


@pytest.mark.asyncio
async def test_unsupported_and_malformed_pushes(us: IntacctConnector, company: CompanyState) -> None:
    transfer = records.create("op-t", "transfers", {"date": "2024-01-01T00:00:00"})
    not_a_type = records.create("op-x", "widgets", {})
    malformed = records.create("op-m", "bills", {k: v for k, v in records.bill().items() if k != "status"})
    delete_invoice = PushRequest("op-di", "invoices", "delete", record_id="1")
    outcomes = await us.push([transfer, not_a_type, malformed, delete_invoice])
    assert [o.status_code for o in outcomes] == [400, 400, 400, 400]
    assert "no function that creates a funds transfer" in (outcomes[0].message or "")
    assert errors(outcomes[2])[0][0] == "status"
    assert company.counters.by_function.get("create_bill", 0) == 0


@pytest.mark.asyncio
async def test_validate_reports_errors_and_warnings(us: IntacctConnector) -> None:
    bank_line = records.bill()
    bank_line["lineItems"][0]["accountRef"] = {"id": "1010"}
    issues = await us.validate(records.create("v1", "bills", bank_line))
    assert [(i.field, i.severity) for i in issues if i.severity == "error"] == [
        ("lineItems[0].accountRef.id", "error")
    ]
    unknown = records.bill()
    unknown["lineItems"][0]["trackingCategoryRefs"] = [{"id": "Nobody"}]
    issues = await us.validate(records.create("v2", "bills", unknown))
    assert [(i.field, i.severity) for i in issues] == [("lineItems[0].trackingCategoryRefs[0].id", "error")]
    warnings = await us.validate(records.create("v3", "directIncomes", records.direct_income()))
    assert warnings and all(i.severity == "warning" for i in warnings)
    assert await us.validate(records.create("v4", "bills", records.bill())) == []


@pytest.mark.asyncio
async def test_options(uk: IntacctConnector) -> None:
    tree = await uk.options("bills")
    assert tree["type"] == "Object" and "lineItems" in tree["properties"]
    currency = tree["properties"]["currency"]
    assert {choice["value"] for choice in currency["options"]} >= {"GBP", "USD"}
    assert (await uk.options("chartOfAccounts"))["properties"]["nominalCode"]["required"] is True
    with pytest.raises(ConnectorUnsupported, match="funds transfer"):
        await uk.options("transfers")
    with pytest.raises(ConnectorUnsupported):
        await uk.options("taxRates")


@pytest.mark.asyncio
async def test_a_mapping_bug_fails_only_its_own_request(
    us: IntacctConnector, company: CompanyState, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> WritePlan:
        raise KeyError("lineItems")

    monkeypatch.setitem(registry(), "bills", dataclasses.replace(registry()["bills"], plan_create=broken))
    bill, supplier = await us.push(
        [
            records.create("bug-1", "bills", records.bill()),
            records.create("bug-2", "suppliers", records.supplier()),
        ]
    )
    assert not bill.ok and "could not be mapped" in (bill.message or "") and not bill.retryable
    assert supplier.ok and company.find_one("VENDOR", VENDORID="V0100") is not None
