"""Journal entries: GLBATCH plans against the SDK fixtures, the balancing rules, reading GLENTRY rows back."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from connectors.intacct.mapping import journal_entries as journals
from connectors.intacct.mapping.facts import AccountFact
from datamodel import JournalEntry, decode_json, encode_json, to_builtins

from ._ap_support import GB, element, example, fixture, order_problems, refusal, shared_tags

FACTS = dataclasses.replace(
    GB,
    accounts={
        **GB.accounts,
        "151": AccountFact("151", "6010", "Rent"),
        "154": AccountFact("154", "2010", "Accruals"),
    },
)


def make(**changes: Any) -> JournalEntry:
    body = example("journalEntries-push-request-sage-intacct.json") | changes
    return decode_json(encode_json(body), JournalEntry)


def tracked(**changes: Any) -> JournalEntry:
    first = {"description": "rent", "netAmount": 9, "accountRef": {"id": "151"}}
    first["tracking"] = {
        "recordRefs": [{"id": "DEPARTMENT-ADM", "dataType": "trackingCategories"}, {"id": "London"}],
    }
    first["contactRef"] = {"id": "V0001", "dataType": "suppliers"}
    second = {"description": "accrual", "netAmount": -9, "accountRef": {"id": "154"}}
    second["tracking"] = {"recordRefs": [{"id": "C0001", "dataType": "customers"}]}
    return make(journalLines=[first, second], **changes)


def test_example_push_is_a_glbatch_in_the_sdk_order() -> None:
    plan = journals.plan_create(make(), FACTS, operation_key="op")
    assert (plan.function, plan.key_kind, plan.read_object) == ("create", "recordno", "GLBATCH")
    batch = element(plan).find("GLBATCH")
    assert batch is not None
    expected = fixture("create-glbatch-request.xml").find("create/GLBATCH")
    assert expected is not None
    assert order_problems(expected, batch) == []
    assert shared_tags(expected, batch) == ["JOURNAL", "BATCH_DATE", "BATCH_TITLE", "STATE", "ENTRIES"]
    assert (batch.findtext("JOURNAL"), batch.findtext("BATCH_DATE"), batch.findtext("BATCH_TITLE")) == (
        "GJ",
        "03/29/2023",
        "test",
    )
    entries = batch.findall("ENTRIES/GLENTRY")
    assert [(e.findtext("ACCOUNTNO"), e.findtext("TR_TYPE"), e.findtext("TRX_AMOUNT")) for e in entries] == [
        ("6010", "1", "9"),
        ("2010", "-1", "9"),
    ]
    assert all(e.find("CURRENCY") is None for e in entries)
    assert plan.lookup == {"JOURNAL": "GJ", "BATCH_DATE": "03/29/2023", "BATCH_TITLE": "test"}


def test_line_tracking_uses_glentry_names_in_the_sdk_order() -> None:
    batch = element(journals.plan_create(tracked(), FACTS, operation_key="op")).find("GLBATCH")
    assert batch is not None
    first, second = batch.findall("ENTRIES/GLENTRY")
    full = fixture("glentry-all-dimensions-currency.xml")
    assert order_problems(full, first) == [] and order_problems(full, second) == []
    assert shared_tags(full, first) == [
        "ACCOUNTNO",
        "TR_TYPE",
        "TRX_AMOUNT",
        "LOCATION",
        "DEPARTMENT",
        "VENDORID",
        "DESCRIPTION",
    ]
    assert (first.findtext("DEPARTMENT"), first.findtext("LOCATION"), first.findtext("VENDORID")) == (
        "ADM",
        "200",
        "V0001",
    )
    assert second.findtext("CUSTOMERID") == "C0001"


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        (
            make(journalLines=[{"netAmount": 9, "accountRef": {"id": "151"}}]),
            "journalLines",
            "at least two lines",
        ),
        (
            make(
                journalLines=[
                    {"netAmount": 9, "accountRef": {"id": "151"}},
                    {"netAmount": -8, "accountRef": {"id": "154"}},
                ]
            ),
            "journalLines",
            "The lines must balance",
        ),
        (
            make(
                journalLines=[
                    {"netAmount": 0, "accountRef": {"id": "151"}},
                    {"netAmount": 0, "accountRef": {"id": "154"}},
                ]
            ),
            "journalLines[0].netAmount",
            "Must not be a 0 amount.",
        ),
        (
            make(
                journalLines=[
                    {"netAmount": 9, "accountRef": {"id": "151"}, "currency": "USD"},
                    {"netAmount": -9, "accountRef": {"id": "154"}},
                ]
            ),
            "journalLines[0].currency",
            "must match the base currency",
        ),
        (
            make(
                journalLines=[
                    {"netAmount": 9, "accountRef": {"id": "999"}},
                    {"netAmount": -9, "accountRef": {"id": "154"}},
                ]
            ),
            "journalLines[0].accountRef.id",
            "existing Account",
        ),
        (make(description="d" * 513), "description", "no greater than 512"),
        (make(description=None), "description", "Must be provided."),
        (make(journalRef={"id": "999"}), "journalRef.id", "existing Journal"),
        (make(postedOn=None), "postedOn", "Must be provided."),
    ],
)
def test_rules_refuse_naming_the_field(entry: JournalEntry, field: str, message: str) -> None:
    found = refusal(journals.plan_create, entry, FACTS, operation_key="op")
    assert any(f == field and message in m for f, m in found), found


def test_journal_symbols_are_accepted_when_no_journal_list_is_known() -> None:
    facts = dataclasses.replace(FACTS, journals={})
    plan = journals.plan_create(make(journalRef={"id": "ADJ"}), facts, operation_key="op")
    assert element(plan).findtext("GLBATCH/JOURNAL") == "ADJ"
    assert (
        journals.plan_create(make(journalRef={"id": "ADJ"}), FACTS, operation_key="op").lookup["JOURNAL"]
        == "ADJ"
    )


def test_unknown_tracking_is_refused_by_name() -> None:
    lines = [
        {"netAmount": 9, "accountRef": {"id": "151"}, "tracking": {"recordRefs": [{"id": "REGION-1"}]}},
        {"netAmount": -9, "accountRef": {"id": "154"}},
    ]
    found = refusal(journals.plan_create, make(journalLines=lines), FACTS, operation_key="op")
    assert found[0][0] == "journalLines[0].tracking.recordRefs[0].id" and "'REGION'" in found[0][1]


def test_rows_read_back_and_round_trip() -> None:
    batch = journals.plan_create(tracked(), FACTS, operation_key="op").body["GLBATCH"]
    header = {"RECORDNO": "6679", "BATCHNO": "249", "JOURNAL": batch["JOURNAL"], "JOURNALKEY": "207"}
    header |= {"BATCH_TITLE": batch["BATCH_TITLE"], "BATCH_DATE": "03/29/2023", "STATE": "Posted"}
    header |= {"WHENCREATED": "03/29/2023 10:00:00", "WHENMODIFIED": "03/29/2023 10:05:00"}
    rows = []
    for number, entry in enumerate(batch["ENTRIES"]["GLENTRY"], 1):
        row = {key: str(value) for key, value in entry.items()} | {"LINE_NO": str(number), "BATCHNO": "6679"}
        row["DEPARTMENTTITLE"] = "Admin" if row.get("DEPARTMENT") else ""
        rows.append(row)
    back = to_builtins(journals.to_unified(header, list(reversed(rows)), FACTS))
    sent = to_builtins(tracked())
    assert back["journalRef"] == {"id": "207", "name": "GJ"}
    assert back["description"] == sent["description"]
    assert (
        back["postedOn"] == "2023-03-29T00:00:00"
    )  # sent as 2023-03-29T00:00:00Z: Intacct dates have no zone
    assert (back["createdOn"], back["updatedOn"]) == ("2023-03-29T10:00:00", "2023-03-29T10:05:00")
    first, second = back["journalLines"]
    assert [line["netAmount"] for line in back["journalLines"]] == [9, -9]
    assert [line["accountRef"]["id"] for line in back["journalLines"]] == ["151", "154"]
    assert all(line["currency"] == "GBP" for line in back["journalLines"])
    assert first["contactRef"] == {"id": "V0001", "dataType": "suppliers"}
    assert first["tracking"]["recordRefs"] == [
        {"id": "DEPARTMENT-ADM", "dataType": "trackingCategories"},
        {"id": "LOCATION-200", "dataType": "trackingCategories"},
    ]
    assert second["contactRef"] == {"id": "C0001", "dataType": "customers"}


def test_delete() -> None:
    plan = journals.plan_delete("6679", FACTS, operation_key="op")
    assert (plan.function, dict(plan.body)) == ("delete", {"object": "GLBATCH", "keys": "6679"})
