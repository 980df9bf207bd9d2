"""The integrations the gateway offers (Codat's ``/integrations``), keyed by Codat platform key.

Codat identifies Sage Intacct by the platform key ``knfz``. Ids are derived deterministically from
the key (UUID v5) so that ``integrationId``/``sourceId`` on connections never change between
restarts or replicas. The catalogue is derived from ``connectors.registry``: a second connector
appears here by its registry line alone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import msgspec

from connectors.registry import CONNECTORS
from datamodel.platform import Integration, Integrations, SourceType
from gateway.errors import NotFound
from gateway.paging import PageRequest, matches

_NAMESPACE = uuid.UUID("5f0c7f7e-4a45-4a8e-9a39-5d2f0f3b2a11")


@dataclass(frozen=True, slots=True)
class IntegrationInfo:
    key: str
    name: str
    source_type: SourceType = SourceType.ACCOUNTING
    enabled: bool = True
    is_beta: bool = False
    data_provided_by: str = "Intacct Gateway"

    @property
    def integration_id(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"integration:{self.key}"))

    @property
    def source_id(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"source:{self.key}"))

    def logo_url(self, base_url: str) -> str:
        return f"{base_url}/integrations/{self.key}/logo.svg"


CATALOG: dict[str, IntegrationInfo] = {
    key: IntegrationInfo(key=key, name=getattr(factory, "name", key)) for key, factory in CONNECTORS.items()
}


def find_integration(key: str) -> IntegrationInfo | None:
    """The integration for a platform key, case-insensitively (Codat keys are lower case)."""
    return CATALOG.get(key.strip().lower())


def _field(record: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        record = record.get(name) if isinstance(record, dict) else None
    return record


class IntegrationService:
    def __init__(self, base_url: str) -> None:
        self._base_url = base_url

    def _view(self, info: IntegrationInfo) -> Integration:
        return Integration(
            key=info.key,
            name=info.name,
            logo_url=info.logo_url(self._base_url),
            enabled=info.enabled,
            integration_id=info.integration_id,
            source_id=info.source_id,
            source_type=info.source_type,
            is_offline_connector=False,
            is_beta=info.is_beta,
            data_provided_by=info.data_provided_by,
        )

    def list(self, page: PageRequest, path: str = "/integrations") -> Integrations:
        """All integrations matching ``query``, paged, ordered by key (or ``orderBy``)."""
        node = page.parsed_query()
        order = page.parsed_order_by()
        views = [self._view(i) for i in CATALOG.values()]
        everything = [v for v in views if matches(node, msgspec.to_builtins(v))]
        path_of = order.path if order else ("key",)
        everything.sort(
            key=lambda v: str(_field(msgspec.to_builtins(v), path_of) or ""),
            reverse=bool(order and order.descending),
        )
        chunk = everything[page.offset : page.offset + page.page_size]
        return Integrations(
            results=chunk,
            page_number=page.page,
            page_size=page.page_size,
            total_results=len(everything),
            links=page.links(path, len(everything)),
        )

    def get(self, key: str) -> Integration:
        info = find_integration(key)
        if info is None:
            raise NotFound(f"No integration found with platform key {key}.")
        return self._view(info)
