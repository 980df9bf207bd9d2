"""Webhook consumers (Codat's ``/webhooks``) and the delivery log, as the API shows them."""

from __future__ import annotations

from typing import Annotated

from msgspec import UNSET, Meta, UnsetType

from datamodel._base import Model
from datamodel.common import Page
from datamodel.types import DateTime

WebhookUrl = Annotated[
    str,
    Meta(max_length=2000, pattern=r"^https?://[^\s/]+(/\S*)?$", description="Where events are POSTed."),
]
EventType = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=200,
        pattern=r"^(\*|[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z][A-Za-z0-9-]*)+)$",
        description="An event type such as bills.write.successful, or * for every event.",
    ),
]
Secret = Annotated[
    str,
    Meta(
        pattern=r"^whsec_[A-Za-z0-9+/]{32,88}={0,2}$",
        description="whsec_ followed by the base64 of 24 to 64 random bytes.",
    ),
]


class WebhookConsumerPrototype(Model, kw_only=True):
    """Body of ``POST /webhooks``. ``eventTypes`` empty or absent means every event; ``companyId`` limits
    the consumer to one company's events. ``secret`` is generated when not given."""

    url: WebhookUrl
    event_types: Annotated[list[EventType], Meta(max_length=100)] = []
    company_id: str | None = None
    disabled: bool = False
    secret: Secret | None = None


class WebhookConsumer(Model, kw_only=True):
    """A consumer. ``secret`` (the key of the signature) appears only in the answer to its creation."""

    id: str
    url: str
    event_types: list[str]
    company_id: str | None = None
    disabled: bool = False
    secret: str | UnsetType = UNSET


class WebhookConsumers(Model, kw_only=True):
    """``GET /webhooks``."""

    results: list[WebhookConsumer]


class WebhookDelivery(Model, kw_only=True):
    """One attempt to deliver one event to one consumer."""

    id: str
    event_id: str
    event_type: str
    attempt: int
    succeeded: bool
    status_code: int | None = None
    error: str | None = None
    duration_ms: int | None = None
    attempted_on_utc: DateTime


class WebhookDeliveries(Page[WebhookDelivery], kw_only=True):
    """``GET /webhooks/{webhookId}/deliveries``, newest first."""
