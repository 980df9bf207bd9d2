"""The push-options tree (``GET …/options/{dataType}``), codat.md §2.4.

A recursive description of what the integration needs in a push body: each node has a ``type``, a display
name, whether it is ``required``, allowed values (``options``), child fields (``properties``; an ``Array``
node describes its items' fields directly) and ``validation`` notes (``warnings`` are rules the push must
meet, ``information`` is advice). The root (``PushOption``) may omit ``description``; every child
(``PushOptionProperty``) must carry one, as the SDKs require.
"""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.enums import PushOptionType

__all__ = [
    "PushFieldValidation",
    "PushOption",
    "PushOptionChoice",
    "PushOptionProperty",
    "PushValidationInfo",
]


class PushFieldValidation(CheckedModel, kw_only=True):
    field: str | None = None
    details: str
    ref: str | UnsetType | None = UNSET


class PushValidationInfo(CheckedModel, kw_only=True):
    warnings: list[PushFieldValidation] | UnsetType | None = UNSET
    information: list[PushFieldValidation] | UnsetType | None = UNSET


class PushOptionChoice(CheckedModel, kw_only=True):
    """One allowed value of a field (e.g. a currency code or payment method id)."""

    value: str | None = None
    type: PushOptionType | None = None
    display_name: str | None = None
    description: str | None = None
    required: bool | None = None


class PushOptionProperty(CheckedModel, kw_only=True):
    type: PushOptionType
    display_name: str
    description: str
    required: bool
    options: list[PushOptionChoice] | UnsetType | None = UNSET
    properties: dict[str, PushOptionProperty] | UnsetType | None = UNSET
    validation: PushValidationInfo | None = None


class PushOption(CheckedModel, kw_only=True):
    type: PushOptionType
    display_name: str
    description: str | None = None
    required: bool
    options: list[PushOptionChoice] | UnsetType | None = UNSET
    properties: dict[str, PushOptionProperty] | UnsetType | None = UNSET
    validation: PushValidationInfo | None = None
