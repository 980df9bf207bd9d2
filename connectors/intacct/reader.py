"""Reading unified records out of Intacct: pulls page by page, id scans, and records by key.

A pull of one data type runs each of its ``ReadSpec``s: ``query`` of the header object with the spec's
fields (pagesize 2000; later pages fetched concurrently within the company's limits), filtered by the
spec's ``where`` and, for incremental pulls, ``WHENMODIFIED`` at or after the watermark. A spec with lines
reads them with ``line_parent_field IN (page keys)`` — 1,000 keys per ``in`` — and those reads ride in the
request that fetches a later header page (``document_pages``), so lines cost one extra request per pull,
not one per page. Each page's rows are grouped per header and mapped with ``to_unified`` and the page is
yielded before the next is mapped; memory is bounded by a few pages, never by the data set.

``list_ids`` reads only the key field. ``records_by_key`` is what the push executor reads written
records back with: the headers and lines of many keys of several objects in one request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import structlog

from connectors.base import ReadPage
from connectors.errors import ConnectorProtocolError, ConnectorRejectedError
from connectors.intacct.document_pages import document_pages
from connectors.intacct.facts_loader import FactsLoader, Read, query_many, unqueryable, without
from connectors.intacct.mapping import mapping_for
from connectors.intacct.mapping import payment_methods as methods
from connectors.intacct.mapping.company_info import ENTITY_FIELDS, ENTITY_OBJECT, company_info
from connectors.intacct.mapping.tracking_categories import DIMENSIONS, parent_categories, udd_read_spec
from connectors.intacct.query import And, Eq, Filter, In, modified_since
from connectors.intacct.xml import functions as fn
from datamodel import to_builtins

if TYPE_CHECKING:
    from connectors.intacct.client import IntacctClient
    from connectors.intacct.mapping.facts import CompanyFacts
    from connectors.intacct.mapping.plan import ReadSpec

__all__ = ["IN_LIMIT", "Reader", "records_by_key"]

log = structlog.get_logger(__name__)
Row = dict[str, Any]
Record = dict[str, Any]
#: Values one ``in`` filter may hold.
IN_LIMIT: Final = 1000
_DIMENSION_OF: Final = {dim.object: dim for dim in DIMENSIONS}


def _chunks(values: Sequence[str], size: int = IN_LIMIT) -> list[list[str]]:
    return [list(values[i : i + size]) for i in range(0, len(values), size)]


def _header_fields(spec: ReadSpec, *extra: str) -> list[str]:
    return list(dict.fromkeys([*spec.fields, spec.key_field, *extra]))


def _line_reads(spec: ReadSpec, keys: Sequence[str]) -> list[Read]:
    if spec.line_object is None or not keys:
        return []
    fields = list(dict.fromkeys([*spec.line_fields, spec.line_parent_field]))
    return [Read(spec.line_object, fields, In(spec.line_parent_field, chunk)) for chunk in _chunks(keys)]


async def _without_lines(pages: AsyncIterator[list[Row]]) -> AsyncIterator[tuple[list[Row], list[Row]]]:
    async for page in pages:
        yield page, []


def _key(row: Mapping[str, Any], field: str) -> str:
    value = row.get(field)
    return value.strip() if isinstance(value, str) else ""


def assemble(
    spec: ReadSpec, headers: Sequence[Row], lines: Sequence[Row], facts: CompanyFacts
) -> list[tuple[Row, Record | None]]:
    """Each header with its unified record (``None`` when the mapper says the row is not of this type)."""
    grouped: dict[str, list[Row]] = {}
    for line in lines:
        grouped.setdefault(_key(line, spec.line_parent_field), []).append(line)
    out: list[tuple[Row, Record | None]] = []
    for header in headers:
        key = _key(header, spec.key_field)
        try:
            unified = spec.to_unified(header, grouped.get(key, []), facts)
        except ConnectorProtocolError:
            raise
        except Exception as exc:  # a row the mapper cannot read: say which, keep the cause
            log.exception("intacct.row_not_mapped", object=spec.object, key=key)
            raise ConnectorProtocolError(f"Intacct's {spec.object} {key} could not be mapped: {exc}") from exc
        out.append((header, to_builtins(unified) if unified is not None else None))
    return out


async def records_by_key(
    client: IntacctClient, facts: CompanyFacts, wanted: Sequence[tuple[ReadSpec, Sequence[str]]]
) -> list[dict[str, tuple[Row, Record | None]]]:
    """For each (spec, RECORDNOs): RECORDNO -> (header row, unified record); one request for all."""
    reads: list[Read] = []
    plan: list[tuple[int, int, int]] = []  # per spec: index of its first read, header reads, line reads
    for spec, keys in wanted:
        unique = sorted(set(keys))
        headers = [
            Read(spec.object, _header_fields(spec, "RECORDNO"), In("RECORDNO", c)) for c in _chunks(unique)
        ]
        lines = _line_reads(spec, unique) if spec.key_field == "RECORDNO" else []
        plan.append((len(reads), len(headers), len(lines)))
        reads += headers + lines
    rows: list[list[Row]] = await query_many(client, reads) if reads else []
    out: list[dict[str, tuple[Row, Record | None]]] = []
    for (spec, _), (start, n_headers, n_lines) in zip(wanted, plan, strict=True):
        header_rows = [row for found in rows[start : start + n_headers] for row in found]
        line_rows = [row for found in rows[start + n_headers : start + n_headers + n_lines] for row in found]
        mapped = assemble(spec, header_rows, line_rows, facts)
        out.append({_key(row, "RECORDNO"): (row, record) for row, record in mapped})
    return out


class Reader:
    """Pulls and id scans for one connector (one Intacct company and entity)."""

    def __init__(
        self, client: IntacctClient, facts: FactsLoader, *, page_size: int = fn.QUERY_MAX_PAGESIZE
    ) -> None:
        self._client = client
        self._facts = facts
        #: Header rows per page (Intacct's maximum by default); lines follow their page.
        self.page_size = page_size

    def _specs(self, data_type: str, facts: CompanyFacts) -> tuple[ReadSpec, ...]:
        mapping = mapping_for(data_type)
        if mapping.data_type == "trackingCategories":
            return (*mapping.reads, *(udd_read_spec(name) for name in facts.custom_dimensions))
        return mapping.reads

    @staticmethod
    def _filter(spec: ReadSpec, since: dt.datetime | None) -> Filter | None:
        conditions: list[Filter] = [spec.where] if spec.where is not None else []
        if since is not None and spec.incremental:
            conditions.append(modified_since(since))
        return And(*conditions) if conditions else None

    async def read(
        self, data_type: str, *, modified_since: dt.datetime | None = None
    ) -> AsyncIterator[ReadPage]:
        """Pages of unified records changed since ``modified_since`` (everything when ``None``)."""
        canonical = mapping_for(data_type).data_type
        facts = await self._facts.get()
        if canonical == "paymentMethods":
            yield ReadPage([to_builtins(m) for m in methods.records(facts)])
            return
        if canonical == "companyInfo":
            yield ReadPage([await self._company_info(facts)], total=1)
            return
        dimensions_seen: list[str] = []
        specs = self._specs(canonical, facts)
        for spec in specs:
            yielded = False
            try:
                async for page, lines in self._pages(spec, self._filter(spec, modified_since)):
                    records = [r for _, r in assemble(spec, page, lines, facts) if r]
                    if records:
                        yielded = True
                        # Intacct's count for the whole read, when one object answers all of it.
                        total = getattr(page, "total", None) if len(specs) == 1 else None
                        yield ReadPage(records, total=total)
            except (ConnectorProtocolError, ConnectorRejectedError) as exc:
                if canonical != "trackingCategories" or yielded:
                    raise
                log.info("intacct.dimension_unavailable", object=spec.object, reason=exc.message)
                continue
            if yielded and canonical == "trackingCategories":
                dim = _DIMENSION_OF.get(spec.object)
                dimensions_seen.append(dim.key if dim is not None else spec.object)
        if dimensions_seen:
            yield ReadPage([to_builtins(parent) for parent in parent_categories(dimensions_seen)])

    def _source(
        self, spec: ReadSpec, fields: list[str], condition: Filter | None
    ) -> AsyncIterator[tuple[list[Row], list[Row]]]:
        if spec.line_object is None:
            return _without_lines(
                self._client.query(spec.object, fields, filter=condition, pagesize=self.page_size)
            )
        return document_pages(
            self._client,
            spec.object,
            fields,
            lambda rows: _line_reads(spec, [_key(r, spec.key_field) for r in rows]),
            filter=condition,
            pagesize=self.page_size,
        )

    async def _pages(
        self, spec: ReadSpec, condition: Filter | None
    ) -> AsyncIterator[tuple[list[Row], list[Row]]]:
        """(header page, its lines) of ``spec``; fields ``query`` cannot return are dropped and asked
        for again."""
        fields = _header_fields(spec)
        started = False
        for _ in range(3):
            try:
                async for page in self._source(spec, fields, condition):
                    started = True
                    yield page
                return
            except ConnectorProtocolError as exc:
                kept = without(fields, unqueryable(exc))
                if started or not kept or len(kept) == len(fields):
                    raise
                log.warning(
                    "intacct.fields_not_queryable", object=spec.object, fields=sorted(unqueryable(exc))
                )
                fields = kept

    async def _company_info(self, facts: CompanyFacts) -> Record:
        entity: Row | None = None
        if facts.entity_id:
            (rows,) = await query_many(
                self._client, [Read(ENTITY_OBJECT, ENTITY_FIELDS, Eq("LOCATIONID", facts.entity_id))]
            )
            entity = rows[0] if rows else None
        info = to_builtins(company_info(facts, entity, today=dt.date.today()))
        assert isinstance(info, dict)
        return info

    async def list_ids(self, data_type: str) -> set[str]:
        """Every id of ``data_type`` in Intacct now (only the key fields are read)."""
        canonical = mapping_for(data_type).data_type
        facts = await self._facts.get()
        if canonical == "paymentMethods":
            return {m.id for m in methods.records(facts) if isinstance(m.id, str)}
        if canonical == "companyInfo":
            return set()
        ids: set[str] = set()
        for spec in self._specs(canonical, facts):
            dim = _DIMENSION_OF.get(spec.object) if canonical == "trackingCategories" else None
            field = dim.id_field if dim is not None else spec.key_field
            prefix = (
                f"{dim.key}-"
                if dim is not None
                else f"{spec.object}-"
                if canonical == "trackingCategories"
                else ""
            )
            found: set[str] = set()
            try:
                async for page in self._client.query(
                    spec.object, [field], filter=self._filter(spec, None), pagesize=fn.QUERY_MAX_PAGESIZE
                ):
                    found |= {f"{prefix}{value}" for row in page if (value := _key(row, field))}
            except (ConnectorProtocolError, ConnectorRejectedError):
                if canonical != "trackingCategories":
                    raise
                continue
            if found and canonical == "trackingCategories":
                found.add(dim.key if dim is not None else spec.object)
            ids |= found
        return ids
