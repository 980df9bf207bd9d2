"""Settings from the environment: defaults that work locally, errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.settings import Settings, SettingsError


def test_defaults_work_on_a_laptop() -> None:
    s = Settings.from_env({})
    assert s.environment == "development"
    assert s.database.url is None and s.database.pgdata == Path(".gateway") / "pgdata"
    assert s.database.migrate_on_start is True
    assert (s.http.host, s.http.port, s.http.base_url) == ("127.0.0.1", 8000, "http://localhost:8000")
    assert s.http.max_request_body_bytes == 10 * 1024 * 1024
    assert (s.log.level, s.log.format) == ("INFO", "console")
    assert s.security.uses_dev_default and s.security.allow_endpoint_override


def test_every_variable_is_read() -> None:
    s = Settings.from_env(
        {
            "GATEWAY_ENV": "production",
            "DATABASE_URL": "postgresql://db/gw",
            "GATEWAY_DATA_DIR": "/var/lib/gw",
            "DB_POOL_MIN_SIZE": "2",
            "DB_POOL_MAX_SIZE": "20",
            "DB_AUTO_MIGRATE": "yes",
            "HOST": "0.0.0.0",
            "PORT": "9000",
            "PUBLIC_BASE_URL": "https://api.example.com/",
            "MAX_REQUEST_BODY_BYTES": "2048",
            "GATEWAY_SANDBOX": "true",
            "LOG_LEVEL": "debug",
            "GATEWAY_SECRET_KEY": "s3cret",
            "GATEWAY_PREVIOUS_SECRET_KEYS": "old1, old2",
            "ALLOW_ENDPOINT_URL_OVERRIDE": "true",
        }
    )
    assert s.database.url == "postgresql://db/gw" and s.database.data_dir == Path("/var/lib/gw")
    assert (s.database.pool_min_size, s.database.pool_max_size, s.database.migrate_on_start) == (2, 20, True)
    assert (s.http.host, s.http.port, s.http.base_url) == ("0.0.0.0", 9000, "https://api.example.com")
    assert s.http.max_request_body_bytes == 2048 and s.http.mount_sandbox
    assert (s.log.level, s.log.format) == ("DEBUG", "json")  # production defaults to JSON logs
    assert s.security.secret_key == "s3cret" and s.security.previous_secret_keys == ("old1", "old2")
    assert s.security.allow_endpoint_override


def test_production_defaults_are_safe() -> None:
    s = Settings.from_env(
        {"GATEWAY_ENV": "production", "GATEWAY_SECRET_KEY": "k", "DATABASE_URL": "postgresql://x"}
    )
    assert s.log.format == "json" and not s.security.allow_endpoint_override
    assert s.database.migrate_on_start is False  # operators run `gateway db upgrade`


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "0"}, "PORT"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"DB_AUTO_MIGRATE": "maybe"}, "DB_AUTO_MIGRATE"),
        ({"MAX_REQUEST_BODY_BYTES": "10"}, "MAX_REQUEST_BODY_BYTES"),
        ({"GATEWAY_ENV": "staging"}, "GATEWAY_ENV"),
        ({"GATEWAY_ENV": "production"}, "GATEWAY_SECRET_KEY"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env(env)
