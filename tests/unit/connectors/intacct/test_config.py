"""Credentials: Codat's camelCase body, validation, no secrets in repr, stable cache keys."""

from __future__ import annotations

import msgspec
import pytest

from connectors.errors import ConnectorConfigError
from connectors.intacct.config import DEFAULT_ENDPOINT_URL, IntacctCredentials
from connectors.intacct.connector import limit_settings
from connectors.intacct.limits import LimitSettings

BODY = {
    "senderId": "demo-sender",
    "senderPassword": "demo-sender-pw",
    "companyId": "DEMO",
    "userId": "demo-user",
    "userPassword": "demo-user-pw",
}


def test_camel_case_body_and_defaults() -> None:
    creds = IntacctCredentials.from_mapping(BODY)
    assert creds.sender_id == "demo-sender" and creds.entity_id is None
    assert creds.endpoint_url == DEFAULT_ENDPOINT_URL
    assert msgspec.json.decode(msgspec.json.encode(creds), type=IntacctCredentials) == creds
    snake = IntacctCredentials.from_mapping(
        {
            "sender_id": "s",
            "sender_password": "p",
            "company_id": "c",
            "user_id": "u",
            "user_password": "q",
            "entity_id": "",
        }
    )
    assert snake.entity_id is None


def test_repr_hides_passwords() -> None:
    creds = IntacctCredentials.from_mapping(BODY)
    for text in (repr(creds), str(creds), f"{creds}"):
        assert "demo-sender-pw" not in text and "demo-user-pw" not in text
        assert "demo-user" in text


def test_invalid_credentials() -> None:
    with pytest.raises(ConnectorConfigError):
        IntacctCredentials.from_mapping({**BODY, "userPassword": ""})
    with pytest.raises(ConnectorConfigError):
        IntacctCredentials.from_mapping({**BODY, "entityID": "100"})
    with pytest.raises(ConnectorConfigError):
        IntacctCredentials.from_mapping({**BODY, "endpointUrl": "ftp://x"})


def test_cache_and_limit_keys() -> None:
    creds = IntacctCredentials.from_mapping(BODY)
    assert creds.cache_key == IntacctCredentials.from_mapping(BODY).cache_key
    assert creds.cache_key != creds.with_entity("100").cache_key
    assert creds.cache_key != IntacctCredentials.from_mapping({**BODY, "userPassword": "x"}).cache_key
    assert "demo" not in creds.cache_key
    assert creds.limit_key == creds.with_entity("100").limit_key == "intacct:demo"


def test_limit_settings_from_connection_settings() -> None:
    assert limit_settings(None) == LimitSettings()
    settings = limit_settings({"callsPerMinute": 60, "max_concurrent": 2, "unrelated": True})
    assert (settings.calls_per_minute, settings.max_concurrent, settings.functions_per_request) == (
        60,
        2,
        100,
    )
    with pytest.raises(ConnectorConfigError):
        limit_settings({"maxConcurrent": 0})
