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
class NewTenant:
    """A tenant just created, with the only copy of its API key that will ever exist in clear."""

    tenant_id: UUID
    name: str
    api_key: str
