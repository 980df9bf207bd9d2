"""Readers for the deployment files, and the facts of the code they must agree with.

``docker`` and ``kubectl`` do not run here, so the tests parse the files themselves: a Dockerfile
instruction reader, a ``.dockerignore`` evaluator, YAML documents, the set of environment variables
``Settings.from_env`` reads, the CLI parser and the app's route paths.
"""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML comes with litestar; no stubs

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
IMAGE_NAME = "intacct-gateway"


@dataclass(frozen=True, slots=True)
class Instruction:
    name: str  # upper case: FROM, RUN, COPY, ...
    value: str  # the rest of the logical line, continuations joined


def dockerfile(path: Path = DEPLOY / "Dockerfile") -> list[Instruction]:
    """Logical instructions of a Dockerfile (comments dropped, ``\\`` continuations joined)."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        logical = (pending + line).strip()
        pending = ""
        if logical:
            name, _, value = logical.partition(" ")
            instructions.append(Instruction(name.upper(), value.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    """The instructions of the last ``FROM`` stage (what the image runs)."""
    starts = [i for i, ins in enumerate(instructions) if ins.name == "FROM"]
    assert starts, "no FROM"
    return instructions[starts[-1] :]


def exec_form(value: str) -> list[str]:
    """A JSON (exec) form argument list; fails on shell form, which would hide signals from the app."""
    parsed = json.loads(value)
    assert isinstance(parsed, list) and all(isinstance(p, str) for p in parsed), value
    return parsed


def env_of(stage: list[Instruction]) -> dict[str, str]:
    """``ENV key=value ...`` pairs of a stage (values unquoted)."""
    env: dict[str, str] = {}
    for ins in stage:
        if ins.name == "ENV":
            for key, value in re.findall(r'([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)', ins.value):
                env[key] = value.strip('"')
    return env


def dockerignore_excludes(rel_path: str, patterns: list[str]) -> bool:
    """Whether Docker leaves ``rel_path`` out of the build context (last matching pattern wins)."""
    excluded = False
    parts = rel_path.strip("/").split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        body = body.strip().strip("/")
        if body == "**" or any(_match(prefix, body) for prefix in prefixes):
            excluded = not negate
    return excluded


def _match(path: str, pattern: str) -> bool:
    if pattern.startswith("**/"):
        tail = pattern[3:]
        return any(
            fnmatch.fnmatchcase("/".join(path.split("/")[i:]), tail) for i in range(len(path.split("/")))
        )
    return fnmatch.fnmatchcase(path, pattern)


def dockerignore_patterns(path: Path = DEPLOY / "Dockerfile.dockerignore") -> list[str]:
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def yaml_documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


def k8s_objects() -> list[dict[str, Any]]:
    """Every object of the resources the kustomization lists."""
    kustomization = yaml_documents(K8S / "kustomization.yaml")[0]
    objects: list[dict[str, Any]] = []
    for name in kustomization["resources"]:
        objects.extend(yaml_documents(K8S / name))
    return objects


def pod_specs(objects: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(workload object, pod spec) for every Deployment and Job."""
    for obj in objects:
        if obj["kind"] in {"Deployment", "Job"}:
            yield obj, obj["spec"]["template"]["spec"]


class _Recording(dict[str, str]):
    """An environment that remembers which names were asked for."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.asked.add(key)
        return super().__contains__(key)


@lru_cache(maxsize=1)
def settings_env_names() -> frozenset[str]:
    """Every environment variable ``Settings.from_env`` reads (development and production paths)."""
    from gateway.settings import Settings

    asked: set[str] = set()
    for values in ({}, {"GATEWAY_ENV": "production", "GATEWAY_SECRET_KEY": "x" * 32}):
        env = _Recording(values)
        Settings.from_env(env)
        asked |= env.asked
    return frozenset(asked)


def cli_handler(argv: list[str]) -> Any:
    """The handler function the ``gateway`` CLI runs for ``argv`` (fails the test on a bad command)."""
    from gateway.cli import build_parser

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on an unknown command or option
        raise AssertionError(f"`gateway {' '.join(argv)}` is not a valid command") from exc
    return args.handler


def cli_option(argv: list[str], name: str) -> Any:
    from gateway.cli import build_parser

    return getattr(build_parser().parse_args(argv), name)


@lru_cache(maxsize=1)
def app_paths() -> frozenset[str]:
    """Route paths of the gateway app (built, not started: no database needed)."""
    from gateway.app import create_app
    from gateway.settings import Settings

    app = create_app(Settings.for_tests(database_url="postgresql://postgres@127.0.0.1:1/unused"))
    return frozenset(route.path for route in app.routes)


def project() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return data


def version() -> str:
    import gateway

    return gateway.__version__
