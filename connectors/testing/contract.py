"""The contract every connector passes: subclass ``ConnectorContract`` in one line per connector.

::

    class TestIntacctContract(ConnectorContract):
        connector_key = "knfz"

        def make_connector(self, *, valid: bool) -> Connector:
            ...  # a connector on a fake/sandbox upstream, with good or wrong credentials

The suite checks what the gateway relies on: the key is registered, the declarations are coherent,
``check_connection`` succeeds with good credentials and fails *cleanly* (``ok=False``, a
``ConnectorConfigError``, a message a person can act on) with bad ones. Connectors add data-type
round-trip tests as their mapping layers land. Requires pytest and pytest-asyncio (test-only import).
"""

from __future__ import annotations

from typing import ClassVar

import pytest

from connectors.base import Capability, ConnectionCheck, Connector, Operation
from connectors.errors import ConnectorConfigError
from connectors.registry import get_connector


class ConnectorContract:
    """Base test class (not collected itself: its name does not start with ``Test``)."""

    connector_key: ClassVar[str]

    def make_connector(self, *, valid: bool) -> Connector:
        """A connector whose upstream accepts (``valid=True``) or refuses its credentials."""
        raise NotImplementedError

    def test_registered_under_its_key(self) -> None:
        connector = self.make_connector(valid=True)
        factory: object = get_connector(self.connector_key)
        assert factory is type(connector)
        assert type(connector).key == self.connector_key

    def test_is_a_connector(self) -> None:
        assert isinstance(self.make_connector(valid=True), Connector)

    def test_declarations_are_coherent(self) -> None:
        cls = type(self.make_connector(valid=True))
        assert cls.name
        assert cls.capabilities, "a connector declares at least one capability"
        assert all(isinstance(c, Capability) for c in cls.capabilities)
        assert cls.data_types, "a connector declares at least one data type"
        writes = False
        for name, resource in cls.data_types.items():
            assert resource.data_type == name
            assert resource.upstream_object
            assert resource.key_field
            assert resource.operations, f"{name} declares no operation"
            writes = writes or bool(resource.operations - {Operation.READ})
        if writes:
            assert Capability.WRITE in cls.capabilities

    @pytest.mark.asyncio
    async def test_check_connection_succeeds(self) -> None:
        connector = self.make_connector(valid=True)
        try:
            result = await connector.check_connection()
        finally:
            await connector.aclose()
        assert isinstance(result, ConnectionCheck)
        assert result.ok, result.message
        assert result.error is None

    @pytest.mark.asyncio
    async def test_check_connection_fails_cleanly(self) -> None:
        connector = self.make_connector(valid=False)
        try:
            result = await connector.check_connection()
        finally:
            await connector.aclose()
        assert not result.ok
        assert isinstance(result.error, ConnectorConfigError)
        assert result.message and len(result.message) > 20
