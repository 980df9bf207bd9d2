"""Items <- Intacct items (``ITEM``). Read only.

``id`` and ``code`` are the ``ITEMID`` — the id an invoice line's ``itemRef.id`` names when it becomes an
Order Entry sales invoice. Intacct's item types map to Codat's three: inventory and stockable kits are
``Inventory``, the non-inventory kinds ``NonInventory``; "purchase only" items are not invoice items and
"sales only" items are not bill items. The sales/purchase descriptions and prices fill ``invoiceItem`` /
``billItem``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from connectors.intacct.mapping._common import money, read_timestamp, record_status, text
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import ReadSpec
from datamodel import Item, ItemStatus, ItemTransactionDetails, ItemType, Metadata

__all__ = ["READ", "item_type", "to_unified"]

OBJECT: Final = "ITEM"
FIELDS: Final = (
    "RECORDNO", "ITEMID", "NAME", "STATUS", "ITEMTYPE", "SODESCRIPTION", "PODESCRIPTION", "BASEPRICE",
    "STANDARD_COST", "WHENMODIFIED",
)  # fmt: skip
#: ITEMTYPE display words and stored codes (intacct-objects.md §1.3), lower-cased.
_TYPES: Final = {
    "inventory": ItemType.INVENTORY,
    "i": ItemType.INVENTORY,
    "stockable kit": ItemType.INVENTORY,
    "sk": ItemType.INVENTORY,
    "non-inventory": ItemType.NON_INVENTORY,
    "ni": ItemType.NON_INVENTORY,
    "non-inventory (purchase only)": ItemType.NON_INVENTORY,
    "np": ItemType.NON_INVENTORY,
    "non-inventory (sales only)": ItemType.NON_INVENTORY,
    "ns": ItemType.NON_INVENTORY,
    "kit": ItemType.NON_INVENTORY,
    "k": ItemType.NON_INVENTORY,
}
_PURCHASE_ONLY: Final = frozenset({"non-inventory (purchase only)", "np"})
_SALES_ONLY: Final = frozenset({"non-inventory (sales only)", "ns"})


def item_type(word: str | None) -> ItemType:
    return _TYPES.get((word or "").strip().lower(), ItemType.UNKNOWN)


def to_unified(row: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts) -> Item:
    """An ITEM row as a unified item."""
    del lines, facts
    kind = (text(row, "ITEMTYPE") or "").lower()
    sells, buys = kind not in _PURCHASE_ONLY, kind not in _SALES_ONLY
    return Item(
        id=text(row, "ITEMID"),
        name=text(row, "NAME"),
        code=text(row, "ITEMID"),
        item_status=record_status(row, ItemStatus),
        type=item_type(kind),
        is_bill_item=buys,
        is_invoice_item=sells,
        bill_item=ItemTransactionDetails(
            description=text(row, "PODESCRIPTION"), unit_price=money(row.get("STANDARD_COST"))
        )
        if buys
        else None,
        invoice_item=ItemTransactionDetails(
            description=text(row, "SODESCRIPTION"), unit_price=money(row.get("BASEPRICE"))
        )
        if sells
        else None,
        source_modified_date=read_timestamp(text(row, "WHENMODIFIED")),
        metadata=Metadata(is_deleted=False),
    )


READ = ReadSpec(data_type="items", object=OBJECT, fields=FIELDS, to_unified=to_unified, key_field="ITEMID")
