"""The ``gateway`` command: serve the API, manage tenants, migrate, export OpenAPI, run the sandbox.

Every command reads the same settings as the server (``DATABASE_URL`` unset means the embedded
PostgreSQL under ``./.gateway/pgdata``). Output meant for scripts comes last: ``tenants create``
prints the API key as its final line.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import json
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from gateway.settings import Settings, SettingsError, get_settings

SANDBOX_TENANT = "sandbox"
OPENAPI_PATH = Path("openapi") / "openapi.json"
#: Most connections a ``gateway worker`` pool opens for its operations, whatever its concurrency (a
#: stock PostgreSQL allows 100 in all, shared with the API and the other workers).
WORKER_POOL_CAP = 24


def _database_url(settings: Settings) -> str:
    """The configured server, or the embedded one (started, or joined if already running)."""
    if settings.database.url:
        return settings.database.url
    from gateway.store import start_embedded

    return start_embedded(settings.database.pgdata).url


async def _with_pool(settings: Settings, migrate: bool) -> Any:
    from gateway.store import create_pool, upgrade

    pool = await create_pool(_database_url(settings), min_size=1, max_size=2)
    if migrate:
        await upgrade(pool)
    return pool


async def _upgrade(settings: Settings) -> list[str]:
    from gateway.store import upgrade

    pool = await _with_pool(settings, migrate=False)
    try:
        return await upgrade(pool)
    finally:
        await pool.close()


async def _create_tenant(settings: Settings, name: str, *, reuse: bool = False) -> tuple[str, str, bool]:
    """(tenant name, api key, created?) — with ``reuse`` an existing tenant gets a new key."""
    from gateway.tenancy.repository import TenantExists, TenantRepository

    pool = await _with_pool(settings, migrate=settings.database.migrate_on_start)
    try:
        repo = TenantRepository(pool)
        try:
            created = await repo.create(name)
            return created.name, created.api_key, True
        except TenantExists:
            if not reuse:
                raise
            return name, await repo.create_api_key(name, name="sandbox"), False
    finally:
        await pool.close()


def cmd_db_upgrade(settings: Settings, _: argparse.Namespace) -> int:
    applied = asyncio.run(_upgrade(settings))
    print("applied: " + ", ".join(applied) if applied else "database is up to date")
    return 0


def cmd_tenants_create(settings: Settings, args: argparse.Namespace) -> int:
    from gateway.tenancy.repository import TenantExists

    try:
        name, key, _ = asyncio.run(_create_tenant(settings, args.name))
    except TenantExists as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Created tenant {name!r}. Authenticate with: Authorization: Basic <base64 of the key>.")
    print("API key (shown once, store it now):")
    print(key)
    return 0


async def _revoke_key(settings: Settings, api_key: str) -> bool:
    from gateway.tenancy.repository import TenantRepository

    pool = await _with_pool(settings, migrate=settings.database.migrate_on_start)
    try:
        return await TenantRepository(pool).revoke_api_key(api_key)
    finally:
        await pool.close()


def cmd_tenants_revoke_key(settings: Settings, args: argparse.Namespace) -> int:
    """Revoke one API key at once (every later request with it is 401); ``-`` reads it from stdin."""
    key = (sys.stdin.readline() if args.key == "-" else args.key).strip()
    if not key or not asyncio.run(_revoke_key(settings, key)):
        print("error: no active API key matches", file=sys.stderr)
        return 1
    print(f"Revoked API key {key[:8]}... (requests with it are now refused).")
    return 0


def openapi_document(settings: Settings | None = None) -> dict[str, Any]:
    """The OpenAPI document of the app, independent of the environment it is generated in."""
    from gateway.app import create_app

    base = settings or Settings()
    app = create_app(replace(base, http=replace(base.http, mount_sandbox=False)))
    from litestar.serialization import encode_json

    document: dict[str, Any] = json.loads(encode_json(app.openapi_schema.to_schema()))
    return document


def render_openapi(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def cmd_openapi(_: Settings, args: argparse.Namespace) -> int:
    path = Path(args.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_openapi(openapi_document()), encoding="utf-8")
    print(f"wrote {path}")
    return 0


def _sandbox_instructions(settings: Settings, api_key: str) -> str:
    body = {
        "senderId": "demo-sender",
        "senderPassword": "demo-sender-pw",
        "companyId": "DEMO",
        "userId": "demo-user",
        "userPassword": "demo-user-pw",
        "endpointUrl": f"{settings.http.base_url}/sandbox/intacct/ia/xml/xmlgw.phtml",
    }
    return "\n".join(
        [
            "Intacct sandbox mounted at /sandbox/intacct (company DEMO).",
            'Link it: POST /companies, POST /companies/{companyId}/connections {"platformKey": "knfz"},',
            "then PUT /companies/{companyId}/connections/{connectionId}/authorization with:",
            json.dumps(body, indent=2),
            f"Tenant {SANDBOX_TENANT!r} API key:",
            api_key,
        ]
    )


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from gateway.app import create_app

    http = replace(
        settings.http,
        host=args.host or settings.http.host,
        port=args.port or settings.http.port,
        mount_sandbox=args.sandbox or settings.http.mount_sandbox,
    )
    settings = replace(settings, http=http)
    if settings.database.migrate_on_start:
        asyncio.run(_upgrade(settings))
    if http.mount_sandbox and importlib.util.find_spec("connectors.intacct.sandbox.server") is None:
        print("The Intacct sandbox is not installed; serving without it.", flush=True)
        http = replace(http, mount_sandbox=False)
        settings = replace(settings, http=http)
    print("Create an API key with: gateway tenants create NAME", flush=True)
    if http.mount_sandbox:
        _, key, _ = asyncio.run(_create_tenant(settings, SANDBOX_TENANT, reuse=True))
        print(_sandbox_instructions(settings, key), flush=True)
    print(f"Gateway on {http.base_url} (API docs at {http.base_url}/schema)", flush=True)
    # uvicorn re-raises SIGTERM after its graceful shutdown; with the default action the process would
    # die without running cleanups and leave the embedded PostgreSQL running. Exit normally instead.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        uvicorn.run(create_app(settings), host=http.host, port=http.port, log_config=None, access_log=False)
    except KeyboardInterrupt:
        pass
    finally:
        if settings.database.url is None:
            from gateway.store import stop_embedded

            stop_embedded(settings.database.pgdata)
    return 0


def _exit_cleanly(signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _worker_handlers(pool: Any, settings: Settings) -> dict[str, Any]:
    """The operation handlers of this deployment (``gateway/jobs/handlers.py``), counted in metrics."""
    from gateway.jobs.handlers import build_handlers
    from gateway.metrics import connector_metrics, instrument_handlers

    return instrument_handlers(build_handlers(pool, settings, metrics=connector_metrics()))


async def _run_worker(settings: Settings, args: argparse.Namespace) -> int:
    """One Worker on its own pool until SIGTERM/SIGINT: stop claiming, finish or release, exit 0."""
    from connectors.intacct.transport import close_shared_client
    from gateway.jobs import Worker, run_until_signalled
    from gateway.store import create_pool, upgrade

    concurrency = args.concurrency or settings.sync.worker_concurrency
    # An operation holds a connection only while it reads or writes the store (a push waiting for its
    # batch holds none), so the pool grows with the concurrency only up to WORKER_POOL_CAP; one more
    # connection LISTENs.
    pool = await create_pool(
        _database_url(settings), min_size=1, max_size=min(2 * concurrency, WORKER_POOL_CAP) + 2
    )
    try:
        if settings.database.migrate_on_start:
            await upgrade(pool)
        handlers = _worker_handlers(pool, settings)
        if not handlers:
            print("error: no operation handlers are registered (gateway/jobs/handlers.py)", file=sys.stderr)
            return 1
        worker = Worker(pool, handlers, concurrency=concurrency)
        print(
            f"worker {worker.id} running {', '.join(sorted(handlers))} (concurrency {concurrency})",
            flush=True,
        )
        await run_until_signalled([worker], grace=args.grace)
        return 0
    finally:
        await close_shared_client()
        await pool.close()


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    server = None
    if args.metrics_port:
        from gateway.metrics import start_metrics_server

        server = start_metrics_server(args.metrics_port, args.metrics_host)
    try:
        return asyncio.run(_run_worker(settings, args))
    finally:
        if server is not None:
            server.shutdown()


async def _pull(settings: Settings, company: str, data_type: str | None) -> int:
    from gateway.errors import GatewayError
    from gateway.pull.command import CommandError, pull_company

    pool = await _with_pool(settings, migrate=settings.database.migrate_on_start)
    try:
        ok = await pull_company(pool, settings, company, data_type, out=lambda line: print(line, flush=True))
    except (CommandError, GatewayError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        await pool.close()
    return 0 if ok else 1


def cmd_pull(settings: Settings, args: argparse.Namespace) -> int:
    """Pull a company's data now (every supported type, or one), showing progress."""
    return asyncio.run(_pull(settings, args.company, args.data_type))


def cmd_sandbox_serve(settings: Settings, args: argparse.Namespace) -> int:
    try:
        server = importlib.import_module("connectors.intacct.sandbox")  # serve() lives in its transport
    except ImportError as exc:
        print(f"error: the Intacct sandbox is not available ({exc})", file=sys.stderr)
        return 1
    server.serve(args.host or settings.http.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gateway", description="Codat-compatible accounting API for Sage Intacct."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="serve the API (embedded PostgreSQL when DATABASE_URL is unset)"
    )
    serve.add_argument("--host", default=None, help="bind address (HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (PORT, default 8000)")
    serve.add_argument(
        "--sandbox", action="store_true", help="also mount the Intacct sandbox at /sandbox/intacct"
    )
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser(
        "worker", help="run operations (push, pull, schedules) until SIGTERM; run as many as you like"
    )
    worker.add_argument(
        "--concurrency", type=int, default=None, help="operations at once (WORKER_CONCURRENCY, default 200)"
    )
    worker.add_argument(
        "--grace", type=float, default=20.0, help="seconds running operations get to finish on SIGTERM"
    )
    worker.add_argument(
        "--metrics-port", type=int, default=None, help="serve this process's Prometheus metrics on this port"
    )
    worker.add_argument("--metrics-host", default="0.0.0.0", help="bind address of the metrics port")
    worker.set_defaults(handler=cmd_worker)

    pull = commands.add_parser("pull", help="pull a company's data from its platform now, showing progress")
    pull.add_argument("company", help="company id, or its exact name")
    pull.add_argument(
        "data_type", nargs="?", default=None, help="one data type (default: every supported one)"
    )
    pull.set_defaults(handler=cmd_pull)

    tenants = commands.add_parser("tenants", help="manage tenants").add_subparsers(
        dest="action", required=True
    )
    create = tenants.add_parser("create", help="create a tenant and print its API key (last line)")
    create.add_argument("name")
    create.set_defaults(handler=cmd_tenants_create)
    revoke = tenants.add_parser("revoke-key", help="revoke an API key now (its requests answer 401)")
    revoke.add_argument("key", help="the API key, or - to read it from standard input")
    revoke.set_defaults(handler=cmd_tenants_revoke_key)

    db = commands.add_parser("db", help="database").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="apply pending migrations").set_defaults(handler=cmd_db_upgrade)

    openapi = commands.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument("--output", default=str(OPENAPI_PATH))
    openapi.set_defaults(handler=cmd_openapi)

    sandbox = commands.add_parser("sandbox", help="Intacct sandbox").add_subparsers(
        dest="action", required=True
    )
    sandbox_serve = sandbox.add_parser("serve", help="serve the sandbox alone (XML at /ia/xml/xmlgw.phtml)")
    sandbox_serve.add_argument("--host", default=None)
    sandbox_serve.add_argument("--port", type=int, default=8001)
    sandbox_serve.set_defaults(handler=cmd_sandbox_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    from gateway.logging import configure_logging

    configure_logging(settings.log)
    handler = args.handler
    result: int = handler(settings, args)
    return result


if __name__ == "__main__":
    sys.exit(main())
