"""Codat's ``query`` and ``orderBy`` languages: tokenizer, recursive-descent parser and AST.

Grammar (whitespace is allowed between tokens)::

    query      := expression END
    expression := operand (('&&' | '||') operand)*      -- one kind of connector per level
    operand    := '{' expression '}' | comparison
    comparison := field op value
    field      := name ('.' name)*                       -- name = [A-Za-z_][A-Za-z0-9_]*
    op         := '=' | '!=' | '~' | '>' | '<' | '>=' | '<='
    value      := '"' chars '"' | raw text up to '&&', '||', '}' or the end (trimmed)

Codat only lets ``&&`` and ``||`` mix inside braces (``{a>1 || a<0} && b=x``), so one level holding
both is an error rather than a guess at precedence. Values are unquoted as in Codat's docs; a double
quoted value is always text (the way to ask for the string ``null`` or text holding ``&&``).

Every error is a ``QueryError`` naming the 0-based character position and what was expected there, so
the HTTP layer can answer 400 with a message a person can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

from gateway.records.errors import QueryError
from gateway.records.values import InvalidDate, Value, ValueKind, classify, text_value

MAX_QUERY_LENGTH = 2048
MAX_DEPTH = 16
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_NAME_CHAR = re.compile(r"[A-Za-z0-9_]", re.ASCII)
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_OPERATORS = ("!=", ">=", "<=", "=", "~", ">", "<")
_OPERATOR_LIST = "=, !=, ~, >, <, >=, <="


class Op(StrEnum):
    """Comparison operators of Codat's query language."""

    EQ = "="
    NE = "!="
    CONTAINS = "~"
    GT = ">"
    LT = "<"
    GE = ">="
    LE = "<="


RANGE_OPS = frozenset({Op.GT, Op.LT, Op.GE, Op.LE})


@dataclass(frozen=True, slots=True)
class Comparison:
    """``field op value``; ``path`` is the dotted field split into validated names."""

    path: tuple[str, ...]
    op: Op
    value: Value
    position: int = 0


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Node, ...]


Node = Comparison | And | Or


@dataclass(frozen=True, slots=True)
class OrderBy:
    """One sort field; ``descending`` when written with a leading ``-``."""

    path: tuple[str, ...]
    descending: bool = False


class TokenKind(StrEnum):
    FIELD = "field"
    OP = "operator"
    VALUE = "value"
    AND = "&&"
    OR = "||"
    LBRACE = "{"
    RBRACE = "}"
    END = "end of query"


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    position: int
    quoted: bool = False


def _describe(token: Token) -> str:
    return "the end of the query" if token.kind is TokenKind.END else repr(token.text)


class _Lexer:
    """Turns the query into tokens; the only context it keeps is "a value follows an operator"."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        while True:
            self._skip_space()
            if out and out[-1].kind is TokenKind.OP:
                out.append(self._value())
                continue
            if self.pos >= len(self.text):
                out.append(Token(TokenKind.END, "", self.pos))
                return out
            out.append(self._token())

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _token(self) -> Token:
        text, start = self.text, self.pos
        for symbol, kind in (("&&", TokenKind.AND), ("||", TokenKind.OR)):
            if text.startswith(symbol, start):
                self.pos += 2
                return Token(kind, symbol, start)
        if text[start] in "{}":
            self.pos += 1
            return Token(TokenKind.LBRACE if text[start] == "{" else TokenKind.RBRACE, text[start], start)
        for symbol in _OPERATORS:
            if text.startswith(symbol, start):
                if symbol == "=" and text.startswith("==", start):
                    raise QueryError("'==' is not an operator; use '='", position=start, expected="'='")
                self.pos += len(symbol)
                return Token(TokenKind.OP, symbol, start)
        if FIELD_NAME.match(text, start):
            return self._field()
        raise QueryError(
            f"unexpected character {text[start]!r}",
            position=start,
            expected="a field name, an operator, '{', '}', '&&' or '||'",
        )

    def _field(self) -> Token:
        start = self.pos
        while True:
            match = FIELD_NAME.match(self.text, self.pos)
            if match is None:
                raise QueryError(
                    "expected a field name after '.'", position=self.pos, expected="a field name"
                )
            self.pos = match.end()
            if not self.text.startswith(".", self.pos):
                return Token(TokenKind.FIELD, self.text[start : self.pos], start)
            self.pos += 1

    def _value(self) -> Token:
        text, start = self.text, self.pos
        if start < len(text) and text[start] == '"':
            return self._quoted()
        end = len(text)
        for stop in ("&&", "||", "}"):
            found = text.find(stop, start)
            if found != -1:
                end = min(end, found)
        raw = text[start:end].rstrip()
        if not raw:
            raise QueryError("expected a value after the operator", position=start, expected="a value")
        self.pos = end
        return Token(TokenKind.VALUE, raw, start)

    def _quoted(self) -> Token:
        text, start = self.text, self.pos
        chars: list[str] = []
        i = start + 1
        while i < len(text):
            char = text[i]
            if char == "\\" and i + 1 < len(text) and text[i + 1] in '"\\':
                chars.append(text[i + 1])
                i += 2
                continue
            if char == '"':
                self.pos = i + 1
                return Token(TokenKind.VALUE, "".join(chars), start, quoted=True)
            chars.append(char)
            i += 1
        raise QueryError("unterminated quoted value", position=start, expected="a closing '\"'")


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an END token."""
    return _Lexer(text).tokens()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def _advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _fail(self, expected: str) -> QueryError:
        token = self.current
        return QueryError(
            f"expected {expected}, found {_describe(token)}", position=token.position, expected=expected
        )

    def parse(self) -> Node:
        node = self._expression(depth=0)
        if self.current.kind is not TokenKind.END:
            expected = "'&&', '||' or the end of the query"
            if self.current.kind is TokenKind.RBRACE:
                position = self.current.position
                raise QueryError("'}' without a matching '{'", position=position, expected=expected)
            raise self._fail(expected)
        return node

    def _expression(self, depth: int) -> Node:
        operands = [self._operand(depth)]
        connector: TokenKind | None = None
        while self.current.kind in (TokenKind.AND, TokenKind.OR):
            token = self.current
            if connector is not None and token.kind is not connector:
                raise QueryError(
                    f"'&&' and '||' cannot be mixed without braces; expected {connector.value!r} here",
                    position=token.position,
                    expected=f"'{connector.value}' or braces around one side",
                )
            connector = token.kind
            self._advance()
            operands.append(self._operand(depth))
        if connector is None:
            return operands[0]
        return And(tuple(operands)) if connector is TokenKind.AND else Or(tuple(operands))

    def _operand(self, depth: int) -> Node:
        token = self.current
        if token.kind is TokenKind.LBRACE:
            if depth >= MAX_DEPTH:
                raise QueryError(
                    f"braces nest deeper than {MAX_DEPTH} levels", position=token.position, expected="a field"
                )
            self._advance()
            node = self._expression(depth + 1)
            if self.current.kind is not TokenKind.RBRACE:
                raise self._fail("'}' to close the '{' at position " + str(token.position))
            self._advance()
            return node
        if token.kind is TokenKind.FIELD:
            return self._comparison()
        raise self._fail("a field name or '{'")

    def _comparison(self) -> Comparison:
        field = self._advance()
        if self.current.kind is not TokenKind.OP:
            raise self._fail(f"an operator ({_OPERATOR_LIST})")
        op = Op(self._advance().text)
        value_token = self._advance()
        return Comparison(tuple(field.text.split(".")), op, _typed(op, value_token), field.position)


def _typed(op: Op, token: Token) -> Value:
    """Type the value for ``op``; reject combinations Codat does not support (``name>abc``, ``x<null``)."""
    if token.quoted or op is Op.CONTAINS:
        value = text_value(token.text)
    else:
        try:
            value = classify(token.text)
        except InvalidDate as exc:
            raise QueryError(
                f"{token.text!r} is not a valid date ({exc})",
                position=token.position,
                expected="an ISO 8601 date such as 2021-01-28 or 2021-01-28T12:00:00Z",
            ) from None
    if op in RANGE_OPS and value.kind not in (ValueKind.NUMBER, ValueKind.DATE):
        raise QueryError(
            f"'{op.value}' compares numbers and dates only, found {token.text!r}",
            position=token.position,
            expected="a number or an ISO 8601 date",
        )
    return value


def parse_query(text: str | None) -> Node | None:
    """The AST of a Codat ``query``; None for an absent or blank query. Raises ``QueryError``.

    Codat's own docs show queries encoded twice (``currency%253DGBP``), which arrive here still
    percent-encoded once; a query that does not parse but does after one more decoding is taken in
    that decoded form. The error reported is always the one for the text as received.
    """
    if text is None or not text.strip():
        return None
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"the query is longer than {MAX_QUERY_LENGTH} characters",
            position=MAX_QUERY_LENGTH,
            expected="a shorter query",
        )
    try:
        return _Parser(tokenize(text)).parse()
    except QueryError:
        decoded = unquote(text) if _PERCENT_ESCAPE.search(text) else text
        if decoded == text:
            raise
        try:
            return _Parser(tokenize(decoded)).parse()
        except QueryError:
            pass
        raise


def parse_order_by(text: str | None) -> OrderBy | None:
    """A Codat ``orderBy``: one (dotted) field, ``-`` prefix for descending; None when blank."""
    if text is None or not text.strip():
        return None
    start = len(text) - len(text.lstrip())
    body = text.strip()
    descending = body.startswith("-")
    offset = start + (1 if descending else 0)
    names = body[1:].split(".") if descending else body.split(".")
    for name in names:
        if not FIELD_NAME.fullmatch(name):
            bad = next((i for i, ch in enumerate(name) if not _NAME_CHAR.fullmatch(ch)), 0)
            raise QueryError(
                f"expected a field name, found {name!r}" if name else "expected a field name",
                position=offset + bad,
                expected="a field name such as issueDate or -modifiedDate",
                parameter="orderBy",
            )
        offset += len(name) + 1
    return OrderBy(tuple(names), descending)
