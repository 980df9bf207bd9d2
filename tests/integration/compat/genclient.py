"""A Python client generated from ``openapi/openapi.json`` with openapi-python-client.

The generator runs in its own venv (``.gateway/test-venvs/genclient``) and the client it writes is
pip-installed into that same venv, so a script run with that venv's interpreter imports
``gateway_client`` like any user of the published OpenAPI document would. Generation is repeated only
when the document, the generator recipe or the generator config changes (a hash kept in the venv's
marker), which keeps the test fast on a warm machine and exact after any API change.

The generator runs with ``--fail-on-warning``: a schema it cannot turn into a model (a duplicate model
name, an unresolvable reference) would silently drop that response type from the client, so it is a
failure of the OpenAPI document, not something to tolerate.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.integration.compat.venvs import (
    REPO,
    ToolVenv,
    ensure_venv,
    file_hash,
    locked,
    run,
    run_pip,
    scratch_dir,
)

OPENAPI = REPO / "openapi" / "openapi.json"
# setuptools >= 70.1 builds wheels by itself, so the client installs without build isolation (no
# download of a fresh build backend on every regeneration).
GENERATOR_REQUIREMENTS = ("openapi-python-client==0.29.1", "setuptools>=70.1")
PACKAGE = "gateway_client"
CONFIG = f"project_name_override: gateway-client\npackage_name_override: {PACKAGE}\n"
VENV_NAME = "genclient"


def generate(venv: ToolVenv, openapi: Path, output: Path) -> None:
    config = output.parent / "openapi-python-client.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    command = [
        str(venv.bin / "openapi-python-client"),
        "generate",
        "--path",
        str(openapi),
        "--config",
        str(config),
        "--meta",
        "setup",
        "--output-path",
        str(output),
        "--fail-on-warning",
    ]
    result = run(command, timeout=300)
    if result.returncode != 0:
        pytest.fail(
            f"openapi-python-client could not generate a complete client from {openapi}:\n"
            f"{(result.stdout + result.stderr)[-6000:]}"
        )


def ensure_generated_client(openapi: Path = OPENAPI) -> ToolVenv:
    """The generator venv with a client for the current ``openapi`` installed as ``gateway_client``."""
    with locked(VENV_NAME):
        venv = ensure_venv(VENV_NAME, GENERATOR_REQUIREMENTS)
        key = file_hash(openapi, extra=CONFIG + "|".join(GENERATOR_REQUIREMENTS))
        if venv.marker().get("client") == key:
            return venv
        work = scratch_dir("gw-genclient-")
        try:
            output = work / "gateway-client"
            generate(venv, openapi, output)
            run_pip(
                venv,
                "install",
                "--quiet",
                "--no-deps",
                "--force-reinstall",
                "--no-build-isolation",
                str(output),
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        venv.update_marker(client=key)
        return venv
