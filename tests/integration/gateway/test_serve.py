"""Acceptance: on a fresh directory with no DATABASE_URL, `gateway tenants create` and `gateway serve`
start the embedded PostgreSQL and serve /schema and /companies (what `make run` does)."""

from __future__ import annotations

import base64
import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gateway(*args: str) -> list[str]:
    return [sys.executable, "-m", "gateway.cli", *args]


def test_fresh_directory_serves_schema_and_companies(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "GATEWAY_ENV", "PORT", "HOST"}}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])
    port = free_port()

    created = subprocess.run(
        gateway("tenants", "create", "acme"),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    api_key = created.stdout.strip().splitlines()[-1]
    assert api_key.startswith("gwk_")
    assert (tmp_path / ".gateway" / "pgdata" / "PG_VERSION").exists()

    log_path = tmp_path / "serve.log"
    log_file = log_path.open("w")
    server = subprocess.Popen(
        gateway("serve", "--port", str(port), "--sandbox"),
        cwd=tmp_path,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, log_path.read_text()
            try:
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "gateway did not become ready"
            time.sleep(0.2)

        schema = httpx.get(f"{base}/schema", timeout=10)
        assert schema.status_code == 200 and "html" in schema.headers["content-type"]
        spec = httpx.get(f"{base}/schema/openapi.json", timeout=10).json()
        assert "/companies" in spec["paths"]

        headers = {"Authorization": "Basic " + base64.b64encode(api_key.encode()).decode()}
        assert httpx.get(f"{base}/companies", timeout=10).status_code == 401
        made = httpx.post(f"{base}/companies", json={"name": "Served Co"}, headers=headers, timeout=10)
        assert made.status_code == 200, made.text
        listed = httpx.get(f"{base}/companies", headers=headers, timeout=10)
        assert listed.status_code == 200
        assert [c["name"] for c in listed.json()["results"]] == ["Served Co"]

        output = log_path.read_text()
        assert "gateway tenants create NAME" in output
        if importlib.util.find_spec("connectors.intacct.sandbox.server") is None:
            assert "sandbox is not installed" in output
        else:  # --sandbox printed a working key (after the marker line) and the DEMO body
            lines = output.splitlines()
            sandbox_key = lines[lines.index("Tenant 'sandbox' API key:") + 1].strip()
            sandbox_auth = {"Authorization": "Basic " + base64.b64encode(sandbox_key.encode()).decode()}
            assert httpx.get(f"{base}/companies", headers=sandbox_auth, timeout=10).status_code == 200
            assert f"{base.replace('127.0.0.1', 'localhost')}/sandbox/intacct/ia/xml/xmlgw.phtml" in output
            xml = httpx.post(f"{base}/sandbox/intacct/ia/xml/xmlgw.phtml", content=b"<request/>", timeout=10)
            assert xml.status_code != 404 and "xml" in xml.headers.get("content-type", "")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log_file.close()
    assert server.returncode == 0
    # The last user of the embedded server stopped it on exit.
    assert not (tmp_path / ".gateway" / "pgdata" / "postmaster.pid").exists()
