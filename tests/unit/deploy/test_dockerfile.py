"""deploy/Dockerfile, checked at parser level (docker does not run here): what the image runs, as whom,
what it copies, and that its HEALTHCHECK really asks the API's liveness route."""

from __future__ import annotations

import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from tests.unit.deploy._support import (
    DEPLOY,
    REPO,
    Instruction,
    app_paths,
    cli_handler,
    dockerfile,
    dockerignore_excludes,
    dockerignore_patterns,
    env_of,
    exec_form,
    final_stage,
    project,
)

INSTRUCTIONS = dockerfile()
RUNTIME = final_stage(INSTRUCTIONS)


def only(stage: list[Instruction], name: str) -> Instruction:
    found = [ins for ins in stage if ins.name == name]
    assert len(found) == 1, f"expected one {name}, found {len(found)}"
    return found[0]


def test_the_runtime_stage_runs_as_a_non_root_user_it_creates() -> None:
    users = [ins.value for ins in RUNTIME if ins.name == "USER"]
    assert users, "the runtime stage never leaves root"
    user, _, group = users[-1].partition(":")
    assert user not in {"root", "0"} and group not in {"root", "0"}
    # The uid exists in the image (useradd in the same stage), so files and logs have an owner.
    created = " ".join(ins.value for ins in RUNTIME if ins.name == "RUN")
    assert re.search(rf"useradd\b.*--uid {re.escape(user)}\b", created), created
    # Nothing after USER switches back.
    last_user = max(i for i, ins in enumerate(RUNTIME) if ins.name == "USER")
    assert all(ins.name != "USER" for ins in RUNTIME[last_user + 1 :])


def test_entrypoint_and_cmd_are_a_real_cli_command() -> None:
    entrypoint = exec_form(only(RUNTIME, "ENTRYPOINT").value)
    cmd = exec_form(only(RUNTIME, "CMD").value)
    assert entrypoint == ["gateway"]
    assert project()["project"]["scripts"]["gateway"] == "gateway.cli:main"
    handler = cli_handler(cmd)
    assert handler.__module__ == "gateway.cli" and handler.__name__ == "cmd_serve"


def test_the_venv_with_the_gateway_command_is_on_path() -> None:
    env = env_of(RUNTIME)
    copies = [ins.value for ins in RUNTIME if ins.name == "COPY"]
    assert any(c.startswith("--from=build ") and c.split()[-1] == "/opt/gateway" for c in copies), copies
    assert env["PATH"].split(":")[0] == "/opt/gateway/bin"
    build = INSTRUCTIONS[: INSTRUCTIONS.index(RUNTIME[0])]
    assert any("python -m venv /opt/gateway" in ins.value for ins in build if ins.name == "RUN")
    assert any("/opt/gateway/bin/pip install ." in ins.value for ins in build if ins.name == "RUN")


def test_the_api_listens_on_all_interfaces_on_the_exposed_port() -> None:
    env = env_of(RUNTIME)
    assert env["HOST"] == "0.0.0.0"
    assert only(RUNTIME, "EXPOSE").value.split() == [env["PORT"]]


def test_python_version_satisfies_the_project() -> None:
    arg = next(
        ins.value for ins in INSTRUCTIONS if ins.name == "ARG" and ins.value.startswith("PYTHON_VERSION=")
    )
    version = tuple(int(p) for p in arg.split("=", 1)[1].split("."))
    required = project()["project"]["requires-python"]
    minimum = tuple(int(p) for p in required.removeprefix(">=").split("."))
    assert version >= minimum


def copy_sources() -> Iterator[str]:
    for ins in INSTRUCTIONS:
        if ins.name != "COPY":
            continue
        words = [w for w in ins.value.split() if not w.startswith("--")]
        if "--from=" in ins.value:
            continue
        yield from words[:-1]


def test_copied_paths_exist_and_are_in_the_build_context() -> None:
    sources = list(copy_sources())
    assert {"pyproject.toml", "README.md", "datamodel/", "connectors/", "gateway/"} <= set(sources)
    patterns = dockerignore_patterns()
    for source in sources:
        assert (REPO / source).exists(), f"COPY {source}: no such path in the repository"
        assert not dockerignore_excludes(source, patterns), f"COPY {source} is excluded by the .dockerignore"
    # The pyproject names README.md as its readme: the build needs it in the context.
    assert project()["project"]["readme"] in sources


@pytest.mark.parametrize("path", ["tests", ".venv", ".gateway", ".git", "gateway/__pycache__", "openapi"])
def test_the_context_leaves_out_what_the_image_does_not_need(path: str) -> None:
    assert dockerignore_excludes(path, dockerignore_patterns())


def test_the_migrations_ship_with_the_package() -> None:
    # A non-editable install only carries package data the pyproject declares.
    package_data = project()["tool"]["setuptools"]["package-data"]["gateway"]
    assert "store/migrations/*.sql" in package_data
    assert list((REPO / "gateway" / "store" / "migrations").glob("*.sql"))


class _Recorder(http.server.BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_healthcheck_asks_the_liveness_route_on_port_from_the_environment() -> None:
    healthcheck = only(RUNTIME, "HEALTHCHECK").value
    options, _, command = healthcheck.partition("CMD ")
    assert re.search(r"--interval=\d+s", options) and re.search(r"--timeout=\d+s", options)
    argv = exec_form(command)
    assert argv[:2] == ["python", "-c"]
    assert "/healthz" in app_paths()
    _Recorder.paths = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        env = {**os.environ, "PORT": str(port)}
        done = subprocess.run([sys.executable, *argv[1:]], env=env, capture_output=True, timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    assert _Recorder.paths == ["/healthz"]


def test_healthcheck_fails_when_nothing_answers() -> None:
    argv = exec_form(only(RUNTIME, "HEALTHCHECK").value.partition("CMD ")[2])
    with socket_port() as port:
        pass  # closed again: nothing listens on it now
    env = {**os.environ, "PORT": str(port)}
    done = subprocess.run([sys.executable, *argv[1:]], env=env, capture_output=True, timeout=30)
    assert done.returncode != 0


class socket_port:
    """A port number that was free a moment ago."""

    def __enter__(self) -> int:
        import socket

        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        return int(self._sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self._sock.close()


def test_the_dockerignore_sits_beside_the_dockerfile() -> None:
    # BuildKit reads <Dockerfile>.dockerignore when the Dockerfile is not at the context root.
    assert (DEPLOY / "Dockerfile.dockerignore").is_file()
