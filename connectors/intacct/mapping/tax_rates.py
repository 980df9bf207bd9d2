"""Tax rates <- Intacct tax details (``TAXDETAIL``). Read only.

Shape as in taxRates-list-response-sage-intacct.json: ``id`` is the TAXDETAIL RECORDNO (what lines send
as ``taxRateRef.id``), ``code`` the ``DETAILID``, ``name`` its description, and the rate (``VALUE``, in
percent) is both the effective and the total rate, with one non-compound component when it is not zero.
TAXDETAIL has no change timestamp, so every pull reads all of them (``incremental=False``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from connectors.intacct.mapping._common import money, record_status, text
from connectors.intacct.mapping.facts import CompanyFacts, TaxFact
from connectors.intacct.mapping.plan import ReadSpec
from datamodel import Metadata, TaxRate, TaxRateComponent, TaxRateStatus

__all__ = ["READ", "tax_fact", "to_unified"]

OBJECT: Final = "TAXDETAIL"
FIELDS: Final = ("RECORDNO", "DETAILID", "DESCRIPTION", "TAXTYPE", "VALUE", "STATUS", "TAXSOLUTIONID")


def to_unified(row: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], facts: CompanyFacts) -> TaxRate:
    """A TAXDETAIL row as a unified tax rate."""
    del lines, facts
    code = text(row, "DETAILID")
    name = text(row, "DESCRIPTION") or code
    rate = money(row.get("VALUE")) or Decimal(0)
    components = [TaxRateComponent(name=name, rate=rate, is_compound=False)] if rate else []
    return TaxRate(
        id=text(row, "RECORDNO"),
        name=name,
        code=code,
        status=record_status(row, TaxRateStatus),
        effective_tax_rate=rate,
        total_tax_rate=rate,
        components=components,
        valid_datatype_links=[],
        metadata=Metadata(is_deleted=False),
    )


def tax_fact(row: Mapping[str, Any]) -> TaxFact:
    """The ``CompanyFacts.tax_details`` entry for a TAXDETAIL row (what write mappings look up)."""
    return TaxFact(
        recordno=text(row, "RECORDNO") or "",
        detail_id=text(row, "DETAILID") or "",
        rate=text(row, "VALUE") or "0",
        tax_type=text(row, "TAXTYPE") or "Purchase",
    )


READ = ReadSpec(data_type="taxRates", object=OBJECT, fields=FIELDS, to_unified=to_unified, incremental=False)
