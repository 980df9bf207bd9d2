"""``GET /companies/{companyId}/connections/{connectionId}/options/{dataType}`` (Codat's push options).

The tree comes from the connector (for Intacct: the same rule tables that validate pushes), asked
live because it depends on the company (currencies, payment methods, auto-numbering). It is checked
against ``PushOption`` before it leaves, so a connector cannot send the SDKs a shape they reject.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from connectors.base import Operation
from datamodel import PushOption, ValidationError, convert
from gateway.errors import NotFound, UpstreamFailure, error_responses
from gateway.push.controllers import CompanyId, ConnectionId, json_response, provide_push_service
from gateway.push.schemas import SPECS_BY_DATA_TYPE, SPECS_BY_PATH
from gateway.push.service import PushService
from gateway.push.views import render
from gateway.tenancy.schemas import TenantContext


def connector_type(data_type: str) -> str:
    """Codat's options path names (``chartOfAccounts``) -> the connector's data type (``accounts``)."""
    spec = SPECS_BY_DATA_TYPE.get(data_type) or SPECS_BY_PATH.get(data_type)
    return spec.connector_name if spec is not None else data_type


class OptionsController(Controller):
    path = "/companies/{companyId:str}/connections/{connectionId:str}/options"
    tags = ["Push"]
    dependencies = {"push": Provide(provide_push_service, sync_to_thread=False)}

    @get(
        "/{dataType:str}",
        operation_id="get-create-update-model-options-by-data-type",
        summary="Get push options",
        description=(
            "The fields the platform needs to create or update a record of `dataType`, with allowed "
            "values and the rules a push must meet (e.g. `bills`, `invoices`, `chartOfAccounts`)."
        ),
        responses={
            **error_responses(NotFound, UpstreamFailure),
            200: ResponseSpec(
                data_container=PushOption, description="The push options tree.", generate_examples=False
            ),
        },
    )
    async def get_options(
        self,
        tenant: TenantContext,
        push: PushService,
        companyId: CompanyId,
        connectionId: ConnectionId,
        dataType: Annotated[str, Parameter(description="Codat data type, e.g. bills or chartOfAccounts.")],
    ) -> Response[bytes]:
        ref = await push.connection(tenant, uuid.UUID(companyId), uuid.UUID(connectionId))
        name = connector_type(dataType)
        ref.require(name, Operation.CREATE, label=f"Creating or updating {dataType}")
        connector = await push.connector(ref)
        tree: Any = await connector.options(name)
        try:
            option = convert(dict(tree), PushOption)
        except (ValidationError, TypeError, ValueError) as exc:
            raise UpstreamFailure(
                f"The connector produced an invalid options tree for {dataType}: {exc}"
            ) from exc
        return json_response(render(option))
