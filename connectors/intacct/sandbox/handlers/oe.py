"""Order Entry writes: ``create_sotransaction`` (sales invoices, orders, quotes).

An OE transaction is a ``SODOCUMENT`` with ``SODOCUMENTENTRY`` lines. Its key is the DOCID
``<transaction definition>-<document number>`` (intacct-behaviour §2, §7). Lines name items that
must exist; quantities are in the item's unit of measure (``Each`` only for items of the ``Count``
group, which is how Codat writes every line); inventory items need a warehouse; lines carry no tax
(a tax rate on a sales-invoice line is refused). A ``Sales Invoice`` that is not a draft also
creates the AR invoice it posts (``MODULEKEY 8.SO``), linked through ``PRRECORDKEY``, with one AR
line per item line on the item's revenue account.

Numbering: with the definition's sequence on (``auto_numbering["SODOCUMENT"]``) a supplied
``documentno`` is replaced by the sequence value; with it off a missing number fails with
``PL01000127`` "Document Number is missing".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from lxml import etree

from connectors.intacct.sandbox.handlers._docs import INVOICE, amount, key_result, post_document, stamp_url
from connectors.intacct.sandbox.handlers._parse import (
    LEGACY_DIMENSIONS,
    DocInput,
    LineInput,
    Tree,
    body,
    boolean,
    children,
    custom_fields,
    decimal,
    legacy_date,
    text,
)
from connectors.intacct.sandbox.registry import CallContext, handler
from connectors.intacct.sandbox.state import CompanyState, Record, intacct_timestamp
from connectors.intacct.sandbox.validate import (
    DOCUMENT_NUMBER_MISSING,
    DUPLICATE_NUMBER,
    Fx,
    Refs,
    invalid,
    money,
    recording,
    refuse,
)

#: Transaction definitions every demo company has (a company may add its own in SODOCUMENTPARAMS).
DEFINITIONS = {"Sales Quote": "SQ", "Sales Order": "SO", "Sales Invoice": "SI", "Sales Return": "SR"}
#: ``state`` element -> (display state, stored code) (intacct-objects §1.3).
OE_STATES = {"draft": ("Draft", "I"), "pending": ("Pending", "O"), "closed": ("Closed", "D")}
COUNT_UNITS = ("Each", "Dozen", "Pair")
#: The AR invoice an OE sales invoice generates: AR rules without tax lines or AR numbering.
SO_INVOICE = dataclasses.replace(
    INVOICE,
    modulekey="8.SO",
    number_rule="supplied_wins",
    number_required=False,
    tax_lines=False,
    summaries_flag="",
)
LINE_DIMENSIONS = {k: v for k, v in LEGACY_DIMENSIONS.items() if k not in ("itemid", "taskid", "warehouseid")}


def definition(company: CompanyState, name: str) -> str:
    """Document-number prefix of a transaction definition; unknown definitions are refused."""
    if not name:
        refuse("Required field Transaction Type is missing.")
    for row in company.rows("SODOCUMENTPARAMS"):
        if row.get("DOCID") == name:
            return str(row.get("PREFIX") or "".join(word[0] for word in name.split()).upper())
    if name in DEFINITIONS:
        return DEFINITIONS[name]
    invalid("Transaction Definition", name)


def document_number(refs: Refs, kind: str, prefix: str, supplied: str) -> str:
    company = refs.company
    if company.config.auto_numbering.get("SODOCUMENT", True):
        while True:
            number = f"{prefix}{int(company.next_number(f'SODOCUMENT:{kind}')):04d}"
            if company.find_one("SODOCUMENT", DOCID=f"{kind}-{number}") is None:
                break
        if supplied:
            refs.ctx.notes.append(
                f"SODOCUMENT: document number '{supplied}' replaced by '{number}' (sequence)"
            )
        return number
    if not supplied:
        refuse("Document Number is missing", DOCUMENT_NUMBER_MISSING)
    if company.find_one("SODOCUMENT", DOCID=f"{kind}-{supplied}") is not None:
        refuse(f"A transaction with the number '{supplied}' already exists.", DUPLICATE_NUMBER)
    return supplied


class ItemLine:
    """One validated ``sotransitem``."""

    def __init__(self, refs: Refs, tree: Tree, n: int) -> None:
        if tree.get("taxentries") or tree.get("linesubtotals") or text(tree, "overridedetailid"):
            refuse(f"Line {n}: sales transaction lines cannot carry a tax rate.")
        self.tree = tree
        self.item = refs.dimension("item", text(tree, "itemid")) if text(tree, "itemid") else None
        if self.item is None:
            refuse(f"Enter an item on line {n}, and try again.")
        quantity = decimal(text(tree, "quantity"), "quantity")
        if quantity is None or quantity <= 0:
            refuse(f"Enter a quantity greater than 0 on line {n}.")
        self.quantity = quantity
        self.unit = text(tree, "unit")
        group = str(self.item.get("UOMGRP") or "Count")
        if self.unit and group == "Count" and self.unit not in COUNT_UNITS:
            invalid("Unit", self.unit)
        if self.unit in COUNT_UNITS and group != "Count":
            refuse(
                f"The unit '{self.unit}' does not belong to the unit of measure group '{group}' of line {n}."
            )
        self.warehouse = (
            refs.dimension("warehouse", text(tree, "warehouseid")) if text(tree, "warehouseid") else None
        )
        if self.warehouse is None and str(self.item.get("ITEMTYPE")) in (
            "Inventory",
            "I",
            "Stockable Kit",
            "SK",
        ):
            refuse(f"Enter a warehouse on line {n}: item {self.item['ITEMID']} is an inventory item.")
        price = decimal(text(tree, "price"), "price")
        self.price = price if price is not None else Decimal(str(self.item.get("BASEPRICE") or "0"))
        discount = decimal(text(tree, "discountpercent"), "discountpercent") or Decimal(0)
        self.total = money(self.quantity * self.price * (Decimal(100) - discount) / Decimal(100))
        self.discount = discount
        self.dims = {kind: text(tree, key) for key, kind in LINE_DIMENSIONS.items() if text(tree, key)}
        if text(tree, "taskno"):
            self.dims["task"] = text(tree, "taskno")
        self.dim_rows = {kind: refs.dimension(kind, value) for kind, value in self.dims.items()}


def oe_state(tree: Tree) -> tuple[str, str]:
    state_name = text(tree, "state") or "Pending"
    if state_name.lower() not in OE_STATES:
        invalid("State", state_name)
    return OE_STATES[state_name.lower()]


def write_document(
    refs: Refs,
    tree: Tree,
    kind: str,
    number: str,
    day: dt.date,
    fx: Fx,
    customer: Record,
    lines: list[ItemLine],
    invoice: int | None,
) -> int:
    company = refs.company
    state, raw = oe_state(tree)
    due = legacy_date(tree, "datedue")
    trx_total = sum((line.total for line in lines), Decimal(0))
    base_total = sum((fx.to_base(line.total) for line in lines), Decimal(0))
    project = refs.dimension("project", text(tree, "projectid")) if text(tree, "projectid") else {}
    docid = f"{kind}-{number}"
    user = refs.user_key()
    header: Record = {
        "DOCID": docid,
        "DOCNO": number,
        "DOCPARID": kind,
        "PONUMBER": text(tree, "referenceno"),
        "CREATEDFROM": text(tree, "createdfrom"),
        "STATE": state,
        "RAWSTATE": raw,
        "STATUS": "active",
        "CUSTVENDID": str(customer.get("CUSTOMERID", "")),
        "CUSTVENDNAME": str(customer.get("NAME", "")),
        "MESSAGE": text(tree, "message"),
        "SHIPVIA": text(tree, "shippingmethod"),
        "PROJECT": str(project.get("PROJECTID", "")),
        "PROJECTKEY": str(project.get("RECORDNO", "")),
        "PROJECTNAME": str(project.get("NAME", "")),
        "WHENCREATED": f"{day:%m/%d/%Y}",
        "WHENDUE": f"{due:%m/%d/%Y}" if due else "",
        "AUWHENCREATED": intacct_timestamp(company.now()),
        "TERM.NAME": text(tree, "termname"),
        "BASECURR": fx.base,
        "CURRENCY": fx.currency,
        "EXCHRATEDATE": f"{fx.rate_date:%m/%d/%Y}" if fx.rate_date else "",
        "EXCHRATE": fx.fields(typed_id=False)["EXCHANGE_RATE"],
        "EXCHRATETYPES.NAME": fx.rate_type,
        "EXCH_RATE_TYPE_ID": fx.rate_type_id,
        "SUBTOTAL": amount(base_total),
        "TOTAL": amount(base_total),
        "TOTALPAID": "0",
        "TOTALDUE": amount(base_total),
        "TRX_SUBTOTAL": amount(trx_total),
        "TRX_TOTAL": amount(trx_total),
        "TRX_TOTALENTERED": amount(trx_total),
        "TRX_TOTALPAID": "0",
        "TRX_TOTALDUE": amount(trx_total),
        "SUPDOCID": text(tree, "supdocid"),
        "BILLTO.CONTACTNAME": contact(tree, "billto"),
        "SHIPTO.CONTACTNAME": contact(tree, "shipto"),
        "VSOEPRICELIST": text(tree, "vsoepricelist"),
        "PRRECORDKEY": str(invoice) if invoice is not None else "",
        "CREATEDBY": user,
        "MODIFIEDBY": user,
        "USERID": refs.ctx.user_id,
        **refs.entity_fields(),
        **custom_fields(tree),
    }
    recordno = company.insert("SODOCUMENT", header)
    stamp_url(company, "SODOCUMENT", recordno)
    for n, line in enumerate(lines):
        row: Record = {
            "DOCHDRNO": str(recordno),
            "DOCHDRID": docid,
            "DOCPARID": kind,
            "BUNDLENUMBER": text(line.tree, "bundlenumber"),
            "LINE_NO": str(n),
            "ITEMID": str(line.item["ITEMID"]) if line.item else "",
            "ITEMNAME": str(line.item.get("NAME", "")) if line.item else "",
            "ITEMDESC": text(line.tree, "itemdesc"),
            "ITEM.TAXABLE": "true" if boolean(text(line.tree, "taxable")) else "false",
            "UNIT": line.unit or "Each",
            "WAREHOUSE.LOCATION_NO": str((line.warehouse or {}).get("WAREHOUSEID", "")),
            "WAREHOUSE.NAME": str((line.warehouse or {}).get("NAME", "")),
            "MEMO": text(line.tree, "memo"),
            "QUANTITY": amount(line.quantity),
            "PRICE": amount(fx.to_base(line.price)),
            "RETAILPRICE": amount(line.price),
            "TRX_PRICE": amount(line.price),
            "DISCOUNTPERCENT": amount(line.discount),
            "TOTAL": amount(fx.to_base(line.total)),
            "TRX_VALUE": amount(line.total),
            "WHENCREATED": f"{day:%m/%d/%Y}",
            "AUWHENCREATED": header["AUWHENCREATED"],
            "CREATEDBY": user,
            **custom_fields(line.tree),
        }
        for dim_kind, dim in line.dim_rows.items():
            row.update(refs.dimension_fields(dim_kind, dim))
        company.insert("SODOCUMENTENTRY", row)
    return recordno


def contact(tree: Tree, key: str) -> str:
    block = tree.get(key)
    return text(block, "contactname") if isinstance(block, dict) else ""


def ar_invoice(
    ctx: CallContext, tree: Tree, number: str, day: dt.date, customer: Record, lines: list[ItemLine]
) -> int:
    """The AR invoice a posted sales invoice creates: one AR line per item line, on its revenue account."""
    doc_lines = []
    for line in lines:
        assert line.item is not None
        account = str(line.item.get("INCOMEACCTNO") or customer.get("ARACCOUNT") or "")
        if not account:
            refuse(f"The item {line.item['ITEMID']} has no revenue GL account.")
        dims = dict(line.dims) | {"item": str(line.item["ITEMID"])}
        if line.warehouse is not None:
            dims["warehouse"] = str(line.warehouse["WAREHOUSEID"])
        doc_lines.append(
            LineInput(account_no=account, amount=line.total, memo=text(line.tree, "memo"), dims=dims)
        )
    doc = DocInput(
        party_id=str(customer["CUSTOMERID"]),
        date=day,
        posted=legacy_date(tree, "dateposted"),
        due=legacy_date(tree, "datedue"),
        term=text(tree, "termname"),
        number=number,
        reference=text(tree, "referenceno"),
        description=text(tree, "message"),
        basecurr=text(tree, "basecurr"),
        currency=text(tree, "currency"),
        exch_date=legacy_date(tree, "exchratedate"),
        exch_type=text(tree, "exchratetype"),
        exch_rate=decimal(text(tree, "exchrate"), "exchrate"),
        supdoc_id=text(tree, "supdocid"),
        lines=doc_lines,
    )
    return post_document(ctx, SO_INVOICE, doc)


@handler("create_sotransaction")
def create_sotransaction(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    tree = body(element)
    refs, company = Refs(ctx), ctx.company
    with recording("create", "Document"):
        kind = text(tree, "transactiontype")
        prefix = definition(company, kind)
        day = legacy_date(tree, "datecreated")
        if day is None:
            refuse("Required field Date is missing.")
        customer = refs.customer(text(tree, "customerid"))
        source = text(tree, "createdfrom")
        source_row = company.find_one("SODOCUMENT", DOCID=source) if source else None
        if source and source_row is None:
            invalid("Source Document", source)
        items = children(tree, "sotransitems", "sotransitem")
        if not items:
            refuse("A sales transaction must have at least one line item.")
        lines = [ItemLine(refs, item, n) for n, item in enumerate(items, 1)]
        entity = refs.posting_entity([line.dims["location"] for line in lines if line.dims.get("location")])
        fx = refs.fx(
            entity,
            currency=text(tree, "currency") or None,
            basecurr=text(tree, "basecurr") or None,
            rate_type=text(tree, "exchratetype") or None,
            rate=decimal(text(tree, "exchrate"), "exchrate"),
            rate_date=legacy_date(tree, "exchratedate"),
            doc_date=day,
        )
        refs.supdoc(text(tree, "supdocid"))
        _state, raw = oe_state(tree)
        number = document_number(refs, kind, prefix, text(tree, "documentno"))
        posts = kind == "Sales Invoice" and raw != "I"
        invoice = ar_invoice(ctx, tree, number, day, customer, lines) if posts else None
        write_document(refs, tree, kind, number, day, fx, customer, lines, invoice)
        if source_row is not None:
            company.update("SODOCUMENT", int(source_row["RECORDNO"]), {"STATE": "Converted", "RAWSTATE": "C"})
    return key_result(f"{kind}-{number}")
