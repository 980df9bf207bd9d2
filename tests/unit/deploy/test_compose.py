"""deploy/compose.yaml: one command brings up PostgreSQL, the migration, the API, two workers and the
sandbox; every command is a real CLI command, every variable a real setting, every port lines up."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gateway.settings import Settings
from tests.unit.deploy._support import (
    DEPLOY,
    IMAGE_NAME,
    cli_handler,
    cli_option,
    settings_env_names,
    version,
    yaml_documents,
)

COMPOSE = yaml_documents(DEPLOY / "compose.yaml")[0]
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
GATEWAY_SERVICES = {name: s for name, s in SERVICES.items() if s.get("image", "").startswith(IMAGE_NAME)}


def env(service: dict[str, Any]) -> dict[str, str]:
    raw = service.get("environment") or {}
    assert isinstance(raw, dict), "use the mapping form of environment"
    return {str(k): str(v) for k, v in raw.items()}


def resolved(value: str) -> str:
    """Compose's ``${NAME:-default}`` with NAME unset."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def test_the_stack_has_every_part() -> None:
    assert set(SERVICES) == {"postgres", "migrate", "gateway", "worker", "sandbox"}
    assert SERVICES["worker"]["deploy"]["replicas"] == 2
    assert set(GATEWAY_SERVICES) == {"migrate", "gateway", "worker", "sandbox"}


def test_gateway_services_build_one_image_tagged_with_the_version() -> None:
    for name, service in GATEWAY_SERVICES.items():
        assert service["image"] == f"{IMAGE_NAME}:{version()}", name
        build = service["build"]
        context = (DEPLOY / build["context"]).resolve()
        assert (context / build["dockerfile"]).resolve() == (DEPLOY / "Dockerfile").resolve()


@pytest.mark.parametrize(
    ("service", "handler"),
    [
        ("migrate", "cmd_db_upgrade"),
        ("gateway", "cmd_serve"),
        ("worker", "cmd_worker"),
        ("sandbox", "cmd_sandbox_serve"),
    ],
)
def test_commands_are_real_cli_commands(service: str, handler: str) -> None:
    # The image's ENTRYPOINT is `gateway`; compose's command supplies its arguments.
    assert cli_handler(SERVICES[service]["command"]).__name__ == handler


def test_every_variable_is_a_setting_and_the_settings_load() -> None:
    known = settings_env_names()
    for name, service in GATEWAY_SERVICES.items():
        values = {k: resolved(v) for k, v in env(service).items()}
        assert set(values) <= known, f"{name}: {sorted(set(values) - known)} are not settings"
        if name != "sandbox":
            settings = Settings.from_env(values)
            assert settings.database.url is not None and not settings.database.migrate_on_start
            assert not settings.security.uses_dev_default


def test_the_database_url_points_at_the_postgres_service() -> None:
    pg = env(SERVICES["postgres"])
    expected = (
        f"postgresql://{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}@postgres:5432/{pg['POSTGRES_DB']}"
    )
    for name in ("migrate", "gateway", "worker"):
        assert env(SERVICES[name])["DATABASE_URL"] == expected, name
    assert "pg_isready" in " ".join(SERVICES["postgres"]["healthcheck"]["test"])


def test_start_order() -> None:
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert SERVICES["migrate"]["restart"] == "no"
    for name in ("gateway", "worker"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert SERVICES[name]["depends_on"]["sandbox"]["condition"] == "service_healthy"
    assert "healthcheck" in SERVICES["sandbox"]


def test_ports_line_up() -> None:
    gateway = SERVICES["gateway"]
    port = env(gateway)["PORT"]
    assert gateway["ports"] == [f"{port}:{port}"]
    assert env(gateway)["PUBLIC_BASE_URL"] == f"http://localhost:{port}"

    sandbox = SERVICES["sandbox"]
    sandbox_port = cli_option(sandbox["command"], "port")
    assert sandbox["ports"] == [f"{sandbox_port}:{sandbox_port}"]
    assert f"('127.0.0.1', {sandbox_port})" in " ".join(sandbox["healthcheck"]["test"])

    worker = SERVICES["worker"]
    metrics_port = cli_option(worker["command"], "metrics_port")
    check = " ".join(worker["healthcheck"]["test"])
    assert f"127.0.0.1:{metrics_port}/metrics" in check


def test_the_api_does_not_run_operations_beside_the_two_workers() -> None:
    settings = Settings.from_env({k: resolved(v) for k, v in env(SERVICES["gateway"]).items()})
    assert settings.sync.in_process_worker is False


def test_workers_get_time_to_finish_on_stop() -> None:
    grace = cli_option(SERVICES["worker"]["command"], "grace")
    stop = SERVICES["worker"]["stop_grace_period"]
    assert int(stop.removesuffix("s")) > grace
