"""The data types the gateway pulls, stores and serves, with every name each of them goes by.

One data type has up to four names, and mixing them up is the classic bug of a Codat clone:

* ``name`` — how the gateway stores it (``records.data_type``, ``operations.data_type``, schedules):
  ``accounts``, ``bills``, ``companyInfo``;
* ``dataset`` — Codat's data type key, used by ``dataStatus``, ``data/queue/{dataType}``, pull
  operations and webhooks: ``chartOfAccounts`` for accounts, ``company`` for company info;
* ``path`` — the URL segment of the read routes: ``data/accounts``, ``data/info``;
* ``connector_names`` — what a connector may declare in ``data_types`` (the Intacct resources say
  ``accounts``, a mapping module says ``chartOfAccounts``): the first one declared is used.

``scope`` says whether Codat serves the type per company (``/companies/{id}/data/bills``) or per
connection (``/companies/{id}/connections/{id}/data/directIncomes``), as codat-sdk-paths.txt lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import datamodel as dm

Scope = Literal["company", "connection"]


@dataclass(frozen=True, slots=True)
class DataTypeSpec:
    """Everything the pull and data features need to know about one unified data type."""

    name: str
    dataset: str
    path: str
    singular: str
    plural: str
    item_model: type[Any]
    page_model: type[Any] | None
    scope: Scope = "company"
    connector_names: tuple[str, ...] = ()
    #: Also served per connection (Codat lists ``connections/{id}/data/payments`` besides the company one).
    also_per_connection: bool = False

    @property
    def id_param(self) -> str:
        """Codat's path parameter for one record (``billId``)."""
        return f"{self.singular[0].lower()}{self.singular[1:]}Id"

    @property
    def kebab(self) -> str:
        """``billCreditNotes`` -> ``bill-credit-notes`` (Codat's operation ids are kebab-case)."""
        return _kebab(self.plural)

    @property
    def kebab_singular(self) -> str:
        return _kebab(self.singular)

    def names(self) -> tuple[str, ...]:
        return self.connector_names or (self.name,)

    def connector_name(self, declared: Iterable[str]) -> str | None:
        """The name this type has in a connector's ``data_types``, or None when it does not support it."""
        available = set(declared)
        return next((n for n in self.names() if n in available), None)


def _kebab(text: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in text)


def _spec(
    name: str,
    singular: str,
    item: type[Any],
    page: type[Any] | None,
    *,
    dataset: str | None = None,
    path: str | None = None,
    scope: Scope = "company",
    connector_names: tuple[str, ...] = (),
    also_per_connection: bool = False,
) -> DataTypeSpec:
    return DataTypeSpec(
        name=name,
        dataset=dataset or name,
        path=path or name,
        singular=singular,
        plural=name,
        item_model=item,
        page_model=page,
        scope=scope,
        connector_names=connector_names,
        also_per_connection=also_per_connection,
    )


DATA_TYPES: tuple[DataTypeSpec, ...] = (
    _spec(
        "accounts",
        "account",
        dm.Account,
        dm.Accounts,
        dataset="chartOfAccounts",
        connector_names=("accounts", "chartOfAccounts"),
    ),
    _spec("billCreditNotes", "billCreditNote", dm.BillCreditNote, dm.BillCreditNotes),
    _spec("billPayments", "billPayment", dm.BillPayment, dm.BillPayments),
    _spec("bills", "bill", dm.Bill, dm.Bills),
    _spec("creditNotes", "creditNote", dm.CreditNote, dm.CreditNotes),
    _spec("customers", "customer", dm.Customer, dm.Customers),
    _spec("directIncomes", "directIncome", dm.DirectIncome, dm.DirectIncomes, scope="connection"),
    _spec("invoices", "invoice", dm.Invoice, dm.Invoices),
    _spec("items", "item", dm.Item, dm.Items),
    _spec("journalEntries", "journalEntry", dm.JournalEntry, dm.JournalEntries),
    _spec("journals", "journal", dm.Journal, dm.Journals),
    _spec("paymentMethods", "paymentMethod", dm.PaymentMethod, dm.PaymentMethods),
    _spec("payments", "payment", dm.Payment, dm.Payments, also_per_connection=True),
    _spec("suppliers", "supplier", dm.Supplier, dm.Suppliers),
    _spec("taxRates", "taxRate", dm.TaxRate, dm.TaxRates),
    _spec("trackingCategories", "trackingCategory", dm.TrackingCategory, dm.TrackingCategories),
    _spec("transfers", "transfer", dm.Transfer, dm.Transfers, scope="connection"),
    _spec(
        "companyInfo",
        "companyInfo",
        dm.CompanyInfo,
        None,
        dataset="company",
        path="info",
        connector_names=("companyInfo", "company", "info"),
    ),
)

BY_NAME: Mapping[str, DataTypeSpec] = {spec.name: spec for spec in DATA_TYPES}
COMPANY_INFO = BY_NAME["companyInfo"]
#: The id under which the single company-info record is stored.
COMPANY_INFO_RECORD_ID = "companyInfo"

_LOOKUP: dict[str, DataTypeSpec] = {}
for _spec_item in DATA_TYPES:
    for _alias in (_spec_item.name, _spec_item.dataset, _spec_item.path, *_spec_item.connector_names):
        _LOOKUP.setdefault(_alias.lower(), _spec_item)


def find(data_type: str) -> DataTypeSpec | None:
    """The spec for any of a type's names (``chartOfAccounts``, ``accounts``, ``info`` ...), any case."""
    return _LOOKUP.get(data_type.strip().lower())


def dataset_keys() -> dict[str, str]:
    """Stored name -> Codat dataset key (``accounts`` -> ``chartOfAccounts``), for SQL views."""
    return {spec.name: spec.dataset for spec in DATA_TYPES}


def supported(declared: Iterable[str]) -> list[DataTypeSpec]:
    """The catalog types a connector declaring ``declared`` can pull, in catalog order."""
    names = set(declared)
    return [spec for spec in DATA_TYPES if spec.connector_name(names) is not None]
