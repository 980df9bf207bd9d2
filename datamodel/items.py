"""Items (products and services), codat.md §1.11. For Intacct an invoice whose lines all carry ``itemRef``
becomes an Order Entry sales invoice, so items matter for writes even though they are read only here."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.common import AccountRef, Page, RecordBase, SupplementalData, TaxRateRef
from datamodel.enums import ItemStatus, ItemType
from datamodel.types import Money

__all__ = ["Item", "ItemTransactionDetails", "Items"]


class ItemTransactionDetails(CheckedModel, kw_only=True):
    """``billItem`` / ``invoiceItem``: how the item is bought or sold."""

    description: str | UnsetType | None = UNSET
    unit_price: Money | None = None
    account_ref: AccountRef | None = None
    tax_rate_ref: TaxRateRef | None = None


class Item(RecordBase, kw_only=True):
    name: str | UnsetType | None = UNSET
    code: str | UnsetType | None = UNSET
    item_status: ItemStatus
    type: ItemType
    is_bill_item: bool
    is_invoice_item: bool
    bill_item: ItemTransactionDetails | None = None
    invoice_item: ItemTransactionDetails | None = None
    supplemental_data: SupplementalData | None = None


class Items(Page[Item], kw_only=True):
    """``GET /companies/{companyId}/data/items``."""

    results: list[Item]
