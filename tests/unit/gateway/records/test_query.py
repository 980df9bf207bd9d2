"""Parser of Codat's query language: valid queries -> AST, malformed ones -> QueryError with position."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gateway.records import (
    And,
    Comparison,
    Op,
    Or,
    OrderBy,
    QueryError,
    ValueKind,
    parse_order_by,
    parse_query,
)
from gateway.records.query import MAX_QUERY_LENGTH, tokenize


def cmp(path: str, op: str, kind: ValueKind, text: str) -> tuple[tuple[str, ...], Op, ValueKind, str]:
    return (tuple(path.split(".")), Op(op), kind, text)


def shape(node: object) -> object:
    """The AST without positions and parsed values: easy to write expectations for."""
    if isinstance(node, Comparison):
        return (node.path, node.op, node.value.kind, node.value.text)
    if isinstance(node, And):
        return ("and", [shape(child) for child in node.operands])
    if isinstance(node, Or):
        return ("or", [shape(child) for child in node.operands])
    raise AssertionError(node)


S, N, D, B, NULL = ValueKind.STRING, ValueKind.NUMBER, ValueKind.DATE, ValueKind.BOOLEAN, ValueKind.NULL

VALID = [
    ("currency=GBP", cmp("currency", "=", S, "GBP")),
    ("status != paid", cmp("status", "!=", S, "paid")),
    ("name~sales", cmp("name", "~", S, "sales")),
    ("supplierRef.supplierName=Acme Corp Ltd", cmp("supplierRef.supplierName", "=", S, "Acme Corp Ltd")),
    ("customerRef.id=61", cmp("customerRef.id", "=", N, "61")),
    ("totalAmount>=100.50", cmp("totalAmount", ">=", N, "100.50")),
    ("totalAmount<-3", cmp("totalAmount", "<", N, "-3")),
    ("dueDate>2021-01-28", cmp("dueDate", ">", D, "2021-01-28")),
    ("date<=2021-09-17T23:59:59.999", cmp("date", "<=", D, "2021-09-17T23:59:59.999")),
    ("modifiedDate>2021-11-15T01:00:00-05:00", cmp("modifiedDate", ">", D, "2021-11-15T01:00:00-05:00")),
    ("metadata.isDeleted!=true", cmp("metadata.isDeleted", "!=", B, "true")),
    ("paidOnDate=null", cmp("paidOnDate", "=", NULL, "null")),
    ("paidOnDate != NULL", cmp("paidOnDate", "!=", NULL, "NULL")),
    ('note="null"', cmp("note", "=", S, "null")),
    ('note="a && b \\"quoted\\""', cmp("note", "=", S, 'a && b "quoted"')),
    ("note~2021", cmp("note", "~", S, "2021")),
    ("note~null", cmp("note", "~", S, "null")),
    ("note=a=b", cmp("note", "=", S, "a=b")),
    ("_x.y_2=1e3", cmp("_x.y_2", "=", N, "1e3")),
    (
        "currency=GBP&&status=Paid&&totalAmount>0",
        (
            "and",
            [cmp("currency", "=", S, "GBP"), cmp("status", "=", S, "Paid"), cmp("totalAmount", ">", N, "0")],
        ),
    ),
    ("a=1 || b=2", ("or", [cmp("a", "=", N, "1"), cmp("b", "=", N, "2")])),
    (
        "{totalAmount > 100 || totalAmount < 50} && status != paid",
        (
            "and",
            [
                ("or", [cmp("totalAmount", ">", N, "100"), cmp("totalAmount", "<", N, "50")]),
                cmp("status", "!=", S, "paid"),
            ],
        ),
    ),
    ("{{a=1}}", cmp("a", "=", N, "1")),
    (
        "a=1 || {b=2 && {c=3 || d=4}}",
        (
            "or",
            [
                cmp("a", "=", N, "1"),
                ("and", [cmp("b", "=", N, "2"), ("or", [cmp("c", "=", N, "3"), cmp("d", "=", N, "4")])]),
            ],
        ),
    ),
]


@pytest.mark.parametrize(("text", "expected"), VALID, ids=[t for t, _ in VALID])
def test_valid_queries_parse_to_the_expected_ast(text: str, expected: object) -> None:
    assert shape(parse_query(text)) == expected


def test_values_carry_their_parsed_form() -> None:
    node = parse_query("a=12.50 && b>2021-11-15T01:00:00-05:00 && c=FALSE")
    assert isinstance(node, And)
    number, date, boolean = (child.value for child in node.operands if isinstance(child, Comparison))
    assert number.number == Decimal("12.50")
    assert date.instant == datetime(2021, 11, 15, 6, 0, tzinfo=UTC)
    assert boolean.boolean is False


def test_comparison_position_is_where_the_field_starts() -> None:
    node = parse_query("a=1 &&  bb=2")
    assert isinstance(node, And)
    assert [c.position for c in node.operands if isinstance(c, Comparison)] == [0, 8]


@pytest.mark.parametrize("text", [None, "", "   "])
def test_blank_query_is_no_filter(text: str | None) -> None:
    assert parse_query(text) is None


MALFORMED = [
    # (query, position, words expected in the message)
    ("name", 4, "operator"),
    ("name=", 5, "value"),
    ("name=   ", 8, "value"),
    ("=GBP", 0, "expected a field name or '{', found '='"),
    ("name GBP", 5, "operator"),
    ("supplierRef.=1", 12, "field name after '.'"),
    ("1abc=1", 0, "unexpected character"),
    ("na$me=1", 2, "unexpected character"),
    ("name==x", 4, "'=='"),
    ("a=1 && ", 7, "field name or '{'"),
    ("a=1 &&& b=2", 6, "unexpected character"),
    ("a=1 && b=2 || c=3", 11, "cannot be mixed"),
    ("a=1 || b=2 && c=3", 11, "cannot be mixed"),
    ("{a=1", 4, "'}' to close"),
    ("a=1}", 3, "without a matching"),
    ("{}", 1, "field name or '{'"),
    ('a="open', 2, "unterminated"),
    ("amount>abc", 7, "numbers and dates only"),
    ("name~", 5, "value"),
    ("x<null", 2, "numbers and dates only"),
    ("flag>true", 5, "numbers and dates only"),
    ('amount>"5"', 7, "numbers and dates only"),
    ("dueDate>2021-02-30", 8, "not a valid date"),
    ("dueDate=2021-13-01", 8, "not a valid date"),
    ("dueDate=2021-01-01T25:00:00", 8, "not a valid date"),
    ("dueDate=2021-1-1", 8, "not a valid date"),
    ("a=1 && {b=2 || c=3", 18, "'}' to close the '{' at position 7"),
    ("&&a=1", 0, "field name or '{'"),
    ("a=1 ||", 6, "field name or '{'"),
]


@pytest.mark.parametrize(("text", "position", "words"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_queries_name_the_position(text: str, position: int, words: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(text)
    error = info.value
    assert error.position == position, str(error)
    assert words in str(error)
    assert f"position {position}" in str(error)
    assert error.parameter == "query"
    assert error.expected


def test_single_ampersand_and_spaces_belong_to_the_value() -> None:
    assert shape(parse_query("name=Smith & Sons")) == cmp("name", "=", S, "Smith & Sons")
    assert shape(parse_query("a=1 b=2")) == cmp("a", "=", S, "1 b=2")


def test_too_long_query_is_refused() -> None:
    with pytest.raises(QueryError, match="longer than"):
        parse_query("a=" + "x" * MAX_QUERY_LENGTH)
    assert parse_query("a=" + "x" * (MAX_QUERY_LENGTH - 2)) is not None


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(QueryError, match="nest deeper"):
        parse_query("{" * 500 + "a=1" + "}" * 500)


def test_tokenizer_output() -> None:
    kinds = [(t.kind.value, t.text, t.position) for t in tokenize("{a.b>=2}||c~x")]
    assert kinds == [
        ("{", "{", 0),
        ("field", "a.b", 1),
        ("operator", ">=", 4),
        ("value", "2", 6),
        ("}", "}", 7),
        ("||", "||", 8),
        ("field", "c", 10),
        ("operator", "~", 11),
        ("value", "x", 12),
        ("end of query", "", 13),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("issueDate", OrderBy(("issueDate",), False)),
        ("-modifiedDate", OrderBy(("modifiedDate",), True)),
        (" supplierRef.supplierName ", OrderBy(("supplierRef", "supplierName"), False)),
        ("", None),
        (None, None),
    ],
)
def test_order_by(text: str | None, expected: OrderBy | None) -> None:
    assert parse_order_by(text) == expected


@pytest.mark.parametrize(
    ("text", "position"),
    [("-", 1), ("a..b", 2), ("na-me", 2), ("--x", 1), ("a b", 1), ("x,y", 1), ("1a", 0), ("a;drop", 1)],
)
def test_bad_order_by_names_the_position(text: str, position: int) -> None:
    with pytest.raises(QueryError) as info:
        parse_order_by(text)
    assert info.value.position == position
    assert info.value.parameter == "orderBy"
    assert "Invalid orderBy at position" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("currency%3DGBP", cmp("currency", "=", S, "GBP")),
        (
            "status%3Dpaid%26%26totalAmount%3E5",
            ("and", [cmp("status", "=", S, "paid"), cmp("totalAmount", ">", N, "5")]),
        ),
        ("reference~%3D", cmp("reference", "~", S, "%3D")),  # parses as received: no second decoding
        ("reference=50%25 off", cmp("reference", "=", S, "50%25 off")),
    ],
)
def test_queries_encoded_twice_are_accepted(text: str, expected: object) -> None:
    assert shape(parse_query(text)) == expected


def test_a_query_broken_either_way_reports_the_text_as_received() -> None:
    with pytest.raises(QueryError) as info:
        parse_query("currency%3D")
    assert info.value.position == 8 and "'%'" in str(info.value)
