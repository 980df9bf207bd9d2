"""The shared mapping helpers: one currency rule, dimension spellings, tax entries, custom fields."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from connectors.errors import ConnectorRejectedError
from connectors.intacct.mapping import _common as c
from connectors.intacct.xml.tree import to_element
from datamodel.types import present

from ._ap_support import GB, US, WITH_CUSTOM_FIELDS

DAY = dt.date(2024, 6, 30)


# --- currency ------------------------------------------------------------------------------------------


def test_base_currency_writes_no_currency_fields() -> None:
    for currency, rate in ((None, None), ("USD", None), ("USD", Decimal(1))):
        plan = c.currency_plan(currency, rate, US)
        assert plan.kind == "base"
        assert c.legacy_currency(plan, DAY) == {}
        assert c.generic_currency(plan, DAY) == {}


def test_currency_with_rate_is_a_custom_rate_in_legacy_order() -> None:
    plan = c.currency_plan("GBP", Decimal("1.27"), US)
    block = c.legacy_currency(plan, DAY)
    assert list(block) == ["basecurr", "currency", "exchratedate", "exchrate"]
    assert block["basecurr"] == "USD" and block["currency"] == "GBP" and block["exchrate"] == Decimal("1.27")
    assert block["exchratedate"] == {"year": "2024", "month": "06", "day": "30"}


def test_currency_without_rate_uses_the_intacct_daily_rate() -> None:
    plan = c.currency_plan("EUR", None, US)
    assert plan.kind == "daily"
    assert list(c.legacy_currency(plan, DAY)) == ["basecurr", "currency", "exchratedate", "exchratetype"]
    assert c.legacy_currency(plan, DAY)["exchratetype"] == "Intacct Daily Rate"
    generic = c.generic_currency(plan, DAY)
    assert generic == {
        "BASECURR": "USD",
        "CURRENCY": "EUR",
        "EXCH_RATE_DATE": DAY,
        "EXCH_RATE_TYPE_ID": "Intacct Daily Rate",
    }
    assert "BASECURR" not in c.generic_currency(plan, DAY, with_base=False)


def test_read_currency_reports_a_rate_only_for_foreign_documents() -> None:
    assert c.read_currency({"BASECURR": "USD", "CURRENCY": "USD", "EXCHANGE_RATE": "1"}, US) == ("USD", None)
    assert c.read_currency({"BASECURR": "USD", "CURRENCY": "GBP", "EXCHANGE_RATE": "1.25"}, US) == (
        "GBP",
        Decimal("1.25"),
    )
    assert c.read_currency({}, GB) == ("GBP", None)


# --- dates and values ------------------------------------------------------------------------------------


def test_dates_both_ways() -> None:
    assert c.to_date("2023-03-29T23:30:00-05:00") == dt.date(2023, 3, 29)
    assert c.legacy_date("2022-10-23") == {"year": "2022", "month": "10", "day": "23"}
    assert c.legacy_date(None) is None
    assert c.query_date(DAY) == "06/30/2024"
    assert c.read_date("06/30/2015") == "2015-06-30T00:00:00"
    assert c.read_date("2024-12-09") == "2024-12-09T00:00:00"
    assert c.read_date("") is None and c.read_date("soon") is None
    assert c.read_timestamp("01/09/2019 22:01:29") == "2019-01-09T22:01:29"


def test_row_values_accept_flat_and_nested_fields() -> None:
    flat = {"DISPLAYCONTACT.EMAIL1": "a@b.c", "TOTAL": " 12.50 ", "EMPTY": ""}
    nested = {"DISPLAYCONTACT": {"EMAIL1": "a@b.c"}}
    assert c.text(flat, "DISPLAYCONTACT.EMAIL1") == c.text(nested, "DISPLAYCONTACT.EMAIL1") == "a@b.c"
    assert c.text(flat, "EMPTY") is None
    assert c.money(flat["TOTAL"]) == Decimal("12.50")
    assert c.money("abc") is None and c.money("NaN") is None
    assert c.row_money({"AMOUNT": "3", "TRX_AMOUNT": ""}, "TRX_AMOUNT", "AMOUNT") == Decimal(3)


def test_line_net_prefers_subtotal() -> None:
    assert c.line_net({"subTotal": Decimal(5), "quantity": Decimal(2), "unitAmount": Decimal(9)}) == 5
    assert (
        c.line_net({"quantity": Decimal(2), "unitAmount": Decimal("4.5"), "discountAmount": Decimal(1)}) == 8
    )


# --- tracking --------------------------------------------------------------------------------------------


def test_tracking_ids_and_names_resolve_to_dimensions() -> None:
    problems = c.Problems("Bill")
    refs = [("a", "DEPARTMENT-ADM"), ("b", "London"), ("c", "PROJECT-P-100"), ("d", "LINE_OF_BUSINESS-10003")]
    found = c.resolve_tracking(refs, US, problems)
    assert not problems
    assert {k: v.value for k, v in found.items()} == {
        "DEPARTMENT": "ADM",
        "LOCATION": "200",
        "PROJECT": "P-100",
        "LINE_OF_BUSINESS": "10003",
    }
    assert c.tracking_names(["DEPARTMENT-1", "London", ""], US) == {"London"}


@pytest.mark.parametrize(
    ("ref_id", "message"),
    [
        ("COSTCENTRE-9", "'COSTCENTRE' is not a tracking category type in Sage Intacct"),
        ("Marketing", "Tracking Category 'Marketing' cannot be found."),
    ],
)
def test_unknown_tracking_is_an_issue_naming_it(ref_id: str, message: str) -> None:
    problems = c.Problems("Bill")
    assert c.resolve_tracking([("lineItems[0].trackingCategoryRefs[0].id", ref_id)], US, problems) == {}
    assert problems.issues[0].field == "lineItems[0].trackingCategoryRefs[0].id"
    assert problems.issues[0].message.startswith(message)
    with pytest.raises(ConnectorRejectedError) as caught:
        problems.raise_if_any()
    assert "lineItems[0].trackingCategoryRefs[0].id" in caught.value.message


def test_ambiguous_names_and_conflicting_values_are_issues() -> None:
    facts = dataclasses.replace(
        US, dimension_names={"DEPARTMENT": {"North": "N"}, "LOCATION": {"North": "10"}}
    )
    problems = c.Problems("Bill")
    c.resolve_tracking([("x", "North"), ("y", "CLASS-1"), ("z", "CLASS-2")], facts, problems)
    messages = [(i.field, i.message) for i in problems.issues]
    assert messages[0][0] == "x" and "ambiguous" in messages[0][1]
    assert messages[1][0] == "z" and "one CLASS only" in messages[1][1]


def test_dimension_spellings_per_write_style() -> None:
    problems = c.Problems("Bill")
    values = c.resolve_tracking(
        [("a", "DEPARTMENT-ADM"), ("b", "LOCATION-100"), ("c", "SUPPLIER-V1"), ("d", "LINE_OF_BUSINESS-7")],
        US,
        problems,
    )
    legacy = c.dimension_fields(values, "legacy", problems)
    assert legacy.fields == {"departmentid": "ADM", "locationid": "100", "vendorid": "V1"}
    assert legacy.custom == [("GLDIMLINE_OF_BUSINESS", "7")]
    generic = c.dimension_fields(values, "generic", problems)
    assert generic.fields == {
        "DEPARTMENTID": "ADM",
        "LOCATIONID": "100",
        "VENDORID": "V1",
        "GLDIMLINE_OF_BUSINESS": "7",
    }
    gl = c.dimension_fields(values, "gl", problems)
    assert gl.fields["DEPARTMENT"] == "ADM" and gl.fields["LOCATION"] == "100"
    assert not problems


def test_dimensions_a_function_lacks_are_issues() -> None:
    problems = c.Problems("Bill")
    values = c.resolve_tracking(
        [("t", "TASK-1"), ("k", "CONTRACT-2"), ("u", "LINE_OF_BUSINESS-3")], US, problems
    )
    c.dimension_fields(values, "legacy", problems, exclude=("CONTRACT",), custom_allowed=False, where="here")
    assert [(i.field, i.message) for i in problems.issues] == [
        ("t", "TASK tracking is not supported on here."),
        ("k", "CONTRACT tracking is not supported on here."),
        ("u", "Custom tracking category LINE_OF_BUSINESS is not supported on here."),
    ]


def test_read_tracking_builds_dimension_refs_with_names() -> None:
    row = {"DEPARTMENTID": "ADM", "DEPARTMENTNAME": "Admin", "ITEMID": "I1", "GLDIMLINE_OF_BUSINESS": "7"}
    refs = c.read_tracking(row, US, skip=("ITEM",))
    assert [(r.id, present(r.name)) for r in refs] == [
        ("DEPARTMENT-ADM", "Admin"),
        ("LINE_OF_BUSINESS-7", None),
    ]
    gl = c.read_tracking({"DEPARTMENT": "ADM", "DEPARTMENTTITLE": "Admin"}, US, gl=True)
    assert [(r.id, r.name) for r in gl] == [("DEPARTMENT-ADM", "Admin")]


# --- tax -------------------------------------------------------------------------------------------------


def test_vat_entity_writes_tax_entries_us_entity_none() -> None:
    problems = c.Problems("Bill")
    line = {"subTotal": Decimal(100), "taxRateRef": {"id": "81"}}
    assert c.tax_entries(line, "l", GB, problems, style="legacy") == {
        "taxentry": {"detailid": "UK Purchase Standard Rate", "trx_tax": Decimal("20.00")}
    }
    given = {**line, "taxAmount": Decimal("19.99")}
    assert c.tax_entries(given, "l", GB, problems, style="generic", sign=-1) == {
        "TAXENTRY": {"DETAILID": "UK Purchase Standard Rate", "TRX_TAX": Decimal("-19.99")}
    }
    assert c.tax_entries(line, "l", US, problems, style="legacy") is None
    assert not problems
    c.tax_entries({"taxRateRef": {"id": "999"}}, "l", GB, problems, style="legacy")
    assert problems.issues[0].field == "l.taxRateRef.id"


def test_tax_rows_are_read_back_onto_their_line() -> None:
    rows = [
        {"RECORDNO": "1", "LINEITEM": "T", "TRX_AMOUNT": "100"},
        {
            "RECORDNO": "2",
            "LINEITEM": "F",
            "PARENTENTRY": "1",
            "DETAILID": "UK Purchase Standard Rate",
            "TRX_AMOUNT": "20",
        },
    ]
    lines, taxes = c.split_tax_rows(rows)
    assert [r["RECORDNO"] for r in lines] == ["1"] and list(taxes) == ["1"]
    ref, amount = c.read_line_tax(lines[0], taxes["1"], GB)
    assert ref is not None and (ref.id, ref.name) == ("81", "UK Purchase Standard Rate")
    assert ref.effective_tax_rate == Decimal(20)
    assert amount == Decimal(20)
    nested = {"TAXENTRIES": {"TAXENTRY": {"DETAILID": "UK Purchase Zero Rate", "TRX_TAX": "0"}}}
    ref, amount = c.read_line_tax(nested, [], GB)
    assert ref is not None and ref.id == "82" and amount == 0


# --- custom fields, status, accounts ---------------------------------------------------------------------


def test_custom_fields_from_facts() -> None:
    header = c.custom_values({"note": "x"}, WITH_CUSTOM_FIELDS, "bills")
    assert header == [("CUSTOMFIELD1", "fixed")]
    line = c.custom_values({"description": "Paper"}, WITH_CUSTOM_FIELDS, "bills.lineItems")
    assert line == [("LINEFIELD", "Paper")]
    element = to_element("customfields", c.legacy_custom_fields(header))
    assert [child.tag for child in element[0]] == ["customfieldname", "customfieldvalue"]
    assert c.legacy_custom_fields([]) is None


@pytest.mark.parametrize(
    ("state", "total", "due", "expected"),
    [
        ("Draft", "10", "10", "Draft"),
        ("Posted", "10", "10", "Open"),
        ("Posted", "10", "4", "PartiallyPaid"),
        ("Posted", "10", "0", "Paid"),
        ("Paid", "10", None, "Paid"),
        ("Partially Paid", "10", None, "PartiallyPaid"),
        ("Reversed", "10", "10", "Void"),
        ("A", "10", "10", "Open"),
        (None, None, None, "Unknown"),
    ],
)
def test_document_status(state: str | None, total: str | None, due: str | None, expected: str) -> None:
    assert c.document_status(state, c.money(total), c.money(due)) == expected


def test_action_and_accounts() -> None:
    assert c.action_for("Draft") == "Draft"
    assert c.action_for("Open") == c.action_for("Submitted") == "Submit"
    assert c.gl_account_no("20", US) == "6000" and c.gl_account_no("6000", US) == "6000"
    assert c.bank_account("10", US) == "BOA" and c.bank_account("20", US) is None
    ref = c.account_ref({"ACCOUNTNO": "6000"}, US)
    assert ref is not None and (ref.id, ref.name) == ("20", "Office Expenses")


def test_unique_number_is_stable_per_operation() -> None:
    assert c.unique_number("op-1") == c.unique_number("op-1") != c.unique_number("op-2")
    assert len(c.unique_number("op-1")) == 8
