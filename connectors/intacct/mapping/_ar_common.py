"""Pieces the accounts-receivable mappings share (invoices, credit notes, direct incomes, payments).

``_common`` holds what every Intacct mapping needs; this module adds the AR-specific parts that would
otherwise be written three times: the element order of the legacy AR line items, one builder for such a
line (account, amount, memo, dimensions, custom fields, tax entries) and one reader that turns
``ARINVOICEITEM``/``ARADJUSTMENTITEM`` rows back into unified line fields. Credit memos are stored by
Intacct with negative amounts, so both directions take a ``sign``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from connectors.intacct.mapping._common import (
    Problems,
    account_ref,
    cents,
    custom_values,
    dimension_fields,
    gl_account_no,
    legacy_custom_fields,
    line_net,
    line_number,
    line_tracking_refs,
    read_line_tax,
    read_tracking,
    resolve_tracking,
    row_money,
    split_tax_rows,
    tax_entries,
    text,
)
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import RecordView, Rule, is_blank, lines, values_at
from datamodel import ItemRef

ZERO: Final = Decimal(0)

#: ``create_invoice``/``update_invoice`` line children, in the XSD's order (invoice-lineitem-all-dimensions).
INVOICE_LINE_ORDER: Final = (
    "glaccountno", "accountlabel", "offsetglaccountno", "amount", "memo", "locationid", "departmentid",
    "key", "totalpaid", "totaldue", "customfields", "revrectemplate", "defrevaccount", "revrecstartdate",
    "revrecenddate", "projectid", "customerid", "vendorid", "employeeid", "itemid", "classid", "contractid",
    "warehouseid", "taxentries",
)  # fmt: skip
#: ``create_aradjustment`` lines: the invoice line without the revenue-recognition block.
ADJUSTMENT_LINE_ORDER: Final = tuple(
    name for name in INVOICE_LINE_ORDER if not name.startswith(("revrec", "defrev"))
)
#: ``record_otherreceipt`` lines (otherreceipt-lineitem-all-dimensions.xml), tax entries last.
RECEIPT_LINE_ORDER: Final = (
    "glaccountno", "accountlabel", "amount", "memo", "locationid", "departmentid", "customfields",
    "projectid", "customerid", "vendorid", "employeeid", "itemid", "classid", "contractid", "warehouseid",
    "taxentries",
)  # fmt: skip

#: Line fields every AR line read asks for (dimension families as ``intacct-objects.md`` §1.2 lists them).
DIMENSION_READ_FIELDS: Final = (
    "LOCATIONID", "LOCATIONNAME", "DEPARTMENTID", "DEPARTMENTNAME", "PROJECTID", "PROJECTNAME", "TASKID",
    "TASKNAME", "CUSTOMERID", "CUSTOMERNAME", "VENDORID", "VENDORNAME", "EMPLOYEEID", "EMPLOYEENAME",
    "ITEMID", "ITEMNAME", "CLASSID", "CLASSNAME", "CONTRACTID", "CONTRACTNAME", "WAREHOUSEID",
    "WAREHOUSENAME",
)  # fmt: skip


def ordered(values: Mapping[str, Any], order: Sequence[str]) -> dict[str, Any]:
    """``values`` re-keyed in ``order`` (legacy functions are XSD sequences), ``None`` values dropped.

    A key outside ``order`` is a programming error: it would be written where Intacct refuses it.
    """
    unknown = set(values) - set(order)
    if unknown:
        raise ValueError(f"elements {sorted(unknown)} have no place in this function's element order")
    return {name: values[name] for name in order if values.get(name) is not None}


def legacy_line(
    line: Mapping[str, Any],
    path: str,
    facts: CompanyFacts,
    problems: Problems,
    *,
    data_type: str,
    order: Sequence[str],
    where: str,
    sign: int = 1,
) -> dict[str, Any]:
    """One ``<lineitem>`` of a legacy AR function, children in ``order``.

    ``sign=-1`` writes a credit memo line (Intacct keeps credit memos as negative amounts); the unified
    amounts stay positive.
    """
    values = resolve_tracking(line_tracking_refs(line, path), facts, problems)
    dims = dimension_fields(values, "legacy", problems, where=where)
    for name in list(dims.fields):
        if name not in order:
            problems.add(path, f"{name.removesuffix('id').upper()} tracking is not supported on {where}.")
            del dims.fields[name]
    pairs = custom_values(line, facts, f"{data_type}.lineItems") + dims.custom
    account_id = (line.get("accountRef") or {}).get("id")
    out: dict[str, Any] = {
        "glaccountno": gl_account_no(account_id, facts) if account_id else None,
        "amount": cents(line_net(line)) * sign,
        "memo": line.get("description") or None,
        **dims.fields,
        "customfields": legacy_custom_fields(pairs),
        "taxentries": tax_entries(line, path, facts, problems, style="legacy", sign=sign),
    }
    return ordered(out, order)


def document_lines(record: RecordView) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(path, line) of every line item of a record view."""
    for index, line in enumerate(lines(record)):
        yield f"lineItems[{index}]", line


def lines_present_rule(key: str = "lineItems", details: str = "Must contain at least one line item.") -> Rule:
    def check(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
        if not lines(record, key):
            yield key

    return Rule(key, details, check)


def max_length_rule(path: str, high: int, details: str) -> Rule:
    """Strings longer than ``high``; unlike ``length_between`` an empty value is left to ``required``."""

    def check(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
        for where_, value in values_at(record, path):
            if isinstance(value, str) and len(value) > high:
                yield where_

    return Rule(path, details, check)


def ignored_rule(path: str) -> Rule:
    """A field Intacct has no place for: the write goes ahead and the field is reported as ignored."""

    def check(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
        for where_, value in values_at(record, path):
            if not is_blank(value):
                yield where_

    return Rule(path, "Is not supported by Sage Intacct, and will be ignored.", check, "warning")


# --- reading AR documents back -----------------------------------------------------------------------


def _tax_rows(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Tax rows keyed to their detail: ``DETAILID``, else the ``DETAILKEY`` (a TAXDETAIL RECORDNO)."""
    return [r if text(r, "DETAILID") else {**r, "DETAILID": text(r, "DETAILKEY")} for r in rows]


def read_lines(
    rows: Sequence[Mapping[str, Any]], facts: CompanyFacts, *, sign: int = 1, item_refs: bool = False
) -> list[dict[str, Any]]:
    """Unified line fields (snake_case, for the line Struct) of AR line rows, in line order.

    Tax rows (``LINEITEM`` ``F``) fold into their parent line's ``taxAmount``/``taxRateRef``; AR amounts
    are tax-exclusive, so ``unitAmount`` = ``subTotal`` = the line amount with ``quantity`` 1.
    ``item_refs`` reads ``ITEMID`` as the line's ``itemRef`` (invoices generated by Order Entry) rather
    than as an ``ITEM-`` tracking category.
    """
    plain, taxes = split_tax_rows(rows)
    out: list[dict[str, Any]] = []
    for row in sorted(plain, key=line_number):
        net = (row_money(row, "TRX_AMOUNT", "AMOUNT") or ZERO) * sign
        key = text(row, "RECORDNO") or ""
        tax_ref, tax = read_line_tax(row, _tax_rows(taxes.get(key, [])), facts, sign=sign)
        item_id = text(row, "ITEMID") if item_refs else None
        fields: dict[str, Any] = {
            "quantity": Decimal(1),
            "unit_amount": net,
            "sub_total": net,
            "tax_amount": tax,
            "total_amount": net + tax,
            "account_ref": account_ref(row, facts),
            "tax_rate_ref": tax_ref,
            "tracking_category_refs": read_tracking(row, facts, skip=("ITEM",) if item_id else ()),
        }
        description = text(row, "ENTRYDESCRIPTION")
        if description is not None:
            fields["description"] = description
        if item_id:
            fields["item_ref"] = ItemRef(id=item_id, name=text(row, "ITEMNAME"))
        out.append(fields)
    return out


def totals(line_fields: Sequence[Mapping[str, Any]]) -> tuple[Decimal, Decimal]:
    """(sub total, tax) over read lines."""
    sub = sum((f["sub_total"] for f in line_fields), ZERO)
    tax = sum((f["tax_amount"] for f in line_fields), ZERO)
    return sub, tax
