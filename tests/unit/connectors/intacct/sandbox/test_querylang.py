"""The readByQuery query-string grammar (intacct-behaviour §1.1), as a table of queries and the rows they
select, plus the texts that must be refused."""

from __future__ import annotations

import pytest

from connectors.intacct.sandbox.predicates import And, Compare, FilterError, Matcher, Not, Or, Value
from connectors.intacct.sandbox.querylang import QueryParseError, parse_query, tokenize
from connectors.intacct.sandbox.schema import spec_for

ROWS = [
    {"RECORDNO": "1", "VENDORID": "V1", "NAME": "Erin's Software", "STATUS": "active", "ONETIME": "false",
     "TOTALDUE": "10.50", "WHENMODIFIED": "04/19/2021 11:59:59", "RECORDID": "142507-P"},
    {"RECORDNO": "2", "VENDORID": "V2", "NAME": "Acme", "STATUS": "inactive", "ONETIME": "true",
     "TOTALDUE": "0", "WHENMODIFIED": "04/19/2021 12:00:00", "RECORDID": "A-2"},
    {"RECORDNO": "3", "VENDORID": "V3", "NAME": "acme labs", "STATUS": "active", "ONETIME": "false",
     "TOTALDUE": "", "WHENMODIFIED": "05/01/2021 08:00:00", "RECORDID": ""},
    {"RECORDNO": "2000", "VENDORID": "V1234", "NAME": "Big_Co", "STATUS": "active", "ONETIME": "false",
     "TOTALDUE": "3797", "WHENMODIFIED": "01/01/2022", "RECORDID": "B"},
]  # fmt: skip


def run(text: str | None, *, caseinsensitive: bool = False) -> list[str]:
    matcher = Matcher(
        parse_query(text),
        spec=spec_for("VENDOR"),
        value_of=lambda record, name: str(record.get(name.upper(), "")),
        coded=True,
        caseinsensitive=caseinsensitive,
    )
    return [str(r["RECORDNO"]) for r in matcher.select(list(ROWS))]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, ["1", "2", "3", "2000"]),
        ("   ", ["1", "2", "3", "2000"]),
        ("RECORDNO < 2", ["1"]),
        ("RECORDNO <= 2", ["1", "2"]),
        ("RECORDNO > 2", ["3", "2000"]),
        ("RECORDNO >= 3", ["3", "2000"]),
        ("RECORDNO = 2000", ["2000"]),
        ("RECORDNO != 2", ["1", "3", "2000"]),
        ("RECORDNO <> 2", ["1", "3", "2000"]),
        ("VENDORID = 'V1'", ["1"]),
        ("NAME = 'Erin\\'s Software'", ["1"]),
        ("NAME = 'Erin''s Software'", ["1"]),
        ("NAME like 'Acme%'", ["2"]),
        ("NAME LIKE 'acme%'", ["3"]),
        ("NAME like 'Acme'", ["2"]),
        ("NAME like 'Big_Co'", ["2000"]),
        ("NAME like 'Ac_e'", ["2"]),
        ("NAME not like '%e%'", ["2000"]),
        ("VENDORID in ('V1','V3')", ["1", "3"]),
        ("VENDORID IN ( 'V1' , 'V2' )", ["1", "2"]),
        ("RECORDNO in (1,2000)", ["1", "2000"]),
        ("VENDORID not in ('V1','V3')", ["2", "2000"]),
        ("TOTALDUE IS NULL", ["3"]),
        ("TOTALDUE is not null", ["1", "2", "2000"]),
        ("STATUS = 'T'", ["1", "3", "2000"]),
        ("STATUS = 'F' AND ONETIME = 'T'", ["2"]),
        ("STATUS = 'active'", []),
        ("TOTALDUE > 10", ["1", "2000"]),
        ("TOTALDUE = 10.5", ["1"]),
        ("WHENMODIFIED >= '04/19/2021 12:00:00'", ["2", "3", "2000"]),
        ("WHENMODIFIED > '04/19/2021'", ["1", "2", "3", "2000"]),
        ("WHENMODIFIED < '01/01/2022'", ["1", "2", "3"]),
        ("VENDORID = 'V1' OR VENDORID = 'V2' AND STATUS = 'T'", ["1"]),
        ("(VENDORID = 'V1' OR VENDORID = 'V2') AND STATUS = 'T'", ["1"]),
        ("NOT VENDORID = 'V1'", ["2", "3", "2000"]),
        ("NOT (RECORDNO = 1 OR RECORDNO = 2)", ["3", "2000"]),
        ("NOT TOTALDUE = 0", ["1", "2000"]),
        ("vendorid = 'V1' and status = 'T'", ["1"]),
        ("RECORDID = 142507-P", []),
        ("NOT RECORDID = 142507-P", []),
        ("rownum = 1", ["1"]),
        ("rownum < 3", ["1", "2"]),
        ("STATUS = 'T' AND rownum <= 2", ["1", "3"]),
        ("rownum = 2", []),
    ],
)
def test_query_strings_select_rows(text: str | None, expected: list[str]) -> None:
    assert run(text) == expected


def test_case_insensitive_option_relaxes_text_comparisons() -> None:
    assert run("NAME = 'ACME'", caseinsensitive=True) == ["2"]
    assert run("NAME like 'acme%'", caseinsensitive=True) == ["2", "3"]


@pytest.mark.parametrize(
    "text",
    [
        "this is not a query",
        "RECORDNO",
        "RECORDNO =",
        "RECORDNO = 1 AND",
        "(RECORDNO = 1",
        "RECORDNO = 1)",
        "NAME = 'unterminated",
        "RECORDNO = 1 ORDER BY NAME",
        "= 1",
        "NAME IS 'x'",
        "VENDORID in ()",
        "VENDORID in 'V1'",
        "'V1' = VENDORID",
        "RECORDNO == 1",
        "AND = 1",
    ],
)
def test_invalid_query_strings_are_refused(text: str) -> None:
    with pytest.raises(QueryParseError):
        parse_query(text)


def test_parse_tree_shape() -> None:
    node = parse_query("NOT (A = 'x' OR B IS NULL) AND C in (1, 'two') AND D not like 'y%'")
    assert node == And(
        (
            Not(Or((Compare("A", "=", (Value("x"),)), Compare("B", "isnull")))),
            Compare("C", "in", (Value("1"), Value("two"))),
            Compare("D", "notlike", (Value("y%"),)),
        )
    )


def test_tokenizer_keeps_escaped_quotes_and_operators() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("NAME='a\\'b'AND X<>1")]
    assert kinds == [("word", "NAME"), ("op", "="), ("string", "a'b"), ("word", "AND"), ("word", "X"),
                     ("op", "!="), ("word", "1")]  # fmt: skip


def test_iso_dates_are_refused_like_intacct() -> None:
    with pytest.raises(FilterError):
        run("WHENMODIFIED > '2021-04-19'")
