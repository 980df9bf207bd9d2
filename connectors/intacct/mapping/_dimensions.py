"""Tracking refs <-> Intacct dimension fields. Codat's ids are ``<DIMENSION>-<id>`` (or a value's exact
name, resolved through ``facts.dimension_names``); Intacct spells each dimension differently on legacy
lines (``departmentid``), generic objects (``DEPARTMENTID``) and GL entries (``DEPARTMENT``), and takes
user-defined dimensions as ``GLDIM<NAME>``. Re-exported through ``_common``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from connectors.intacct.mapping._values import Problems, or_unset, text
from connectors.intacct.mapping.facts import CompanyFacts
from datamodel import TrackingCategoryRef

# --- tracking refs <-> dimension fields ----------------------------------------------------------------

Style = Literal["legacy", "generic", "gl"]


@dataclass(frozen=True, slots=True)
class Dimension:
    """One standard Intacct dimension and its element names in each write style and on read."""

    key: str
    legacy: str | None
    generic: str | None
    gl: str | None
    read_id: str
    read_name: str
    gl_read_id: str
    gl_read_name: str


def _dim(key: str, base: str, legacy: str | None = "", gl: str | None = None, gl_name: str = "") -> Dimension:
    return Dimension(
        key=key,
        legacy=f"{base.lower()}id" if legacy == "" else legacy,
        generic=f"{base}ID",
        gl=gl or f"{base}ID",
        read_id=f"{base}ID",
        read_name=f"{base}NAME",
        gl_read_id=gl or f"{base}ID",
        gl_read_name=gl_name or f"{base}NAME",
    )


#: Tracking prefixes of Codat's ``<DIMENSION>-<id>`` ids, in the order Codat lists refs it reads (write
#: order is each function's own element order).
DIMENSIONS: Final[dict[str, Dimension]] = {
    d.key: d
    for d in (
        _dim("DEPARTMENT", "DEPARTMENT", gl="DEPARTMENT", gl_name="DEPARTMENTTITLE"),
        _dim("LOCATION", "LOCATION", gl="LOCATION", gl_name="LOCATIONNAME"),
        _dim("PROJECT", "PROJECT"),
        _dim("TASK", "TASK", legacy=None),
        _dim("CUSTOMER", "CUSTOMER"),
        _dim("SUPPLIER", "VENDOR"),
        _dim("EMPLOYEE", "EMPLOYEE"),
        _dim("ITEM", "ITEM"),
        _dim("CLASS", "CLASS"),
        _dim("CONTRACT", "CONTRACT"),
        _dim("WAREHOUSE", "WAREHOUSE"),
    )
}
_PREFIX = re.compile(r"[A-Z][A-Z0-9_]*")


@dataclass(frozen=True, slots=True)
class TrackingValue:
    """One resolved tracking ref: the dimension (standard key or UDD name), its id, and where it came from."""

    dimension: str
    value: str
    path: str


@dataclass(slots=True)
class DimensionFields:
    """Dimension elements of one line; legacy functions take user-defined dimensions as custom fields."""

    fields: dict[str, str] = field(default_factory=dict)
    custom: list[tuple[str, str]] = field(default_factory=list)


def split_tracking_id(ref_id: str, facts: CompanyFacts) -> tuple[str, str] | None:
    """``DEPARTMENT-100`` -> ``("DEPARTMENT", "100")``; ``None`` when the id is not in that form."""
    head, sep, tail = ref_id.partition("-")
    if sep and tail and (head in DIMENSIONS or head in facts.custom_dimensions):
        return head, tail
    return None


def tracking_names(ids: Iterable[str], facts: CompanyFacts) -> set[str]:
    """Tracking ids given as a dimension value's exact name: the connector looks these up into
    ``facts.dimension_names`` (dimension key -> name -> id) before planning the write."""
    return {ref_id for ref_id in ids if ref_id and split_tracking_id(ref_id, facts) is None}


def line_tracking_refs(line: Mapping[str, Any], path: str) -> list[tuple[str, str]]:
    """(path, id) of every tracking ref of a line: ``trackingCategoryRefs``, ``tracking.categoryRefs``, and
    ``tracking.customerRef``/``projectRef`` as ``CUSTOMER-``/``PROJECT-`` refs."""
    refs: list[tuple[str, str]] = []
    for index, ref in enumerate(line.get("trackingCategoryRefs") or []):
        refs.append((f"{path}.trackingCategoryRefs[{index}].id", str(ref.get("id") or "")))
    tracking = line.get("tracking")
    if not tracking:
        return refs
    for index, ref in enumerate(tracking.get("categoryRefs") or []):
        refs.append((f"{path}.tracking.categoryRefs[{index}].id", str(ref.get("id") or "")))
    for key, prefix in (("customerRef", "CUSTOMER"), ("projectRef", "PROJECT")):
        ref = tracking.get(key)
        if isinstance(ref, Mapping) and ref.get("id"):
            refs.append((f"{path}.tracking.{key}.id", f"{prefix}-{ref['id']}"))
    return refs


def resolve_tracking(
    refs: Iterable[tuple[str, str]], facts: CompanyFacts, problems: Problems
) -> dict[str, TrackingValue]:
    """Dimension -> value for a line; names resolve through ``facts.dimension_names``; conflicts are
    issues."""
    found: dict[str, TrackingValue] = {}
    for path, ref_id in refs:
        parsed = split_tracking_id(ref_id, facts)
        if parsed is None:
            matches = [
                (dim, names[ref_id]) for dim, names in facts.dimension_names.items() if ref_id in names
            ]
            if len(matches) == 1:
                parsed = matches[0]
            elif matches:
                dims = ", ".join(sorted(dim for dim, _ in matches))
                problems.add(
                    path, f"Tracking Category '{ref_id}' is ambiguous ({dims}); use '<DIMENSION>-<id>'."
                )
                continue
            else:
                head = ref_id.partition("-")[0]
                if "-" in ref_id and _PREFIX.fullmatch(head):
                    known = ", ".join([*DIMENSIONS, *facts.custom_dimensions])
                    problems.add(
                        path, f"'{head}' is not a tracking category type in Sage Intacct (use {known})."
                    )
                else:
                    problems.add(path, f"Tracking Category '{ref_id}' cannot be found.")
                continue
        dim, value = parsed
        existing = found.get(dim)
        if existing is not None and existing.value != value:
            problems.add(
                path, f"A line can be tracked against one {dim} only; '{existing.value}' is already set."
            )
            continue
        found[dim] = TrackingValue(dim, value, path)
    return found


def dimension_fields(
    values: Mapping[str, TrackingValue],
    style: Style,
    problems: Problems,
    *,
    where: str = "this line",
    custom_allowed: bool = True,
    exclude: Iterable[str] = (),
) -> DimensionFields:
    """Element names for each dimension in the write ``style``; UDDs as ``GLDIM<NAME>``; dimensions in
    ``exclude`` (absent from that function's line, e.g. CONTRACT on AP adjustments) become issues."""
    out = DimensionFields()
    excluded = set(exclude)
    for dim, tracked in values.items():
        if dim in excluded:
            problems.add(tracked.path, f"{dim} tracking is not supported on {where}.")
            continue
        standard = DIMENSIONS.get(dim)
        if standard is None:
            if not custom_allowed:
                problems.add(tracked.path, f"Custom tracking category {dim} is not supported on {where}.")
            elif style == "legacy":
                out.custom.append((f"GLDIM{dim}", tracked.value))
            else:
                out.fields[f"GLDIM{dim}"] = tracked.value
            continue
        name: str | None = getattr(standard, style)
        if name is None:
            problems.add(tracked.path, f"{dim} tracking is not supported on {where}.")
            continue
        out.fields[name] = tracked.value
    return out


def read_tracking(
    row: Mapping[str, Any], facts: CompanyFacts, *, gl: bool = False, skip: Iterable[str] = ()
) -> list[TrackingCategoryRef]:
    """``<DIMENSION>-<id>`` refs (with names) for the dimension fields a line row carries."""
    skipped = set(skip)
    refs: list[TrackingCategoryRef] = []
    for dim in DIMENSIONS.values():
        if dim.key in skipped:
            continue
        value = text(row, dim.gl_read_id if gl else dim.read_id)
        if value:
            name = text(row, dim.gl_read_name if gl else dim.read_name)
            refs.append(TrackingCategoryRef(id=f"{dim.key}-{value}", name=or_unset(name)))
    for udd in facts.custom_dimensions:
        value = text(row, f"GLDIM{udd}")
        if value:
            refs.append(TrackingCategoryRef(id=f"{udd}-{value}"))
    return refs
