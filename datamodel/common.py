"""Nested types shared by the data types (codat.md §1.2, §3.2) and the bases records and lines build on.

Field policy, the same in every module of the model:

* a field Codat marks **required** has no default, so it is required to decode a body and always written;
* a field Codat marks **nullable** is ``T | UnsetType | None = UNSET``: absent stays absent and an explicit
  ``null`` stays ``null`` on re-encode (Codat's SDKs make the same distinction: ``OptionalNullable``), which
  also lets a full-record PUT say "clear this" apart from "not sent";
* any other optional field is ``T | None = None`` and is omitted when ``None``.

``present()`` in ``datamodel.types`` folds ``UNSET`` into ``None`` for code that does not care.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.enums import (
    AddressType,
    BilledToType,
    ContactRefDataType,
    InvoiceBilledToType,
    LineRefDataType,
    PhoneNumberType,
    SalesOrderRefDataType,
)
from datamodel.types import CurrencyCode, DateTime, Id, Money, NonEmptyStr

__all__ = [
    "AccountRef",
    "Address",
    "Allocation",
    "BillLineTracking",
    "ContactRef",
    "CustomerRef",
    "HalRef",
    "InvoiceLineTracking",
    "ItemRef",
    "LineItemBase",
    "LineRef",
    "Links",
    "Metadata",
    "Page",
    "PaymentAllocation",
    "PaymentAllocationPayment",
    "PaymentMethodRef",
    "PhoneNumber",
    "ProjectRef",
    "PurchaseOrderRef",
    "RecordBase",
    "RecordRef",
    "SalesOrderRef",
    "SupplementalData",
    "SupplierRef",
    "TaxRateRef",
    "TrackingCategoryRef",
    "ValidDataTypeLinks",
    "WithholdingTax",
]

T = TypeVar("T")


# --- references -------------------------------------------------------------------------------------


class AccountRef(CheckedModel, kw_only=True):
    id: Id | None = None
    name: str | None = None


class TaxRateRef(CheckedModel, kw_only=True):
    id: Id | None = None
    name: str | None = None
    effective_tax_rate: Money | None = None


class ItemRef(CheckedModel, kw_only=True):
    id: Id
    name: str | UnsetType | None = UNSET


class TrackingCategoryRef(CheckedModel, kw_only=True):
    """A tracking category; for Intacct the id is ``<DIMENSION>-<id>`` (``DEPARTMENT-2``)."""

    id: Id
    name: str | UnsetType | None = UNSET


class SupplierRef(CheckedModel, kw_only=True):
    id: Id
    supplier_name: str | UnsetType | None = UNSET


class CustomerRef(CheckedModel, kw_only=True):
    """Codat's ``AccountingCustomerRef``."""

    id: Id
    company_name: str | UnsetType | None = UNSET


class ContactRef(CheckedModel, kw_only=True):
    id: Id
    data_type: ContactRefDataType | UnsetType | None = UNSET


class PaymentMethodRef(CheckedModel, kw_only=True):
    id: Id
    name: str | None = None


class ProjectRef(CheckedModel, kw_only=True):
    id: Id
    name: str | UnsetType | None = UNSET


class PurchaseOrderRef(CheckedModel, kw_only=True):
    id: Id | None = None
    purchase_order_number: str | UnsetType | None = UNSET


class SalesOrderRef(CheckedModel, kw_only=True):
    id: Id | None = None
    data_type: SalesOrderRefDataType | None = None


class LineRef(CheckedModel, kw_only=True):
    """``purchaseOrderLineRef`` on bill lines, ``createdFromLineRef`` on bill-credit-note lines."""

    id: Id | None = None
    data_type: LineRefDataType | None = None
    line_number: str | None = None


class RecordRef(CheckedModel, kw_only=True):
    """A link to another record: ``createdFromRefs``, ``tracking.recordRef``, ``depositedRecordRefs``."""

    id: Id | None = None
    data_type: str | None = None


# --- small shared values ----------------------------------------------------------------------------


class WithholdingTax(CheckedModel, kw_only=True):
    name: NonEmptyStr
    amount: Money


class Metadata(CheckedModel, kw_only=True):
    """``isDeleted`` is true when the record was deleted in the source between two pulls."""

    is_deleted: bool | UnsetType | None = UNSET


class SupplementalData(CheckedModel, kw_only=True):
    """Configured extra properties: configured key -> object of arbitrary properties."""

    content: dict[str, dict[str, Any]] | UnsetType | None = UNSET


class Address(CheckedModel, kw_only=True):
    """Codat's ``AccountingAddress`` (customers, suppliers, company info, contacts)."""

    type: AddressType
    line1: str | UnsetType | None = UNSET
    line2: str | UnsetType | None = UNSET
    city: str | UnsetType | None = UNSET
    region: str | UnsetType | None = UNSET
    country: str | UnsetType | None = UNSET
    postal_code: str | UnsetType | None = UNSET


class PhoneNumber(CheckedModel, kw_only=True):
    number: str | UnsetType | None = UNSET
    type: PhoneNumberType


class ValidDataTypeLinks(CheckedModel, kw_only=True):
    """Which data types may reference an account or tax rate, per property."""

    property: str | None = None
    links: list[str] | UnsetType | None = UNSET


# --- tracking on lines ------------------------------------------------------------------------------


class BillLineTracking(CheckedModel, kw_only=True):
    """``tracking`` on bill and bill-credit-note lines."""

    category_refs: list[TrackingCategoryRef]
    is_billed_to: BilledToType
    is_rebilled_to: BilledToType
    customer_ref: CustomerRef | None = None
    project_ref: ProjectRef | None = None


class InvoiceLineTracking(CheckedModel, kw_only=True):
    """``tracking`` on invoice and credit-note lines (narrower ``isBilledTo`` set, plus ``recordRef``)."""

    category_refs: list[TrackingCategoryRef]
    is_billed_to: InvoiceBilledToType
    is_rebilled_to: InvoiceBilledToType
    customer_ref: CustomerRef | None = None
    project_ref: ProjectRef | None = None
    record_ref: RecordRef | None = None


# --- payment allocations ----------------------------------------------------------------------------


class PaymentAllocationPayment(CheckedModel, kw_only=True):
    id: str | None = None
    note: str | UnsetType | None = UNSET
    reference: str | UnsetType | None = UNSET
    account_ref: AccountRef | None = None
    currency: CurrencyCode | None = None
    currency_rate: Money | UnsetType | None = UNSET
    paid_on_date: DateTime | None = None
    total_amount: Money | None = None


class Allocation(CheckedModel, kw_only=True):
    currency: CurrencyCode | None = None
    currency_rate: Money | UnsetType | None = UNSET
    allocated_on_date: DateTime | None = None
    total_amount: Money | None = None


class PaymentAllocation(CheckedModel, kw_only=True):
    """A payment applied to a document: the payment itself, and the part allocated to this document."""

    payment: PaymentAllocationPayment
    allocation: Allocation


# --- bases --------------------------------------------------------------------------------------------


class RecordBase(CheckedModel, kw_only=True):
    """Fields every record carries: ``id`` (read-only on create), the two modified dates, ``metadata``."""

    id: str | None = None
    modified_date: DateTime | None = None
    source_modified_date: DateTime | None = None
    metadata: Metadata | None = None


class LineItemBase(CheckedModel, kw_only=True):
    """The line fields invoices, credit notes, bills, bill credit notes and direct incomes share."""

    quantity: Money
    unit_amount: Money
    description: str | UnsetType | None = UNSET
    discount_amount: Money | UnsetType | None = UNSET
    discount_percentage: Money | UnsetType | None = UNSET
    sub_total: Money | UnsetType | None = UNSET
    tax_amount: Money | UnsetType | None = UNSET
    total_amount: Money | UnsetType | None = UNSET
    account_ref: AccountRef | None = None
    tax_rate_ref: TaxRateRef | None = None
    item_ref: ItemRef | None = None
    tracking_category_refs: list[TrackingCategoryRef] | UnsetType | None = UNSET


# --- paging envelope ----------------------------------------------------------------------------------


class HalRef(CheckedModel, kw_only=True):
    href: str | None = None


class Links(CheckedModel, kw_only=True):
    """``_links``: ``self`` is the bare path, ``current``/``next``/``previous`` carry the query string."""

    self_: HalRef = msgspec.field(name="self")
    current: HalRef
    next: HalRef | None = None
    previous: HalRef | None = None


class Page(CheckedModel, Generic[T], kw_only=True):
    """Codat's list envelope. Subclass per type (``class Bills(Page[Bill])``) for stable schema names.

    Each subclass repeats ``results: list[Bill]``: msgspec resolves ``T`` from the base by itself, but
    Litestar's OpenAPI generator does not, and would describe ``results`` as untyped objects, leaving
    clients generated from the document without a model for the records.
    """

    results: list[T]
    page_number: int
    page_size: int
    total_results: int
    links: Links = msgspec.field(name="_links")
