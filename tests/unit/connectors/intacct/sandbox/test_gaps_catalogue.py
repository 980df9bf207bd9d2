"""The sandbox's field catalogue covers every field the connector's read specs ask for.

The pull engine selects ``ReadSpec.fields`` from the header object and ``line_fields`` from the line
object, filters on ``where`` and on the key/parent fields; Intacct refuses a query naming a field the
object does not have, so each of those must be a field of the sandbox object *from its catalogue* — a
fresh company with no rows, where no stored custom field can make a name queryable by accident.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.intacct.mapping import registry
from connectors.intacct.mapping.plan import ReadSpec
from connectors.intacct.query import Filter
from connectors.intacct.sandbox.catalogue import FIELDS
from connectors.intacct.sandbox.reader import Reader
from connectors.intacct.sandbox.schema import spec_for
from connectors.intacct.sandbox.state import CompanyState
from tests.unit.connectors.intacct.sandbox._core_support import Sandbox, login
from tests.unit.connectors.intacct.sandbox._handlers_support import build_company, call, context, key_of


def filter_fields(node: Filter | None) -> Iterator[str]:
    if node is None:
        return
    if node.field:
        yield node.field
    for child in node.children:
        yield from filter_fields(child)


def asked(spec: ReadSpec) -> Iterator[tuple[str, str]]:
    """(object, field) pairs one read spec queries."""
    for name in (*spec.fields, spec.key_field, *filter_fields(spec.where)):
        yield spec.object, name
    if spec.line_object is not None:
        for name in (*spec.line_fields, spec.line_parent_field):
            yield spec.line_object, name


READS = [spec for mapping in registry().values() for spec in mapping.reads]


def test_every_registered_read_is_checked() -> None:
    assert {name for name, mapping in registry().items() if mapping.reads} >= {
        "bills", "billCreditNotes", "billPayments", "creditNotes", "directIncomes", "invoices", "payments",
        "transfers", "journalEntries", "accounts", "customers", "suppliers", "taxRates", "trackingCategories",
        "items", "journals",
    }  # fmt: skip


@pytest.mark.parametrize("spec", READS, ids=lambda s: f"{s.data_type}:{s.object}")
def test_read_spec_fields_are_in_the_sandbox_catalogue(spec: ReadSpec) -> None:
    reader = Reader(CompanyState("EMPTY"))
    missing: dict[str, list[str]] = {}
    for obj, name in asked(spec):
        assert spec_for(obj) is not None, f"the sandbox does not serve {obj}"
        if reader.unknown_fields(obj, [name], relations=True):
            missing.setdefault(obj, []).append(name)
    assert missing == {}


def test_the_fields_reported_missing_are_now_listed() -> None:
    assert {"DETAILID", "DETAILKEY"} <= set(FIELDS["APBILLITEM"])
    assert {"DETAILID", "DETAILKEY"} <= set(FIELDS["APADJUSTMENTITEM"])
    assert {"TASKNAME", "CONTRACTNAME", "CONTRACTDIMKEY"} <= set(FIELDS["GLENTRY"])


def test_an_unknown_field_is_still_refused() -> None:
    """The check above can fail: a name outside the catalogue is reported."""
    reader = Reader(CompanyState("EMPTY"))
    assert reader.unknown_fields("GLENTRY", ["TASKNAME", "NOT_A_FIELD"], relations=True) == ["NOT_A_FIELD"]


def test_bill_tax_rows_carry_their_detail_id() -> None:
    """The line's tax row (``LINEITEM F``) is where ``DETAILID`` lives; the catalogue now exposes it."""
    company = build_company()
    ctx = context(company, "200")
    key = key_of(
        call(
            ctx,
            "<create_bill><vendorid>V0001</vendorid><datecreated><year>2024</year><month>06</month>"
            "<day>01</day></datecreated><datedue><year>2024</year><month>07</month><day>01</day></datedue>"
            "<billitems><lineitem><glaccountno>6000</glaccountno><amount>100</amount><taxentries><taxentry>"
            "<detailid>UK Purchase Standard Rate</detailid></taxentry></taxentries></lineitem></billitems>"
            "</create_bill>",
        )
    )
    rows = company.find("APBILLITEM", RECORDKEY=str(key))
    assert sorted((r["LINEITEM"], r.get("DETAILID", "")) for r in rows) == [
        ("F", "UK Purchase Standard Rate"),
        ("T", ""),
    ]


@pytest.mark.asyncio
async def test_glentry_task_and_contract_names_are_queryable() -> None:
    sandbox = Sandbox()
    try:
        auth = login(entity="100")
        await sandbox.ok(
            "<create><GLBATCH><JOURNAL>GJ</JOURNAL><BATCH_DATE>06/30/2024</BATCH_DATE>"
            "<BATCH_TITLE>Task costs</BATCH_TITLE><ENTRIES>"
            "<GLENTRY><ACCOUNTNO>6000</ACCOUNTNO><TR_TYPE>1</TR_TYPE><TRX_AMOUNT>10</TRX_AMOUNT>"
            "<PROJECTID>P100</PROJECTID><TASKID>T100</TASKID><CONTRACTID>CON100</CONTRACTID></GLENTRY>"
            "<GLENTRY><ACCOUNTNO>2000</ACCOUNTNO><TR_TYPE>-1</TR_TYPE><TRX_AMOUNT>10</TRX_AMOUNT></GLENTRY>"
            "</ENTRIES></GLBATCH></create>",
            auth=auth,
        )
        result = await sandbox.ok(
            "<query><object>GLENTRY</object><select><field>TASKID</field><field>TASKNAME</field>"
            "<field>CONTRACTID</field><field>CONTRACTNAME</field></select><filter><equalto>"
            "<field>TASKID</field><value>T100</value></equalto></filter></query>",
            auth=auth,
        )
        (row,) = result.iter("GLENTRY")
        task = sandbox.demo.find_one("TASK", TASKID="T100")
        contract = sandbox.demo.find_one("CONTRACT", CONTRACTID="CON100")
        assert task is not None and contract is not None
        assert row.findtext("TASKNAME") == task["NAME"] and row.findtext("CONTRACTNAME") == contract["NAME"]
    finally:
        await sandbox.close()
