"""Issue 4, point 4: a third party's Intacct client works against the sandbox unchanged.

``sageintacctsdk`` (fylein's community client, PyPI) is installed into a virtualenv of its own under
``.gateway/test-venvs/sageintacctsdk`` (created once, reused afterwards), so nothing of ours is on its
path. ``sdk_witness.py`` runs in that virtualenv against the sandbox served by uvicorn on 127.0.0.1:
the SDK signs in to DEMO, lists the vendors, creates an AP bill through its bills API and reads it
back. The test checks the vendors are exactly DEMO's seeded ones and the bill is in the sandbox's
tables as the SDK sent it. Skipped only when pip cannot reach a package index.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.intacct.sandbox import SandboxState

from ._support import REPO, served

VENV = REPO / ".gateway" / "test-venvs" / "sageintacctsdk"
SCRIPT = Path(__file__).with_name("sdk_witness.py")
UNREACHABLE = re.compile(
    r"(Could not find a version|No matching distribution|NewConnectionError|Max retries exceeded|"
    r"Temporary failure in name resolution|Network is unreachable|Connection refused|ProxyError)",
    re.IGNORECASE,
)


def _has_sdk(python: Path) -> bool:
    if not python.exists():
        return False
    probe = subprocess.run([str(python), "-c", "import sageintacctsdk"], capture_output=True, timeout=60)
    return probe.returncode == 0


def ensure_venv() -> Path:
    """The witness virtualenv's interpreter, creating the virtualenv and installing the SDK if needed."""
    python = VENV / "bin" / "python"
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.parent / "sageintacctsdk.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent test runs share one install
        if _has_sdk(python):
            return python
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True, timeout=120
        )
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "sageintacctsdk"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if install.returncode != 0:
            output = install.stdout + install.stderr
            shutil.rmtree(VENV, ignore_errors=True)
            if UNREACHABLE.search(output):
                pytest.skip(f"pip cannot reach a package index to install sageintacctsdk: {output[-300:]}")
            pytest.fail(f"installing sageintacctsdk failed:\n{output}")
        assert _has_sdk(python)
        return python


@pytest.fixture
def sdk_python() -> Iterator[Path]:
    yield ensure_venv()


def _environment() -> dict[str, str]:
    """Our environment minus anything that would put our packages on its path or proxy loopback."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


@pytest.mark.asyncio
async def test_sageintacctsdk_reads_vendors_and_creates_a_bill(sdk_python: Path) -> None:
    seeded = sorted(r["VENDORID"] for r in SandboxState.demo().company("DEMO").rows("VENDOR"))
    state = SandboxState.demo()
    async with served(state) as url:
        process = await asyncio.create_subprocess_exec(
            str(sdk_python),
            str(SCRIPT),
            url,
            "SDK-WITNESS-1",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=_environment(),
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()[-2000:]
    witness = json.loads(out.decode().strip().splitlines()[-1])

    assert witness["sdk_file"].startswith(f"{VENV}/")  # the witness venv's own copy, not ours
    assert sorted(witness["vendors"]) == seeded
    assert witness["count"] == len(seeded)

    demo = state.company("DEMO")
    recordno = int(witness["created"])
    bill = demo.get("APBILL", recordno)
    assert bill is not None
    assert (bill["RECORDID"], bill["VENDORID"]) == ("SDK-WITNESS-1", "V0001")
    assert Decimal(bill["TOTALENTERED"]) == Decimal("123.45")
    lines = [r for r in demo.rows("APBILLITEM") if r.get("RECORDKEY") == str(recordno)]
    assert [(line["ACCOUNTNO"], Decimal(line["TRX_AMOUNT"])) for line in lines] == [
        ("6000", Decimal("123.45"))
    ]
    assert witness["read_back"] == [
        {
            "RECORDNO": str(recordno),
            "RECORDID": "SDK-WITNESS-1",
            "VENDORID": "V0001",
            "TOTALENTERED": "123.45",
        }
    ]
    counters = demo.counters
    assert counters.by_function.get("create:APBILL") == 1
    assert counters.by_function.get("getAPISession") == counters.logins == 1
