"""Reference checks shared by the sandbox's transaction write handlers.

Intacct refuses a transaction that names a vendor, account or dimension value it cannot see, and it
does so with a specific error first and the generic ``BL01001973`` "Could not create … record!" after
it. Handlers call the checks of ``Refs`` (bound to the caller's session: company and entity) inside
``recording("create", "bill")``; a check raises ``Refused`` with the specific error and the context
manager adds the wrapper, so every handler answers with the same two-error layout as Intacct.

Error numbers and texts come from intacct-behaviour.md §3. Where the documentation gives a text but
no number, ``BL01001973`` is used (the number Intacct prints on the whole block in the documented
production example); texts marked ASSUMPTION below have no published wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NoReturn

from connectors.intacct.sandbox.registry import CallContext, FunctionFailed, IntacctError
from connectors.intacct.sandbox.state import CompanyState, Entity, Record

GENERIC = "BL01001973"
DUPLICATE_NUMBER = "BL03002185"
BANK_ACCOUNT_LINE = "BL03002112"
DOCUMENT_PAID = "BL03000215"
PAYMENT_METHOD_MISSING = "BL34000094"
DOCUMENT_NUMBER_MISSING = "PL01000127"
ILLEGAL_FORMAT = "BL03000018"

#: Dimension kind -> (object, id field, name field, label used in "Invalid <label> 'x' specified.").
DIMENSIONS: dict[str, tuple[str, str, str, str]] = {
    "department": ("DEPARTMENT", "DEPARTMENTID", "TITLE", "Department"),
    "location": ("LOCATION", "LOCATIONID", "NAME", "Location"),
    "project": ("PROJECT", "PROJECTID", "NAME", "Project"),
    "task": ("TASK", "TASKID", "NAME", "Task"),
    "costtype": ("COSTTYPE", "COSTTYPEID", "NAME", "Cost Type"),
    "customer": ("CUSTOMER", "CUSTOMERID", "NAME", "Customer"),
    "vendor": ("VENDOR", "VENDORID", "NAME", "Vendor"),
    "employee": ("EMPLOYEE", "EMPLOYEEID", "NAME", "Employee"),
    "item": ("ITEM", "ITEMID", "NAME", "Item"),
    "class": ("CLASS", "CLASSID", "NAME", "Class"),
    "warehouse": ("WAREHOUSE", "WAREHOUSEID", "NAME", "Warehouse"),
    "contract": ("CONTRACT", "CONTRACTID", "NAME", "Contract"),
}

#: GLACCOUNT flag -> dimension kind it makes mandatory ("This transaction is missing the …").
REQUIRED_DIMENSION_FLAGS: dict[str, str] = {
    "REQUIREDEPT": "department",
    "REQUIRELOC": "location",
    "REQUIREPROJECT": "project",
    "REQUIRECUSTOMER": "customer",
    "REQUIREVENDOR": "vendor",
    "REQUIREEMPLOYEE": "employee",
    "REQUIREITEM": "item",
    "REQUIRECLASS": "class",
    "REQUIREWAREHOUSE": "warehouse",
}

#: Payment methods documented per module (intacct-objects.md §2.4, §3.4; intacct.md §5.8).
AP_PAYMENT_METHODS = (
    "Printed Check",
    "Joint Check",
    "Cash",
    "EFT",
    "Credit Card",
    "ACH",
    "Check Delivery",
    "WF Check",
    "WF Domestic ACH",
    "WF USD Wire",
)
AR_PAYMENT_METHODS = ("Printed Check", "Cash", "EFT", "Credit Card", "Online Charge Card", "Online ACH Debit")


DAILY_RATE = "Intacct Daily Rate"
#: The REST API shows the daily rate as type id -1; integer-typed EXCH_RATE_TYPE_ID fields print it.
DAILY_RATE_ID = "-1"
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round to cents the way Intacct stores amounts (half up; the exact mode is not documented)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Fx:
    """How a document converts from its currency to the base currency of the books it lands in."""

    base: str
    currency: str
    rate: Decimal = Decimal(1)
    #: Rate type name (``Intacct Daily Rate`` or a custom type); "" for same-currency or a custom rate.
    rate_type: str = ""
    rate_type_id: str = ""
    rate_date: dt.date | None = None

    @property
    def foreign(self) -> bool:
        return self.currency != self.base

    def to_base(self, amount: Decimal) -> Decimal:
        return amount if not self.foreign else money(amount * self.rate)

    def fields(self, *, typed_id: bool) -> dict[str, str]:
        """Currency fields of a row. ``typed_id``: the object types EXCH_RATE_TYPE_ID as an integer."""
        return {
            "BASECURR": self.base,
            "CURRENCY": self.currency,
            "EXCH_RATE_DATE": f"{self.rate_date:%m/%d/%Y}" if self.rate_date else "",
            "EXCH_RATE_TYPE_ID": self.rate_type_id if typed_id else self.rate_type,
            "EXCHANGE_RATE": format(self.rate.normalize(), "f") if self.foreign else "1",
        }


class Refused(Exception):
    """A business rule refused the call; ``errors`` are the specific Intacct error blocks."""

    def __init__(self, *errors: IntacctError) -> None:
        super().__init__("; ".join(e.description2 for e in errors))
        self.errors = list(errors)


def error(text: str, errorno: str = GENERIC, correction: str = "") -> IntacctError:
    """An Intacct error block with the message in ``description2``, where Intacct puts it."""
    return IntacctError(errorno=errorno, description2=text, correction=correction)


def refuse(text: str, errorno: str = GENERIC, correction: str = "") -> NoReturn:
    raise Refused(error(text, errorno, correction))


@contextmanager
def recording(verb: str, label: str) -> Iterator[None]:
    """Turn ``Refused`` into ``FunctionFailed``: specific error, then "Could not <verb> <label> record!"."""
    try:
        yield
    except Refused as exc:
        wrapper = error(f"Could not {verb} {label} record!")
        raise FunctionFailed(*exc.errors, wrapper) from None


def invalid(label: str, value: str) -> NoReturn:
    refuse(f"Invalid {label} '{value}' specified.")


class Refs:
    """Lookups of master data as the caller's session sees it (top level or one entity)."""

    def __init__(self, ctx: CallContext) -> None:
        self.ctx = ctx
        self.company: CompanyState = ctx.company
        self.entity: Entity | None = ctx.entity

    # -- visibility -------------------------------------------------------------------------------
    def owner(self, obj: str, row: Record) -> str:
        """Entity owning ``row`` ("" = shared top-level data).

        ``MEGAENTITYID`` when set; a location belongs to the entity it is, or to the entity above it
        in the ``PARENTID`` chain; a bank account to the entity of its ``LOCATIONID``.
        """
        owner = str(row.get("MEGAENTITYID") or "")
        if owner:
            return owner
        if obj == "LOCATION":
            seen: set[str] = set()
            current: Record | None = row
            while current is not None and str(current.get("LOCATIONID", "")) not in seen:
                location_id = str(current.get("LOCATIONID", ""))
                if location_id in self.company.entities:
                    return location_id
                seen.add(location_id)
                parent = str(current.get("PARENTID") or "")
                current = self.company.find_one("LOCATION", LOCATIONID=parent) if parent else None
            return ""
        if obj in ("CHECKINGACCOUNT", "SAVINGSACCOUNT") and row.get("LOCATIONID"):
            location = self.company.find_one("LOCATION", LOCATIONID=str(row["LOCATIONID"]))
            return self.owner("LOCATION", location) if location is not None else ""
        return ""

    def visible(self, obj: str, row: Record) -> bool:
        """Entity sessions see shared data and their own; top level sees shared data and every location.

        Entity-owned bank accounts are usable only inside their entity (a top-level payment from an
        entity's bank account fails, intacct-behaviour §8).
        """
        owner = self.owner(obj, row)
        if not owner:
            return True
        if self.entity is None:
            return obj == "LOCATION"
        return owner == self.entity.id

    def lookup(self, obj: str, id_field: str, value: str) -> Record | None:
        for row in self.company.find(obj, **{id_field: value}):
            if self.visible(obj, row):
                return row
        return None

    # -- parties ----------------------------------------------------------------------------------
    def vendor(self, vendor_id: str) -> Record:
        if not vendor_id:
            refuse("Required field Vendor ID is missing.")
        row = self.lookup("VENDOR", "VENDORID", vendor_id)
        if row is None:
            invalid("Vendor", vendor_id)
        if row.get("STATUS") == "inactive":
            refuse(f"Activate the vendor {vendor_id}, then try again.")
        return row

    def customer(self, customer_id: str) -> Record:
        if not customer_id:
            refuse("Required field Customer ID is missing.")
        row = self.lookup("CUSTOMER", "CUSTOMERID", customer_id)
        if row is None:
            invalid("Customer", customer_id)
        if row.get("STATUS") == "inactive":
            refuse(f"Activate the customer {customer_id}, then try again.")
        return row

    # -- GL accounts ------------------------------------------------------------------------------
    def account(self, account_no: str) -> Record:
        row = self.lookup("GLACCOUNT", "ACCOUNTNO", account_no)
        if row is None or row.get("STATUS") == "inactive":
            invalid("Account", account_no)
        return row

    def bank_for_account(self, account_no: str) -> Record | None:
        """The checking/savings account whose cash GL account is ``account_no``, if any."""
        for obj in ("CHECKINGACCOUNT", "SAVINGSACCOUNT"):
            found = self.company.find_one(obj, GLACCOUNTNO=account_no)
            if found is not None:
                return found
        return None

    def line_account(self, account_no: str, *, line_no: int, ref: str) -> Record:
        """A GL account usable on an AP/AR/receipt line: it exists and is not tied to a bank account."""
        if not account_no:
            refuse(f"Enter an account number on line item {line_no}, in transaction '{ref},' and try again")
        row = self.account(account_no)
        bank = self.bank_for_account(account_no)
        if bank is not None:
            refuse(
                f"The account number {account_no} is associated to the Bank account "
                f"{bank.get('BANKACCOUNTID', '')} Enter an account number on line item {line_no} in "
                f"transaction '{ref}', that's not associated with any bank account, and try again",
                BANK_ACCOUNT_LINE,
            )
        return row

    def account_label(self, label: str, module: str) -> Record:
        """AP/AR account label (``APACCOUNTLABEL``/``ARACCOUNTLABEL``): an alias for a GL account."""
        obj = "APACCOUNTLABEL" if module == "AP" else "ARACCOUNTLABEL"
        row = self.lookup(obj, "ACCOUNTLABEL", label)
        if row is None or row.get("STATUS") == "inactive":
            invalid("Account Label", label)
        return row

    def required_dimensions(self, account: Record, dims: dict[str, str]) -> None:
        for flag, kind in REQUIRED_DIMENSION_FLAGS.items():
            if str(account.get(flag, "")).lower() == "true" and not dims.get(kind):
                label = DIMENSIONS[kind][3]
                refuse(
                    f"This transaction is missing the {label} dimension for the Account "
                    f"{account.get('ACCOUNTNO', '')}"
                )

    # -- dimensions -------------------------------------------------------------------------------
    def dimension(self, kind: str, value: str) -> Record:
        obj, id_field, _name, label = DIMENSIONS[kind]
        row = self.lookup(obj, id_field, value)
        if row is None or row.get("STATUS") == "inactive":
            invalid(label, value)
        return row

    def dimension_fields(self, kind: str, row: Record, style: str = "line") -> dict[str, str]:
        """The id/name/key fields a line carries for one dimension value (intacct-objects.md §1.2).

        AP/AR lines use ``DEPARTMENTID``/``DEPARTMENTNAME``, ``LOCATIONID``/``LOCATIONNAME`` and
        ``<DIM>DIMKEY``/``<DIM>ID``/``<DIM>NAME`` for the rest; GL entries use ``DEPARTMENT``/``LOCATION``.
        """
        obj, id_field, name_field, _label = DIMENSIONS[kind]
        value, name, key = str(row.get(id_field, "")), str(row.get(name_field, "")), str(row["RECORDNO"])
        if kind == "department":
            if style == "gl":
                return {"DEPARTMENT": value, "DEPARTMENTKEY": key, "DEPARTMENTTITLE": name}
            return {"DEPARTMENTID": value, "DEPARTMENTNAME": name, "DEPARTMENTKEY": key}
        if kind == "location":
            if style == "gl":
                return {"LOCATION": value, "LOCATIONKEY": key, "LOCATIONNAME": name}
            return {"LOCATIONID": value, "LOCATIONNAME": name, "LOCATIONKEY": key}
        if kind in ("task", "costtype"):
            return {id_field: value, f"{obj}NAME": name, f"{obj}KEY": key}
        return {f"{obj}DIMKEY": key, id_field: value, f"{obj}NAME": name}

    def location_entity(self, location_id: str) -> Entity | None:
        row = self.lookup("LOCATION", "LOCATIONID", location_id)
        if row is None:
            return None
        return self.company.entities.get(self.owner("LOCATION", row))

    # -- entity, tax ------------------------------------------------------------------------------
    def posting_entity(self, location_ids: list[str]) -> Entity | None:
        """Entity whose books a transaction lands in: the session's, else that of the first line location."""
        if self.entity is not None:
            return self.entity
        for location_id in location_ids:
            found = self.location_entity(location_id)
            if found is not None:
                return found
        return None

    def base_currency(self, entity: Entity | None) -> str:
        if entity is not None:
            return entity.base_currency
        for candidate in self.company.entities.values():
            return candidate.base_currency
        return "USD"

    def tax_detail(self, detail_id: str, *, tax_type: str, solution: str | None) -> Record:
        row = self.lookup("TAXDETAIL", "DETAILID", detail_id)
        if row is None or row.get("STATUS") == "inactive":
            invalid("Tax Detail", detail_id)
        if solution and row.get("TAXSOLUTIONID") and row["TAXSOLUTIONID"] != solution:
            refuse(f"The tax detail '{detail_id}' does not belong to the tax solution '{solution}'.")
        if row.get("TAXTYPE") and row["TAXTYPE"] != tax_type:
            refuse(f"The tax detail '{detail_id}' is not a {tax_type.lower()} tax detail.")
        return row

    # -- cash -------------------------------------------------------------------------------------
    def bank_account(self, bank_id: str) -> tuple[str, Record]:
        """A checking or savings account by ``BANKACCOUNTID`` (what ``FINANCIALENTITY`` names)."""
        for obj in ("CHECKINGACCOUNT", "SAVINGSACCOUNT"):
            row = self.company.find_one(obj, BANKACCOUNTID=bank_id)
            if row is None or row.get("STATUS") == "inactive":
                continue
            owner = self.owner(obj, row)
            if owner and self.entity is None:
                refuse(
                    f"The bank account {bank_id} belongs to entity {owner}; use it from that entity, "
                    "not from the top level."
                )
            if self.visible(obj, row):
                return obj, row
        invalid("Bank Account", bank_id)

    def payment_method(self, name: str, module: str) -> str:
        if not name:
            refuse("Required field Payment Method is missing.", PAYMENT_METHOD_MISSING)
        allowed = AP_PAYMENT_METHODS if module == "AP" else AR_PAYMENT_METHODS
        seeded = {str(r.get("NAME")) for r in self.company.rows("PAYMENTMETHOD")}
        if name not in allowed and name not in seeded:
            invalid("Payment Method", name)
        return name

    def payment_method_key(self, name: str) -> str:
        row = self.company.find_one("PAYMENTMETHOD", NAME=name)
        return str(row["RECORDNO"]) if row is not None else ""

    # -- periods, attachments, users --------------------------------------------------------------
    def open_period(self, day: dt.date) -> None:
        closed_before = self.company.config.books_closed_before
        if closed_before is not None and day < closed_before:
            refuse(
                f"Periods are closed. Your transaction date ({day:%m/%d/%Y}) is within a period "
                "that's been closed.",
                correction=f"Date must be on or after {closed_before:%m/%d/%Y}.",
            )

    def supdoc(self, supdoc_id: str) -> None:
        if supdoc_id and self.company.find_one("SUPDOC", supdocid=supdoc_id) is None:
            invalid("Attachment", supdoc_id)

    def entity_fields(self) -> dict[str, str]:
        """``MEGAENTITY*`` of records created in this session (empty at top level)."""
        if self.entity is None:
            return {"MEGAENTITYKEY": "", "MEGAENTITYID": "", "MEGAENTITYNAME": ""}
        row = self.company.find_one("LOCATIONENTITY", LOCATIONID=self.entity.id)
        key = str(row["RECORDNO"]) if row is not None else ""
        return {"MEGAENTITYKEY": key, "MEGAENTITYID": self.entity.id, "MEGAENTITYNAME": self.entity.name}

    def user_key(self) -> str:
        row = self.company.find_one("USERINFO", LOGINID=self.ctx.user_id)
        return str(row["RECORDNO"]) if row is not None else "1"

    # -- currencies and exchange rates ------------------------------------------------------------
    def known_currencies(self) -> set[str]:
        known = {entity.base_currency for entity in self.company.entities.values()}
        for source, target, _type in self.company.exchange_rates:
            known.update((source, target))
        for obj in ("TRXCURRENCIES", "CURRENCY"):
            known.update(str(r.get("CODE", "")) for r in self.company.rows(obj))
        known.discard("")
        return known

    def rate_type(self, name: str) -> tuple[str, str]:
        """(name, id) of a rate type; the daily rate exists everywhere, custom ones in EXCHANGERATETYPES."""
        if name == DAILY_RATE:
            return DAILY_RATE, DAILY_RATE_ID
        for row in self.company.rows("EXCHANGERATETYPES"):
            if name in (row.get("NAME"), row.get("ID")):
                return str(row.get("NAME") or name), str(row.get("ID") or row["RECORDNO"])
        invalid("Exchange Rate Type", name)

    def lookup_rate(self, source: str, target: str, rate_type: str, day: dt.date) -> Decimal | None:
        """Latest rate on or before ``day`` for ``source`` -> ``target`` (else the inverse reverse pair)."""
        for pair, invert in (((source, target, rate_type), False), ((target, source, rate_type), True)):
            entries = [(d, r) for d, r in self.company.exchange_rates.get(pair, []) if d <= day]
            if entries:
                rate = max(entries, key=lambda entry: entry[0])[1]
                return (Decimal(1) / rate).quantize(Decimal("0.0000000001")) if invert else rate
        return None

    def fx(
        self,
        entity: Entity | None,
        *,
        currency: str | None,
        basecurr: str | None = None,
        rate_type: str | None = None,
        rate: Decimal | None = None,
        rate_date: dt.date | None = None,
        doc_date: dt.date,
    ) -> Fx:
        """Currency rules: base currency -> no rate; custom rate; rate type by date (default daily)."""
        base = self.base_currency(entity)
        if basecurr and basecurr != base:
            refuse(f"Invalid Base Currency '{basecurr}' specified. The base currency is {base}.")
        if not currency or currency == base:
            return Fx(base=base, currency=base)
        if currency not in self.known_currencies():
            invalid("Currency", currency)
        if rate is not None and rate_type:
            refuse("Specify either an exchange rate type or an exchange rate, not both.")
        day = rate_date or doc_date
        if rate is not None:
            if rate <= 0:
                refuse(f"The exchange rate {rate} is not valid. Enter a rate greater than 0.")
            return Fx(base=base, currency=currency, rate=rate, rate_date=day)
        type_name, type_id = self.rate_type(rate_type or DAILY_RATE)
        found = self.lookup_rate(currency, base, type_name, day)
        if found is None:
            refuse(
                f"No exchange rate is available from {currency} to {base} for the rate type "
                f"'{type_name}' on {day:%m/%d/%Y}."
            )
        return Fx(base, currency, found, type_name, type_id, day)
