"""What mapping and validation need to know about the Intacct company they write to.

The facts are gathered by the connector (entity details at link time, connection settings, look-ups of
dimensions) and handed to the pure mapping functions, so those never do I/O and tests can state the
company they assume in one literal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True, slots=True)
class CustomFieldMapping:
    """Write a unified field (dotted wire path) or a fixed value into an Intacct custom field."""

    data_type: str
    intacct_field: str
    source_path: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class AccountFact:
    """A GL account as mapping needs it; unified ``accountRef.id`` is the account's RECORDNO."""

    recordno: str
    account_no: str
    title: str = ""
    #: Checking/savings account (``BANKACCOUNTID``) this GL account is tied to, if any: such an account
    #: pays bills and receives payments, and may not appear on an expense/revenue line (BL03002112).
    bank_account_id: str | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class TaxFact:
    """A tax detail; unified ``taxRateRef.id`` is the TAXDETAIL RECORDNO, Intacct lines take DETAILID."""

    recordno: str
    detail_id: str
    rate: str = "0"
    tax_type: str = "Purchase"


@dataclass(frozen=True)
class CompanyFacts:
    """The Intacct company/entity a connection writes to, as far as mapping rules depend on it.

    Not ``slots``: the look-up indexes below are ``cached_property`` values, built on first use and kept
    in the instance ``__dict__`` (they are not fields, so they are neither compared nor serialised).
    Facts are immutable once built (``dataclasses.replace`` makes a new instance with fresh indexes).
    """

    company_id: str
    entity_id: str | None = None
    base_currency: str = "USD"
    #: Currencies the entity may transact in (options choices, validation).
    currencies: tuple[str, ...] = ("USD",)
    #: Tax solution of a VAT/GST entity; ``None`` for US entities (no tax entries allowed).
    tax_solution_id: str | None = None
    #: Document type -> Intacct numbers it ("ARINVOICE", "ARADJUSTMENT", "APBILL", "CUSTOMER", "VENDOR" ...).
    auto_numbering: Mapping[str, bool] = field(default_factory=dict)
    #: AP payments wait for approval before they post (the unapproved bill payment warning).
    ap_payment_approval: bool = False
    #: AP bills wait for approval (pushed bills land "Submitted", with a warning).
    ap_bill_approval: bool = False
    #: Order Entry transaction definition used for sales invoices.
    sales_invoice_definition: str = "Sales Invoice"
    #: Payment method record ids -> Intacct payment method names (``"6"`` -> ``"Cash"``).
    payment_methods: Mapping[str, str] = field(default_factory=dict)
    custom_fields: tuple[CustomFieldMapping, ...] = ()
    #: GL accounts by RECORDNO (the unified account id) — small reference data, cached by the connector.
    accounts: Mapping[str, AccountFact] = field(default_factory=dict)
    #: Tax details by RECORDNO (the unified tax rate id).
    tax_details: Mapping[str, TaxFact] = field(default_factory=dict)
    #: Dimension name look-ups done for this write: DIMENSION -> exact name -> id.
    dimension_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: User-defined dimensions enabled in the company, by integration name (``LINE_OF_BUSINESS``): tracking
    #: refs ``LINE_OF_BUSINESS-10003`` are written as ``GLDIMLINE_OF_BUSINESS``.
    custom_dimensions: tuple[str, ...] = ()
    #: GL journals by RECORDNO (the unified ``journalRef.id``) -> journal symbol (``GJ``) GLBATCH takes.
    journals: Mapping[str, str] = field(default_factory=dict)

    @property
    def has_vat(self) -> bool:
        return self.tax_solution_id is not None

    def account(self, account_id: str) -> AccountFact | None:
        """The GL account a unified ``accountRef.id`` names (RECORDNO, or the account number itself)."""
        found = self.accounts.get(account_id)
        if found is None:
            found = self._accounts_by_number.get(account_id)
        return found

    def tax_detail(self, tax_rate_id: str) -> TaxFact | None:
        """The tax detail a unified ``taxRateRef.id`` names (RECORDNO, or the DETAILID itself)."""
        found = self.tax_details.get(tax_rate_id)
        if found is None:
            found = self._tax_by_detail_id.get(tax_rate_id)
        return found

    @cached_property
    def _accounts_by_number(self) -> dict[str, AccountFact]:
        """Account number -> the first account (in ``accounts`` order) with that number: a write names
        accounts by number on every line, and a scan per line was most of the mapping's time."""
        index: dict[str, AccountFact] = {}
        for fact in self.accounts.values():
            index.setdefault(fact.account_no, fact)
        return index

    @cached_property
    def _tax_by_detail_id(self) -> dict[str, TaxFact]:
        """DETAILID -> the first tax detail (in ``tax_details`` order) with that id."""
        index: dict[str, TaxFact] = {}
        for fact in self.tax_details.values():
            index.setdefault(fact.detail_id, fact)
        return index

    def numbers(self, document_type: str) -> bool:
        """True when Intacct assigns the document number of ``document_type`` itself."""
        return bool(self.auto_numbering.get(document_type, False))
