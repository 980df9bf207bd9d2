"""Journal entries <-> Intacct GL batches (GLBATCH / GLENTRY), via the generic ``create``.

``journalRef.id`` names the journal (GLJOURNAL RECORDNO through ``facts.journals``, or the symbol itself),
``postedOn`` is ``BATCH_DATE``, ``description`` the ``BATCH_TITLE``. Each line becomes a ``GLENTRY``: the
sign of ``netAmount`` picks ``TR_TYPE`` (1 debit, -1 credit) and ``TRX_AMOUNT`` is its absolute value, in
the base currency (the rules refuse any other), so no currency fields are written. GLENTRY spells two
dimensions differently (``LOCATION``, ``DEPARTMENT``); ``contactRef`` and customer/supplier record refs
become ``CUSTOMERID``/``VENDORID``.

Lost-answer ``lookup``: GLBATCH has no external id, so journal + batch date + title.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from connectors.intacct.mapping._common import (
    DIMENSIONS,
    Problems,
    account_ref,
    checked,
    custom_values,
    dimension_fields,
    generic_custom_fields,
    gl_account_no,
    or_unset,
    query_date,
    read_date,
    read_timestamp,
    read_tracking,
    resolve_tracking,
    row_money,
    text,
    to_date,
    view_of,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import ReadSpec, WritePlan, delete_plan
from connectors.intacct.rules._base import as_decimal, lines
from connectors.intacct.rules.journal_entries import RULES, journal_symbol
from datamodel import (
    ContactRef,
    JournalEntry,
    JournalLine,
    JournalLineTracking,
    JournalRef,
    Metadata,
    TrackingRecordRef,
)
from datamodel.enums import ContactRefDataType, TrackingRecordRefDataType

__all__ = ["READ", "RULES", "plan_create", "plan_delete", "to_unified"]

OBJECT = "GLBATCH"
_CONTACT_PREFIX = {"customers": "CUSTOMER", "suppliers": "SUPPLIER"}
#: GLENTRY element order of Intacct's SDK (``glentry-all-dimensions-currency.xml``).
_ENTRY_ORDER = (
    "ACCOUNTNO", "TR_TYPE", "TRX_AMOUNT", "LOCATION", "DEPARTMENT", "PROJECTID", "TASKID", "CUSTOMERID",
    "VENDORID", "EMPLOYEEID", "ITEMID", "CLASSID", "CONTRACTID", "WAREHOUSEID", "DESCRIPTION",
)  # fmt: skip


def _entry(line: Mapping[str, Any], path: str, facts: CompanyFacts, problems: Problems) -> dict[str, Any]:
    refs: list[tuple[str, str]] = []
    tracking = line.get("tracking") or {}
    for index, ref in enumerate(tracking.get("recordRefs") or []):
        prefix = _CONTACT_PREFIX.get(str(ref.get("dataType")))
        ref_id = str(ref.get("id") or "")
        refs.append((f"{path}.tracking.recordRefs[{index}].id", f"{prefix}-{ref_id}" if prefix else ref_id))
    contact = line.get("contactRef") or {}
    prefix = _CONTACT_PREFIX.get(str(contact.get("dataType")))
    if contact.get("id") and prefix:
        refs.append((f"{path}.contactRef.id", f"{prefix}-{contact['id']}"))
    dims = dimension_fields(resolve_tracking(refs, facts, problems), "gl", problems, where="a journal line")
    amount = as_decimal(line.get("netAmount")) or Decimal(0)
    values: dict[str, Any] = {
        "ACCOUNTNO": gl_account_no(str((line.get("accountRef") or {}).get("id") or ""), facts),
        "TR_TYPE": 1 if amount > 0 else -1,
        "TRX_AMOUNT": abs(amount),
        "DESCRIPTION": line.get("description"),
        **dims.fields,
    }
    entry = {name: values.pop(name) for name in _ENTRY_ORDER if name in values}
    entry |= values
    entry |= generic_custom_fields(custom_values(line, facts, "journalEntries.journalLines"))
    return entry


def plan_create(record: JournalEntry, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    """Generic ``create GLBATCH`` (header in the SDK's order, then ``ENTRIES``)."""
    del operation_key  # GLBATCH has no external id field
    view = view_of(record)
    warnings = checked(RULES, view, facts)
    problems = Problems(RULES.display_name)
    posted = to_date(view["postedOn"])
    assert posted is not None
    journal = journal_symbol(str((view.get("journalRef") or {}).get("id")), facts)
    entries = [
        _entry(line, f"journalLines[{i}]", facts, problems)
        for i, line in enumerate(lines(view, "journalLines"))
    ]
    batch: dict[str, Any] = {
        "JOURNAL": journal,
        "BATCH_DATE": posted,
        "BATCH_TITLE": view.get("description"),
        "STATE": "Posted",
        **generic_custom_fields(custom_values(view, facts, "journalEntries")),
        "ENTRIES": {"GLENTRY": entries},
    }
    problems.raise_if_any()
    return WritePlan(
        function="create",
        body={OBJECT: batch},
        read_object=OBJECT,
        key_kind="recordno",
        lookup={
            "JOURNAL": str(journal),
            "BATCH_DATE": query_date(posted),
            "BATCH_TITLE": str(view["description"]),
        },
        warnings=warnings,
    )


def plan_delete(record_id: str, facts: CompanyFacts, *, operation_key: str) -> WritePlan:
    del facts, operation_key
    return delete_plan(OBJECT, record_id)


# --- read ----------------------------------------------------------------------------------------------


def _line_number(row: Mapping[str, Any]) -> int:
    number = text(row, "LINE_NO") or ""
    return int(number) if number.lstrip("-").isdigit() else 0


def _read_line(row: Mapping[str, Any], facts: CompanyFacts, base: str) -> JournalLine:
    amount = row_money(row, "TRX_AMOUNT", "AMOUNT") or Decimal(0)
    sign = -1 if (text(row, "TR_TYPE") or "1").strip() == "-1" else 1
    customer, vendor = text(row, "CUSTOMERID"), text(row, "VENDORID")
    contact: ContactRef | None = None
    if customer:
        contact = ContactRef(id=customer, data_type=ContactRefDataType.CUSTOMERS)
    elif vendor:
        contact = ContactRef(id=vendor, data_type=ContactRefDataType.SUPPLIERS)
    refs = [
        TrackingRecordRef(id=ref.id, data_type=TrackingRecordRefDataType.TRACKING_CATEGORIES)
        for ref in read_tracking(row, facts, gl=True, skip=("CUSTOMER", "SUPPLIER"))
    ]
    if customer and vendor:
        refs.append(TrackingRecordRef(id=vendor, data_type=TrackingRecordRefDataType.SUPPLIERS))
    description = text(row, "DESCRIPTION")
    return JournalLine(
        description=or_unset(description),
        net_amount=amount * sign,
        currency=text(row, "CURRENCY") or base,
        account_ref=account_ref(row, facts),
        contact_ref=contact,
        tracking=JournalLineTracking(record_refs=refs),
    )


def _journal_ref(header: Mapping[str, Any], facts: CompanyFacts) -> JournalRef | None:
    symbol = text(header, "JOURNAL")
    key = text(header, "JOURNALKEY") or next((k for k, v in facts.journals.items() if v == symbol), None)
    journal_id = key or symbol
    return JournalRef(id=journal_id, name=symbol) if journal_id else None


def to_unified(
    header: Mapping[str, Any], line_rows: Sequence[Mapping[str, Any]], facts: CompanyFacts
) -> JournalEntry:
    """A GLBATCH row and its GLENTRY rows as a unified journal entry (debits positive, credits negative)."""
    base = text(header, "BASECURR") or facts.base_currency
    title = text(header, "BATCH_TITLE")
    return JournalEntry(
        id=text(header, "RECORDNO"),
        description=or_unset(title),
        posted_on=read_date(text(header, "BATCH_DATE")),
        created_on=read_timestamp(text(header, "WHENCREATED")),
        updated_on=read_timestamp(text(header, "WHENMODIFIED")),
        journal_ref=_journal_ref(header, facts),
        journal_lines=[_read_line(row, facts, base) for row in sorted(line_rows, key=_line_number)],
        source_modified_date=read_timestamp(text(header, "WHENMODIFIED")),
        metadata=Metadata(is_deleted=False),
    )


READ = ReadSpec(
    data_type="journalEntries",
    object=OBJECT,
    fields=tuple(
        "RECORDNO BATCHNO JOURNAL JOURNALKEY BATCH_TITLE BATCH_DATE STATE WHENCREATED WHENMODIFIED".split()
    ),
    to_unified=to_unified,
    line_object="GLENTRY",
    line_fields=(
        *"RECORDNO BATCHNO LINE_NO TR_TYPE AMOUNT TRX_AMOUNT CURRENCY ACCOUNTKEY ACCOUNTNO".split(),
        *("ACCOUNTTITLE", "DESCRIPTION"),
        *(n for d in DIMENSIONS.values() for n in (d.gl_read_id, d.gl_read_name)),
    ),
    line_parent_field="BATCHNO",
)
