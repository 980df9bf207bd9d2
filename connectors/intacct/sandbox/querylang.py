"""Parser for ``readByQuery`` query strings (intacct-behaviour.md §1.1).

Grammar (keywords in any case)::

    expr       := and_expr ( OR and_expr )*
    and_expr   := not_expr ( AND not_expr )*
    not_expr   := NOT not_expr | '(' expr ')' | comparison
    comparison := FIELD ( ('=' | '!=' | '<>' | '<' | '<=' | '>' | '>=') value
                        | [NOT] LIKE value
                        | [NOT] IN '(' value ( ',' value )* ')'
                        | IS [NOT] NULL )
    value      := 'quoted text'  (backslash escapes: \\' and \\\\; '' is accepted too)
                | number | bare-word

A bare word that is not a number (``RECORDID = 142507-P``) parses but matches nothing, which is
what Intacct answers (count 0, no error). Anything else that does not fit raises ``QueryParseError``
(Intacct: ``DL02000001``), including SQL ``ORDER BY`` after the condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.intacct.sandbox.predicates import And, Compare, Node, Not, Or, Value


class QueryParseError(Exception):
    """The query string is not valid readByQuery syntax."""


@dataclass(frozen=True)
class Token:
    kind: str  # word, string, op, lparen, rparen, comma
    text: str
    position: int


_OPS = ("<=", ">=", "<>", "!=", "=", "<", ">")
_WORD = re.compile(r"[^\s()',=<>!]+")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_KEYWORDS = {"AND", "OR", "NOT", "LIKE", "IN", "IS", "NULL"}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "(),":
            kind = {"(": "lparen", ")": "rparen", ",": "comma"}[char]
            tokens.append(Token(kind, char, i))
            i += 1
        elif char == "'":
            value, i = _read_string(text, i)
            tokens.append(Token("string", value, i))
        elif any(text.startswith(op, i) for op in _OPS):
            op = next(op for op in _OPS if text.startswith(op, i))
            tokens.append(Token("op", "!=" if op == "<>" else op, i))
            i += len(op)
        else:
            match = _WORD.match(text, i)
            if match is None:
                raise QueryParseError(f"unexpected character {char!r} at {i}")
            tokens.append(Token("word", match.group(0), i))
            i = match.end()
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        elif char == "'":
            if i + 1 < len(text) and text[i + 1] == "'":
                out.append("'")
                i += 2
            else:
                return "".join(out), i + 1
        else:
            out.append(char)
            i += 1
    raise QueryParseError(f"unterminated string starting at {start}")


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.upper() == word:
            self.pos += 1
            return True
        return False

    def expect(self, kind: str) -> Token:
        token = self.peek()
        if token is None or token.kind != kind:
            where = "end of query" if token is None else repr(token.text)
            raise QueryParseError(f"expected {kind}, found {where}")
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise QueryParseError(f"unexpected {self.peek().text!r}")  # type: ignore[union-attr]
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.keyword("OR"):
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.not_expr()]
        while self.keyword("AND"):
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self) -> Node:
        if self.keyword("NOT"):
            return Not(self.not_expr())
        token = self.peek()
        if token is not None and token.kind == "lparen":
            self.pos += 1
            node = self.or_expr()
            self.expect("rparen")
            return node
        return self.comparison()

    def comparison(self) -> Node:
        token = self.expect("word")
        if not _FIELD.match(token.text) or token.text.upper() in _KEYWORDS:
            raise QueryParseError(f"expected a field name, found {token.text!r}")
        field = token.text
        nxt = self.peek()
        if nxt is not None and nxt.kind == "op":
            self.pos += 1
            return Compare(field, nxt.text, (self.value(),))
        negated = self.keyword("NOT")
        if self.keyword("LIKE"):
            return Compare(field, "notlike" if negated else "like", (self.value(),))
        if self.keyword("IN"):
            self.expect("lparen")
            values = [self.value()]
            while self.peek() is not None and self.peek().kind == "comma":  # type: ignore[union-attr]
                self.pos += 1
                values.append(self.value())
            self.expect("rparen")
            return Compare(field, "notin" if negated else "in", tuple(values))
        if not negated and self.keyword("IS"):
            is_not = self.keyword("NOT")
            if not self.keyword("NULL"):
                raise QueryParseError("expected NULL after IS")
            return Compare(field, "isnotnull" if is_not else "isnull")
        raise QueryParseError(f"expected an operator after {field!r}")

    def value(self) -> Value:
        token = self.peek()
        if token is None:
            raise QueryParseError("expected a value, found end of query")
        if token.kind == "string":
            self.pos += 1
            return Value(token.text)
        if token.kind == "word" and token.text.upper() not in _KEYWORDS:
            self.pos += 1
            return Value(token.text, bare=not _NUMBER.match(token.text))
        raise QueryParseError(f"expected a value, found {token.text!r}")


def parse_query(text: str | None) -> Node | None:
    """Query string -> filter tree; ``None`` for an empty query (all rows)."""
    if text is None or not text.strip():
        return None
    return _Parser(tokenize(text)).parse()
