"""Process settings, read once from the environment into small typed groups.

Every setting has a default that works on a laptop (``make run``); the README's configuration table
lists them all. Tests build ``Settings`` explicitly (``Settings.for_tests``) instead of patching the
environment. Nothing outside ``gateway/`` reads ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

LogFormat = Literal["json", "console"]
Environment = Literal["development", "production"]

DEV_SECRET_PASSPHRASE = "intacct-gateway-development-only-secret"


class SettingsError(ValueError):
    """An environment variable holds a value the gateway cannot use."""


def _bool(env: Mapping[str, str], name: str, default: bool | None) -> bool | None:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    """Where the store lives. ``url`` None means: start the embedded PostgreSQL under ``data_dir``."""

    url: str | None = None
    data_dir: Path = Path(".gateway")
    pool_min_size: int = 1
    pool_max_size: int = 10
    # None: migrate at start-up only for the embedded server (operators run `gateway db upgrade`).
    auto_migrate: bool | None = None

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def migrate_on_start(self) -> bool:
        return self.auto_migrate if self.auto_migrate is not None else self.url is None


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """The HTTP server and what it answers with."""

    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str | None = None
    max_request_body_bytes: int = 10 * 1024 * 1024
    mount_sandbox: bool = False

    @property
    def base_url(self) -> str:
        """Base of the absolute URLs the API hands out (company ``redirect``, connection ``linkUrl``)."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        host = "localhost" if self.host in {"0.0.0.0", "::", "127.0.0.1"} else self.host
        return f"http://{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class LogSettings:
    level: str = "INFO"
    format: LogFormat = "console"


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    """Key material for credentials at rest; ``secret_key`` None means the development default."""

    secret_key: str | None = None
    previous_secret_keys: tuple[str, ...] = ()
    # Whether a connection's authorization may name its own Intacct endpoint (sandbox, tests). Off in
    # production by default: it would let a tenant make the gateway call arbitrary URLs.
    allow_endpoint_override: bool = True

    @property
    def uses_dev_default(self) -> bool:
        return self.secret_key is None


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """Background work and the calls made to the accounting platform on a user's behalf.

    ``in_process_worker`` makes ``gateway serve`` run one worker next to the API (false for tests and
    tools that build an app without wanting operations run behind their back). ``link_check_timeout``
    bounds the credential check of ``PUT …/authorization``: a user is waiting on it, so an unreachable
    platform leaves the connection ``PendingAuth`` after this long instead of retrying for minutes.
    """

    in_process_worker: bool = False
    # Push batching sends up to 100 writes per Intacct request: 200 lets a worker fill the next request
    # while the previous one is being answered.
    worker_concurrency: int = 200
    link_check_timeout_seconds: float = 20.0


@dataclass(frozen=True, slots=True)
class PushSettings:
    """Writes: attachment uploads, the Idempotency-Key window, webhook deliveries, push batching."""

    max_attachment_bytes: int = 8 * 1024 * 1024
    # Codat remembers an Idempotency-Key for 90 minutes.
    idempotency_minutes: int = 90
    webhook_timeout_seconds: float = 10.0
    # How long a worker waits for more pushes of the same Intacct company before sending them together.
    batch_window_seconds: float = 0.05
    # Push calls one worker runs at once per connection. Only full batches (100) overlap: a partial batch
    # waits for the running call and gathers the pushes arriving meanwhile.
    batch_in_flight: int = 2


@dataclass(frozen=True, slots=True)
class Settings:
    environment: Environment = "development"
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    log: LogSettings = field(default_factory=LogSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    push: PushSettings = field(default_factory=PushSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every setting; raises ``SettingsError`` naming the variable on a bad value."""
        env = os.environ if env is None else env
        environment: Environment = (
            "production"
            if _choice(env, "GATEWAY_ENV", "development", ("development", "production")) == "production"
            else "development"
        )
        log_format = _choice(
            env, "LOG_FORMAT", "json" if environment == "production" else "console", ("json", "console")
        )
        level = (env.get("LOG_LEVEL") or "INFO").strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {level!r}")
        secret = env.get("GATEWAY_SECRET_KEY") or None
        if secret is None and environment == "production":
            raise SettingsError("GATEWAY_SECRET_KEY must be set when GATEWAY_ENV=production")
        previous = tuple(
            k.strip() for k in (env.get("GATEWAY_PREVIOUS_SECRET_KEYS") or "").split(",") if k.strip()
        )
        return cls(
            environment=environment,
            database=DatabaseSettings(
                url=env.get("DATABASE_URL") or None,
                data_dir=Path(env.get("GATEWAY_DATA_DIR") or ".gateway"),
                pool_min_size=_int(env, "DB_POOL_MIN_SIZE", 1, minimum=1),
                pool_max_size=_int(env, "DB_POOL_MAX_SIZE", 10, minimum=1),
                auto_migrate=_bool(env, "DB_AUTO_MIGRATE", None),
            ),
            http=HttpSettings(
                host=env.get("HOST") or "127.0.0.1",
                port=_int(env, "PORT", 8000, minimum=1),
                public_base_url=env.get("PUBLIC_BASE_URL") or None,
                max_request_body_bytes=_int(env, "MAX_REQUEST_BODY_BYTES", 10 * 1024 * 1024, minimum=1024),
                mount_sandbox=bool(_bool(env, "GATEWAY_SANDBOX", False)),
            ),
            log=LogSettings(level=level, format="json" if log_format == "json" else "console"),
            push=PushSettings(
                max_attachment_bytes=_int(env, "ATTACHMENT_MAX_BYTES", 8 * 1024 * 1024, minimum=1),
                idempotency_minutes=_int(env, "IDEMPOTENCY_KEY_MINUTES", 90, minimum=1),
                webhook_timeout_seconds=float(_int(env, "WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)),
                batch_window_seconds=_int(env, "PUSH_BATCH_WINDOW_MS", 50, minimum=0) / 1000,
                batch_in_flight=_int(env, "PUSH_BATCH_IN_FLIGHT", 2, minimum=1),
            ),
            security=SecuritySettings(
                secret_key=secret,
                previous_secret_keys=previous,
                allow_endpoint_override=bool(
                    _bool(env, "ALLOW_ENDPOINT_URL_OVERRIDE", environment != "production")
                ),
            ),
            sync=SyncSettings(
                in_process_worker=bool(_bool(env, "GATEWAY_IN_PROCESS_WORKER", True)),
                worker_concurrency=_int(env, "WORKER_CONCURRENCY", 200, minimum=1),
                link_check_timeout_seconds=float(_int(env, "LINK_CHECK_TIMEOUT_SECONDS", 20, minimum=1)),
            ),
        )

    @classmethod
    def for_tests(cls, *, database_url: str, **http: object) -> Settings:
        """Settings for an in-process test app on ``database_url`` with a fixed, non-default secret."""
        return cls(
            database=DatabaseSettings(url=database_url, pool_max_size=10, auto_migrate=False),
            http=replace(
                HttpSettings(public_base_url="http://testserver", max_request_body_bytes=1024 * 1024),
                **http,  # type: ignore[arg-type]
            ),
            log=LogSettings(level="WARNING", format="console"),
            security=SecuritySettings(secret_key="test-secret-key-not-for-production"),
            # No worker behind the tests' back; an unreachable Intacct is given up on quickly.
            sync=SyncSettings(link_check_timeout_seconds=2.0),
        )

    def with_overrides(self, **groups: object) -> Settings:
        """A copy with whole groups replaced (the CLI applies ``--host/--port/--sandbox`` this way)."""
        return replace(self, **groups)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process settings, read from the environment on first use."""
    return Settings.from_env()
