"""The mapping registry: unified data type -> what writes, validates and reads it.

One ``TypeMapping`` per data type gathers what the per-type modules expose (``RULES``, ``plan_create``,
``plan_update``, ``plan_delete``, ``update_refusal``, ``READ``/``READS``) with the unified model a pushed
record is decoded into, so the connector's executor and reader never branch on the data type.

The modules are imported explicitly, but inside ``registry()`` rather than at package import: the rule
tables import ``mapping.facts`` (which runs this package's ``__init__``) and the type modules import the
rule tables, so importing them here at module level would be a circular import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from connectors.errors import ConnectorUnsupported

if TYPE_CHECKING:
    import msgspec

    from connectors.intacct.mapping.plan import ReadSpec, WritePlan
    from connectors.intacct.rules._base import RuleSet

__all__ = ["ALIASES", "TypeMapping", "canonical", "mapping_for", "registry"]

PlanCreate = Callable[..., "WritePlan"]
PlanUpdate = Callable[..., "WritePlan"]
PlanDelete = Callable[..., "WritePlan"]
Refusal = Callable[[Mapping[str, Any]], "str | None"]

#: Codat spells some types two ways (``POST …/push/accounts`` but ``GET …/options/chartOfAccounts``).
ALIASES: dict[str, str] = {"chartOfAccounts": "accounts", "info": "companyInfo", "company": "companyInfo"}

NO_TRANSFER_CREATE = (
    "Sage Intacct's XML Web Services have no function that creates a funds transfer (FUNDSTRANSFER is "
    "read only there), so transfers cannot be pushed; they are read only."
)


@dataclass(frozen=True, slots=True)
class TypeMapping:
    """Everything the connector needs for one unified data type."""

    data_type: str
    #: How the type is read; several sources for some (credit notes, tracking categories).
    reads: tuple[ReadSpec, ...] = ()
    #: Unified model a pushed record is decoded into before planning.
    model: type[msgspec.Struct] | None = None
    rules: RuleSet | None = None
    plan_create: PlanCreate | None = None
    plan_update: PlanUpdate | None = None
    plan_delete: PlanDelete | None = None
    #: Why an existing row may not be updated (paid bills ...), checked before an update is sent.
    update_refusal: Refusal | None = None
    #: Intacct object holding the records (attachments link to it) and the field the unified id names.
    record_object: str | None = None
    id_field: str = "RECORDNO"
    #: Why nothing can be written, for types Intacct cannot create at all.
    unsupported: str | None = None

    @property
    def read(self) -> ReadSpec | None:
        """The primary read (the one a pushed record is read back with)."""
        return self.reads[0] if self.reads else None

    @property
    def writable(self) -> bool:
        return self.plan_create is not None or self.plan_update is not None or self.plan_delete is not None


@cache
def registry() -> dict[str, TypeMapping]:
    """Every data type the Intacct connector maps, by its canonical (push path) name."""
    from connectors.intacct.mapping import (
        accounts,
        bill_credit_notes,
        bill_payments,
        bills,
        credit_notes,
        customers,
        direct_incomes,
        invoices,
        items,
        journal_entries,
        journals,
        payments,
        suppliers,
        tax_rates,
        tracking_categories,
        transfers,
    )
    from datamodel import (
        Account,
        Bill,
        BillCreditNote,
        BillPayment,
        CreditNote,
        Customer,
        DirectIncome,
        Invoice,
        JournalEntry,
        Payment,
        Supplier,
    )

    entries = (
        TypeMapping(
            "bills",
            (bills.READ,),
            Bill,
            bills.RULES,
            bills.plan_create,
            bills.plan_update,
            bills.plan_delete,
            bills.update_refusal,
            record_object="APBILL",
        ),
        TypeMapping(
            "billCreditNotes",
            (bill_credit_notes.READ,),
            BillCreditNote,
            bill_credit_notes.RULES,
            bill_credit_notes.plan_create,
            record_object="APADJUSTMENT",
        ),
        TypeMapping(
            "billPayments",
            (bill_payments.READ,),
            BillPayment,
            bill_payments.RULES,
            bill_payments.plan_create,
            plan_delete=bill_payments.plan_delete,
            record_object="APPYMT",
        ),
        TypeMapping(
            "creditNotes",
            tuple(credit_notes.READS),
            CreditNote,
            credit_notes.RULES,
            credit_notes.plan_create,
            record_object="ARADJUSTMENT",
        ),
        TypeMapping(
            "directIncomes",
            (direct_incomes.READ,),
            DirectIncome,
            direct_incomes.RULES,
            direct_incomes.plan_create,
            record_object="OTHERRECEIPTS",
        ),
        TypeMapping(
            "invoices",
            (invoices.READ,),
            Invoice,
            invoices.RULES,
            invoices.plan_create,
            invoices.plan_update,
            update_refusal=invoices.update_refusal,
            record_object="ARINVOICE",
        ),
        TypeMapping(
            "payments",
            (payments.READ,),
            Payment,
            payments.RULES,
            payments.plan_create,
            record_object="ARPYMT",
        ),
        TypeMapping(
            "transfers", (transfers.READ,), record_object="FUNDSTRANSFER", unsupported=NO_TRANSFER_CREATE
        ),
        TypeMapping(
            "journalEntries",
            (journal_entries.READ,),
            JournalEntry,
            journal_entries.RULES,
            journal_entries.plan_create,
            plan_delete=journal_entries.plan_delete,
            record_object="GLBATCH",
        ),
        TypeMapping(
            "accounts",
            (accounts.READ,),
            Account,
            accounts.RULES,
            accounts.plan_create,
            record_object="GLACCOUNT",
        ),
        TypeMapping(
            "customers",
            (customers.READ,),
            Customer,
            customers.RULES,
            customers.plan_create,
            customers.plan_update,
            record_object="CUSTOMER",
            id_field="CUSTOMERID",
        ),
        TypeMapping(
            "suppliers",
            (suppliers.READ,),
            Supplier,
            suppliers.RULES,
            suppliers.plan_create,
            suppliers.plan_update,
            record_object="VENDOR",
            id_field="VENDORID",
        ),
        TypeMapping("taxRates", (tax_rates.READ,), record_object="TAXDETAIL"),
        TypeMapping("trackingCategories", tuple(tracking_categories.READS)),
        TypeMapping("items", (items.READ,), record_object="ITEM", id_field="ITEMID"),
        TypeMapping("journals", (journals.READ,), record_object="GLJOURNAL"),
        # Not read page by page: built from the company facts (see ``reader.py``).
        TypeMapping("paymentMethods"),
        TypeMapping("companyInfo"),
    )
    return {entry.data_type: entry for entry in entries}


def canonical(data_type: str) -> str:
    """The registry name of ``data_type`` (``chartOfAccounts`` -> ``accounts``)."""
    return ALIASES.get(data_type, data_type)


def mapping_for(data_type: str) -> TypeMapping:
    """The mapping of ``data_type``; ``ConnectorUnsupported`` naming the supported ones otherwise."""
    found = registry().get(canonical(data_type))
    if found is None:
        known = ", ".join(sorted(registry()))
        raise ConnectorUnsupported(
            f"Datatype {data_type} is not supported by Sage Intacct here (supported: {known})"
        )
    return found
