"""Redaction of Intacct request/response bodies before they reach a log.

Intacct's official PHP and .NET SDKs replace the content of ``password``, ``sessionid``,
``accountnumber``, ``cardnum``, ``ssn``, ``achaccountnumber``, ``wireaccountnumber`` and ``taxid``
elements with ``REDACTED`` (case-insensitive regex on the text, so it also works on a body that is not
well-formed). We do the same and add ``attachmentdata``: base64 files are large and may hold personal
data. Every debug log of a body in this package goes through ``redact``.
"""

from __future__ import annotations

import re

#: Element names whose text never reaches a log (compared case-insensitively).
SECRET_ELEMENTS: tuple[str, ...] = (
    "password",
    "sessionid",
    "accountnumber",
    "cardnum",
    "ssn",
    "achaccountnumber",
    "wireaccountnumber",
    "taxid",
    "attachmentdata",
)

REDACTED = "REDACTED"

# ``<tag ...>text</tag>``: the opening tag may carry attributes; the text is matched lazily and may span
# lines. The backreference keeps ``<password>`` from closing on ``</sessionid>``.
_PATTERN = re.compile(
    r"(<(" + "|".join(SECRET_ELEMENTS) + r")\b[^>]*(?<!/)>)(.*?)(</\2\s*>)",
    re.IGNORECASE | re.DOTALL,
)
# An opening secret tag whose closing tag never arrived (truncated body): drop everything after it.
_UNCLOSED = re.compile(
    r"(<(" + "|".join(SECRET_ELEMENTS) + r")\b[^>]*(?<!/)>)(?![\s\S]*</\2\s*>)[\s\S]*$", re.I
)


def redact(body: bytes | str | None, *, limit: int | None = 20_000) -> str:
    """Return ``body`` as text with every secret element's content replaced by ``REDACTED``.

    ``limit`` caps the length of what is returned (logs do not need 20 MB pages); the cut is made
    after redaction so no secret can be half-kept.
    """
    if body is None:
        return ""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    text = _PATTERN.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(4)}", text)
    text = _UNCLOSED.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"... [{len(text) - limit} more characters]"
    return text


class RedactedBody:
    """A body for a log field, redacted only when a renderer turns it into text.

    Debug logs of request/response bodies cost nothing when debug logging is filtered out.
    """

    __slots__ = ("_body",)

    def __init__(self, body: bytes | str | None) -> None:
        self._body = body

    def __str__(self) -> str:
        return redact(self._body)

    __repr__ = __str__
