"""Tax rates (read only), codat.md §1.11. For Intacct the id is the tax detail record id."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel._checked import CheckedModel
from datamodel.common import Page, RecordBase, SupplementalData, ValidDataTypeLinks
from datamodel.enums import TaxRateStatus
from datamodel.types import Money

__all__ = ["TaxRate", "TaxRateComponent", "TaxRates"]


class TaxRateComponent(CheckedModel, kw_only=True):
    name: str | UnsetType | None = UNSET
    rate: Money | UnsetType | None = UNSET
    is_compound: bool


class TaxRate(RecordBase, kw_only=True):
    name: str | UnsetType | None = UNSET
    code: str | UnsetType | None = UNSET
    status: TaxRateStatus | None = None
    effective_tax_rate: Money | UnsetType | None = UNSET
    total_tax_rate: Money | UnsetType | None = UNSET
    components: list[TaxRateComponent] | UnsetType | None = UNSET
    valid_datatype_links: list[ValidDataTypeLinks] | UnsetType | None = UNSET
    supplemental_data: SupplementalData | None = None


class TaxRates(Page[TaxRate], kw_only=True):
    """``GET /companies/{companyId}/data/taxRates``."""

    results: list[TaxRate]
