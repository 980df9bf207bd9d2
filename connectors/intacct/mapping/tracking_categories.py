"""Tracking categories <- Intacct dimensions. Read only.

Codat flattens Intacct's dimensions (trackingCategories-list-response-sage-intacct.json): each dimension
is a parent category (``id`` = ``DEPARTMENT``, ``hasChildren`` true) and each of its values a child with
``id`` ``<DIMENSION>-<id>`` and ``parentId`` = the dimension. The value's id is the user-facing one
(``DEPARTMENTID``, ``VENDORID`` …), the same id write mappings accept in ``trackingCategoryRefs``; vendors
appear under Codat's name ``SUPPLIER``.

There is one ``ReadSpec`` per dimension object (``SPECS``; ``READS`` are the ones every company has or
that the sandbox serves — contracts need Intacct's Contracts module, so read ``SPECS["CONTRACT"]`` only when
the company has it). User-defined dimensions are platform objects read with ``udd_read_spec``. The parent
rows do not come from Intacct: ``parent_categories`` makes them for the dimensions that were read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from connectors.intacct.mapping._common import read_timestamp, record_status, text
from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.mapping.plan import ReadSpec
from datamodel import Metadata, TrackingCategory, TrackingCategoryStatus

__all__ = ["DIMENSIONS", "READS", "SPECS", "parent_categories", "udd_read_spec"]

DATA_TYPE: Final = "trackingCategories"


@dataclass(frozen=True, slots=True)
class DimensionObject:
    """One Intacct object holding the values of a dimension, and how its rows are named."""

    key: str
    label: str
    object: str
    id_field: str
    name_field: str


DIMENSIONS: Final = (
    DimensionObject("DEPARTMENT", "Department", "DEPARTMENT", "DEPARTMENTID", "TITLE"),
    DimensionObject("LOCATION", "Location", "LOCATION", "LOCATIONID", "NAME"),
    DimensionObject("CLASS", "Class", "CLASS", "CLASSID", "NAME"),
    DimensionObject("PROJECT", "Project", "PROJECT", "PROJECTID", "NAME"),
    DimensionObject("TASK", "Task", "TASK", "TASKID", "NAME"),
    DimensionObject("CUSTOMER", "Customer", "CUSTOMER", "CUSTOMERID", "NAME"),
    DimensionObject("SUPPLIER", "Supplier", "VENDOR", "VENDORID", "NAME"),
    DimensionObject("EMPLOYEE", "Employee", "EMPLOYEE", "EMPLOYEEID", "CONTACT.CONTACTNAME"),
    DimensionObject("ITEM", "Item", "ITEM", "ITEMID", "NAME"),
    DimensionObject("WAREHOUSE", "Warehouse", "WAREHOUSE", "WAREHOUSEID", "NAME"),
    DimensionObject("CONTRACT", "Contract", "CONTRACT", "CONTRACTID", "NAME"),
)
#: Dimensions only some companies subscribe to; not in ``READS``.
OPTIONAL: Final = frozenset({"CONTRACT"})


def _mapper(
    dim: DimensionObject,
) -> Callable[[Mapping[str, Any], Sequence[Mapping[str, Any]], CompanyFacts], Any]:
    def to_unified(
        row: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts
    ) -> TrackingCategory:
        del lines, facts
        value = text(row, dim.id_field) or ""
        return TrackingCategory(
            id=f"{dim.key}-{value}",
            name=text(row, dim.name_field) or value,
            parent_id=dim.key,
            has_children=False,
            status=record_status(row, TrackingCategoryStatus),
            source_modified_date=read_timestamp(text(row, "WHENMODIFIED")),
            metadata=Metadata(is_deleted=False),
        )

    to_unified.__doc__ = f"A {dim.object} row as the tracking category ``{dim.key}-<{dim.id_field}>``."
    return to_unified


def _spec(dim: DimensionObject) -> ReadSpec:
    return ReadSpec(
        data_type=DATA_TYPE,
        object=dim.object,
        fields=("RECORDNO", dim.id_field, dim.name_field, "STATUS", "WHENMODIFIED"),
        to_unified=_mapper(dim),
    )


SPECS: Final[dict[str, ReadSpec]] = {dim.key: _spec(dim) for dim in DIMENSIONS}
READS: Final = tuple(spec for key, spec in SPECS.items() if key not in OPTIONAL)


def udd_read_spec(object_name: str) -> ReadSpec:
    """Values of a user-defined dimension (platform object, camel-case fields ``id``/``name``)."""

    def to_unified(
        row: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts
    ) -> TrackingCategory:
        del lines, facts
        value = text(row, "id") or ""
        return TrackingCategory(
            id=f"{object_name}-{value}",
            name=text(row, "name") or value,
            parent_id=object_name,
            has_children=False,
            status=TrackingCategoryStatus.ACTIVE,
            metadata=Metadata(is_deleted=False),
        )

    return ReadSpec(
        data_type=DATA_TYPE,
        object=object_name,
        fields=("id", "name"),
        to_unified=to_unified,
        key_field="id",
        incremental=False,
    )


def parent_categories(keys: Iterable[str], labels: Mapping[str, str] | None = None) -> list[TrackingCategory]:
    """The parent category of each dimension in ``keys`` (``DEPARTMENT`` …, or a UDD's name).

    ``labels`` overrides the display names (a UDD's ``objectLabel`` from ``getDimensions``).
    """
    names = {dim.key: dim.label for dim in DIMENSIONS} | dict(labels or {})
    return [
        TrackingCategory(
            id=key,
            name=names.get(key, key.replace("_", " ").title()),
            has_children=True,
            status=TrackingCategoryStatus.ACTIVE,
            metadata=Metadata(is_deleted=False),
        )
        for key in dict.fromkeys(keys)
    ]
