"""Errors every connector raises, classified by what the caller should do.

Exception tree::

    ConnectorError                      base; carries a plain-words message and the upstream detail
    ├── ConnectorConfigError            credentials, permissions or company setup: fix the connection
    ├── ConnectorTransientError         upstream unavailable, throttled or cut off: retry later
    │   └── ConnectorOutcomeUnknown     a write may or may not have been applied (524, timeout after send)
    ├── ConnectorRejectedError          the upstream refused the data: fix the payload (per-field issues)
    │   └── ConnectorDuplicateError     the write was already applied (duplicate controlid / record exists)
    ├── ConnectorNotFoundError          the referenced record does not exist upstream
    ├── ConnectorProtocolError          the upstream answered with something that is not its protocol
    └── ConnectorUnsupported            the connector cannot do this (e.g. no create function upstream)

The gateway turns these into HTTP answers and push-operation results in one place
(``gateway/errors.py``); connectors never know about HTTP status codes of the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """One problem with one field of the payload, as the user should read it."""

    field: str | None
    message: str
    upstream_code: str | None = None


@dataclass(slots=True)
class UpstreamError:
    """One ``<error>`` block (or equivalent) as the upstream system sent it."""

    code: str | None
    description: str | None = None
    description2: str | None = None
    correction: str | None = None

    def text(self) -> str:
        """Join the non-empty parts the way Intacct's own SDKs display them."""
        parts = [p.strip() for p in (self.description, self.description2, self.correction) if p and p.strip()]
        return " ".join(parts)


class ConnectorError(Exception):
    """Base of every connector failure.

    ``message`` is written for the person who has to act on it; ``errors`` keeps the upstream
    detail for logs and for the push-operation ``validation`` block.
    """

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        errors: list[UpstreamError] | None = None,
        issues: list[FieldIssue] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors: list[UpstreamError] = errors or []
        self.issues: list[FieldIssue] = issues or []
        self.status_code = status_code

    def __str__(self) -> str:
        return self.message


class ConnectorConfigError(ConnectorError):
    """Credentials, permissions or company configuration are wrong: the user must fix the connection."""


class ConnectorTransientError(ConnectorError):
    """The upstream is unavailable, throttled or cut the connection: the same request may succeed later."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ConnectorOutcomeUnknown(ConnectorTransientError):
    """A write was sent but no answer came back: it may have been applied.

    Only safe to re-send with the same idempotency key (Intacct: ``uniqueid=true`` and the same
    function ``controlid``); otherwise look the record up first.
    """


class ConnectorRejectedError(ConnectorError):
    """The upstream refused the data; ``issues`` names the fields where that can be told."""


class ConnectorDuplicateError(ConnectorRejectedError):
    """The upstream says this write was already applied; resolve by looking the record up."""


class ConnectorNotFoundError(ConnectorError):
    """The referenced record does not exist upstream."""


class ConnectorProtocolError(ConnectorError):
    """The upstream answered with something that is not a valid protocol message."""

    retryable = False


class ConnectorUnsupported(ConnectorError):
    """The connector cannot perform this operation at all (not a data problem)."""


@dataclass(slots=True)
class WriteWarning:
    """A non-fatal note attached to a successful write (e.g. an unapproved bill payment)."""

    message: str
    field: str | None = None
    extra: dict[str, str] = dataclass_field(default_factory=dict)
