"""Tenancy values: who is calling, as resolved from the API key."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, slots=True)
class TenantContext:
    """The authenticated tenant of a request; the first argument of every service method."""

    tenant_id: UUID
    tenant_name: str
    api_key_id: UUID


@dataclass(frozen=True, slots=True)
class Access:
    """What one request's key may reach: its tenant, and whether the ids in its path are the tenant's."""

    tenant: TenantContext
    #: The company asked about belongs to the tenant (True when none was asked about).
    owns_company: bool
    #: The connection asked about belongs to that company of the tenant (True when none was asked about).
    owns_connection: bool


@dataclass(frozen=True, slots=True)
class NewTenant:
    """A tenant just created, with the only copy of its API key that will ever exist in clear."""

    tenant_id: UUID
    name: str
    api_key: str
