"""Companies: a tenant's customers, each with its connections to accounting platforms."""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from msgspec import UNSET

from datamodel.platform import Companies, Company, CompanyRequest, CompanyUpdate
from gateway.companies.repository import CompanyRepository
from gateway.connections.repository import ConnectionRepository
from gateway.connections.service import TenantRef, format_datetime, to_connection
from gateway.errors import InvalidRequest, NotFound
from gateway.paging import PageRequest

log = structlog.get_logger(__name__)


def _tenant_id(tenant: TenantRef) -> uuid.UUID:
    return tenant if isinstance(tenant, uuid.UUID) else tenant.tenant_id


def parse_tags_filter(raw: str | None) -> dict[str, str]:
    """``tags=region=uk`` (several joined by ``&&`` or ``,``): companies carrying every pair."""
    if raw is None or not raw.strip():
        return {}
    pairs: dict[str, str] = {}
    for part in raw.replace("&&", ",").split(","):
        key, sep, value = part.strip().partition("=")
        if not sep or not key.strip():
            raise InvalidRequest.field("tags", f"Expected key=value, got {part.strip()!r}.")
        pairs[key.strip()] = value.strip()
    return pairs


class CompanyService:
    def __init__(
        self, companies: CompanyRepository, connections: ConnectionRepository, *, base_url: str
    ) -> None:
        self._companies = companies
        self._connections = connections
        self._base_url = base_url

    def _view(self, row: dict[str, Any], connections: list[dict[str, Any]]) -> Company:
        return Company(
            id=str(row["id"]),
            name=row["name"],
            description=row["description"],
            redirect=f"{self._base_url}/link/{row['id']}",
            created=format_datetime(row["created_at"]),
            last_sync=format_datetime(row["last_sync"]),
            products=[],
            tags=row["tags"],
            data_connections=[to_connection(c, self._base_url) for c in connections],
        )

    async def _one(self, tenant: TenantRef, row: dict[str, Any] | None, company_id: uuid.UUID) -> Company:
        if row is None:
            raise NotFound(f"No company found with id {company_id}.")
        conns = await self._connections.for_companies(_tenant_id(tenant), [row["id"]])
        return self._view(row, conns[row["id"]])

    async def create(self, tenant: TenantRef, body: CompanyRequest) -> Company:
        row = await self._companies.insert(
            _tenant_id(tenant), name=body.name.strip(), description=body.description, tags=body.tags or {}
        )
        log.info("company.created", company_id=str(row["id"]))
        return self._view(row, [])

    async def list(self, tenant: TenantRef, page: PageRequest, tags: str | None = None) -> Companies:
        tag_filter = parse_tags_filter(tags)
        rows, total = await self._companies.list_page(
            _tenant_id(tenant),
            query=page.parsed_query(),
            order=page.parsed_order_by(),
            tags=tag_filter,
            limit=page.page_size,
            offset=page.offset,
        )
        conns = await self._connections.for_companies(_tenant_id(tenant), [r["id"] for r in rows])
        return Companies(
            results=[self._view(r, conns[r["id"]]) for r in rows],
            page_number=page.page,
            page_size=page.page_size,
            total_results=total,
            links=page.links("/companies", total, {"tags": tags} if tags else None),
        )

    async def get(self, tenant: TenantRef, company_id: uuid.UUID) -> Company:
        return await self._one(tenant, await self._companies.get(_tenant_id(tenant), company_id), company_id)

    async def replace(self, tenant: TenantRef, company_id: uuid.UUID, body: CompanyRequest) -> Company:
        """PUT: the body is the whole company; absent description/tags are cleared."""
        changes = {"name": body.name.strip(), "description": body.description, "tags": body.tags or {}}
        row = await self._companies.update(_tenant_id(tenant), company_id, changes)
        return await self._one(tenant, row, company_id)

    async def update(self, tenant: TenantRef, company_id: uuid.UUID, body: CompanyUpdate) -> Company:
        """PATCH: only the fields present change; ``null`` clears description or tags."""
        changes: dict[str, Any] = {}
        if body.name is not UNSET:
            changes["name"] = body.name.strip()
        if body.description is not UNSET:
            changes["description"] = body.description
        if body.tags is not UNSET:
            changes["tags"] = body.tags or {}
        row = await self._companies.update(_tenant_id(tenant), company_id, changes)
        return await self._one(tenant, row, company_id)

    async def delete(self, tenant: TenantRef, company_id: uuid.UUID) -> None:
        if not await self._companies.delete(_tenant_id(tenant), company_id):
            raise NotFound(f"No company found with id {company_id}.")
        log.info("company.deleted", company_id=str(company_id))
