"""The app factory: ``create_app()`` for ``gateway serve``/uvicorn, ``create_app(settings)`` for tests."""

from __future__ import annotations

from litestar import Litestar

from gateway.core import GatewayCore
from gateway.logging import configure_logging
from gateway.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> Litestar:
    """A configured gateway app; every behaviour is wired by the ``GatewayCore`` plugin."""
    settings = settings or get_settings()
    configure_logging(settings.log)
    return Litestar(plugins=[GatewayCore(settings)])
