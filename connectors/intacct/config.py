"""Connection settings of one Intacct company, passed in by the caller (never read from the environment).

``IntacctCredentials`` is what the gateway stores (encrypted) per connection and what the fintech sends
in Codat's authorization body (``senderId``, ``senderPassword``, ``companyId``, ``userId``,
``userPassword``, ``entityId``, ``endpointUrl``): the struct uses camelCase on the wire so
``msgspec.convert(body, IntacctCredentials)`` accepts that body as is.

Secrets never reach a log line through ``repr``: the two passwords are masked, and ``cache_key`` gives
a stable digest for session caches and log correlation without exposing anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import msgspec

from connectors.errors import ConnectorConfigError

#: Intacct's public XML gateway; a sandbox or test server overrides it per connection.
DEFAULT_ENDPOINT_URL = "https://api.intacct.com/ia/xml/xmlgw.phtml"

_MASK = "********"


class IntacctCredentials(
    msgspec.Struct, frozen=True, kw_only=True, rename="camel", forbid_unknown_fields=True
):
    """Web Services sender + company user credentials, optionally bound to one entity.

    * ``sender_id`` / ``sender_password`` — the Web Services sender (the integration's licence);
      it must be authorised in the target company.
    * ``company_id`` / ``user_id`` / ``user_password`` — a Web Services user of the company.
    * ``entity_id`` — ``LOCATIONID`` of an entity of a multi-entity company (``None`` = top level).
    * ``endpoint_url`` — the gateway URL used for the sign-in (``getAPISession`` may move later
      requests to a company-specific endpoint).
    """

    sender_id: str
    sender_password: str
    company_id: str
    user_id: str
    user_password: str
    entity_id: str | None = None
    endpoint_url: str = DEFAULT_ENDPOINT_URL

    def __post_init__(self) -> None:
        missing = [
            name
            for name in ("sender_id", "sender_password", "company_id", "user_id", "user_password")
            if not getattr(self, name)
        ]
        if missing:
            raise ConnectorConfigError(
                "Intacct credentials are incomplete: " + ", ".join(missing) + " must not be empty"
            )
        parts = urlsplit(self.endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConnectorConfigError(f"Intacct endpoint URL {self.endpoint_url!r} is not an http(s) URL")

    def __repr__(self) -> str:
        return (
            f"IntacctCredentials(sender_id={self.sender_id!r}, sender_password={_MASK!r}, "
            f"company_id={self.company_id!r}, user_id={self.user_id!r}, user_password={_MASK!r}, "
            f"entity_id={self.entity_id!r}, endpoint_url={self.endpoint_url!r})"
        )

    __str__ = __repr__

    @property
    def cache_key(self) -> str:
        """Digest of every field: equal credentials share sessions, a changed password does not."""
        material = "\x1f".join(
            (
                self.endpoint_url,
                self.sender_id,
                self.sender_password,
                self.company_id,
                self.user_id,
                self.user_password,
                self.entity_id or "",
            )
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]

    @property
    def limit_key(self) -> str:
        """Intacct's limits apply per company (all entities and users of it share them)."""
        return f"intacct:{self.company_id.lower()}"

    def with_entity(self, entity_id: str | None) -> IntacctCredentials:
        """The same credentials bound to another entity (``None`` = top level)."""
        return msgspec.structs.replace(self, entity_id=entity_id)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> IntacctCredentials:
        """Accept Codat's camelCase body (``senderId`` ...) or snake_case keys.

        Unknown keys are refused so that a typo (``entityID``) does not silently sign in at top level.
        """
        snake_to_camel = {
            "sender_id": "senderId",
            "sender_password": "senderPassword",
            "company_id": "companyId",
            "user_id": "userId",
            "user_password": "userPassword",
            "entity_id": "entityId",
            "endpoint_url": "endpointUrl",
        }
        body = {snake_to_camel.get(key, key): value for key, value in data.items()}
        if body.get("entityId") == "":
            body["entityId"] = None
        try:
            return msgspec.convert(body, cls)
        except msgspec.ValidationError as exc:
            raise ConnectorConfigError(f"Intacct credentials are invalid: {exc}") from exc
