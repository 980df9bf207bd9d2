"""Codat platform shapes: companies, connections (data connections) and integrations.

Field lists follow the official ``codat-platform`` SDK models; every field the SDK marks required is
required here too, because the SDK rejects a response without it. Date-times are kept as strings:
Codat sends several forms (``2022-10-27T09:53:29Z``, seven fractional digits, offsets) and a client
must get back exactly what it was given.
"""

from __future__ import annotations

import enum
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from datamodel._base import Model

# Re-exported, not redefined: two structs named Links give the OpenAPI document two schemas titled
# "Links", and openapi-python-client then drops every page type that uses either of them.
from datamodel.common import HalRef as HalRef
from datamodel.common import Links as Links

Uuid = Annotated[str, Meta(extra_json_schema={"format": "uuid"})]
DateTime = Annotated[str, Meta(extra_json_schema={"format": "date-time"})]
CompanyName = Annotated[str, Meta(min_length=1, max_length=200, pattern=r"\S")]
Description = Annotated[str, Meta(max_length=2000)]
Tags = Annotated[dict[str, Annotated[str, Meta(max_length=500)]], Meta(max_length=100)]


class DataConnectionStatus(enum.StrEnum):
    PENDING_AUTH = "PendingAuth"
    LINKED = "Linked"
    UNLINKED = "Unlinked"
    DEAUTHORIZED = "Deauthorized"


class SourceType(enum.StrEnum):
    ACCOUNTING = "Accounting"
    BANKING = "Banking"
    BANK_FEED = "BankFeed"
    COMMERCE = "Commerce"
    EXPENSE = "Expense"
    OTHER = "Other"
    UNKNOWN = "Unknown"


class ErrorStatus(enum.StrEnum):
    ACTIVE = "Active"
    RESOLVED = "Resolved"


class DataConnectionError(Model):
    """A problem with a connection the user should see (e.g. Intacct refused the credentials)."""

    status_code: str | None = None
    status_text: str | None = None
    error_message: str | None = None
    errored_on_utc: DateTime | None = None
    status: ErrorStatus | None = None
    resolved_on_utc: DateTime | None = None


class Connection(Model):
    """A company's link to one accounting platform (Codat's data connection)."""

    id: Uuid
    integration_id: Uuid
    integration_key: str
    source_id: Uuid
    source_type: SourceType
    platform_name: str
    link_url: str
    status: DataConnectionStatus
    created: DateTime
    last_sync: DateTime | None = None
    data_connection_errors: list[DataConnectionError] | None = None
    connection_info: dict[str, str] | None = None


class Company(Model):
    id: Uuid
    name: str
    redirect: str
    description: str | None = None
    created: DateTime | None = None
    last_sync: DateTime | None = None
    created_by_user_name: str | None = None
    products: list[str] | None = None
    tags: dict[str, str] | None = None
    data_connections: list[Connection] | None = None


class CompanyRequest(Model):
    """Body of ``POST /companies`` and ``PUT /companies/{companyId}`` (the whole company)."""

    name: CompanyName
    description: Description | None = None
    tags: Tags | None = None


class CompanyUpdate(Model):
    """Body of ``PATCH /companies/{companyId}``: only the fields sent change."""

    name: CompanyName | UnsetType = UNSET
    description: Description | UnsetType | None = UNSET
    tags: Tags | UnsetType | None = UNSET


class ConnectionCreate(Model):
    """Body of ``POST /companies/{companyId}/connections``."""

    platform_key: Annotated[str, Meta(min_length=1, max_length=20)]


class ConnectionStatusUpdate(Model):
    """Body of ``PATCH …/connections/{connectionId}`` (Codat's unlink)."""

    status: DataConnectionStatus


class Integration(Model):
    key: str
    name: str
    logo_url: str
    enabled: bool
    integration_id: Uuid | None = None
    source_id: Uuid | None = None
    source_type: SourceType | None = None
    is_offline_connector: bool | None = None
    is_beta: bool | None = None
    data_provided_by: str | None = None


class _Page(Model):
    page_number: int
    page_size: int
    total_results: int
    links: Links = msgspec.field(name="_links")


class Companies(_Page):
    results: list[Company]


class Connections(_Page):
    results: list[Connection]


class Integrations(_Page):
    results: list[Integration]
