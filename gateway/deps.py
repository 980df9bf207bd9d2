"""Dependency providers shared by the feature controllers (wired in ``core.GatewayCore``).

Services are cheap objects built per request from the app-wide pool and settings, so a test can
build the same service directly from ``db_pool``.
"""

from __future__ import annotations

from typing import Any

from litestar.datastructures import State

from gateway.companies.repository import CompanyRepository
from gateway.companies.service import CompanyService
from gateway.connections.crypto import CredentialCipher
from gateway.connections.repository import ConnectionRepository
from gateway.connections.service import ConnectionService
from gateway.integrations.service import IntegrationService
from gateway.settings import Settings


def provide_pool(state: State) -> Any:
    """Dependency ``pool``: the asyncpg pool opened by the app lifespan."""
    return state.pool


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def provide_cipher(state: State) -> CredentialCipher:
    cipher: CredentialCipher = state.cipher
    return cipher


def build_connection_service(pool: Any, settings: Settings, cipher: CredentialCipher) -> ConnectionService:
    return ConnectionService(
        ConnectionRepository(pool),
        cipher,
        base_url=settings.http.base_url,
        allow_endpoint_override=settings.security.allow_endpoint_override,
    )


def provide_connection_service(state: State) -> ConnectionService:
    return build_connection_service(state.pool, state.settings, state.cipher)


def provide_company_service(state: State) -> CompanyService:
    return CompanyService(
        CompanyRepository(state.pool), ConnectionRepository(state.pool), base_url=state.settings.http.base_url
    )


def provide_integration_service(state: State) -> IntegrationService:
    return IntegrationService(state.settings.http.base_url)
