"""Errors of the records feature; both mean "the caller's list parameters are wrong" (HTTP 400).

    InvalidParameter            a list parameter is out of range (``page``, ``pageSize``)
     └── QueryError             ``query``/``orderBy`` is malformed: carries the 0-based position
                                of the problem and what was expected there

``parameter`` names the query-string parameter, so the HTTP layer can put it in Codat's error body
without parsing the message.
"""

from __future__ import annotations


class InvalidParameter(ValueError):
    """A list parameter the gateway cannot honour; ``parameter`` is its query-string name."""

    def __init__(self, message: str, *, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.reason = message


class QueryError(InvalidParameter):
    """A malformed ``query``/``orderBy``: where (0-based ``position``) and what was ``expected``."""

    def __init__(self, message: str, *, position: int, expected: str, parameter: str = "query") -> None:
        super().__init__(f"Invalid {parameter} at position {position}: {message}", parameter=parameter)
        self.position = position
        self.expected = expected
        self.reason = message
