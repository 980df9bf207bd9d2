"""Payment methods (read only), codat.md §1.11. Intacct ids are numeric strings (``6`` = Cash)."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel.common import Page, RecordBase
from datamodel.enums import PaymentMethodStatus, PaymentMethodType

__all__ = ["PaymentMethod", "PaymentMethods"]


class PaymentMethod(RecordBase, kw_only=True):
    name: str | UnsetType | None = UNSET
    type: PaymentMethodType | None = None
    status: PaymentMethodStatus | None = None


class PaymentMethods(Page[PaymentMethod], kw_only=True):
    """``GET /companies/{companyId}/data/paymentMethods``."""

    results: list[PaymentMethod]
