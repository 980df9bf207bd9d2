"""The real gateway as a separate process, the way an operator runs it and a fintech reaches it.

``GatewayProcess`` runs ``gateway serve --sandbox --port <free>`` (with its in-process worker) on a
throw-away database of its own, so the clients under test exercise the exact HTTP stack, settings
parsing, worker and Intacct sandbox of a deployment. Tenants are made with ``gateway tenants create``
and their key is read from the last line of its output, as the README tells operators to do.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from tests.integration.compat.venvs import REPO

READY_TIMEOUT_SECONDS = 90.0
SANDBOX_XML_PATH = "/sandbox/intacct/ia/xml/xmlgw.phtml"
DEMO_CREDENTIALS = {
    "senderId": "demo-sender",
    "senderPassword": "demo-sender-pw",
    "companyId": "DEMO",
    "userId": "demo-user",
    "userPassword": "demo-user-pw",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gateway_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "gateway.cli", *args]


@dataclass
class GatewayProcess:
    """A running ``gateway serve --sandbox`` on ``database_url``; use as a context manager."""

    database_url: str
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    _log: IO[str] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sandbox_endpoint(self) -> str:
        """The Intacct XML endpoint of the mounted sandbox, for the authorization body's endpointUrl."""
        return self.base_url + SANDBOX_XML_PATH

    @property
    def log_path(self) -> Path:
        return self.workdir / "gateway.log"

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"GATEWAY_ENV", "PORT", "HOST", "PUBLIC_BASE_URL", "GATEWAY_SANDBOX", "VIRTUAL_ENV"}
        }
        env.update(
            {
                "PYTHONPATH": str(REPO),
                "DATABASE_URL": self.database_url,
                "DB_AUTO_MIGRATE": "true",
                "GATEWAY_SECRET_KEY": "compat-test-secret-not-for-production",
                "ALLOW_ENDPOINT_URL_OVERRIDE": "true",
                "GATEWAY_IN_PROCESS_WORKER": "true",
                "LOG_LEVEL": "WARNING",
                "LOG_FORMAT": "console",
            }
        )
        return env

    def cli(self, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            gateway_command(*args),
            cwd=self.workdir,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def create_tenant(self, prefix: str = "compat") -> str:
        """A new tenant's API key: the last line ``gateway tenants create`` prints."""
        result = self.cli("tenants", "create", f"{prefix}-{uuid.uuid4().hex[:10]}")
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip().splitlines()[-1].strip()

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            gateway_command("serve", "--port", str(self.port), "--sandbox"),
            cwd=self.workdir,
            env=self.env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gateway exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.base_url}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gateway not ready after {READY_TIMEOUT_SECONDS}s:\n{self.output()}")
            time.sleep(0.2)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> GatewayProcess:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()
