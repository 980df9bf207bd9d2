"""Request bodies specific to connections (the Codat-shaped views live in ``datamodel.platform``)."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from datamodel._base import Model

Secret = Annotated[str, Meta(min_length=1, max_length=200)]
Name = Annotated[str, Meta(min_length=1, max_length=200, pattern=r"\S")]
HttpUrl = Annotated[str, Meta(max_length=2000, pattern=r"^https?://[^\s/]+(/\S*)?$")]

# Fields of the authorization body that may be shown back (connectionInfo); the rest is secret.
PUBLIC_FIELDS = {"company_id": "companyId", "entity_id": "entityId"}


class IntacctAuthorization(Model):
    """Body of ``PUT …/connections/{connectionId}/authorization`` for Sage Intacct (``knfz``).

    Web Services sender credentials plus a Web Services user of the Intacct company. ``entityId``
    picks an entity of a multi-entity company (top level when absent). ``endpointUrl`` overrides
    Intacct's XML gateway address and exists for the sandbox and tests only; operators disable it in
    production with ``ALLOW_ENDPOINT_URL_OVERRIDE=false``.
    """

    sender_id: Name
    sender_password: Secret
    company_id: Name
    user_id: Name
    user_password: Secret
    entity_id: Name | None = None
    endpoint_url: HttpUrl | None = None

    def __repr__(self) -> str:  # never show passwords, even in a debugger or a traceback
        return f"IntacctAuthorization(sender_id={self.sender_id!r}, company_id={self.company_id!r}, ...)"
