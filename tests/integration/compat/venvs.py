"""Virtual environments for the client-side tools, kept apart from the gateway's own ``.venv``.

The official Codat SDKs pin pydantic, requests and httpx ranges that need not agree with ours, and
openapi-python-client brings its own ruff and typer; installing any of them into the gateway's venv could
change what the gateway runs on. So each client gets a venv under ``.gateway/test-venvs/<name>`` that is
built once and reused while its recipe (requirements, Python version) is unchanged: a marker file written
after a successful install holds the recipe, and a venv without a matching marker is rebuilt from scratch.

Several test runs may share the directory (helpers work in one tree), so building happens under an
exclusive file lock. A registry that cannot be reached is the one reason to skip: any other install or
generation failure fails the test with pip's output, because it means the client cannot be used.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
VENV_ROOT = REPO / ".gateway" / "test-venvs"
MARKER = "compat-ready.json"
PIP_TIMEOUT_SECONDS = 600

# pip's words for "could not talk to the index at all" (DNS, refused, timed out, proxy, TLS).
_UNREACHABLE = (
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "Connection refused",
    "ConnectTimeoutError",
    "Read timed out",
    "ProxyError",
    "Max retries exceeded",
    "connection broken by",
)


@dataclass(frozen=True, slots=True)
class ToolVenv:
    """A ready venv: its directory and interpreter."""

    path: Path

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def bin(self) -> Path:
        return self.path / "bin"

    def marker(self) -> dict[str, object]:
        data: dict[str, object] = json.loads((self.path / MARKER).read_text(encoding="utf-8"))
        return data

    def update_marker(self, **values: object) -> None:
        data = {**self.marker(), **values}
        (self.path / MARKER).write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")


@contextmanager
def locked(name: str) -> Iterator[None]:
    """Hold an exclusive lock for building or changing venv ``name`` (other test runs wait)."""
    VENV_ROOT.mkdir(parents=True, exist_ok=True)
    with (VENV_ROOT / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_pip(venv: ToolVenv, *args: str) -> None:
    """``pip install``-style command in ``venv``; skips when the registry is unreachable, else fails."""
    command = [str(venv.python), "-m", "pip", *args, "--disable-pip-version-check", "--retries", "2"]
    result = run(command, timeout=PIP_TIMEOUT_SECONDS)
    if result.returncode == 0:
        return
    output = result.stdout + result.stderr
    if any(sign in output for sign in _UNREACHABLE):
        pytest.skip(f"package registry unreachable, `pip {' '.join(args)}` failed: {output[-600:]}")
    pytest.fail(f"`pip {' '.join(args)}` failed in {venv.path} (exit {result.returncode}):\n{output[-4000:]}")


def run(
    command: Sequence[str], *, timeout: float, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}}
    env["PATH"] = os.pathsep.join([str(Path(command[0]).parent), env.get("PATH", "")])
    return subprocess.run(
        list(command), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def recipe_key(requirements: Sequence[str]) -> str:
    text = json.dumps({"requirements": sorted(requirements), "python": sys.version_info[:2]})
    return hashlib.sha256(text.encode()).hexdigest()


def ensure_venv(name: str, requirements: Sequence[str]) -> ToolVenv:
    """The venv ``name`` with ``requirements`` installed, built now unless a matching one exists.

    Call under ``locked(name)``. A half-built venv (no marker, or a marker for another recipe) is
    removed and built again, so an interrupted install never leaves a broken venv in use.
    """
    venv = ToolVenv(VENV_ROOT / name)
    key = recipe_key(requirements)
    marker = venv.path / MARKER
    if marker.exists() and venv.python.exists():
        try:
            if venv.marker().get("recipe") == key:
                return venv
        except (ValueError, OSError):
            pass
    shutil.rmtree(venv.path, ignore_errors=True)
    base = getattr(sys, "_base_executable", sys.executable)
    created = run([base, "-m", "venv", str(venv.path)], timeout=120)
    if created.returncode != 0:
        pytest.fail(f"could not create a venv at {venv.path}: {created.stderr}")
    run_pip(venv, "install", "--quiet", *requirements)
    marker.write_text(json.dumps({"recipe": key, "requirements": list(requirements)}), encoding="utf-8")
    return venv


def file_hash(*paths: Path, extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def scratch_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
