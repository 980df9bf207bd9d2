"""/healthz and /readyz: liveness never touches the store; readiness needs the store and every
migration of this build (the k8s readinessProbe keeps a pod out of the Service until both hold)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.health import expected_versions
from gateway.settings import Settings
from gateway.store import create_pool, discover, upgrade
from tests.integration.gateway.ops.conftest import running


def unstarted_client(app: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


class BrokenPool:
    @asynccontextmanager
    async def acquire(self) -> Any:
        raise OSError("connection refused")
        yield  # pragma: no cover


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("path", ["/healthz", "/health/live"])
async def test_liveness_answers_without_credentials_or_a_store(path: str) -> None:
    app = create_app(Settings.for_tests(database_url="postgresql://postgres@127.0.0.1:1/none"))
    async with unstarted_client(app) as client:  # no lifespan: there is no pool at all
        response = await client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("path", ["/readyz", "/health/ready"])
async def test_ready_on_a_migrated_store(client: Any, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok"}


@pytest.mark.asyncio(loop_scope="session")
async def test_not_ready_without_a_store() -> None:
    app = create_app(Settings.for_tests(database_url="postgresql://postgres@127.0.0.1:1/none"))
    async with unstarted_client(app) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"

        app.state.pool = BrokenPool()
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "reason": "OSError"}
        assert (await client.get("/healthz")).status_code == 200


@pytest.mark.asyncio(loop_scope="session")
async def test_ready_only_once_every_migration_of_this_build_is_applied(empty_database: str) -> None:
    assert expected_versions() == tuple(m.version for m in discover())
    app = create_app(Settings.for_tests(database_url=empty_database))
    async with running(app) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["pending"] == list(expected_versions())
        assert "gateway db upgrade" in body["reason"]

        pool = await create_pool(empty_database, min_size=1, max_size=1)
        try:
            await upgrade(pool)
            assert (await client.get("/readyz")).status_code == 200

            # One migration missing (a release whose Job has not run yet): not ready, and it says which.
            last = expected_versions()[-1]
            checksum = await pool.fetchval("SELECT checksum FROM schema_migrations WHERE version = $1", last)
            await pool.execute("DELETE FROM schema_migrations WHERE version = $1", last)
            response = await client.get("/readyz")
            assert response.status_code == 503 and response.json()["pending"] == [last]
            await pool.execute(
                "INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)", last, checksum
            )

            # A store AHEAD of this build (a newer release migrated during a rolling update) is fine.
            await pool.execute(
                "INSERT INTO schema_migrations (version, checksum) VALUES ('9999_from_the_future', 'x')"
            )
            assert (await client.get("/readyz")).status_code == 200
        finally:
            await pool.close()


@pytest.mark.asyncio(loop_scope="session")
async def test_probes_and_metrics_are_not_part_of_the_public_api(client: Any) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    for path in ("/healthz", "/readyz", "/metrics", "/health/live", "/health/ready"):
        assert path not in document["paths"]
