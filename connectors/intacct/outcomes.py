"""Failures as push outcomes: Codat validation items naming the field, a status code, and retryability.

Intacct refuses a write with several ``<error>`` blocks: the specific one (``Invalid Department 'X'
specified.``) and generic wrappers (``BL01001973`` "Could not create … record"). The items list the field
issues first (the error table's field finders; else the path in the pushed record holding the value
Intacct quotes, so ``DEPARTMENT-X`` on line 2 names ``lineItems[1].trackingCategoryRefs[0].id``), then
the classified message, then the wrappers. The status code follows Codat's push operations: 400 data
refused, 401 credentials, 403 company configuration, 404 record missing, 409 record already exists, 503
(retryable) upstream trouble or an outcome that is not known yet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from connectors.base import PushOutcome, ValidationIssue
from connectors.errors import (
    ConnectorConfigError,
    ConnectorError,
    ConnectorNotFoundError,
    ConnectorRejectedError,
    ConnectorTransientError,
    ConnectorUnsupported,
    FieldIssue,
)
from connectors.intacct.errors import Action, IntacctDuplicateError, clean_text, diagnose
from datamodel import ValidationError

__all__ = ["VALIDATOR", "decode_error", "failure", "issues_for", "status_code"]

#: ``validatorName`` of items that come from Intacct rather than from a rule table.
VALIDATOR: Final = "SageIntacct"
_QUOTED = re.compile(r"'([^']+)'")
_AT_PATH = re.compile(r"- at `\$\.?([^`]*)`")
_MISSING = re.compile(r"missing required field `([^`]+)`")


def _locate(view: Any, value: str, path: str = "") -> str | None:
    """The first path in the record holding ``value`` (or a ``DIMENSION-value`` tracking id)."""
    if isinstance(view, Mapping):
        for key, child in view.items():
            found = _locate(child, value, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(view, list):
        for index, child in enumerate(view):
            found = _locate(child, value, f"{path}[{index}]")
            if found:
                return found
    elif isinstance(view, str) and (view == value or view.endswith(f"-{value}")):
        return path
    return None


def issues_for(
    error: ConnectorError, *, view: Mapping[str, Any] | None = None, validator: str = VALIDATOR
) -> list[ValidationIssue]:
    """Validation items for an error: field issues, then the specific error, then Intacct's wrappers."""
    items = [ValidationIssue(i.field, i.message, validator) for i in error.issues]
    primary = diagnose(error.errors, level="result").primary if error.errors else None
    if not items:
        field_path = None
        if view is not None and primary is not None:
            for quoted in _QUOTED.findall(clean_text(primary.text())):
                field_path = _locate(view, quoted)
                if field_path:
                    break
        items.append(ValidationIssue(field_path, error.message, validator))
    elif error.errors and error.message not in {i.message for i in items}:
        items.append(ValidationIssue(None, error.message, validator))
    for upstream in error.errors:
        if upstream is primary:
            continue
        text = clean_text(upstream.text())
        if text:
            items.append(
                ValidationIssue(None, f"{upstream.code}: {text}" if upstream.code else text, validator)
            )
    return items


def status_code(error: ConnectorError, action: Action | None = None) -> int:
    """The HTTP-like status of a failed push (see the module docstring)."""
    if isinstance(error, ConnectorTransientError):
        return 503
    if isinstance(error, ConnectorConfigError):
        return 401 if action in (None, Action.FIX_CREDENTIALS) else 403
    if isinstance(error, ConnectorNotFoundError):
        return 404
    if isinstance(error, IntacctDuplicateError):
        return 409
    if isinstance(error, ConnectorRejectedError | ConnectorUnsupported):
        return 400
    return 502


def failure(
    operation_key: str,
    error: ConnectorError,
    *,
    view: Mapping[str, Any] | None = None,
    validator: str = VALIDATOR,
    action: Action | None = None,
) -> PushOutcome:
    """A failed outcome for ``error``: retryable when it says nothing about the data."""
    return PushOutcome(
        operation_key=operation_key,
        ok=False,
        errors=issues_for(error, view=view, validator=validator),
        message=error.message,
        retryable=error.retryable,
        status_code=status_code(error, action),
    )


def decode_error(exc: ValidationError, data_type: str) -> ConnectorRejectedError:
    """msgspec's "… - at `$.lineItems[0]`" as an issue on that path (a missing field joins the path)."""
    text = str(exc)
    match = _AT_PATH.search(text)
    path = match.group(1) if match else ""
    missing = _MISSING.search(text)
    if missing:
        path = f"{path}.{missing.group(1)}" if path else missing.group(1)
        message = "Must be provided."
    else:
        message = _AT_PATH.sub("", text).strip()
    return ConnectorRejectedError(
        f"The {data_type} record is not valid: {text}", issues=[FieldIssue(path or None, message)]
    )
