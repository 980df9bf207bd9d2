"""Codat's error body (``ErrorMessage``), the one shape every 4xx/5xx answer of the gateway uses."""

from __future__ import annotations

from datamodel._base import Model


class ErrorValidationItem(Model):
    item_id: str | None = None
    message: str | None = None
    validator_name: str | None = None


class ErrorValidation(Model):
    errors: list[ErrorValidationItem] | None = None
    warnings: list[ErrorValidationItem] | None = None


class ErrorMessage(Model, omit_defaults=False):
    """``statusCode``, ``service``, ``error``, ``correlationId``, ``validation``, ``canBeRetried``,
    ``detailedErrorCode`` — always all present, as Codat sends them."""

    status_code: int
    service: str = "PublicApi"
    error: str
    correlation_id: str
    validation: ErrorValidation | None = None
    can_be_retried: str = "Unknown"
    detailed_error_code: int = 0
