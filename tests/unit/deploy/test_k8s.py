"""deploy/k8s: the manifests wire together — images, CLI commands, settings, probes, ports, secrets,
the migration Job — and agree with the code they deploy (kubectl does not run here)."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.settings import Settings
from tests.unit.deploy._support import (
    IMAGE_NAME,
    K8S,
    app_paths,
    cli_handler,
    cli_option,
    dockerfile,
    final_stage,
    k8s_objects,
    pod_specs,
    settings_env_names,
    version,
    yaml_documents,
)

OBJECTS = k8s_objects()
KUSTOMIZATION = yaml_documents(K8S / "kustomization.yaml")[0]


def one(kind: str, name: str) -> dict[str, Any]:
    found = [o for o in OBJECTS if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}"
    return found[0]


def container(obj: dict[str, Any]) -> dict[str, Any]:
    containers = obj["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    result: dict[str, Any] = containers[0]
    return result


CONFIG = one("ConfigMap", "gateway-config")["data"]
SECRET = one("Secret", "gateway-secrets")["stringData"]
API = one("Deployment", "gateway")
WORKER = one("Deployment", "gateway-worker")
MIGRATE = one("Job", "gateway-migrate")


def test_the_kustomization_lists_every_manifest() -> None:
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(KUSTOMIZATION["resources"]) == files
    assert {o["kind"] for o in OBJECTS} == {"ConfigMap", "Secret", "Job", "Deployment", "Service"}


def test_every_container_runs_this_release_of_the_image() -> None:
    (image,) = KUSTOMIZATION["images"]
    assert image["name"] == IMAGE_NAME and image["newTag"] == version()
    for obj, spec in pod_specs(OBJECTS):
        for c in spec["containers"]:
            assert c["image"] == f"{IMAGE_NAME}:{version()}", obj["metadata"]["name"]
            assert "command" not in c, "keep the image's ENTRYPOINT (gateway); set args only"


@pytest.mark.parametrize(
    ("kind", "name", "handler"),
    [
        ("Deployment", "gateway", "cmd_serve"),
        ("Deployment", "gateway-worker", "cmd_worker"),
        ("Job", "gateway-migrate", "cmd_db_upgrade"),
    ],
)
def test_args_are_real_cli_commands(kind: str, name: str, handler: str) -> None:
    assert cli_handler(container(one(kind, name))["args"]).__name__ == handler


def test_the_migration_job_runs_db_upgrade_once() -> None:
    assert container(MIGRATE)["args"] == ["db", "upgrade"]
    spec = MIGRATE["spec"]
    assert spec["template"]["spec"]["restartPolicy"] in {"OnFailure", "Never"}
    assert spec["backoffLimit"] >= 1


def test_every_setting_named_exists_and_the_settings_load() -> None:
    known = settings_env_names()
    assert set(CONFIG) <= known, sorted(set(CONFIG) - known)
    assert set(SECRET) <= known, sorted(set(SECRET) - known)
    settings = Settings.from_env({**CONFIG, **SECRET})  # production refuses to start without the secret
    assert settings.environment == "production"
    assert settings.database.url is not None and not settings.database.migrate_on_start
    assert settings.security.allow_endpoint_override is False
    assert settings.sync.in_process_worker is False
    assert settings.log.format == "json"


def test_referenced_configmaps_and_secrets_exist() -> None:
    names = {(o["kind"], o["metadata"]["name"]): o for o in OBJECTS if o["kind"] in {"ConfigMap", "Secret"}}
    for obj, spec in pod_specs(OBJECTS):
        for c in spec["containers"]:
            refs = c.get("envFrom", [])
            assert refs, f"{obj['metadata']['name']} gets no settings"
            for ref in refs:
                if "configMapRef" in ref:
                    assert ("ConfigMap", ref["configMapRef"]["name"]) in names
                if "secretRef" in ref:
                    assert ("Secret", ref["secretRef"]["name"]) in names
            for var in c.get("env", []):
                source = var.get("valueFrom", {})
                for key, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                    if key in source:
                        target = names[(kind, source[key]["name"])]
                        data = target.get("data") or target.get("stringData") or {}
                        assert source[key]["key"] in data


def port_number(c: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    matches = [p["containerPort"] for p in c.get("ports", []) if p.get("name") == port]
    assert matches, f"no container port named {port!r}"
    return int(matches[0])


def test_api_probes_hit_real_routes_on_the_served_port() -> None:
    c = container(API)
    served = int(CONFIG["PORT"])
    assert c["ports"][0]["containerPort"] == served
    paths = app_paths()
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        get = c[probe]["httpGet"]
        assert get["path"] in paths, f"{probe} asks {get['path']}, which the app does not serve"
        assert port_number(c, get["port"]) == served
    # Liveness must not depend on the database; readiness must.
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    annotations = API["spec"]["template"]["metadata"]["annotations"]
    assert int(annotations["prometheus.io/port"]) == served and annotations["prometheus.io/path"] in paths


def test_worker_probe_and_scrape_hit_its_metrics_port() -> None:
    c = container(WORKER)
    metrics_port = cli_option(c["args"], "metrics_port")
    probe = c["livenessProbe"]["httpGet"]
    assert port_number(c, probe["port"]) == metrics_port and probe["path"] == "/metrics"
    annotations = WORKER["spec"]["template"]["metadata"]["annotations"]
    assert int(annotations["prometheus.io/port"]) == metrics_port


def test_workers_get_longer_than_their_grace_to_stop() -> None:
    grace = cli_option(container(WORKER)["args"], "grace")
    assert WORKER["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > grace


def test_the_service_reaches_the_api_pods() -> None:
    service = one("Service", "gateway")
    labels = API["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    c = container(API)
    for port in service["spec"]["ports"]:
        port_number(c, port["targetPort"])


def test_deployment_selectors_match_their_pods() -> None:
    for obj in (API, WORKER):
        selector = obj["spec"]["selector"]["matchLabels"]
        assert selector.items() <= obj["spec"]["template"]["metadata"]["labels"].items()
    assert API["spec"]["selector"] != WORKER["spec"]["selector"], "the API Service must not select workers"


def test_pods_run_as_the_images_non_root_user() -> None:
    user = [i.value for i in final_stage(dockerfile()) if i.name == "USER"][-1].split(":")[0]
    for obj, spec in pod_specs(OBJECTS):
        security = spec["securityContext"]
        name = obj["metadata"]["name"]
        assert security["runAsNonRoot"] is True and str(security["runAsUser"]) == user, name
        for c in spec["containers"]:
            assert c["securityContext"]["allowPrivilegeEscalation"] is False
            if c["securityContext"].get("readOnlyRootFilesystem"):
                mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
                assert "/tmp" in mounts, "a read-only root needs a writable /tmp"
