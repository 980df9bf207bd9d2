"""The registry maps Codat platform keys to connector factories, explicitly."""

from __future__ import annotations

import pytest

from connectors.errors import ConnectorUnsupported
from connectors.intacct import IntacctConnector
from connectors.registry import CONNECTORS, create_connector, get_connector, platform_keys


def test_intacct_is_knfz() -> None:
    assert get_connector("knfz") is IntacctConnector
    assert platform_keys() == ["knfz"]
    assert all(factory.key == key for key, factory in CONNECTORS.items())  # type: ignore[attr-defined]


def test_unknown_key() -> None:
    with pytest.raises(ConnectorUnsupported) as caught:
        get_connector("qudb")
    assert "knfz" in caught.value.message


def test_create_connector_from_stored_credentials() -> None:
    connector = create_connector(
        "knfz",
        {
            "senderId": "s",
            "senderPassword": "sp",
            "companyId": "c",
            "userId": "u",
            "userPassword": "up",
            "entityId": "100",
        },
        settings={"callsPerMinute": 100},
    )
    assert isinstance(connector, IntacctConnector)
    assert connector.credentials.entity_id == "100"
    assert connector.client.limits.calls_per_minute == 100
