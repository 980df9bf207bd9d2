"""``query`` (the newer query function), ``lookup`` and ``getDimensions``.

``query``: ``select`` of fields (dotted related fields allowed: ``VENDOR.CREDITLIMIT``) and aggregates
(``count`` -> ``COUNT.<field>``, ``sum`` -> ``<field>``, ``avg``/``min``/``max`` -> ``AVG.``/``MIN.``/
``MAX.<field>``; the non-aggregated fields group), ``filter`` with every operator, ``orderby``,
``options`` (``caseinsensitive``, ``showprivate``), ``pagesize`` 1-2000 (default 100), ``offset``.
Answer: ``<data listtype="OBJECT" totalcount offset count numremaining>`` with upper-case records.
Filters compare printed values (``STATUS`` = ``active``), unlike readByQuery strings.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from lxml import etree

from connectors.intacct.sandbox.predicates import FilterError, Node, fields_of, from_xml_filter
from connectors.intacct.sandbox.printing import (
    cannot_query,
    canonical,
    check_object,
    flat_record,
    flat_records,
    int_option,
    object_of,
    plain_decimal,
    request_error,
)
from connectors.intacct.sandbox.reader import Order, Reader, Visibility
from connectors.intacct.sandbox.registry import CallContext, FunctionFailed, handler
from connectors.intacct.sandbox.schema import field_kind, sort_key, spec_for
from connectors.intacct.sandbox.state import Record

_AGGREGATES = ("count", "sum", "avg", "min", "max")


def _flag(element: etree._Element | None, tag: str) -> bool:
    if element is None:
        return False
    return (element.findtext(tag) or "").strip().lower() == "true"


def _select(element: etree._Element) -> list[tuple[str, str]]:
    select = element.find("select")
    items = (
        []
        if select is None
        else [(str(c.tag), (c.text or "").strip()) for c in select if isinstance(c.tag, str)]
    )
    items = [(kind, name.upper()) for kind, name in items if name]
    if not items:
        raise FunctionFailed(request_error("The query needs at least one <field> in <select>."))
    unknown = [kind for kind, _ in items if kind != "field" and kind not in _AGGREGATES]
    if unknown:
        raise FunctionFailed(request_error(f"Unknown select element(s): {', '.join(unknown)}."))
    return items


def _orders(element: etree._Element) -> list[Order]:
    orderby = element.find("orderby")
    if orderby is None:
        return []
    orders = []
    for order in orderby.findall("order"):
        name = (order.findtext("field") or "").strip().upper()
        if name:
            orders.append(Order(name, descending=order.find("descending") is not None))
    return orders


def _output_name(kind: str, name: str) -> str:
    if kind == "field" or kind == "sum":
        return name
    return f"{kind.upper()}.{name}"


@handler("query")
def query(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    obj = canonical(object_of(element))
    reader = Reader(ctx.company)
    check_object(reader.knows_object(obj), obj)
    items = _select(element)
    orders = _orders(element)
    filter_el = element.find("filter")
    try:
        node: Node | None = from_xml_filter(filter_el) if filter_el is not None else None
    except FilterError as exc:
        raise FunctionFailed(request_error(str(exc))) from None
    names = [name for _, name in items] + [o.field for o in orders]
    names += list(fields_of(node)) if node is not None else []
    unknown = reader.unknown_fields(obj, dict.fromkeys(names), relations=True)
    if unknown:
        raise FunctionFailed(cannot_query(obj, unknown))
    options = element.find("options")
    pagesize = int_option(element, "pagesize", 100, 1, 2000)
    offset = int_option(element, "offset", 0, 0, 10**12)
    visibility = Visibility(ctx.entity.id if ctx.entity else None, show_private=_flag(options, "showprivate"))
    try:
        rows = reader.select(
            obj,
            node,
            visibility=visibility,
            coded=False,
            caseinsensitive=_flag(options, "caseinsensitive"),
            order=orders,
            docparid=(element.findtext("docparid") or "").strip() or None,
        )
    except FilterError as exc:
        raise FunctionFailed(request_error(str(exc))) from None
    if any(kind != "field" for kind, _ in items):
        grouped = _aggregate(reader, obj, rows, items)
        total, page = len(grouped), grouped[offset : offset + pagesize]
        records = [flat_record(obj, pairs) for pairs in page]
    else:
        names = [name for _, name in items]
        total = len(rows)
        selected = rows[offset : offset + pagesize]
        records = list(flat_records(obj, names, reader.values(obj, selected, names)))
    data = etree.Element("data", listtype=obj, totalcount=str(total), offset=str(offset))
    data.set("count", str(len(records)))
    data.set("numremaining", str(max(total - offset - len(records), 0)))
    data.extend(records)
    return [data]


def _aggregate(
    reader: Reader, obj: str, rows: list[Record], items: list[tuple[str, str]]
) -> list[list[tuple[str, str]]]:
    """Group by the non-aggregated fields (SQL semantics: COUNT counts non-empty values)."""
    keys = [name for kind, name in items if kind == "field"]
    groups: dict[tuple[str, ...], list[Record]] = {}
    for row in rows:
        groups.setdefault(tuple(reader.value(obj, row, k) for k in keys), []).append(row)
    if not keys and not groups:
        groups[()] = []
    out = []
    for group_key, members in groups.items():
        values = dict(zip(keys, group_key, strict=True))
        pairs = []
        for kind, name in items:
            if kind == "field":
                pairs.append((name, values[name]))
                continue
            column = [v for v in (reader.value(obj, r, name) for r in members) if v != ""]
            pairs.append((_output_name(kind, name), _compute(kind, name, column)))
        out.append(pairs)
    return out


def _compute(kind: str, name: str, column: list[str]) -> str:
    if kind == "count":
        return str(len(column))
    if not column:
        return ""
    if kind in ("min", "max"):
        typed = field_kind(name)
        chosen = (min if kind == "min" else max)(column, key=lambda v: sort_key(typed, v))
        return chosen
    try:
        numbers = [Decimal(v) for v in column]
    except InvalidOperation:
        raise FunctionFailed(request_error(f"{kind} needs a numeric field; {name} is not.")) from None
    total = sum(numbers, Decimal(0))
    if kind == "sum":
        return plain_decimal(total)
    return plain_decimal((total / len(numbers)).quantize(Decimal("0.0001")))


_DIMENSIONS = (
    ("DEPARTMENT", "Department"),
    ("LOCATION", "Location"),
    ("PROJECT", "Project"),
    ("CUSTOMER", "Customer"),
    ("VENDOR", "Vendor"),
    ("EMPLOYEE", "Employee"),
    ("ITEM", "Item"),
    ("CLASS", "Class"),
    ("WAREHOUSE", "Warehouse"),
)


@handler("getDimensions")
def get_dimensions(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    """The standard dimensions (no user-defined ones in the sandbox)."""
    dimensions = etree.Element("dimensions")
    for name, label in _DIMENSIONS:
        item = etree.SubElement(dimensions, "dimension")
        for tag, value in (
            ("objectName", name),
            ("objectLabel", label),
            ("termLabel", label),
            ("userDefinedDimension", "false"),
            ("enabledInGL", "true"),
        ):
            etree.SubElement(item, tag).text = value
    data = etree.Element("data")
    data.append(dimensions)
    return [data]


_AUDIT_FIELDS = {"RECORDNO", "WHENCREATED", "WHENMODIFIED", "CREATEDBY", "MODIFIEDBY", "AUWHENCREATED"}


def _datatype(name: str) -> str:
    kind = field_kind(name)
    if kind == "number":
        return "INTEGER" if name == "RECORDNO" or name.endswith("KEY") else "DECIMAL"
    if kind == "date":
        return "TIMESTAMP" if name in ("WHENMODIFIED", "AUWHENCREATED") else "DATE"
    return "TEXT"


@handler("lookup")
def lookup(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    """Object definition: fields (type, required, read-only, valid values) and many-to-one relations."""
    obj = canonical(object_of(element))
    reader = Reader(ctx.company)
    check_object(reader.knows_object(obj), obj)
    spec = spec_for(obj)
    listed = set(spec.fields) if spec is not None else set()
    type_el = etree.Element("Type", Name=obj, DocumentType=(element.findtext("docparid") or "").strip())
    fields_el = etree.SubElement(type_el, "Fields")
    for name in reader.star_fields(obj):
        field_el = etree.SubElement(fields_el, "Field")
        codes = spec.codes.get(name) if spec is not None else None
        for tag, value in (
            ("ID", name),
            ("LABEL", name.replace("_", " ").title()),
            ("DESCRIPTION", ""),
            ("REQUIRED", "true" if spec is not None and name == spec.id_field else "false"),
            ("READONLY", "true" if name in _AUDIT_FIELDS else "false"),
            ("DATATYPE", "ENUM" if codes else _datatype(name)),
        ):
            etree.SubElement(field_el, tag).text = value
        if codes:
            valid = etree.SubElement(field_el, "VALIDVALUES")
            for display in dict.fromkeys(codes):
                etree.SubElement(valid, "VALIDVALUE").text = display
        etree.SubElement(field_el, "ISCUSTOM").text = "false" if name in listed else "true"
    relations_el = etree.SubElement(type_el, "Relationships")
    for path, relation in spec.relations.items() if spec is not None else ():
        rel_el = etree.SubElement(relations_el, "Relationship")
        for tag, value in (
            ("OBJECTPATH", path),
            ("OBJECTNAME", relation.object),
            ("LABEL", path.title()),
            ("RELATIONSHIPTYPE", "MANY2ONE"),
            ("RELATEDBY", relation.local),
        ):
            etree.SubElement(rel_el, tag).text = value
    data = etree.Element("data")
    data.append(type_el)
    return [data]
