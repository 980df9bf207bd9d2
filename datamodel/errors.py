"""Codat's error body (``ErrorMessage``), the one shape every 4xx/5xx answer of the gateway uses."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel._base import Model

__all__ = ["ErrorMessage", "ErrorValidation", "ErrorValidationItem"]


class ErrorValidationItem(Model, kw_only=True):
    item_id: str | UnsetType | None = UNSET
    message: str | UnsetType | None = UNSET
    validator_name: str | UnsetType | None = UNSET


class ErrorValidation(Model, kw_only=True):
    errors: list[ErrorValidationItem] | UnsetType | None = UNSET
    warnings: list[ErrorValidationItem] | UnsetType | None = UNSET


class ErrorMessage(Model, kw_only=True, omit_defaults=False):
    """``statusCode``, ``service``, ``error``, ``correlationId``, ``canBeRetried``, ``detailedErrorCode``
    — always all present, as Codat sends them; ``validation`` only when there is something to say (Codat's
    own 400 example has none), and an explicit ``None`` is written as ``null``."""

    status_code: int
    service: str = "PublicApi"
    error: str
    correlation_id: str
    validation: ErrorValidation | UnsetType | None = UNSET
    can_be_retried: str = "Unknown"
    detailed_error_code: int = 0
