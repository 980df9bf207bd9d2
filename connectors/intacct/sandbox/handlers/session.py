"""``getAPISession``: a session bound to company, user, entity and the endpoint that was called.

``<locationid>`` absent keeps the entity of the credentials used; present and empty goes back to the
top level; an entity id must exist, else the result fails with ``Get API Session Failed`` (the text
errorno of the fixtures). The endpoint handed out is the URL the request came to, so a client that
follows ``<endpoint>`` keeps talking to the same sandbox (mounted under any prefix).
"""

from __future__ import annotations

from lxml import etree

from connectors.intacct.sandbox.auth import open_session
from connectors.intacct.sandbox.registry import CallContext, FunctionFailed, IntacctError, handler
from connectors.intacct.xml.tree import to_element


@handler("getAPISession")
def get_api_session(ctx: CallContext, element: etree._Element) -> list[etree._Element]:
    if ctx.sandbox is None:
        raise FunctionFailed(
            IntacctError("Get API Session Failed", "", "No sandbox state to open a session in.", "")
        )
    location = element.find("locationid")
    entity_id = ctx.entity.id if ctx.entity is not None else None
    if location is not None:
        wanted = (location.text or "").strip()
        if wanted and wanted not in ctx.company.entities:
            raise FunctionFailed(
                IntacctError(
                    "Get API Session Failed",
                    "",
                    f"Invalid entity '{wanted}': it does not exist or the user cannot access it.",
                    "Use an entity id from LOCATIONENTITY, or an empty locationid for the top level.",
                )
            )
        entity_id = wanted or None
    session = open_session(ctx.sandbox, ctx.company, ctx.user_id, entity_id, ctx.endpoint)
    api = {"sessionid": session.session_id, "endpoint": session.endpoint, "locationid": entity_id or ""}
    return [to_element("data", {"api": api})]
