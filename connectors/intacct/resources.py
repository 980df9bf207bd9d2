"""One declarative class per unified data type: which Intacct object backs it and what may be done.

These are facts, not behaviour: the mapping layer adds mappers, the gateway reads ``operations`` to
answer "not supported" before calling Intacct (e.g. ``transfers`` are read-only: the XML gateway has no
create function for funds transfers). Class attributes, like singer streams, so they are readable
without an instance and checked by the contract suite. The declared operations are exactly what the
mapping registry (``mapping/__init__.py``) can plan; a test keeps the two in step.
"""

from __future__ import annotations

from typing import ClassVar

from connectors.base import Operation

READ = frozenset({Operation.READ})
READ_CREATE = frozenset({Operation.READ, Operation.CREATE})
READ_CREATE_UPDATE = frozenset({Operation.READ, Operation.CREATE, Operation.UPDATE})
READ_CREATE_DELETE = frozenset({Operation.READ, Operation.CREATE, Operation.DELETE})
ALL = frozenset(Operation)


class IntacctResource:
    """Base: the attributes every resource declares (see ``connectors.base.DataTypeResource``)."""

    data_type: ClassVar[str]
    upstream_object: ClassVar[str]
    key_field: ClassVar[str] = "RECORDNO"
    #: Human/business id field (``VENDORID``), used by ``readByName`` and duplicate look-ups.
    id_field: ClassVar[str | None] = None
    #: Change timestamp used by incremental reads.
    modified_field: ClassVar[str] = "WHENMODIFIED"
    operations: ClassVar[frozenset[Operation]] = READ
    #: Intacct functions that write it (legacy name, or ``create``/``update`` + object).
    write_functions: ClassVar[tuple[str, ...]] = ()
    #: Owned line object queried separately (``query`` never returns lines).
    line_object: ClassVar[str | None] = None
    #: Further objects read into the same unified type (sales invoices, other dimensions).
    extra_objects: ClassVar[tuple[str, ...]] = ()


class Bills(IntacctResource):
    data_type = "bills"
    upstream_object = "APBILL"
    id_field = "RECORDID"
    operations = ALL
    write_functions = ("create_bill", "create APBILL", "update APBILL", "delete APBILL")
    line_object = "APBILLITEM"


class BillCreditNotes(IntacctResource):
    data_type = "billCreditNotes"
    upstream_object = "APADJUSTMENT"
    operations = READ_CREATE
    write_functions = ("create_apadjustment",)
    line_object = "APADJUSTMENTITEM"


class BillPayments(IntacctResource):
    data_type = "billPayments"
    upstream_object = "APPYMT"
    id_field = "DOCNUMBER"
    operations = READ_CREATE_DELETE
    write_functions = ("create APPYMT", "delete APPYMT")
    line_object = "APPYMTDETAIL"


class CreditNotes(IntacctResource):
    data_type = "creditNotes"
    upstream_object = "ARADJUSTMENT"
    operations = READ_CREATE
    write_functions = ("create_aradjustment",)
    line_object = "ARADJUSTMENTITEM"
    #: Negative AR invoices are credit notes in Codat's model.
    extra_objects = ("ARINVOICE",)


class DirectIncomes(IntacctResource):
    data_type = "directIncomes"
    upstream_object = "OTHERRECEIPTS"
    operations = READ_CREATE
    write_functions = ("record_otherreceipt",)
    line_object = "OTHERRECEIPTSENTRY"


class Invoices(IntacctResource):
    data_type = "invoices"
    upstream_object = "ARINVOICE"
    id_field = "RECORDID"
    operations = READ_CREATE_UPDATE
    write_functions = ("create_invoice", "update_invoice", "create_sotransaction")
    line_object = "ARINVOICEITEM"
    extra_objects = ("SODOCUMENT",)


class Payments(IntacctResource):
    data_type = "payments"
    upstream_object = "ARPYMT"
    id_field = "DOCNUMBER"
    operations = READ_CREATE
    write_functions = ("create ARPYMT",)
    line_object = "ARPYMTDETAIL"


class Transfers(IntacctResource):
    """Read only: Intacct's XML gateway has no function that creates a funds transfer."""

    data_type = "transfers"
    upstream_object = "FUNDSTRANSFER"
    operations = READ
    line_object = "FUNDSTRANSFERENTRY"


class JournalEntries(IntacctResource):
    data_type = "journalEntries"
    upstream_object = "GLBATCH"
    id_field = "BATCHNO"
    operations = READ_CREATE_DELETE
    write_functions = ("create GLBATCH", "delete GLBATCH")
    line_object = "GLENTRY"


class Accounts(IntacctResource):
    data_type = "accounts"
    upstream_object = "GLACCOUNT"
    id_field = "ACCOUNTNO"
    operations = READ_CREATE
    write_functions = ("create GLACCOUNT",)


class Customers(IntacctResource):
    data_type = "customers"
    upstream_object = "CUSTOMER"
    id_field = "CUSTOMERID"
    operations = READ_CREATE_UPDATE
    write_functions = ("create CUSTOMER", "update CUSTOMER")


class Suppliers(IntacctResource):
    data_type = "suppliers"
    upstream_object = "VENDOR"
    id_field = "VENDORID"
    operations = READ_CREATE_UPDATE
    write_functions = ("create VENDOR", "update VENDOR")


class TaxRates(IntacctResource):
    data_type = "taxRates"
    upstream_object = "TAXDETAIL"
    id_field = "DETAILID"


class TrackingCategories(IntacctResource):
    """Intacct dimensions, exposed as ``DIMENSION-id`` tracking categories."""

    data_type = "trackingCategories"
    upstream_object = "DEPARTMENT"
    extra_objects = (
        "LOCATION",
        "CLASS",
        "PROJECT",
        "TASK",
        "CUSTOMER",
        "VENDOR",
        "EMPLOYEE",
        "ITEM",
        "WAREHOUSE",
    )


class Items(IntacctResource):
    data_type = "items"
    upstream_object = "ITEM"
    id_field = "ITEMID"


class Journals(IntacctResource):
    data_type = "journals"
    upstream_object = "GLJOURNAL"
    id_field = "SYMBOL"


class PaymentMethods(IntacctResource):
    """Intacct's fixed list of payment methods, under Codat's numeric ids (no object to page through)."""

    data_type = "paymentMethods"
    upstream_object = "PAYMENTMETHOD"
    id_field = "NAME"


class CompanyInfo(IntacctResource):
    """The connected company and entity (``LOCATIONENTITY``), as one record."""

    data_type = "companyInfo"
    upstream_object = "LOCATIONENTITY"
    id_field = "LOCATIONID"


RESOURCES: tuple[type[IntacctResource], ...] = (
    Bills,
    BillCreditNotes,
    BillPayments,
    CreditNotes,
    DirectIncomes,
    Invoices,
    Payments,
    Transfers,
    JournalEntries,
    Accounts,
    Customers,
    Suppliers,
    TaxRates,
    TrackingCategories,
    Items,
    Journals,
    PaymentMethods,
    CompanyInfo,
)

#: Unified data type name -> resource class.
DATA_TYPES: dict[str, type[IntacctResource]] = {r.data_type: r for r in RESOURCES}
