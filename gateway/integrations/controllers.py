"""``/integrations`` routes (Codat platform API) and the public logo the integration points to."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.params import Parameter

from datamodel.platform import Integration, Integrations
from gateway.errors import NotFound, error_responses
from gateway.integrations.service import IntegrationService, find_integration
from gateway.paging import OrderByParam, PageParam, PageRequest, PageSizeParam, QueryParam

PlatformKey = Annotated[str, Parameter(description="Codat platform key, e.g. knfz for Sage Intacct.")]


class IntegrationController(Controller):
    path = "/integrations"
    tags = ["Integrations"]

    @get(operation_id="list-integrations", summary="List integrations", responses=error_responses())
    async def list_integrations(
        self,
        integrations: IntegrationService,
        page: PageParam = 1,
        page_size: PageSizeParam = 100,
        query_text: QueryParam = None,
        order_by: OrderByParam = None,
    ) -> Integrations:
        return integrations.list(PageRequest(page, page_size, query_text, order_by))

    @get(
        "/{platformKey:str}",
        operation_id="get-integration",
        summary="Get integration",
        responses=error_responses(NotFound),
    )
    async def get_integration(
        self, integrations: IntegrationService, platformKey: PlatformKey
    ) -> Integration:
        return integrations.get(platformKey)


_LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">'
    '<rect width="128" height="128" rx="16" fill="#00D639"/>'
    '<text x="64" y="76" font-family="sans-serif" font-size="22" text-anchor="middle" fill="#000">'
    "{name}</text>"
    "</svg>"
)


@get(
    "/integrations/{platformKey:str}/logo.svg",
    operation_id="get-integration-logo",
    summary="Integration logo",
    include_in_schema=False,
    opt={"public": True},
)
async def integration_logo(platformKey: str) -> Response[str]:
    """The ``logoUrl`` of an integration: a plain badge, so the gateway does not hot-link vendor art."""
    info = find_integration(platformKey)
    if info is None:
        raise NotFound(f"No integration found with platform key {platformKey}.")
    label = "".join(ch for ch in info.name if ch.isalnum() or ch == " ")
    return Response(_LOGO.format(name=label), media_type="image/svg+xml")
