"""``ConnectionSettings``: what a connection tells its connector beyond credentials.

Stored as JSON on the connection row (``connections.settings``) with only the keys the user set, and
handed as is to the connector factory as ``settings`` (camelCase; the Intacct connector reads these
names). Absent keys mean "learn it from the platform or use the platform's default".
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from datamodel._base import Model

DataTypeName = Annotated[str, Meta(pattern=r"^[A-Za-z][A-Za-z0-9]*$", max_length=64)]
IntacctField = Annotated[str, Meta(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]
DocumentType = Annotated[str, Meta(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=64)]


class CustomFieldMapping(Model, kw_only=True):
    """Write a unified field (``sourcePath``, dotted wire path such as ``supplierRef.id`` or
    ``supplementalData.content.approver``) or a fixed ``value`` into an Intacct custom field of
    ``dataType`` records."""

    data_type: DataTypeName
    intacct_field: IntacctField
    source_path: Annotated[str, Meta(min_length=1, max_length=200)] | None = None
    value: Annotated[str, Meta(max_length=1000)] | None = None

    def __post_init__(self) -> None:
        if (self.source_path is None) == (self.value is None):
            raise ValueError("give exactly one of `sourcePath` or `value`")


class Approvals(Model, kw_only=True):
    """Approval policies the company applies (pushed documents wait in Submitted, with a warning)."""

    ap_payments: bool | None = None
    ap_bills: bool | None = None


class ConnectionSettings(Model, kw_only=True):
    """Body of ``PUT …/connections/{connectionId}/settings`` and its answer."""

    custom_field_mappings: Annotated[list[CustomFieldMapping], Meta(max_length=200)] | None = None
    #: Intacct document type (``ARINVOICE``, ``ARADJUSTMENT``, ``APBILL``, ``CUSTOMER``, ``VENDOR`` ...)
    #: -> whether Intacct numbers it itself.
    auto_numbering: dict[DocumentType, bool] | None = None
    ap_payment_approval: bool | None = None
    ap_bill_approval: bool | None = None
    approvals: Approvals | None = None
    sales_invoice_definition: Annotated[str, Meta(min_length=1, max_length=100)] | None = None
    attachments_folder: Annotated[str, Meta(min_length=1, max_length=100)] | None = None
    calls_per_minute: Annotated[int, Meta(ge=1, le=100000)] | None = None
    max_concurrent: Annotated[int, Meta(ge=1, le=1000)] | None = None
    functions_per_request: Annotated[int, Meta(ge=1, le=100)] | None = None
