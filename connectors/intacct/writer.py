"""Carrying out unified writes in Intacct: plan, batch, send once, resolve duplicates, read back.

``PushExecutor.push`` takes many push requests of one company and answers one ``PushOutcome`` each:

1. decode each record into its unified model and plan it (``mapping/<type>.plan_*``); rule breaks, unknown
   dimensions and updates Intacct would refuse (a paid bill) become errors before anything is sent;
2. every plan is one write function with ``controlid = f"{operation_key}:0"``: derived from the operation,
   so a retry after a crash or a lost answer sends the same controlid and Intacct (``uniqueid=true``)
   refuses it as already done instead of writing twice;
3. the functions go in requests of at most ``functions_per_request`` (50 bills -> one HTTP call), each
   function's result going back to its own request;
4. a duplicate refusal is resolved by looking the record up with the plan's ``lookup`` filter;
5. the records written are read back — one request with a ``query`` per object holding all the keys of
   the batch, and their lines — and mapped with the type's ``READ.to_unified``, so ``record`` is the record
   as Intacct now holds it. A number Intacct replaced (auto-numbering) becomes a warning.

Failures become outcomes in ``outcomes.py`` (fields named, the specific Intacct error first, its wrappers
after, an HTTP-like status and whether a retry can help).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog

from connectors.base import PushOutcome, PushRequest, RecordChange, ValidationIssue
from connectors.errors import (
    ConnectorError,
    ConnectorNotFoundError,
    ConnectorRejectedError,
    ConnectorTransientError,
    ConnectorUnsupported,
    FieldIssue,
)
from connectors.intacct.client import Function
from connectors.intacct.errors import Action, IntacctDuplicateError, diagnose
from connectors.intacct.facts_loader import FactsLoader, Read, query_many
from connectors.intacct.mapping import TypeMapping, mapping_for
from connectors.intacct.mapping.bill_payments import currency_warning
from connectors.intacct.mapping.payments import summary_refusal
from connectors.intacct.outcomes import VALIDATOR, decode_error, failure
from connectors.intacct.query import And, Eq, In
from connectors.intacct.reader import records_by_key
from connectors.intacct.xml.response import FunctionResult
from connectors.intacct.xml.tree import to_element
from datamodel import ValidationError, convert, to_builtins

if TYPE_CHECKING:
    import msgspec

    from connectors.intacct.client import IntacctClient
    from connectors.intacct.mapping.facts import CompanyFacts
    from connectors.intacct.mapping.plan import WritePlan

__all__ = ["PushExecutor", "tracking_ids"]

log = structlog.get_logger(__name__)
#: The unified field holding the document number a plan may send (``WritePlan.sent_number``).
NUMBER_FIELDS = {
    "invoices": "invoiceNumber",
    "creditNotes": "creditNoteNumber",
    "billCreditNotes": "billCreditNoteNumber",
    "bills": "id",
}


# --- the executor --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Job:
    """One push request on its way through the executor."""

    request: PushRequest
    mapping: TypeMapping | None = None
    view: dict[str, Any] | None = None
    model: msgspec.Struct | None = None
    plan: WritePlan | None = None
    warnings: list[ValidationIssue] = field(default_factory=list)
    result: FunctionResult | None = None
    #: RECORDNO of the record written (or the DOCID of an Order Entry document).
    key: str | None = None
    outcome: PushOutcome | None = None

    @property
    def validator(self) -> str:
        rules = self.mapping.rules if self.mapping else None
        return rules.validator if rules is not None else VALIDATOR

    def fail(self, error: ConnectorError, action: Action | None = None) -> None:
        self.outcome = failure(
            self.request.operation_key, error, view=self.view, validator=self.validator, action=action
        )
        self.outcome.warnings = list(self.warnings)

    @property
    def controlid(self) -> str:
        return f"{self.request.operation_key}:0"


def tracking_ids(view: Any) -> set[str]:
    """Every tracking category id a record names (they may be exact names to look up)."""
    found: set[str] = set()
    if isinstance(view, Mapping):
        for key, child in view.items():
            if key in ("trackingCategoryRefs", "categoryRefs", "recordRefs") and isinstance(child, list):
                found |= {
                    str(ref["id"])
                    for ref in child
                    if isinstance(ref, Mapping)
                    and ref.get("id")
                    and ref.get("dataType") in (None, "trackingCategories")
                }
            else:
                found |= tracking_ids(child)
    elif isinstance(view, list):
        for child in view:
            found |= tracking_ids(child)
    return found


class PushExecutor:
    """Runs push requests for one connector (one Intacct company and entity)."""

    def __init__(self, client: IntacctClient, facts: FactsLoader) -> None:
        self._client = client
        self._facts = facts

    # -- preparing ------------------------------------------------------------------------------------

    def _decode(self, job: _Job) -> None:
        request = job.request
        try:
            mapping = job.mapping = mapping_for(request.data_type)
        except ConnectorUnsupported as exc:
            job.fail(exc)
            return
        if mapping.unsupported:
            job.fail(ConnectorUnsupported(mapping.unsupported))
            return
        planner = {
            "create": mapping.plan_create,
            "update": mapping.plan_update,
            "delete": mapping.plan_delete,
        }
        if planner.get(request.action) is None:
            job.fail(
                ConnectorUnsupported(
                    f"{request.action} of {request.data_type} is not supported by Sage Intacct"
                )
            )
            return
        if request.action in ("update", "delete") and not request.record_id:
            job.fail(
                ConnectorRejectedError(
                    f"An {request.action} needs the id of the record",
                    issues=[FieldIssue("id", "Must be provided.")],
                )
            )
            return
        if request.action == "delete":
            return
        if mapping.model is None or request.record is None:
            job.fail(
                ConnectorRejectedError(
                    "The push has no record", issues=[FieldIssue(None, "A record is required.")]
                )
            )
            return
        job.view = dict(request.record)
        try:
            job.model = convert(request.record, mapping.model)
        except ValidationError as exc:
            job.fail(decode_error(exc, request.data_type))
            return
        job.view = to_builtins(job.model)

    async def _prepare(self, jobs: Sequence[_Job]) -> CompanyFacts:
        """Decode, resolve dimension names, read what the checks need, plan."""
        for job in jobs:
            self._decode(job)
        live = [job for job in jobs if job.outcome is None]
        facts = await self._facts.get()
        names = set().union(*(tracking_ids(job.view) for job in live if job.view is not None))
        if names:
            facts = await self._facts.with_names(facts, names)
        current = await self._current_rows(live)
        for job in live:
            self._plan(job, facts, current)
        return facts

    async def _current_rows(self, jobs: Sequence[_Job]) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """Rows plans must see: documents to update (paid?) with their line counts, paid bills' currencies."""
        reads: list[tuple[tuple[str, str], Read]] = []
        updates: dict[str, set[str]] = {}
        bills: set[str] = set()
        for job in jobs:
            assert job.mapping is not None
            if job.request.action == "update" and job.mapping.update_refusal and job.mapping.record_object:
                updates.setdefault(job.mapping.record_object, set()).add(str(job.request.record_id))
            if (
                job.mapping.data_type == "billPayments"
                and job.view is not None
                and not job.view.get("currency")
            ):
                for line in job.view.get("lines") or []:
                    bills |= {
                        str(link["id"])
                        for link in line.get("links") or []
                        if link.get("type") == "Bill" and link.get("id")
                    }
        for obj, ids in updates.items():
            fields: tuple[str, ...] = ("RECORDNO", "RECORDID", "STATE", "TOTALPAID", "TRX_TOTALPAID")
            if obj == "ARINVOICE":
                fields += ("MODULEKEY",)
            reads.append(((obj, "header"), Read(obj, fields, In("RECORDNO", sorted(ids)))))
            if obj == "ARINVOICE":
                reads.append(
                    (
                        (obj, "lines"),
                        Read(
                            "ARINVOICEITEM",
                            ("RECORDNO", "RECORDKEY", "LINEITEM"),
                            In("RECORDKEY", sorted(ids)),
                        ),
                    )
                )
        if bills:
            reads.append(
                (
                    ("APBILL", "currency"),
                    Read("APBILL", ("RECORDNO", "CURRENCY", "BASECURR"), In("RECORDNO", sorted(bills))),
                )
            )
        if not reads:
            return {}
        rows = await query_many(self._client, [read for _, read in reads])
        return {key: found for (key, _), found in zip(reads, rows, strict=True)}

    def _plan(
        self, job: _Job, facts: CompanyFacts, current: Mapping[tuple[str, str], list[dict[str, Any]]]
    ) -> None:
        request, mapping = job.request, job.mapping
        assert mapping is not None
        key = request.operation_key
        try:
            if request.action == "create":
                assert mapping.plan_create is not None
                job.plan = mapping.plan_create(job.model, facts, operation_key=key)
            elif request.action == "update":
                assert mapping.plan_update is not None
                extra: dict[str, Any] = {}
                obj = mapping.record_object or ""
                if mapping.update_refusal is not None:
                    row = next(
                        (
                            r
                            for r in current.get((obj, "header"), [])
                            if r.get("RECORDNO") == request.record_id
                        ),
                        None,
                    )
                    if row is None:
                        raise ConnectorNotFoundError(
                            f"No {request.data_type} record with id {request.record_id} exists in Intacct"
                        )
                    refusal = mapping.update_refusal(row)
                    if refusal:
                        raise ConnectorRejectedError(refusal, issues=[FieldIssue("id", refusal)])
                if obj == "ARINVOICE":
                    extra["existing_lines"] = sum(
                        1
                        for r in current.get((obj, "lines"), [])
                        if r.get("RECORDKEY") == request.record_id and r.get("LINEITEM") != "F"
                    )
                job.plan = mapping.plan_update(
                    request.record_id, job.model, facts, operation_key=key, **extra
                )
            else:
                assert mapping.plan_delete is not None
                job.plan = mapping.plan_delete(request.record_id, facts, operation_key=key)
        except ConnectorError as exc:
            job.fail(exc)
            return
        except Exception as exc:  # a mapping bug must not take the other requests of the batch down
            log.exception("intacct.plan_failed", data_type=request.data_type, operation_key=key)
            job.fail(ConnectorError(f"The {request.data_type} record could not be mapped for Intacct: {exc}"))
            return
        job.warnings = [
            ValidationIssue(w.field, w.message, w.validator, "warning") for w in job.plan.warnings
        ]
        if mapping.data_type == "billPayments" and job.model is not None:
            warning = currency_warning(job.model, current.get(("APBILL", "currency"), []), facts)  # type: ignore[arg-type]
            if warning is not None:
                job.warnings.append(
                    ValidationIssue(warning.field, warning.message, warning.validator, "warning")
                )

    # -- validating -----------------------------------------------------------------------------------

    async def validate(self, request: PushRequest) -> list[ValidationIssue]:
        """Rule breaks (errors, then warnings) of one request, without sending anything."""
        job = _Job(request)
        self._decode(job)
        if job.outcome is not None:
            return job.outcome.errors
        if request.action == "delete":
            return []
        assert job.mapping is not None and job.view is not None
        facts = await self._facts.get()
        issues: list[ValidationIssue] = []
        view = {**job.view, "id": request.record_id} if request.action == "update" else job.view
        if job.mapping.rules is not None:
            for issue in job.mapping.rules.validate(view, facts):
                issues.append(ValidationIssue(issue.field, issue.message, issue.validator, issue.severity))
        if any(issue.severity == "error" for issue in issues) or request.action != "create":
            return issues
        names = tracking_ids(job.view)
        if names:
            facts = await self._facts.with_names(facts, names)
        self._plan(job, facts, {})
        if job.outcome is not None:
            issues += [i for i in job.outcome.errors if i not in issues]
        return issues

    # -- pushing --------------------------------------------------------------------------------------

    async def push(self, requests: Sequence[PushRequest]) -> list[PushOutcome]:
        """One outcome per request, in order (see the module docstring for the steps)."""
        jobs = [_Job(request) for request in requests]
        keys = [r.operation_key for r in requests]
        if len(set(keys)) != len(keys):
            raise ValueError("operation keys must be unique within one push call")
        try:
            facts = await self._prepare(jobs)
        except ConnectorError as exc:
            return [job.outcome or failure(job.request.operation_key, exc) for job in jobs]
        sending = [job for job in jobs if job.outcome is None and job.plan is not None]
        await self._send(sending)
        await self._resolve_duplicates([job for job in sending if job.outcome is None])
        await self._read_back(facts, [job for job in sending if job.outcome is None])
        return [
            job.outcome or failure(job.request.operation_key, ConnectorError("not executed")) for job in jobs
        ]

    async def _send(self, jobs: Sequence[_Job]) -> None:
        per_request = self._client.limits.functions_per_request
        chunks = [jobs[i : i + per_request] for i in range(0, len(jobs), per_request)]

        async def run(chunk: Sequence[_Job]) -> None:
            functions = []
            for job in chunk:
                assert job.plan is not None
                functions.append(Function.write(to_element(job.plan.function, job.plan.body), job.controlid))
            try:
                results = await self._client.execute(functions)
            except ConnectorError as exc:
                log.info("intacct.push_request_failed", size=len(chunk), reason=exc.message)
                for job in chunk:
                    job.fail(exc)
                return
            for job, result in zip(chunk, results, strict=True):
                self._take(job, result)

        await asyncio.gather(*(run(chunk) for chunk in chunks))

    def _take(self, job: _Job, result: FunctionResult) -> None:
        """The key of what was written, or the failure (duplicates wait for ``_resolve_duplicates``)."""
        plan = job.plan
        assert plan is not None
        job.result = result
        if not result.ok:
            error = result.error or diagnose(result.errors, level="result").error
            if isinstance(error, IntacctDuplicateError) and not error.record_exists:
                return  # already executed: looked up next
            if job.request.data_type == "payments":
                error = summary_refusal(error) or error
            job.fail(error, result.action)
            return
        if plan.key_kind in ("key", "docid"):
            job.key = result.key
        elif plan.key_kind == "recordno":
            job.key = str(result.records[0].get("RECORDNO") or "") if result.records else None
        else:
            job.key = plan.lookup.get("RECORDNO") or job.request.record_id
        if not job.key and job.request.action != "delete":
            job.fail(ConnectorError(f"Intacct answered {plan.function} without the key of the record"))

    async def _resolve_duplicates(self, jobs: Iterable[_Job]) -> None:
        """Writes Intacct refused as already done: find what they wrote (``plan.lookup``), never rewrite."""
        pending = [job for job in jobs if job.result is not None and not job.result.ok]
        if not pending:
            return
        reads: list[Read] = []
        for job in pending:
            plan = job.plan
            assert plan is not None
            log.info("intacct.duplicate_resolving", controlid=job.controlid, lookup=dict(plan.lookup))
            fields = ["RECORDNO"] + (["DOCID"] if plan.key_kind == "docid" else [])
            conditions = [Eq(k, v) for k, v in plan.lookup.items()]
            reads.append(Read(plan.read_object, fields, And(*conditions) if conditions else None))
        try:
            found = await query_many(self._client, reads)
        except ConnectorError as exc:
            for job in pending:
                job.fail(exc)
            return
        for job, rows in zip(pending, found, strict=True):
            plan = job.plan
            assert plan is not None
            if job.request.action == "delete" or (plan.key_kind == "none" and job.request.action == "update"):
                job.key = plan.lookup.get("RECORDNO") or job.request.record_id
                continue
            if not rows:
                job.fail(
                    ConnectorRejectedError(
                        f"Intacct says this write (control id {job.controlid}) was already done, but no "
                        f"{plan.read_object} matching {dict(plan.lookup)} can be found; check Intacct before "
                        "pushing it again",
                        errors=list(job.result.errors) if job.result else [],
                    )
                )
                continue
            newest = max(rows, key=lambda r: int(str(r.get("RECORDNO") or 0)))
            job.key = str(newest.get("DOCID") if plan.key_kind == "docid" else newest.get("RECORDNO"))
            job.warnings.append(
                ValidationIssue(
                    None,
                    "Intacct had already recorded this write; the existing record is returned.",
                    VALIDATOR,
                    "warning",
                )
            )

    # -- reading back -----------------------------------------------------------------------------------

    async def _read_back(self, facts: CompanyFacts, jobs: Sequence[_Job]) -> None:
        """Map each written record as Intacct holds it (one request for all; sales invoices take two)."""
        numbers: dict[int, dict[str, Any]] = {}
        unread = "The record was written but could not be read back."
        try:
            await self._sales_invoices(jobs, numbers)
            reading = [job for job in jobs if job.outcome is None and job.request.action != "delete"]
            groups: dict[int, tuple[Any, list[_Job]]] = {}
            for job in reading:
                assert job.mapping is not None and job.mapping.read is not None
                groups.setdefault(id(job.mapping.read), (job.mapping.read, []))[1].append(job)
            wanted = [(spec, [str(job.key) for job in members]) for spec, members in groups.values()]
            found = await records_by_key(self._client, facts, wanted)
        except ConnectorTransientError as exc:
            for job in jobs:
                if job.outcome is None:
                    job.fail(exc)  # retryable: the retry finds the write as a duplicate and reads it again
            return
        except ConnectorError as exc:
            log.warning("intacct.read_back_failed", reason=exc.message)
            found, groups = [], {}
            unread = f"The record was written but could not be read back: {exc.message}"
        by_job: dict[int, tuple[dict[str, Any], dict[str, Any] | None]] = {}
        for (_, members), rows in zip(groups.values(), found, strict=True):
            for job in members:
                hit = rows.get(str(job.key))
                if hit is not None:
                    by_job[id(job)] = hit
        for job in jobs:
            if job.outcome is not None:
                continue
            row, record = by_job.get(id(job), (None, None))
            if record is None and job.request.action != "delete" and row is None:
                job.warnings.append(ValidationIssue(None, unread, VALIDATOR, "warning"))
            _succeed(job, record, numbers.get(id(job), row))

    async def _sales_invoices(self, jobs: Sequence[_Job], numbers: dict[int, dict[str, Any]]) -> None:
        """Order Entry answers with the DOCID; the unified invoice is the AR invoice it generated."""
        docs = [
            job
            for job in jobs
            if job.outcome is None and job.plan is not None and job.plan.key_kind == "docid"
        ]
        if not docs:
            return
        (rows,) = await query_many(
            self._client,
            [
                Read(
                    "SODOCUMENT",
                    ("RECORDNO", "DOCID", "DOCNO", "PRRECORDKEY"),
                    In("DOCID", sorted({str(j.key) for j in docs})),
                )
            ],
        )
        by_docid = {str(row.get("DOCID")): row for row in rows}
        for job in docs:
            row = by_docid.get(str(job.key))
            invoice = str(row.get("PRRECORDKEY") or "") if row else ""
            if not invoice:
                job.fail(ConnectorError(f"Intacct created {job.key} but no AR invoice can be found for it"))
                continue
            numbers[id(job)] = row or {}
            job.key = invoice


def _succeed(job: _Job, record: Mapping[str, Any] | None, row: Mapping[str, Any] | None) -> None:
    """The successful outcome of a job, from its record as read back (``None`` for deletes)."""
    request, plan = job.request, job.plan
    assert plan is not None
    record_id = str((record or {}).get("id") or job.key or request.record_id or "")
    change = {"create": "Created", "update": "Modified", "delete": "Deleted"}[request.action]
    if plan.sent_number and row is not None and plan.number_field:
        kept = row.get(plan.number_field)
        if kept and str(kept) != plan.sent_number:
            job.warnings.append(
                ValidationIssue(
                    NUMBER_FIELDS.get(request.data_type, plan.number_field),
                    f"Sage Intacct numbers these documents: {plan.sent_number!r} was replaced by {kept!r}.",
                    job.validator,
                    "warning",
                )
            )
    job.outcome = PushOutcome(
        operation_key=request.operation_key,
        ok=True,
        record=dict(record) if record is not None else None,
        record_id=record_id,
        changes=[RecordChange(change, record_id, request.data_type)],
        warnings=job.warnings,
    )
