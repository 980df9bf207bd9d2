"""Generic ``create``/``update``/``delete`` of master records: customers, vendors, GL accounts and the
dimension objects (projects, departments, locations, classes), plus the legacy ``create_class``.

A create answers ``<customer><RECORDNO>…</RECORDNO><CUSTOMERID>…</CUSTOMERID></customer>`` (the
server wraps it in ``<data listtype="objects" count="1">``). Ids are required unless the company
auto-numbers that object (``CompanyConfig.auto_numbering``); a supplied id wins and does not advance the
sequence. Customers and vendors get their display contact stored flat (``DISPLAYCONTACT.EMAIL1``) and a
CONTACT record (default name ``NAME(C<id>)``/``NAME(V<id>)``). Records created from an entity session
are private to that entity (``MEGAENTITYID``).
"""

from __future__ import annotations

from lxml import etree

from connectors.intacct.sandbox.masterdata import (
    MASTERS,
    MasterSpec,
    duplicate,
    flatten,
    missing,
    validate,
)
from connectors.intacct.sandbox.registry import (
    CallContext,
    FunctionFailed,
    IntacctError,
    handler,
    object_handler,
)
from connectors.intacct.sandbox.state import CompanyState, Record
from connectors.intacct.xml.tree import from_element, to_element


def _owner(ctx: CallContext) -> Record:
    if ctx.entity is None:
        return {"MEGAENTITYKEY": "", "MEGAENTITYID": "", "MEGAENTITYNAME": ""}
    entity_row = ctx.company.find_one("LOCATIONENTITY", LOCATIONID=ctx.entity.id)
    key = entity_row["RECORDNO"] if entity_row is not None else ""
    return {"MEGAENTITYKEY": key, "MEGAENTITYID": ctx.entity.id, "MEGAENTITYNAME": ctx.entity.name}


def _derive(company: CompanyState, spec: MasterSpec, values: Record) -> None:
    """Fill the read-only companions of referenced ids (``PARENTKEY``/``PARENTNAME`` …)."""
    parent_id = values.get("PARENTID")
    if parent_id:
        parent = company.find_one(spec.obj, **{spec.id_field: parent_id})
        if parent is not None:
            values["PARENTKEY"] = parent["RECORDNO"]
            values["PARENTNAME"] = parent.get(spec.name_field, "")
    customer_id = values.get("CUSTOMERID") if spec.obj == "PROJECT" else None
    if customer_id:
        customer = company.find_one("CUSTOMER", CUSTOMERID=customer_id)
        if customer is not None:
            values["CUSTOMERKEY"] = customer["RECORDNO"]
            values["CUSTOMERNAME"] = customer.get("NAME", "")


def _contact(ctx: CallContext, spec: MasterSpec, values: Record) -> None:
    """Default the display contact and store it as a CONTACT record, as Intacct does."""
    if spec.contact_letter is None:
        return
    name = values.get(spec.name_field, "")
    contact_name = (
        values.get("DISPLAYCONTACT.CONTACTNAME") or f"{name}({spec.contact_letter}{values[spec.id_field]})"
    )
    values["DISPLAYCONTACT.CONTACTNAME"] = contact_name
    values.setdefault("DISPLAYCONTACT.PRINTAS", name)
    values.setdefault("DISPLAYCONTACT.COMPANYNAME", name)
    existing = ctx.company.find_one("CONTACT", CONTACTNAME=contact_name)
    if existing is None:
        contact = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("DISPLAYCONTACT.")}
        contact.setdefault("STATUS", "active")
        contact.update(_owner(ctx))
        values["DISPLAYCONTACTKEY"] = str(ctx.company.insert("CONTACT", contact))
    else:
        values["DISPLAYCONTACTKEY"] = existing["RECORDNO"]


def _answer(spec: MasterSpec, record: Record) -> list[etree._Element]:
    return [
        to_element(
            spec.obj.lower(), {"RECORDNO": record["RECORDNO"], spec.id_field: record.get(spec.id_field, "")}
        )
    ]


def create_master(ctx: CallContext, spec: MasterSpec, element: etree._Element) -> list[etree._Element]:
    company = ctx.company
    values = flatten(from_element(element))
    values.pop("RECORDNO", None)
    record_id = values.get(spec.id_field, "")
    numbering = spec.numbering is not None and company.config.auto_numbering.get(spec.numbering, False)
    if not record_id:
        if not numbering:
            raise missing(spec, "create", spec.id_field)
        record_id = company.next_number(spec.obj, spec.id_prefix)
        while company.find_one(spec.obj, **{spec.id_field: record_id}) is not None:
            record_id = company.next_number(spec.obj, spec.id_prefix)
        values[spec.id_field] = record_id
    if not values.get(spec.name_field):
        raise missing(spec, "create", spec.name_field)
    if company.find_one(spec.obj, **{spec.id_field: record_id}) is not None:
        raise duplicate(spec, record_id)
    record = {**spec.defaults, **{k: v for k, v in values.items() if v != ""}}
    validate(company, spec, record, "create")
    _derive(company, spec, record)
    record.update(_owner(ctx))
    record["CREATEDBY"] = record["MODIFIEDBY"] = "1"
    _contact(ctx, spec, record)
    recordno = company.insert(spec.obj, record)
    stored = company.get(spec.obj, recordno)
    assert stored is not None
    return _answer(spec, stored)


def update_master(ctx: CallContext, spec: MasterSpec, element: etree._Element) -> list[etree._Element]:
    company = ctx.company
    values = flatten(from_element(element))
    recordno_text = values.pop("RECORDNO", "")
    record_id = values.get(spec.id_field, "")
    target = None
    if recordno_text.isdigit():
        target = company.get(spec.obj, int(recordno_text))
        label = f"RECORDNO={recordno_text}"
    elif record_id:
        target = company.find_one(spec.obj, **{spec.id_field: record_id})
        label = f"{spec.id_field}={record_id}"
    else:
        raise missing(spec, "update", f"{spec.id_field} or RECORDNO")
    if target is None:
        raise FunctionFailed(IntacctError(f"Cannot update non-existing {spec.obj} with {label}."))
    values.pop(spec.id_field, None)
    validate(company, spec, values, "update")
    _derive(company, spec, values)
    values["MODIFIEDBY"] = "1"
    company.update(spec.obj, int(target["RECORDNO"]), values)
    return _answer(spec, target)


def delete_master(ctx: CallContext, spec: MasterSpec, element: etree._Element) -> list[etree._Element]:
    company = ctx.company
    keys = [k.strip() for k in (element.findtext("keys") or "").split(",") if k.strip()]
    if not keys:
        raise FunctionFailed(IntacctError("BL01001973", "", "The keys to delete are missing.", ""))
    targets = []
    for key in keys:
        found = company.get(spec.obj, int(key)) if key.isdigit() else None
        found = found or company.find_one(spec.obj, **{spec.id_field: key})
        if found is None:
            raise FunctionFailed(
                IntacctError(
                    "BL01001973", "", f"Cannot find {spec.obj.lower()} with key '{key}' to delete.", ""
                )
            )
        targets.append(int(found["RECORDNO"]))
    for recordno in targets:
        company.delete(spec.obj, recordno)
    return []


def _register(spec: MasterSpec) -> None:
    def create(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
        return create_master(ctx, spec, element)

    def update(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
        return update_master(ctx, spec, element)

    def delete(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
        return delete_master(ctx, spec, element)

    object_handler("create", spec.obj)(create)
    object_handler("update", spec.obj)(update)
    object_handler("delete", spec.obj)(delete)


for _spec in MASTERS.values():
    _register(_spec)


@handler("create_class")
def create_class(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    """Legacy class create: lower-case fields, answers ``<key>`` with the CLASSID."""
    generic = etree.Element("CLASS")
    for child in element:
        if isinstance(child.tag, str):
            etree.SubElement(generic, str(child.tag).upper()).text = child.text
    create_master(ctx, MASTERS["CLASS"], generic)
    return [to_element("key", generic.findtext("CLASSID") or "")]
