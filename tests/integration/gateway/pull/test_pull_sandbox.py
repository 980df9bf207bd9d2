"""Pulls end to end: the real Intacct client against the sandbox, through the gateway's API and store."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from connectors.intacct.sandbox import seed_bulk
from gateway.data.catalog import COMPANY_INFO, DATA_TYPES
from tests.integration.gateway.helpers import error_body
from tests.integration.gateway.pull.sandbox_gateway import SandboxGateway, seed_every_type

pytestmark = pytest.mark.asyncio(loop_scope="session")

_DECODE = msgspec.json.Decoder(float_hook=Decimal)
_ENCODE = msgspec.json.Encoder(decimal_format="number")  # as the store writes amounts


def body(response: Any) -> Any:
    """JSON with every non-integer number as a Decimal (amounts compared exactly)."""
    return json.loads(response.text, parse_float=Decimal)


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    """A record without what the store adds (``modifiedDate``, ``metadata.isDeleted``)."""
    out: dict[str, Any] = _DECODE.decode(_ENCODE.encode(record))
    out.pop("modifiedDate", None)
    metadata = out.pop("metadata", None) or {}
    metadata.pop("isDeleted", None)
    if metadata:
        out["metadata"] = metadata
    return out


def path_of(spec: Any, company_id: str, connection_id: str) -> str:
    if spec.scope == "connection":
        return f"/companies/{company_id}/connections/{connection_id}/data/{spec.path}"
    return f"/companies/{company_id}/data/{spec.path}"


async def platform_records(gw: SandboxGateway, data_type: str, entity: str) -> list[dict[str, Any]]:
    """What the connector reads from the sandbox right now, independently of the gateway."""
    connector = gw.connector(entity)
    records: list[dict[str, Any]] = []
    async for page in connector.read(data_type):
        records += page.records
    return records


async def test_every_type_is_pulled_into_the_store_field_for_field(gw: SandboxGateway, owner) -> None:
    pushed = await seed_every_type(gw, bills=4, invoices=3)
    company_id, connection_id, linked = await gw.link(owner.headers, entityId="100")
    assert linked.status_code == 200 and linked.json()["status"] == "Linked", linked.text

    done = await gw.run_pulls(company_id)
    assert {spec.name for spec in DATA_TYPES} <= set(done), sorted(done)
    for name, operation in done.items():
        assert operation.status.value == "Success", (name, operation.error)

    for spec in DATA_TYPES:
        if spec is COMPANY_INFO:
            continue
        stored = await gw.list_all(owner.headers, path_of(spec, company_id, connection_id))
        expected = await platform_records(gw, spec.name, "100")
        assert expected, f"the sandbox has no {spec.name}: seed it"
        by_id = {r["id"]: comparable(r) for r in expected}
        assert {r["id"] for r in stored} == set(by_id), spec.name
        for record in stored:
            assert record["metadata"]["isDeleted"] is False and record["modifiedDate"], spec.name
            one = await gw.client.get(
                f"{path_of(spec, company_id, connection_id)}/{record['id']}", headers=owner.headers
            )
            assert one.status_code == 200, (spec.name, one.text)
            assert comparable(body(one)) == by_id[record["id"]], spec.name

    # Spot checks against the sandbox's own rows and what was pushed.
    bills = {b["id"]: b for b in await gw.list_all(owner.headers, f"/companies/{company_id}/data/bills")}
    for row in gw.demo.rows("APBILL"):
        stored_bill = bills[row["RECORDNO"]]
        assert stored_bill["supplierRef"]["id"] == row["VENDORID"]
        assert Decimal(str(stored_bill["totalAmount"])) == Decimal(row["TOTALENTERED"])
    suppliers = {
        s["id"]: s for s in await gw.list_all(owner.headers, f"/companies/{company_id}/data/suppliers")
    }
    for row in gw.demo.rows("VENDOR"):
        assert suppliers[row["VENDORID"]]["supplierName"] == row["NAME"]
    for data_type, record_id in pushed.items():
        spec = next(s for s in DATA_TYPES if s.name == data_type)
        one = await gw.client.get(
            f"{path_of(spec, company_id, connection_id)}/{record_id}", headers=owner.headers
        )
        assert one.status_code == 200, (data_type, one.text)
    payment = body(
        await gw.client.get(
            f"/companies/{company_id}/data/payments/{pushed['payments']}", headers=owner.headers
        )
    )
    assert payment["totalAmount"] == Decimal("15")

    info = await gw.client.get(f"/companies/{company_id}/data/info", headers=owner.headers)
    assert info.status_code == 200 and info.json()["companyName"], info.text
    assert "id" not in info.json() and "modifiedDate" not in info.json()

    status = (await gw.client.get(f"/companies/{company_id}/dataStatus", headers=owner.headers)).json()
    assert {s.dataset for s in DATA_TYPES} <= set(status)
    for key, item in status.items():
        assert item["dataType"] == key and item["currentStatus"] == "Complete", item
        assert item["latestSyncId"] == item["latestSuccessfulSyncId"]
        assert item["lastSuccessfulSync"].startswith("20")
    history = (
        await gw.client.get(
            f"/companies/{company_id}/data/history",
            params={"query": "status=Complete", "pageSize": 100},
            headers=owner.headers,
        )
    ).json()
    assert history["totalResults"] == len(done)
    for item in history["results"]:
        assert item["progress"] == 100 and item["isCompleted"] and not item["isErrored"]
        assert item["connectionId"] == connection_id and item["completed"]
    company = (await gw.client.get(f"/companies/{company_id}", headers=owner.headers)).json()
    assert company["lastSync"] and company["dataConnections"][0]["lastSync"]


async def test_incremental_pull_reads_only_changes_and_flags_deletions(gw: SandboxGateway, owner) -> None:
    seed_bulk(gw.sandbox, "DEMO", "APBILL", 20, lines=2)
    company_id, _, linked = await gw.link(owner.headers, entityId="100")
    assert linked.json()["status"] == "Linked"
    first = await gw.run_pulls(company_id)
    assert first["bills"].result and first["bills"].result["full"] is True
    assert first["bills"].result["read"] == 20
    before = {b["id"]: b for b in await gw.list_all(owner.headers, f"/companies/{company_id}/data/bills")}

    # Changes made after the first pull began: one renamed supplier, one edited bill, one of each deleted.
    gw.clock.advance_past_now()
    vendor, gone_vendor = (
        gw.demo.find_one("VENDOR", VENDORID="V0002"),
        gw.demo.find_one("VENDOR", VENDORID="V0004"),
    )
    assert vendor and gone_vendor
    gw.demo.update("VENDOR", int(vendor["RECORDNO"]), {"NAME": "Cloud Hosting Renamed Inc"})
    gw.demo.delete("VENDOR", int(gone_vendor["RECORDNO"]))
    bill_rows = sorted(gw.demo.rows("APBILL"), key=lambda r: int(r["RECORDNO"]))
    edited, gone_bill = bill_rows[0], bill_rows[1]
    gw.demo.update("APBILL", int(edited["RECORDNO"]), {"DESCRIPTION": "Changed after the first pull"})
    gw.demo.delete("APBILL", int(gone_bill["RECORDNO"]))
    mark = len(gw.sent)

    bills_op = await gw.pull(owner.headers, company_id, "bills")
    suppliers_op = await gw.pull(owner.headers, company_id, "suppliers")
    for operation in (bills_op, suppliers_op):
        result = operation.result or {}
        assert operation.status.value == "Success", operation.error
        assert result["full"] is False and result["modifiedSince"], result
        assert result["read"] == 1, result  # only the changed record came back from Intacct
        assert result["updated"] == 1 and result["deleted"] == 1 and result["inserted"] == 0, result
    # Intacct was asked only for records modified since the watermark (and, separately, for bare ids).
    since = (bills_op.result or {})["modifiedSince"][:10]
    month, day, year = since[5:7], since[8:10], since[:4]
    bill_reads = [
        b for b in gw.sent[mark:] if b"<object>APBILL</object>" in b and b"<field>VENDORID</field>" in b
    ]
    assert bill_reads and all(
        b"WHENMODIFIED" in b and f"{month}/{day}/{year}".encode() in b for b in bill_reads
    )

    after = {b["id"]: b for b in await gw.list_all(owner.headers, f"/companies/{company_id}/data/bills")}
    assert set(after) == set(before)  # deleted records are kept, flagged
    assert after[gone_bill["RECORDNO"]]["metadata"]["isDeleted"] is True
    assert after[gone_bill["RECORDNO"]]["modifiedDate"] > before[gone_bill["RECORDNO"]]["modifiedDate"]
    assert after[edited["RECORDNO"]]["modifiedDate"] > before[edited["RECORDNO"]]["modifiedDate"]
    untouched = bill_rows[2]["RECORDNO"]
    assert after[untouched] == before[untouched]
    live = await gw.list_all(
        owner.headers, f"/companies/{company_id}/data/bills", query="metadata.isDeleted!=true"
    )
    assert len(live) == 19 and gone_bill["RECORDNO"] not in {b["id"] for b in live}
    supplier = (
        await gw.client.get(f"/companies/{company_id}/data/suppliers/V0002", headers=owner.headers)
    ).json()
    assert supplier["supplierName"] == "Cloud Hosting Renamed Inc"
    deleted = (
        await gw.client.get(f"/companies/{company_id}/data/suppliers/V0004", headers=owner.headers)
    ).json()
    assert deleted["metadata"]["isDeleted"] is True

    # A record that comes back (restored upstream) is live again.
    gw.demo.insert(
        "VENDOR",
        {k: v for k, v in gone_vendor.items() if k != "RECORDNO"},
        recordno=int(gone_vendor["RECORDNO"]),
    )
    again = await gw.pull(owner.headers, company_id, "suppliers")
    # (V0002 comes back too: the sandbox clock is ahead of the watermark; its content is unchanged.)
    assert again.result and again.result["updated"] == 1 and again.result["unchanged"] == 1
    restored = (
        await gw.client.get(f"/companies/{company_id}/data/suppliers/V0004", headers=owner.headers)
    ).json()
    assert restored["metadata"]["isDeleted"] is False


async def test_queueing_history_and_the_query_language_through_http(gw: SandboxGateway, owner) -> None:
    company_id, _, _ = await gw.link(owner.headers)
    # Linking queued the first pull of every type; a second request for one is Codat's conflict.
    again = await gw.client.post(f"/companies/{company_id}/data/queue/suppliers", headers=owner.headers)
    assert again.status_code == 409 and "DatasetAlreadyInProgressException" in error_body(again).error
    unknown = await gw.client.post(f"/companies/{company_id}/data/queue/balanceSheet", headers=owner.headers)
    assert unknown.status_code == 404 and "not supported" in error_body(unknown).error

    queued = (
        await gw.client.get(
            f"/companies/{company_id}/data/history",
            params={"query": "status=Queued&&dataType=chartOfAccounts", "pageSize": 5},
            headers=owner.headers,
        )
    ).json()
    assert queued["totalResults"] == 1 and queued["results"][0]["dataType"] == "chartOfAccounts"
    assert queued["results"][0]["isCompleted"] is False and queued["results"][0]["progress"] == 0
    bad = await gw.client.get(
        f"/companies/{company_id}/data/history", params={"query": "status=Queued&&"}, headers=owner.headers
    )
    assert bad.status_code == 400 and "position 15" in error_body(bad).error
    bad_data = await gw.client.get(
        f"/companies/{company_id}/data/suppliers", params={"query": "{supplierName=x"}, headers=owner.headers
    )
    assert bad_data.status_code == 400
    assert "position" in error_body(bad_data).error and {"query"} == {
        e.item_id
        for e in error_body(bad_data).validation.errors  # type: ignore[union-attr]
    }

    await gw.run_pulls(company_id, "suppliers")
    ordered = (
        await gw.client.get(
            f"/companies/{company_id}/data/history",
            params={"orderBy": "-completed", "pageSize": 2},
            headers=owner.headers,
        )
    ).json()
    assert ordered["results"][0]["dataType"] == "suppliers" and ordered["results"][0]["status"] == "Complete"
    assert ordered["_links"]["next"]["href"].endswith("page=2&pageSize=2&orderBy=-completed")
    one = await gw.client.get(
        f"/companies/{company_id}/data/history/{ordered['results'][0]['id']}", headers=owner.headers
    )
    assert one.json() == ordered["results"][0]
    missing = await gw.client.get(
        f"/companies/{company_id}/data/history/{uuid.uuid4()}", headers=owner.headers
    )
    assert missing.status_code == 404

    listed = await gw.client.get(
        f"/companies/{company_id}/data/suppliers",
        params={"query": "supplierName~supplies&&status=active", "orderBy": "-supplierName"},
        headers=owner.headers,
    )
    assert [s["id"] for s in listed.json()["results"]] == ["V0001"]

    # Company info refreshes on its own route and is served as one object.
    await gw.run_pulls(company_id)
    refresh = await gw.client.post(f"/companies/{company_id}/data/info", headers=owner.headers)
    assert refresh.status_code == 200 and refresh.json()["dataType"] == "company"
    all_types = await gw.client.post(f"/companies/{company_id}/data/all", headers=owner.headers)
    assert all_types.status_code == 204
    assert len(await gw.pending_pulls(company_id)) == len(DATA_TYPES)


async def test_progress_is_reported_while_pages_are_stored(gw: SandboxGateway, owner) -> None:
    company_id, _, _ = await gw.link(owner.headers)
    await gw.run_pulls(company_id, "trackingCategories")
    stages = [p for p in gw.progress if p[0] == "trackingCategories"]
    assert len(stages) > 1 and all(stage == "Fetching" for _, stage, _, _ in stages)
    percents = [p for _, _, p, _ in stages]
    reads = [r for _, _, _, r in stages]
    assert percents == sorted(percents) and reads == sorted(reads) and percents[-1] <= 90


async def test_a_full_pull_flags_deletions_from_the_ids_it_read(
    gw: SandboxGateway, owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A complete full read already lists every id: no second, ids-only pass over Intacct is made."""
    from gateway.jobs import NewOperation, enqueue
    from gateway.pull.inline import run_operation

    seed_bulk(gw.sandbox, "DEMO", "APBILL", 30, lines=1)
    company_id, connection_id, linked = await gw.link(owner.headers, entityId="100")
    assert linked.json()["status"] == "Linked"
    await gw.run_pulls(company_id)
    gone = sorted(gw.demo.rows("APBILL"), key=lambda r: int(r["RECORDNO"]))[3]
    gw.demo.delete("APBILL", int(gone["RECORDNO"]))
    tenant_id = uuid.UUID(str(owner.tenant_id))

    async def full_pull() -> dict[str, Any]:
        queued = await enqueue(
            gw.pool,
            NewOperation(
                tenant_id=tenant_id,
                kind="pull",
                company_id=uuid.UUID(company_id),
                connection_id=uuid.UUID(connection_id),
                data_type="bills",
                payload={"trigger": "api", "full": True},
            ),
        )
        final = await run_operation(gw.pool, gw.handler(), queued.operation.id)
        assert final is not None and final.status.value == "Success", final and final.error
        return final.result or {}

    mark = len(gw.sent)
    result = await full_pull()
    assert result["full"] is True and result["deleted"] == 1, result
    id_scans = [
        b for b in gw.sent[mark:] if b"<object>APBILL</object>" in b and b"<field>VENDORID</field>" not in b
    ]
    assert id_scans == [], "a complete full read must not list the ids a second time"
    stored = (
        await gw.client.get(f"/companies/{company_id}/data/bills/{gone['RECORDNO']}", headers=owner.headers)
    ).json()
    assert stored["metadata"]["isDeleted"] is True

    # Without a count from Intacct to check the read against, the ids are listed again.
    from connectors.intacct import query as intacct_query

    counted = intacct_query.page_of
    monkeypatch.setattr(intacct_query, "page_of", lambda records, _total: counted(records, None))
    mark = len(gw.sent)
    again = await full_pull()
    assert again["deleted"] == 0, again  # already flagged
    assert [
        b for b in gw.sent[mark:] if b"<object>APBILL</object>" in b and b"<field>VENDORID</field>" not in b
    ]
