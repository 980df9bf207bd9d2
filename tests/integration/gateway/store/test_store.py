"""The store against both backends: the configured server (TEST_DATABASE_URL or the session's embedded
one) and an embedded server started explicitly by the test."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from gateway.store import (
    EmbeddedPostgres,
    applied_versions,
    create_database,
    create_pool,
    discover,
    drop_database,
    upgrade,
)


@pytest.fixture(scope="module")
def explicit_embedded(tmp_path_factory: pytest.TempPathFactory):
    server = EmbeddedPostgres(tmp_path_factory.mktemp("explicit") / "pgdata", cleanup="delete")
    try:
        yield server.url
    finally:
        server.close()


@pytest_asyncio.fixture(loop_scope="session", params=["configured", "embedded"])
async def server_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    if request.param == "configured":
        yield request.getfixturevalue("database_server_url")
    else:
        yield request.getfixturevalue("explicit_embedded")


@pytest_asyncio.fixture(loop_scope="session")
async def fresh_url(server_url: str) -> AsyncIterator[str]:
    name = f"gw_store_{uuid.uuid4().hex[:10]}"
    url = await create_database(server_url, name)
    try:
        yield url
    finally:
        await drop_database(server_url, name)


@pytest.mark.asyncio(loop_scope="session")
async def test_upgrade_applies_every_migration_once(fresh_url: str) -> None:
    pool = await create_pool(fresh_url, max_size=4)
    try:
        expected = [m.version for m in discover()]
        assert expected[0] == "0001_foundation"
        # Two concurrent starters: the advisory lock makes one apply everything, the other nothing.
        first, second = await asyncio.gather(upgrade(pool), upgrade(pool))
        assert sorted([first, second], key=len) == [[], expected]
        assert await upgrade(pool) == []
        async with pool.acquire() as conn:
            assert set(await applied_versions(conn)) == set(expected)
            tables = {
                r["tablename"]
                for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            }
        assert {"tenants", "api_keys", "companies", "connections", "schema_migrations"} <= tables
    finally:
        await pool.close()


@pytest.mark.asyncio(loop_scope="session")
async def test_failed_migration_rolls_back_and_is_not_recorded(fresh_url: str, tmp_path: Path) -> None:
    (tmp_path / "0001_ok.sql").write_text("CREATE TABLE ok_one (id int);")
    (tmp_path / "0002_broken.sql").write_text("CREATE TABLE half (id int); SELECT * FROM no_such_table;")
    pool = await create_pool(fresh_url, max_size=2)
    try:
        with pytest.raises(Exception, match="no_such_table"):
            await upgrade(pool, tmp_path)
        async with pool.acquire() as conn:
            assert set(await applied_versions(conn)) == {"0001_ok"}
            assert await conn.fetchval("SELECT to_regclass('half')") is None
            assert await conn.fetchval("SELECT to_regclass('ok_one')") is not None
            # The lock was released even though the run failed.
            assert await conn.fetchval("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == 0
    finally:
        await pool.close()


def test_discover_rejects_misnamed_and_duplicate_numbers(tmp_path: Path) -> None:
    (tmp_path / "1_bad.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="NNNN_name"):
        discover(tmp_path)
    (tmp_path / "1_bad.sql").unlink()
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0001_b.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="share the number"):
        discover(tmp_path)


@pytest.mark.asyncio(loop_scope="session")
async def test_db_pool_fixture_has_all_migrations(db_pool) -> None:
    async with db_pool.acquire() as conn:
        assert set(await applied_versions(conn)) == {m.version for m in discover()}


def test_public_surface_is_complete() -> None:
    import types

    import gateway.store as store

    public = {
        name
        for name, value in vars(store).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType) and name != "annotations"
    }
    assert len(store.__all__) == len(set(store.__all__))
    assert set(store.__all__) == public
