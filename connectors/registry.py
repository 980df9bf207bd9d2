"""Which connector serves which platform key: one visible dict, no registration side effects.

Keys are Codat's platform keys (``knfz`` = Sage Intacct), so ``POST /companies/{id}/connections
{"platformKey": "knfz"}`` works unchanged. Adding an accounting system = one line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.base import Connector, ConnectorContext, ConnectorFactory
from connectors.errors import ConnectorUnsupported
from connectors.intacct.connector import IntacctConnector

CONNECTORS: dict[str, ConnectorFactory] = {
    "knfz": IntacctConnector,
}


def platform_keys() -> list[str]:
    return sorted(CONNECTORS)


def get_connector(key: str) -> ConnectorFactory:
    """The factory for platform ``key``; ``ConnectorUnsupported`` for a key no connector serves."""
    try:
        return CONNECTORS[key]
    except KeyError:
        raise ConnectorUnsupported(
            f"No connector for platform key {key!r}; supported: {', '.join(platform_keys())}"
        ) from None


def create_connector(
    key: str,
    credentials: Mapping[str, Any],
    *,
    settings: Mapping[str, Any] | None = None,
    context: ConnectorContext | None = None,
) -> Connector:
    """Build a connector for ``key`` from stored credentials and connection settings."""
    return get_connector(key)(credentials, settings=settings, context=context)
