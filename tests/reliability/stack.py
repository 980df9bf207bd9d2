"""The deployed system on loopback for the long reliability tests: PostgreSQL, the sandbox, the gateway
API and ``gateway worker`` processes, each a real process.

``async with Stack.start(tmp, companies=[...]) as stack`` creates a throw-away database (on
``TEST_DATABASE_URL``'s server, else an embedded one) with every migration, then starts:

* the sandbox: ``tests.reliability.sandbox_main`` (``serve()`` with copies of ``DEMO``) or, with
  ``cli_sandbox=True``, ``gateway sandbox serve`` itself (``DEMO`` only);
* the API: ``gateway serve`` with the in-process worker off, on a free loopback port;
* workers on demand: ``stack.start_worker()`` runs ``gateway worker``; ``proc.kill()`` is kill -9.

Children write to log files under the test's temporary directory (their tails are put into failure
messages); nothing is piped, so a chatty child never blocks. ``stack.api_client()`` is an
``httpx.AsyncClient`` on the API with a tenant's Basic auth; ``stack.sandbox_admin(...)`` reaches the
sandbox's admin API (faults, counters); ``stack.ledger(...)`` reads Intacct records through the XML
gateway with the real ``IntacctClient`` (what "readable in Intacct" means).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.databases import throwaway_database

REPO = Path(__file__).resolve().parents[2]
SECRET_KEY = "reliability-secret-key-not-for-production"
SANDBOX_CREDENTIALS = {
    "senderId": "demo-sender",
    "senderPassword": "demo-sender-pw",
    "userId": "demo-user",
    "userPassword": "demo-user-pw",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Proc:
    """One child process writing to ``log``."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return f"--- {self.name} (pid {self.pid}) ---\n" + "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        """kill -9: no signal handler, no clean-up, leases left behind."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self, timeout: float = 20.0) -> int | None:
        if self.alive:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=30)
        return self.popen.returncode

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


@dataclass(frozen=True, slots=True)
class Remote:
    """A gateway company linked to one sandbox company, seen from outside."""

    sandbox_company: str
    company_id: str
    connection_id: str

    @property
    def base(self) -> str:
        return f"/companies/{self.company_id}/connections/{self.connection_id}"


@dataclass
class Stack:
    workdir: Path
    database_url: str
    pool: Any
    sandbox: Proc | None = None
    sandbox_port: int = 0
    api: Proc | None = None
    api_port: int = 0
    workers: list[Proc] = field(default_factory=list)
    api_key: str = ""

    # -- processes ------------------------------------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        base = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": self.database_url,
            "DB_AUTO_MIGRATE": "false",
            "GATEWAY_SECRET_KEY": SECRET_KEY,
            "ALLOW_ENDPOINT_URL_OVERRIDE": "true",
            "GATEWAY_IN_PROCESS_WORKER": "false",
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "json",
        }
        base.pop("TEST_DATABASE_URL", None)
        return {**base, **extra}

    def spawn(self, name: str, argv: Sequence[str], **env: str) -> Proc:
        log = self.workdir / f"{name}-{uuid.uuid4().hex[:6]}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, *argv],
                cwd=str(REPO),
                env=self.env(**env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return Proc(name, popen, log)

    async def wait_http(self, proc: Proc, url: str, within: float = 90.0) -> None:
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(timeout=5.0) as client:
            while True:
                if not proc.alive:
                    raise RuntimeError(f"{proc.name} exited ({proc.popen.returncode})\n{proc.tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(url)).status_code == 200:
                        return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{proc.name} not ready after {within}s\n{proc.tail()}")
                await asyncio.sleep(0.2)

    async def start_sandbox(self, companies: Sequence[str], *, cli: bool = False) -> None:
        self.sandbox_port = free_port()
        if cli:
            argv = ["-m", "gateway.cli", "sandbox", "serve", "--host", "127.0.0.1"]
            argv += ["--port", str(self.sandbox_port)]
        else:
            argv = ["-m", "tests.reliability.sandbox_main", "--port", str(self.sandbox_port)]
            argv += [f"--company={c}" for c in companies]
        self.sandbox = self.spawn("sandbox", argv)
        await self.wait_http(self.sandbox, f"{self.sandbox_base}/sandbox/admin/companies")

    async def start_api(self, *, pool_size: int = 20) -> None:
        self.api_port = free_port()
        argv = ["-m", "gateway.cli", "serve", "--host", "127.0.0.1", "--port", str(self.api_port)]
        self.api = self.spawn("api", argv, DB_POOL_MAX_SIZE=str(pool_size))
        await self.wait_http(self.api, f"{self.api_url}/health/ready")

    async def start_worker(self, *, concurrency: int = 8, within: float = 60.0) -> Proc:
        worker = self.spawn("worker", ["-m", "gateway.cli", "worker", f"--concurrency={concurrency}"])
        self.workers.append(worker)
        deadline = time.monotonic() + within
        while "running" not in worker.log.read_text(errors="replace"):
            if not worker.alive or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start\n{worker.tail()}")
            await asyncio.sleep(0.1)
        return worker

    def tails(self) -> str:
        procs = [p for p in (self.sandbox, self.api, *self.workers) if p is not None]
        return "\n".join(p.tail() for p in procs)

    def stop_all(self) -> None:
        for proc in [*self.workers, self.api, self.sandbox]:
            if proc is not None:
                proc.stop()

    # -- addresses and clients ----------------------------------------------------------------------

    @property
    def sandbox_base(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"

    @property
    def sandbox_url(self) -> str:
        return f"{self.sandbox_base}/ia/xml/xmlgw.phtml"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(self.api_key.encode()).decode()}

    def api_client(self, *, connections: int = 64, timeout: float = 120.0) -> httpx.AsyncClient:
        # idle connections are dropped before uvicorn's 5 s keep-alive timeout closes them under a request
        limits = httpx.Limits(
            max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=2.0
        )
        return httpx.AsyncClient(
            base_url=self.api_url, headers=self.headers, timeout=httpx.Timeout(timeout), limits=limits
        )

    async def new_key(self) -> str:
        from gateway.tenancy.repository import TenantRepository

        _, key = await TenantRepository(self.pool).create_tenant(f"rel-{uuid.uuid4().hex[:10]}")
        return key

    async def sandbox_admin(self, company: str, what: str, body: dict[str, Any] | None = None) -> Any:
        async with httpx.AsyncClient(timeout=30.0) as client:
            url = f"{self.sandbox_base}/sandbox/admin/companies/{company}/{what}"
            response = await (client.post(url, json=body) if body is not None else client.get(url))
        response.raise_for_status()
        return response.json()

    # -- gateway side ---------------------------------------------------------------------------------

    async def link(
        self, api: httpx.AsyncClient, sandbox_company: str, *, keep_first_pulls: bool = True
    ) -> Remote:
        company = (await api.post("/companies", json={"name": f"Reliability {sandbox_company}"})).json()
        connection = (
            await api.post(f"/companies/{company['id']}/connections", json={"platformKey": "knfz"})
        ).json()
        body = {**SANDBOX_CREDENTIALS, "companyId": sandbox_company, "entityId": "100"}
        body["endpointUrl"] = self.sandbox_url
        linked = await api.put(
            f"/companies/{company['id']}/connections/{connection['id']}/authorization", json=body
        )
        assert linked.status_code == 200 and linked.json()["status"] == "Linked", linked.text
        if not keep_first_pulls:
            key = uuid.UUID(company["id"])
            await self.pool.execute("DELETE FROM operations WHERE company_id = $1 AND kind = 'pull'", key)
            await self.pool.execute("DELETE FROM sync_schedules WHERE company_id = $1", key)
        return Remote(sandbox_company, company["id"], connection["id"])

    async def statuses(self, kind: str = "push") -> Counter[str]:
        rows = await self.pool.fetch(
            "SELECT status, count(*) AS n FROM operations WHERE kind = $1 GROUP BY status", kind
        )
        return Counter({r["status"]: r["n"] for r in rows})

    async def settle(self, kind: str | None = None, *, within: float = 300.0) -> None:
        """Wait until no operation (of ``kind``) is pending or running."""
        deadline = time.monotonic() + within
        while True:
            active = await self.pool.fetchval(
                "SELECT count(*) FROM operations WHERE status IN ('Pending', 'Running') "
                "AND ($1::text IS NULL OR kind = $1)",
                kind,
            )
            if active == 0:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{active} operations still active after {within}s\n{self.tails()}")
            await asyncio.sleep(0.5)

    # -- Intacct side -------------------------------------------------------------------------------

    async def ledger(
        self, company: str, obj: str, fields: Sequence[str], *, entity: str | None = "100"
    ) -> list[dict[str, Any]]:
        """Every ``obj`` record of a sandbox company's entity, read with the real client over XML."""
        from connectors.intacct.client import IntacctClient
        from connectors.intacct.config import IntacctCredentials
        from connectors.intacct.limits import InMemoryLimitStore
        from connectors.intacct.session import SessionCache
        from connectors.intacct.transport import IntacctTransport

        credentials = IntacctCredentials(
            sender_id=SANDBOX_CREDENTIALS["senderId"],
            sender_password=SANDBOX_CREDENTIALS["senderPassword"],
            company_id=company,
            user_id=SANDBOX_CREDENTIALS["userId"],
            user_password=SANDBOX_CREDENTIALS["userPassword"],
            entity_id=entity,
            endpoint_url=self.sandbox_url,
        )
        records: list[dict[str, Any]] = []
        async with httpx.AsyncClient(timeout=120.0) as http:
            client = IntacctClient(
                credentials,
                limit_store=InMemoryLimitStore(),
                session_cache=SessionCache(),
                http=IntacctTransport(http),
            )
            async for page in client.query(obj, list(fields)):
                records.extend(page)
        return records

    @classmethod
    @contextlib.asynccontextmanager
    async def start(
        cls, *, companies: Sequence[str] = (), cli_sandbox: bool = False, api_pool_size: int = 20
    ) -> AsyncIterator[Stack]:
        from gateway.store import create_pool

        workdir = Path(tempfile.mkdtemp(prefix="gw-rel-"))
        async with throwaway_database(prefix="gw_rel") as url:
            pool = await create_pool(url, min_size=1, max_size=6)
            stack = cls(workdir=workdir, database_url=url, pool=pool)
            try:
                await stack.start_sandbox(companies, cli=cli_sandbox)
                await stack.start_api(pool_size=api_pool_size)
                stack.api_key = await stack.new_key()
                yield stack
            finally:
                stack.stop_all()
                await pool.close()
                shutil.rmtree(workdir, ignore_errors=True)
