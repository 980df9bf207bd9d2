"""Attachments (supporting documents): folders, attachment records, and the legacy list/get reads.

Intacct keeps attachments as legacy objects: ``create_supdocfolder``, ``create_supdoc`` (the folder
must exist; an empty ``supdocid`` is numbered by the server), ``update_supdoc`` (adds files to an
existing record), ``delete_supdoc``, and the reads ``get_list`` (``supdoc``/``supdocfolder`` with a
``filter/expression`` or ``filter/logical``, ``sorts``, ``start``/``maxitems``) and ``get`` (one
record with its attachments, base64 data included). Transactions point at a record through
``SUPDOCID``. Rows use the lower-case field names these legacy reads print.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from connectors.intacct.sandbox.handlers._docs import key_result
from connectors.intacct.sandbox.handlers._parse import Tree, body, children, text
from connectors.intacct.sandbox.registry import CallContext, FunctionFailed, IntacctError, handler
from connectors.intacct.sandbox.state import Record
from connectors.intacct.sandbox.validate import error, invalid, recording, refuse
from connectors.intacct.xml.tree import as_list, to_element

DUPLICATE_RECORD = "BL34000061"
SUPDOC_FIELDS = ("supdocid", "supdocname", "folder", "description", "creationdate", "createdby")
FOLDER_FIELDS = ("name", "description", "parentfolder", "creationdate", "createdby")
LIST_OBJECTS = {"supdoc": ("SUPDOC", SUPDOC_FIELDS), "supdocfolder": ("SUPDOCFOLDER", FOLDER_FIELDS)}


def folder_named(ctx: CallContext, name: str) -> Record | None:
    return ctx.company.find_one("SUPDOCFOLDER", name=name)


def attachments(tree: Tree, existing: list[dict[str, str]]) -> list[dict[str, str]]:
    """New files of a create/update, checked: a name unique in the record and valid base64 data."""
    names = {a["attachmentname"] for a in existing}
    out: list[dict[str, str]] = []
    for entry in children(tree, "attachments", "attachment"):
        name = text(entry, "attachmentname")
        if not name:
            refuse("Required field Attachment Name is missing.")
        if name in names:
            refuse(f"An attachment named '{name}' already exists in this attachment record.")
        data = re.sub(r"\s+", "", text(entry, "attachmentdata"))
        try:
            base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            refuse(f"The data of attachment '{name}' is not valid base64.")
        names.add(name)
        out.append(
            {"attachmentname": name, "attachmenttype": text(entry, "attachmenttype"), "attachmentdata": data}
        )
    return out


@handler("create_supdocfolder")
def create_supdocfolder(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    with recording("create", "supdocfolder"):
        name = text(tree, "supdocfoldername")
        if not name:
            refuse("Required field Folder Name is missing.")
        if folder_named(ctx, name) is not None:
            refuse(
                f"Another Attachment Folder with the given value(s) {name} already exists",
                DUPLICATE_RECORD,
                correction="Use a unique value instead.",
            )
        parent = text(tree, "supdocparentfoldername")
        if parent and folder_named(ctx, parent) is None:
            invalid("Attachment Folder", parent)
        recordno = ctx.company.insert(
            "SUPDOCFOLDER",
            {
                "name": name,
                "description": text(tree, "supdocfolderdescription"),
                "parentfolder": parent,
                "creationdate": f"{ctx.company.now():%m/%d/%Y}",
                "createdby": ctx.user_id,
            },
        )
    return key_result(recordno)


@handler("create_supdoc")
def create_supdoc(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    company = ctx.company
    with recording("create", "supdoc"):
        folder = text(tree, "supdocfoldername")
        if not folder:
            refuse("Required field Folder Name is missing.")
        if folder_named(ctx, folder) is None:
            invalid("Attachment Folder", folder)
        supdoc_id = text(tree, "supdocid")
        if supdoc_id and company.find_one("SUPDOC", supdocid=supdoc_id) is not None:
            refuse(
                f"Another Attachment with the given value(s) {supdoc_id} already exists",
                DUPLICATE_RECORD,
                correction="Use a unique value instead.",
            )
        files = attachments(tree, [])
        recordno = company.insert(
            "SUPDOC",
            {
                "supdocid": supdoc_id,
                "supdocname": text(tree, "supdocname") or "Unnamed",
                "folder": folder,
                "description": text(tree, "supdocdescription"),
                "creationdate": f"{company.now():%m/%d/%Y}",
                "createdby": ctx.user_id,
                "attachments": files,
            },
        )
        if not supdoc_id:
            supdoc_id = str(recordno)
            company.table("SUPDOC")[recordno]["supdocid"] = supdoc_id
    return key_result(supdoc_id)


@handler("update_supdoc")
def update_supdoc(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    company = ctx.company
    supdoc_id = text(tree, "supdocid")
    with recording("update", "supdoc"):
        row = company.find_one("SUPDOC", supdocid=supdoc_id) if supdoc_id else None
        if row is None:
            invalid("Attachment", supdoc_id)
        changes: Record = {
            "attachments": list(row.get("attachments") or []) + attachments(tree, row["attachments"])
        }
        if text(tree, "supdocfoldername"):
            if folder_named(ctx, text(tree, "supdocfoldername")) is None:
                invalid("Attachment Folder", text(tree, "supdocfoldername"))
            changes["folder"] = text(tree, "supdocfoldername")
        for source, target in (("supdocname", "supdocname"), ("supdocdescription", "description")):
            if text(tree, source):
                changes[target] = text(tree, source)
        company.update("SUPDOC", int(row["RECORDNO"]), changes)
    return key_result(supdoc_id)


@handler("delete_supdoc")
def delete_supdoc(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    key = element.get("key", "")
    row = ctx.company.find_one("SUPDOC", supdocid=key) if key else None
    if row is None:
        raise FunctionFailed(error(f"Cannot find supdoc with key '{key}' to delete."))
    ctx.company.delete("SUPDOC", int(row["RECORDNO"]))
    return []


# -- legacy reads ---------------------------------------------------------------------------------
def render(obj: str, row: Record, fields: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {name: str(row.get(name) or "") for name in fields}
    if obj == "supdoc":
        out["attachments"] = {"attachment": [dict(a) for a in row.get("attachments") or []]}
    return out


def compare(row: Record, expression: Tree) -> bool:
    field_name, op, value = (
        text(expression, "field"),
        text(expression, "operator").lower(),
        text(expression, "value"),
    )
    actual = str(row.get(field_name) or "")
    if op == "like":
        pattern = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in value)
        return re.fullmatch(pattern, actual, flags=re.DOTALL) is not None
    if op in ("is null", "isnull"):
        return actual == ""
    if op in ("is not null", "isnotnull"):
        return actual != ""
    ops = {"=": actual == value, "!=": actual != value, "<>": actual != value}
    if op in ops:
        return ops[op]
    ordered = {"<": actual < value, "<=": actual <= value, ">": actual > value, ">=": actual >= value}
    if op not in ordered:
        raise FunctionFailed(error(f"Invalid operator '{op}' in the filter expression."))
    return ordered[op]


def select(rows: list[Record], tree: Tree) -> list[Record]:
    holder = tree.get("filter")
    if not isinstance(holder, dict):
        return rows
    return [row for row in rows if filter_node(row, holder)]


def filter_node(row: Record, node: Tree) -> bool:
    expressions = [e for e in as_list(node.get("expression")) if isinstance(e, dict)]
    groups = [g for g in as_list(node.get("logical")) if isinstance(g, dict)]
    results = [compare(row, e) for e in expressions] + [filter_node(row, g) for g in groups]
    if str(node.get("@logical_operator", "and")).lower() == "or":
        return any(results)
    return all(results)


def _sort_key(name: str) -> Callable[[Record], str]:
    return lambda row: str(row.get(name) or "")


@handler("get_list")
def get_list(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    obj = element.get("object", "").lower()
    if obj not in LIST_OBJECTS:
        raise FunctionFailed(IntacctError("BL01001973", description2=f"Object definition {obj} not found"))
    table, fields = LIST_OBJECTS[obj]
    tree = body(element)
    rows = select(list(ctx.company.rows(table)), tree)
    sorts = tree.get("sorts")
    for sortfield in reversed(as_list(sorts.get("sortfield")) if isinstance(sorts, dict) else []):
        name = sortfield if isinstance(sortfield, str) else str(sortfield.get("#text", ""))
        descending = isinstance(sortfield, dict) and str(sortfield.get("@order", "")).lower() == "desc"
        rows.sort(key=_sort_key(name), reverse=descending)
    start = int(element.get("start") or 0)
    maxitems = int(element.get("maxitems") or 100)
    page = rows[start : start + maxitems]
    listtype = to_element(
        "listtype", {"@start": str(start), "@end": str(start + len(page) - 1), "@total": str(len(rows))}
    )
    listtype.text = obj
    data = to_element("data", {obj: [render(obj, row, fields) for row in page]})
    return [listtype, data]


@handler("get")
def get(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    obj, key = element.get("object", "").lower(), element.get("key", "")
    if obj not in LIST_OBJECTS:
        raise FunctionFailed(IntacctError("BL01001973", description2=f"Object definition {obj} not found"))
    table, fields = LIST_OBJECTS[obj]
    id_field = "supdocid" if obj == "supdoc" else "name"
    row = ctx.company.find_one(table, **{id_field: key})
    if row is None:
        raise FunctionFailed(error(f"Cannot find {obj} with key '{key}'."))
    return [to_element("data", {obj: render(obj, row, fields)})]
