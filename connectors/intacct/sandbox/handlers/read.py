"""``readByQuery``, ``readMore``, ``read`` and ``readByName``.

``readByQuery`` takes a query string (``querylang``) that compares stored codes (``STATUS = 'T'``),
``fields`` (``*`` or a comma list), ``pagesize`` 1-1000 (default 100). Answer:
``<data listtype="vendor" count totalcount numremaining resultId>`` with lower-case records; when rows
remain, the rest is kept under ``resultId`` for ``readMore`` (which fails with ``readMore failed`` once
the id is unknown, used up or expired). ``read`` (RECORDNO keys) and ``readByName`` (id keys) print
upper-case records with owned fields and lines nested, at most 100 keys.
"""

from __future__ import annotations

import secrets

from lxml import etree

from connectors.intacct.sandbox.predicates import FilterError, fields_of
from connectors.intacct.sandbox.printing import (
    canonical,
    check_object,
    flat_record,
    int_option,
    nested_record,
    object_of,
    request_error,
    split_list,
)
from connectors.intacct.sandbox.querylang import QueryParseError, parse_query
from connectors.intacct.sandbox.reader import Reader, Visibility
from connectors.intacct.sandbox.registry import CallContext, FunctionFailed, IntacctError, handler
from connectors.intacct.sandbox.schema import spec_for
from connectors.intacct.sandbox.state import Record, ResultSet, SandboxState

_MAX_KEYS = 100


def _visibility(ctx: CallContext) -> Visibility:
    # readByQuery/read have no showprivate option: at top level they see every entity's records
    # (assumption; intacct-behaviour §8 documents showprivate for query only).
    return Visibility(ctx.entity.id if ctx.entity else None, show_private=True)


def _fields(reader: Reader, obj: str, text: str | None) -> list[str]:
    names = split_list(text)
    if not names or names == ["*"]:
        return reader.star_fields(obj)
    unknown = reader.unknown_fields(obj, names, relations=False)
    if unknown:
        raise FunctionFailed(request_error(f"Unknown field(s) for {obj}: {', '.join(unknown)}."))
    return [n.upper() for n in names]


def _page_element(
    listtype: str, rows: list[Record], reader: Reader, obj: str, fields: list[str]
) -> list[etree._Element]:
    tag = listtype
    return [flat_record(tag, reader.project(obj, row, fields)) for row in rows]


def _drop_expired(state: SandboxState) -> None:
    now = state.now()
    for key in [k for k, rs in state.result_sets.items() if rs.expires_at <= now]:
        del state.result_sets[key]


@handler("readByQuery")
def read_by_query(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    obj = canonical(object_of(element))
    reader = Reader(ctx.company)
    check_object(reader.knows_object(obj), obj)
    fields = _fields(reader, obj, element.findtext("fields"))
    pagesize = int_option(element, "pagesize", 100, 1, 1000)
    try:
        node = parse_query(element.findtext("query"))
    except QueryParseError as exc:
        raise FunctionFailed(request_error(str(exc))) from None
    if node is not None:
        unknown = reader.unknown_fields(obj, fields_of(node), relations=False)
        if unknown:
            raise FunctionFailed(request_error(f"Unknown field(s) in the query: {', '.join(unknown)}."))
    try:
        rows = reader.select(
            obj,
            node,
            visibility=_visibility(ctx),
            coded=True,
            docparid=(element.findtext("docparid") or "").strip() or None,
        )
    except FilterError as exc:
        raise FunctionFailed(request_error(str(exc))) from None
    listtype = obj.lower()
    page, rest = rows[:pagesize], rows[pagesize:]
    result_id = ""
    if rest and ctx.sandbox is not None:
        _drop_expired(ctx.sandbox)
        result_id = secrets.token_hex(8) + "VyprCMCoHYQAAGr@aRs"
        ctx.sandbox.result_sets[result_id] = ResultSet(
            result_id=result_id,
            company_id=ctx.company.company_id,
            listtype=listtype,
            fields=fields,
            rows=rows,
            position=len(page),
            pagesize=pagesize,
            expires_at=ctx.sandbox.now() + ctx.sandbox.result_ttl,
        )
    data = etree.Element("data", listtype=listtype, count=str(len(page)), totalcount=str(len(rows)))
    data.set("numremaining", str(len(rest)))
    data.set("resultId", result_id)
    data.extend(_page_element(listtype, page, reader, obj, fields))
    return [data]


@handler("readMore")
def read_more(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    result_id = (element.findtext("resultId") or "").strip()
    state = ctx.sandbox
    if state is not None:
        _drop_expired(state)
    found = state.result_sets.get(result_id) if state is not None else None
    if found is None or found.company_id != ctx.company.company_id:
        raise FunctionFailed(
            IntacctError(
                "readMore failed",
                "",
                f"Attempt to readMore with an invalid or expired resultId: {result_id}",
                "",
            )
        )
    assert state is not None
    reader = Reader(ctx.company)
    obj = found.listtype.upper()
    page = found.rows[found.position : found.position + found.pagesize]
    found.position += len(page)
    remaining = len(found.rows) - found.position
    if remaining <= 0:
        del state.result_sets[result_id]
    data = etree.Element(
        "data", listtype=found.listtype, count=str(len(page)), totalcount=str(len(found.rows))
    )
    data.set("numremaining", str(max(remaining, 0)))
    data.set("resultId", result_id)
    data.extend(_page_element(found.listtype, page, reader, obj, found.fields))
    return [data]


def _read_records(ctx: CallContext, element: etree._Element, by_name: bool) -> list[etree._Element]:
    obj = canonical(object_of(element))
    reader = Reader(ctx.company)
    check_object(reader.knows_object(obj), obj)
    keys = split_list(element.findtext("keys"))
    if len(keys) > _MAX_KEYS:
        raise FunctionFailed(
            request_error(f"At most {_MAX_KEYS} keys can be read at once; {len(keys)} were sent.")
        )
    star = split_list(element.findtext("fields")) in ([], ["*"])
    fields = _fields(reader, obj, element.findtext("fields"))
    visibility = _visibility(ctx)
    spec = spec_for(obj)
    records: list[Record] = []
    if by_name:
        id_field = spec.id_field if spec is not None else None
        if id_field is None:
            raise FunctionFailed(request_error(f"readByName is not available for {obj}."))
        index = reader.index(obj, id_field)
        records = [index[k] for k in keys if k in index]
    else:
        table = ctx.company.table(obj)
        records = [table[int(k)] for k in keys if k.isdigit() and int(k) in table]
    docparid = (element.findtext("docparid") or "").strip()
    records = [
        r
        for r in records
        if visibility.allows(r) and (obj != "SODOCUMENT" or not docparid or r.get("DOCPARID") == docparid)
    ]
    data = etree.Element("data", listtype=obj, count=str(len(records)))
    for record in records:
        printed = nested_record(obj, reader.project(obj, record, fields))
        if star and spec is not None and spec.lines is not None:
            wrapper = etree.SubElement(printed, spec.lines.wrapper)
            line_obj = spec.lines.object
            line_fields = reader.star_fields(line_obj)
            for line in reader.lines_of(obj, record):
                wrapper.append(nested_record(line_obj.lower(), reader.project(line_obj, line, line_fields)))
        data.append(printed)
    return [data]


@handler("read")
def read(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    return _read_records(ctx, element, by_name=False)


@handler("readByName")
def read_by_name(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    return _read_records(ctx, element, by_name=True)
