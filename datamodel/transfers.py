"""Transfers between two accounts, codat.md §1.10. Read only for Intacct: its XML API has no create function
for funds transfers, so the push endpoint answers "not supported"; the model still has the full shape.
"""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.common import (
    AccountRef,
    ContactRef,
    Page,
    RecordBase,
    RecordRef,
    SupplementalData,
    TrackingCategoryRef,
)
from datamodel.types import CurrencyCode, DateTime, Money

__all__ = ["Transfer", "TransferAccount", "Transfers"]


class TransferAccount(CheckedModel, kw_only=True):
    account_ref: AccountRef | None = None
    amount: Money | None = None
    currency: CurrencyCode | None = None


class Transfer(RecordBase, kw_only=True):
    description: str | UnsetType | None = UNSET
    contact_ref: ContactRef | None = None
    date: DateTime | None = None
    from_: TransferAccount | None = msgspec.field(default=None, name="from")
    to: TransferAccount | None = None
    deposited_record_refs: list[RecordRef] | UnsetType | None = UNSET
    tracking_category_refs: list[TrackingCategoryRef] | UnsetType | None = UNSET
    supplemental_data: SupplementalData | None = None


class Transfers(Page[Transfer], kw_only=True):
    """``GET /companies/{companyId}/connections/{connectionId}/data/transfers``."""

    results: list[Transfer]
