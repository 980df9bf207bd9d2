"""Compiling the AST to SQL: values and field names only ever travel as parameters."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gateway.records import Comparison, Compiler, Op, Params, compile_order_by, compile_where, parse_query
from gateway.records.query import OrderBy, parse_order_by
from gateway.records.sql import like_contains
from gateway.records.values import Value, ValueKind


def compiled(query: str) -> tuple[str, list[object]]:
    params = Params()
    sql = compile_where(parse_query(query), params)
    return sql, params.values


INJECTIONS = [
    "name='; drop table records; --",
    "name~%'; delete from records where ''='",
    'name="\'); drop table records; --"',
    "supplierRef.supplierName=x' OR '1'='1",
]


@pytest.mark.parametrize("query", INJECTIONS)
def test_injection_attempts_stay_values(query: str) -> None:
    sql, values = compiled(query)
    assert "drop" not in sql.lower() and "delete" not in sql.lower() and "'1'" not in sql
    # The only quotes in the SQL are the fixed literals the compiler writes itself.
    assert sql.replace("'number'", "").replace("ESCAPE '\\'", "").count("'") == 0
    value = query.split("=", 1)[1] if "~" not in query else query.split("~", 1)[1]
    assert any(value.strip('"') in str(v) for v in values), values


def test_field_path_is_a_text_array_parameter() -> None:
    sql, values = compiled("supplierRef.id=3")
    assert sql.startswith("coalesce(") and "#>> $1::text[]" in sql and "#> $1::text[]" in sql
    assert values[0] == ["supplierRef", "id"]
    assert Decimal("3") in values and "3" in values


@pytest.mark.parametrize(
    ("query", "fragments", "values"),
    [
        ("a=null", ["(data #>> $1::text[]) IS NULL"], [["a"]]),
        ("a!=null", ["(data #>> $1::text[]) IS NOT NULL"], [["a"]]),
        ("a=Paid", ["lower((data #>> $1::text[])) = lower($2::text)"], [["a"], "Paid"]),
        ("a!=Paid", ["IS NOT TRUE"], [["a"], "Paid"]),
        ("a=true", ["lower("], [["a"], "true"]),
        ("a~50%_off", ["ILIKE $2::text ESCAPE"], [["a"], "%50\\%\\_off%"]),
        ("a>5", ["jsonb_typeof((data #> $1::text[])) = 'number'", "> $2::numeric"], [["a"], Decimal(5)]),
        (
            "a<=2021-01-28",
            ["records_timestamptz((data #>> $1::text[])) <= $2::timestamptz"],
            [["a"], datetime(2021, 1, 28, tzinfo=UTC)],
        ),
        (
            "modifiedDate>=2021-01-28",
            ["(modified_date >= $1::timestamptz)"],
            [datetime(2021, 1, 28, tzinfo=UTC)],
        ),
        (
            "modifiedDate=2021-01-28",
            ["(modified_date = $1::timestamptz)"],
            [datetime(2021, 1, 28, tzinfo=UTC)],
        ),
        ("modifiedDate~2021", ["ILIKE"], [["modifiedDate"], "%2021%"]),
    ],
)
def test_comparison_sql(query: str, fragments: list[str], values: list[object]) -> None:
    sql, got = compiled(query)
    for fragment in fragments:
        assert fragment in sql, sql
    assert got[: len(values)] == values


def test_and_or_nest_with_parentheses_and_numbered_parameters() -> None:
    sql, values = compiled("{a=x || b=y} && c=z")
    assert sql.startswith("((") and " OR " in sql and " AND " in sql
    assert values == [["a"], "x", ["b"], "y", ["c"], "z"]
    assert "$6" in sql and "$7" not in sql


def test_parameters_continue_after_existing_ones() -> None:
    params = Params(["tenant", "company", "bills"])
    sql = compile_where(parse_query("a=x"), params)
    assert "$4" in sql and "$5" in sql and "$1" not in sql


def test_no_query_is_true() -> None:
    assert compile_where(None, Params()) == "TRUE"


@pytest.mark.parametrize("path", [("a", "b'); drop table x; --"), ("",), (), ("a b",), ("1a",), ("a", "b.c")])
def test_hand_built_ast_with_a_bad_path_is_refused(path: tuple[str, ...]) -> None:
    node = Comparison(path, Op.EQ, Value(ValueKind.STRING, "x"))
    with pytest.raises(ValueError, match="invalid field path"):
        compile_where(node, Params())
    with pytest.raises(ValueError, match="invalid field path"):
        compile_order_by(OrderBy(path), Params())


def test_compiler_identifiers_are_checked() -> None:
    with pytest.raises(ValueError, match="identifier"):
        Compiler(column="data; drop table records")
    with pytest.raises(ValueError, match="identifier"):
        Compiler(timestamp_columns={("x",): "x y"})
    with pytest.raises(ValueError, match="identifier"):
        Compiler().order_by(None, Params(), tiebreak="1; --")


def test_order_by_sql() -> None:
    params = Params()
    assert compile_order_by(None, params) == "record_id ASC"
    assert compile_order_by(parse_order_by("-modifiedDate"), params) == "modified_date DESC, record_id DESC"
    assert params.values == []
    asc = compile_order_by(parse_order_by("supplierRef.id"), params)
    assert params.values == [["supplierRef", "id"]]
    assert asc.count("ASC NULLS FIRST") == 4 and asc.endswith("record_id ASC")
    desc = compile_order_by(parse_order_by("-totalAmount"), Params())
    assert desc.count("DESC NULLS LAST") == 4 and desc.endswith("record_id DESC")


@pytest.mark.parametrize(
    ("text", "pattern"),
    [("abc", "%abc%"), ("50%", "%50\\%%"), ("a_b", "%a\\_b%"), ("c:\\x", "%c:\\\\x%")],
)
def test_like_escaping(text: str, pattern: str) -> None:
    assert like_contains(text) == pattern
