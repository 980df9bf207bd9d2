"""The demo company ``DEMO`` that the README, the tests and the benchmarks rely on.

Written as data so every test can name its ids: sender ``demo-sender``/``demo-sender-pw``, user
``demo-user``/``demo-user-pw``, entity ``100`` (USD, US, no tax) and ``200`` (GBP, GB, VAT with tax
solution ``United Kingdom - VAT``). All master records are top-level (shared by both entities).
Exchange rates: ``Intacct Daily Rate`` for every pair of USD/GBP/EUR, one rate per day from
2015-01-01 to 2027-12-31 (rate = units of the second currency for one of the first), and a custom
``Corporate Rate`` on the first day of each month.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from connectors.intacct.sandbox.state import CompanyState, Entity, Record, SandboxState

COMPANY_ID = "DEMO"
SENDER_ID, SENDER_PASSWORD = "demo-sender", "demo-sender-pw"
USER_ID, USER_PASSWORD = "demo-user", "demo-user-pw"
TAX_SOLUTION = "United Kingdom - VAT"
DAILY_RATE = "Intacct Daily Rate"
CORPORATE_RATE = "Corporate Rate"
RATES_FROM, RATES_TO = dt.date(2015, 1, 1), dt.date(2027, 12, 31)
SEEDED_AT = "01/02/2024 09:00:00"

ENTITIES = (
    Entity("100", "US Operations", "USD", "US"),
    Entity("200", "UK Operations", "GBP", "GB", TAX_SOLUTION),
)

# (id, name, currency, status, email, city, country)
VENDORS = (
    ("V0001", "Office Supplies Co", "USD", "active", "ap@officesupplies.example", "Chicago", "United States"),
    (
        "V0002",
        "Cloud Hosting Inc",
        "USD",
        "active",
        "billing@cloudhosting.example",
        "Seattle",
        "United States",
    ),
    (
        "V0003",
        "London Stationers Ltd",
        "GBP",
        "active",
        "accounts@stationers.example",
        "London",
        "United Kingdom",
    ),
    ("V0004", "Legal Advisors LLP", "USD", "active", "fees@legal.example", "Boston", "United States"),
    ("V0005", "Dormant Supplies", "USD", "inactive", "", "Denver", "United States"),
)
CUSTOMERS = (
    ("C0001", "Northwind Traders", "USD", "active", "ap@northwind.example", "Portland", "United States"),
    ("C0002", "Contoso Ltd", "USD", "active", "payables@contoso.example", "Austin", "United States"),
    ("C0003", "Globex UK Ltd", "GBP", "active", "finance@globex.example", "Manchester", "United Kingdom"),
    ("C0004", "Initech LLC", "USD", "inactive", "", "Dallas", "United States"),
)
# (account no, title, account type, normal balance, category)
GL_ACCOUNTS = (
    ("1010", "Bank - Checking", "balancesheet", "debit", "Cash and Cash Equivalents"),
    ("1020", "Bank - UK Current", "balancesheet", "debit", "Cash and Cash Equivalents"),
    ("1030", "Bank - Savings", "balancesheet", "debit", "Cash and Cash Equivalents"),
    ("1100", "Accounts Receivable", "balancesheet", "debit", "Accounts Receivable"),
    ("1200", "Undeposited Funds", "balancesheet", "debit", "Cash and Cash Equivalents"),
    ("1300", "VAT Input", "balancesheet", "debit", "Other Current Assets"),
    ("1400", "Prepaid Expenses", "balancesheet", "debit", "Other Current Assets"),
    ("1500", "Inventory", "balancesheet", "debit", "Inventory"),
    ("2000", "Accounts Payable", "balancesheet", "credit", "Accounts Payable"),
    ("2100", "VAT Output", "balancesheet", "credit", "Other Current Liabilities"),
    ("2200", "Accrued Liabilities", "balancesheet", "credit", "Other Current Liabilities"),
    ("3000", "Retained Earnings", "balancesheet", "credit", "Retained Earnings"),
    ("4000", "Sales Revenue", "incomestatement", "credit", "Revenue"),
    ("4100", "Service Revenue", "incomestatement", "credit", "Revenue"),
    ("4200", "Interest Income", "incomestatement", "credit", "Other Income"),
    ("5000", "Cost of Goods Sold", "incomestatement", "debit", "Cost of Sales"),
    ("6000", "Office Expenses", "incomestatement", "debit", "Operating Expenses"),
    ("6100", "Salaries", "incomestatement", "debit", "Payroll Expense"),
    ("6200", "Rent", "incomestatement", "debit", "Operating Expenses"),
    ("6300", "Software Subscriptions", "incomestatement", "debit", "Operating Expenses"),
    ("6400", "Travel", "incomestatement", "debit", "Operating Expenses"),
    ("6500", "Professional Fees", "incomestatement", "debit", "Operating Expenses"),
)
# (table, id, GL account, currency, location, bank name)
BANK_ACCOUNTS = (
    ("CHECKINGACCOUNT", "BOA", "1010", "USD", "100", "Bank of America"),
    ("CHECKINGACCOUNT", "BARCLAYS", "1020", "GBP", "200", "Barclays"),
    ("SAVINGSACCOUNT", "BOA-SAV", "1030", "USD", "100", "Bank of America"),
)
DEPARTMENTS = (("ADM", "Administration"), ("SAL", "Sales"), ("ENG", "Engineering"), ("FIN", "Finance"))
LOCATIONS = (
    ("100", "US Operations", "", "USD"),
    ("200", "UK Operations", "", "GBP"),
    ("110", "New York", "100", "USD"),
    ("120", "San Francisco", "100", "USD"),
    ("210", "London", "200", "GBP"),
)
CLASSES = (("C100", "Retail"), ("C200", "Wholesale"), ("C300", "Online"))
PROJECTS = (
    ("P100", "Website Redesign", "C0001"),
    ("P200", "ERP Migration", "C0002"),
    ("P300", "UK Expansion", "C0003"),
)
EMPLOYEES = (("E100", "Jane", "Doe", "100", "ADM"), ("E200", "John", "Smith", "200", "SAL"))
# (id, name, type, base price, revenue account, expense account)
ITEMS = (
    ("I100", "Consulting Hour", "Non-Inventory", "150", "4100", "5000"),
    ("I200", "Widget", "Inventory", "25", "4000", "5000"),
    ("I300", "Annual Subscription", "Non-Inventory", "1200", "4000", "6300"),
)
TASKS = (("T100", "Discovery", "P100"), ("T200", "Build", "P100"))
CONTRACTS = (("CON100", "Northwind Support 2024", "C0001"),)
#: GL accounts that require a department on every line (REQUIREDEPT)
REQUIRES_DEPARTMENT = ("6100",)
_REQUIRE_FLAGS = (
    "REQUIREDEPT",
    "REQUIRELOC",
    "REQUIREPROJECT",
    "REQUIRECUSTOMER",
    "REQUIREVENDOR",
    "REQUIREEMPLOYEE",
    "REQUIREITEM",
    "REQUIRECLASS",
    "REQUIREWAREHOUSE",
)
WAREHOUSES = (("WH100", "Main Warehouse", "100"), ("WH200", "UK Warehouse", "200"))
# (detail id, tax type, rate, tax rate band, GL account)
TAX_DETAILS = (
    ("UK Purchase Standard Rate", "Purchase", "20", "Standard", "1300"),
    ("UK Purchase Zero Rate", "Purchase", "0", "Zero", "1300"),
    ("UK Purchase Exempt", "Purchase", "0", "Exempt", "1300"),
    ("UK Sale Standard Rate", "Sale", "20", "Standard", "2100"),
    ("UK Sale Zero Rate", "Sale", "0", "Zero", "2100"),
    ("UK Sale Exempt", "Sale", "0", "Exempt", "2100"),
)
# Codat reads Intacct payment methods by number (1 Printed Check ... 6 Cash, 12 ACH).
PAYMENT_METHODS = (
    (1, "Printed Check", "Check"),
    (2, "Joint Check", "Check"),
    (3, "Credit Card", "CreditCard"),
    (5, "EFT", "BankTransfer"),
    (6, "Cash", "Cash"),
    (12, "ACH", "Other"),
)
TERMS = (("N15", "Net 15", "15"), ("N30", "Net 30", "30"), ("Due on Receipt", "Due on receipt", "0"))
JOURNALS = (
    ("GJ", "General Journal"),
    ("APJ", "Accounts Payable Journal"),
    ("ARJ", "Accounts Receivable Journal"),
    ("CRJ", "Cash Receipts Journal"),
    ("ADJ", "Adjustments Journal"),
)
#: units of USD for one unit of the currency, before the daily wobble
_USD_VALUE = {"USD": 1.0, "GBP": 1.27, "EUR": 1.09}


def _contact(
    prefix: str, name: str, letter: str, record_id: str, email: str, city: str, country: str
) -> Record:
    return {
        f"{prefix}.CONTACTNAME": f"{name}({letter}{record_id})",
        f"{prefix}.PRINTAS": name,
        f"{prefix}.COMPANYNAME": name,
        f"{prefix}.EMAIL1": email,
        f"{prefix}.MAILADDRESS.CITY": city,
        f"{prefix}.MAILADDRESS.COUNTRY": country,
    }


def _rows() -> dict[str, list[Record]]:
    t: dict[str, list[Record]] = {}
    t["LOCATIONENTITY"] = [
        {
            "LOCATIONID": e.id,
            "NAME": e.name,
            "STATUS": "active",
            "CURRENCY": e.base_currency,
            "ISROOT": "F",
            "ENTITY": f"{e.id}--{e.name}",
            "OPCOUNTRY": e.country,
            "TAXSOLUTIONID": e.tax_solution_id or "",
            "LEGALNAME": f"Demo {e.name}",
            "STARTDATE": "01/01/2015",
        }
        for e in ENTITIES
    ]
    t["LOCATION"] = [
        {"LOCATIONID": i, "NAME": n, "PARENTID": p, "STATUS": "active", "CURRENCY": c, "ISROOT": "F"}
        for i, n, p, c in LOCATIONS
    ]
    t["DEPARTMENT"] = [{"DEPARTMENTID": i, "TITLE": n, "STATUS": "active"} for i, n in DEPARTMENTS]
    t["CLASS"] = [{"CLASSID": i, "NAME": n, "DESCRIPTION": "", "STATUS": "active"} for i, n in CLASSES]
    t["GLACCOUNT"] = [
        {
            "ACCOUNTNO": no,
            "TITLE": title,
            "ACCOUNTTYPE": kind,
            "NORMALBALANCE": balance,
            "CATEGORY": category,
            "CLOSINGTYPE": "non-closing account" if kind == "balancesheet" else "closing account",
            "STATUS": "active",
            "ALTERNATIVEACCOUNT": "None",
            **{flag: "false" for flag in _REQUIRE_FLAGS},
            **({"REQUIREDEPT": "true"} if no in REQUIRES_DEPARTMENT else {}),
        }
        for no, title, kind, balance, category in GL_ACCOUNTS
    ]
    for table, bank_id, gl, currency, location, bank in BANK_ACCOUNTS:
        t.setdefault(table, []).append(
            {
                "BANKACCOUNTID": bank_id,
                "BANKACCOUNTNO": f"0000{gl}77",
                "GLACCOUNTNO": gl,
                "BANKNAME": bank,
                "BANKACCOUNTTYPE": "checking" if table == "CHECKINGACCOUNT" else "savings",
                "CURRENCY": currency,
                "LOCATIONID": location,
                "STATUS": "active",
            }
        )
    t["VENDOR"] = [
        {
            "VENDORID": i,
            "NAME": n,
            "CURRENCY": c,
            "STATUS": s,
            "ONETIME": "false",
            "ONHOLD": "false",
            "TERMNAME": "N30",
            "PAYMETHODKEY": "Printed Check",
            "APACCOUNT": "6000",
            "OFFSETGLACCOUNTNO": "2000",
            **_contact("DISPLAYCONTACT", n, "V", i, e, city, country),
        }
        for i, n, c, s, e, city, country in VENDORS
    ]
    t["CUSTOMER"] = [
        {
            "CUSTOMERID": i,
            "NAME": n,
            "CURRENCY": c,
            "STATUS": s,
            "ONETIME": "false",
            "ONHOLD": "false",
            "TERMNAME": "N30",
            "ARACCOUNT": "4000",
            "OFFSETGLACCOUNTNO": "1100",
            **_contact("DISPLAYCONTACT", n, "C", i, e, city, country),
        }
        for i, n, c, s, e, city, country in CUSTOMERS
    ]
    t["PROJECT"] = [
        {
            "PROJECTID": i,
            "NAME": n,
            "CUSTOMERID": c,
            "STATUS": "active",
            "PROJECTCATEGORY": "Contract",
            "PROJECTSTATUS": "In Progress",
            "CURRENCY": "USD",
        }
        for i, n, c in PROJECTS
    ]
    t["EMPLOYEE"] = [
        {
            "EMPLOYEEID": i,
            "NAME": f"{first} {last}",
            "CONTACT.CONTACTNAME": f"{last}, {first}",
            "CONTACT.FIRSTNAME": first,
            "CONTACT.LASTNAME": last,
            "LOCATIONID": loc,
            "DEPARTMENTID": dept,
            "STATUS": "active",
        }
        for i, first, last, loc, dept in EMPLOYEES
    ]
    t["ITEM"] = [
        {
            "ITEMID": i,
            "NAME": n,
            "ITEMTYPE": kind,
            "STATUS": "active",
            "BASEPRICE": price,
            "UOMGRP": "Count",
            "UOM.DEFAULTUNIT": "Each",
            "TAXABLE": "false",
            "MRR": "false",
            "INCOMEACCTNO": income,
            "EXPENSEACCTNO": expense,
        }
        for i, n, kind, price, income, expense in ITEMS
    ]
    t["TASK"] = [
        {"TASKID": i, "NAME": n, "PROJECTID": p, "STATUS": "active", "TASKSTATUS": "In Progress"}
        for i, n, p in TASKS
    ]
    t["CONTRACT"] = [
        {"CONTRACTID": i, "NAME": n, "CUSTOMERID": c, "STATUS": "active", "STATE": "In progress"}
        for i, n, c in CONTRACTS
    ]
    t["WAREHOUSE"] = [
        {"WAREHOUSEID": i, "NAME": n, "LOC.LOCATIONID": loc, "STATUS": "active", "USEDINGL": "true"}
        for i, n, loc in WAREHOUSES
    ]
    t["TAXSOLUTION"] = [
        {
            "SOLUTIONID": TAX_SOLUTION,
            "DESCRIPTION": "UK VAT",
            "TAXMETHOD": "VAT",
            "STATUS": "active",
            "TYPE": "Standard",
            "STARTDATE": "01/01/2015",
            "GLACCOUNTPURCHASE": "1300",
            "GLACCOUNTSALE": "2100",
        }
    ]
    t["TAXDETAIL"] = [
        {
            "DETAILID": d,
            "DESCRIPTION": d,
            "TAXTYPE": kind,
            "VALUE": rate,
            "TAXRATE": band,
            "GLACCOUNT": gl,
            "STATUS": "active",
            "REVERSECHARGE": "false",
            "TAXSOLUTIONID": TAX_SOLUTION,
            "TAXUID": f"GB.{band}{kind}.VAT",
        }
        for d, kind, rate, band, gl in TAX_DETAILS
    ]
    for table in ("APTERM", "ARTERM"):
        t[table] = [
            {"NAME": n, "DESCRIPTION": d, "STATUS": "active", "DUEDATE": days} for n, d, days in TERMS
        ]
    t["GLJOURNAL"] = [{"SYMBOL": s, "TITLE": n, "STATUS": "active", "BOOKID": "ACCRUAL"} for s, n in JOURNALS]
    t["EXCHANGERATETYPES"] = [{"ID": "CORP", "NAME": CORPORATE_RATE, "ISDEFAULT": "false"}]
    return t


def _usd_value(currency: str, day: dt.date, wobble: float) -> float:
    """USD for one unit of ``currency`` on ``day``: a smooth yearly wave around a typical value."""
    if currency == "USD":
        return 1.0
    phase = (day - RATES_FROM).days / 365.0 * 2 * math.pi + (1.0 if currency == "EUR" else 0.0)
    return _USD_VALUE[currency] * (1 + wobble * math.sin(phase))


def _rate(base: str, quote: str, day: dt.date, wobble: float) -> Decimal:
    """Units of ``quote`` for one ``base``; consistent both ways (rate(a, b) * rate(b, a) ~ 1)."""
    return Decimal(f"{_usd_value(base, day, wobble) / _usd_value(quote, day, wobble):.6f}")


def seed_rates(company: CompanyState) -> None:
    days = [RATES_FROM + dt.timedelta(days=n) for n in range((RATES_TO - RATES_FROM).days + 1)]
    for base in _USD_VALUE:
        for quote in _USD_VALUE:
            if base == quote:
                continue
            company.exchange_rates[(base, quote, DAILY_RATE)] = [
                (d, _rate(base, quote, d, 0.03)) for d in days
            ]
            company.exchange_rates[(base, quote, CORPORATE_RATE)] = [
                (d, _rate(base, quote, d, 0.0)) for d in days if d.day == 1
            ]


def seed_demo(state: SandboxState) -> CompanyState:
    """Create (or return the existing) ``DEMO`` company with its master data."""
    existing = state.find_company(COMPANY_ID)
    if existing is not None:
        return existing
    state.add_sender(SENDER_ID, SENDER_PASSWORD)
    company = state.add_company(COMPANY_ID)
    company.name = "Demo Company Inc"
    company.authorized_senders.add(SENDER_ID)
    company.users[USER_ID] = USER_PASSWORD
    company.entities = {e.id: e for e in ENTITIES}
    for table, rows in _rows().items():
        for row in rows:
            row.setdefault("WHENCREATED", SEEDED_AT)
            company.insert(table, row)
    for recordno, name, kind in PAYMENT_METHODS:
        company.insert("PAYMENTMETHOD", {"NAME": name, "TYPE": kind, "STATUS": "active"}, recordno=recordno)
    _link_contacts(company)
    seed_rates(company)
    return company


def _link_contacts(company: CompanyState) -> None:
    """Display contacts as CONTACT records, and the keys that point at them."""
    for table in ("VENDOR", "CUSTOMER"):
        for record in company.rows(table):
            contact = {k.split(".", 1)[1]: v for k, v in record.items() if k.startswith("DISPLAYCONTACT.")}
            contact["STATUS"] = "active"
            key = company.insert("CONTACT", contact)
            company.update(table, int(record["RECORDNO"]), {"DISPLAYCONTACTKEY": str(key)})
