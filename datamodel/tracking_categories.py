"""Tracking categories (read only), codat.md §1.11 and §7.3.

Intacct dimensions are flattened Codat's way: the dimension itself is a parent category (``DEPARTMENT``)
and each value is a child with id ``<DIMENSION>-<id>`` and ``parentId`` = the dimension.
"""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from datamodel.common import Page, RecordBase
from datamodel.enums import TrackingCategoryStatus

__all__ = ["TrackingCategories", "TrackingCategory", "TrackingCategoryTree"]


class TrackingCategory(RecordBase, kw_only=True):
    id: str | UnsetType | None = UNSET  # type: ignore[assignment]  # nullable here, unlike other records
    name: str | UnsetType | None = UNSET
    parent_id: str | UnsetType | None = UNSET
    has_children: bool | None = None
    status: TrackingCategoryStatus | None = None


class TrackingCategoryTree(TrackingCategory, kw_only=True):
    """The tree variant: each category with its ``subCategories``."""

    sub_categories: list[TrackingCategoryTree] | UnsetType | None = UNSET


class TrackingCategories(Page[TrackingCategory], kw_only=True):
    """``GET /companies/{companyId}/data/trackingCategories``."""

    results: list[TrackingCategory]
