"""The running system a benchmark measures: store, sandbox, gateway API, a tenant, linked companies.

``async with BenchStack.start(...) as stack`` brings up, in order:

1. a throw-away PostgreSQL database with every migration — on ``TEST_DATABASE_URL``'s server when set,
   else on an embedded server in a temporary directory (dropped / deleted afterwards);
2. the sandbox child (``sandbox_main``): one clone of ``DEMO`` per company id, bulk records, 100 ms of
   latency per call, Intacct's default limits, on a free loopback port;
3. the gateway API child (``api_main``) on that database, in-process worker off;
4. a tenant (its API key) and an ``httpx.AsyncClient`` on the API with Codat's Basic auth.

``link(sandbox_company)`` makes a gateway company with a Sage Intacct connection to that sandbox company
through the public API (``PUT …/authorization`` with ``endpointUrl``). Linking queues a first pull of
every data type and creates the default schedules; both are removed again (the database is the
benchmark's own) so that each benchmark's calls and timings are its own work only.

``start_worker`` runs ``worker_main`` children (``gateway worker`` equivalents) on the same database.
``counters(company)`` reads the sandbox's call counters over its admin API.
"""

from __future__ import annotations

import base64
import contextlib
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.benchmarks.procs import Child
from tests.databases import throwaway_database

LATENCY_SECONDS = 0.1
SANDBOX_CREDENTIALS = {
    "senderId": "demo-sender",
    "senderPassword": "demo-sender-pw",
    "userId": "demo-user",
    "userPassword": "demo-user-pw",
}


@dataclass(frozen=True, slots=True)
class Linked:
    """A gateway company linked to one sandbox company."""

    sandbox_company: str
    company_id: str
    connection_id: str


def gateway_env(database_url: str, floor_file: Path) -> dict[str, str]:
    """Environment of gateway children (API and workers): the run's database, quiet logs."""
    return {
        "DATABASE_URL": database_url,
        "GATEWAY_IN_PROCESS_WORKER": "false",
        "GATEWAY_SECRET_KEY": "benchmark-secret-key-not-for-production",
        "ALLOW_ENDPOINT_URL_OVERRIDE": "true",
        "LOG_LEVEL": "WARNING",
        "DB_AUTO_MIGRATE": "false",
        "BENCH_FLOOR_FILE": str(floor_file),
    }


@dataclass
class BenchStack:
    database_url: str
    sandbox_url: str
    api_url: str
    api: httpx.AsyncClient
    pool: Any
    floor_file: Path
    children: list[Child] = field(default_factory=list)

    @property
    def sandbox_base(self) -> str:
        return self.sandbox_url.removesuffix("/ia/xml/xmlgw.phtml")

    def child_env(self) -> dict[str, str]:
        return gateway_env(self.database_url, self.floor_file)

    @classmethod
    @contextlib.asynccontextmanager
    async def start(
        cls,
        *,
        companies: Sequence[str],
        bulk: Sequence[str] = (),
        latency: float = LATENCY_SECONDS,
        api_pool_size: int = 20,
        server_url: str | None = None,
    ) -> AsyncIterator[BenchStack]:
        from gateway.store import create_pool
        from gateway.tenancy.repository import TenantRepository

        children: list[Child] = []
        workdir = Path(tempfile.mkdtemp(prefix="gw-bench-"))
        try:
            async with throwaway_database(server_url, prefix="gw_bench") as database_url:
                pool = await create_pool(database_url, min_size=1, max_size=4)
                try:
                    args = [f"--latency={latency}"]
                    args += [f"--company={c}" for c in companies]
                    args += [f"--bulk={b}" for b in bulk]
                    sandbox, port = await Child.start(
                        "sandbox", "tests.benchmarks.sandbox_main", *args, ready_timeout=900.0
                    )
                    children.append(sandbox)
                    sandbox_url = f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml"
                    floor_file = workdir / "floor.json"
                    env = {**gateway_env(database_url, floor_file), "DB_POOL_MAX_SIZE": str(api_pool_size)}
                    api, api_port = await Child.start("api", "tests.benchmarks.api_main", env=env)
                    children.append(api)
                    api_url = f"http://127.0.0.1:{api_port}"
                    _, key = await TenantRepository(pool).create_tenant(f"bench-{uuid.uuid4().hex[:8]}")
                    token = base64.b64encode(key.encode()).decode()
                    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
                    async with httpx.AsyncClient(
                        base_url=api_url,
                        headers={"Authorization": f"Basic {token}"},
                        timeout=httpx.Timeout(120.0),
                        limits=limits,
                    ) as client:
                        yield cls(
                            database_url=database_url,
                            sandbox_url=sandbox_url,
                            api_url=api_url,
                            api=client,
                            pool=pool,
                            floor_file=floor_file,
                            children=children,
                        )
                finally:
                    for child in reversed(children):
                        await child.stop()
                    await pool.close()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    # -- gateway side --------------------------------------------------------------------------------

    async def link(self, sandbox_company: str) -> Linked:
        company = await self._json("POST", "/companies", {"name": f"Bench {sandbox_company}"})
        company_id = company["id"]
        connection = await self._json("POST", f"/companies/{company_id}/connections", {"platformKey": "knfz"})
        connection_id = connection["id"]
        body = {**SANDBOX_CREDENTIALS, "companyId": sandbox_company, "endpointUrl": self.sandbox_url}
        linked = await self._json(
            "PUT", f"/companies/{company_id}/connections/{connection_id}/authorization", body
        )
        if linked.get("status") != "Linked":
            raise RuntimeError(f"linking {sandbox_company} failed: {linked}")
        await self.forget_background_work(company_id)
        return Linked(sandbox_company, company_id, connection_id)

    async def forget_background_work(self, company_id: str) -> None:
        """Drop the first pulls and schedules linking created (not yet run: no worker was running)."""
        key = uuid.UUID(company_id)
        await self.pool.execute(
            "DELETE FROM operations WHERE company_id = $1 AND kind = 'pull' AND status = 'Pending'", key
        )
        await self.pool.execute("DELETE FROM sync_schedules WHERE company_id = $1", key)

    async def _json(self, method: str, path: str, body: Any = None) -> Any:
        response = await self.api.request(method, path, json=body)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None

    async def start_worker(self, *, concurrency: int = 100, pool_size: int = 12, hold: bool = False) -> Child:
        """A worker child; with ``hold`` it claims nothing until ``await child.send_line("go")``."""
        args = [f"--concurrency={concurrency}", f"--pool-size={pool_size}"] + (["--hold"] if hold else [])
        worker, _ = await Child.start(
            "worker", "tests.benchmarks.worker_main", *args, env=self.child_env(), stdin=hold
        )
        self.children.append(worker)
        return worker

    def log_tail(self, name: str) -> str:
        """The last output lines of the running child called ``name`` (for error messages)."""
        return "\n".join(line for child in self.children if child.name == name for line in child.tail)

    async def stop_child(self, child: Child) -> None:
        await child.stop()
        if child in self.children:
            self.children.remove(child)

    # -- sandbox side --------------------------------------------------------------------------------

    async def counters(self, company: str) -> dict[str, Any]:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"{self.sandbox_base}/sandbox/admin/companies/{company}/counters")
        response.raise_for_status()
        counters: dict[str, Any] = response.json()
        return counters


def accepted_calls(before: dict[str, Any], after: dict[str, Any]) -> int:
    """Requests the sandbox accepted between two counter readings (refused over-limit ones excluded)."""
    requests = after["http_requests"] - before["http_requests"]
    return int(requests - (after["rate_limited"] - before["rate_limited"]))


def refused_calls(before: dict[str, Any], after: dict[str, Any]) -> int:
    return int(after["rate_limited"] - before["rate_limited"])


def functions_called(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """Intacct functions executed between two counter readings, by name."""
    old: dict[str, int] = before.get("by_function", {})
    new: dict[str, int] = after.get("by_function", {})
    return {name: count - old.get(name, 0) for name, count in sorted(new.items()) if count > old.get(name, 0)}
