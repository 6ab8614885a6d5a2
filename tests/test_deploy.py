"""deploy/: the Dockerfile, compose file and Kubernetes manifests say what production needs.

No schema validator can fetch Kubernetes schemas here (no network), so the manifests are
loaded and their fields checked; `docker-compose config` and `kubectl kustomize` run too
where those clients are installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings, env_name

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
K8S = DEPLOY / "k8s"


def docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def k8s(kind: str) -> dict[str, Any]:
    found = [d for p in sorted(K8S.glob("*.yaml")) for d in docs(p) if d.get("kind") == kind]
    assert len(found) == 1, kind
    return found[0]


def known_variables() -> set[str]:
    return {env_name(field) for field in Settings.model_fields}


def test_dockerfile_is_multi_stage_non_root_with_volumes_and_a_healthcheck() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert text.count("\nFROM ") + text.startswith("FROM ") >= 2
    assert "python:3.11-slim" in text
    assert "\nUSER llmtrend" in text
    assert 'VOLUME ["/reports", "/data"]' in text
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert 'CMD ["llmtrend", "serve"]' in text


def test_compose_runs_the_bot_with_postgres_and_a_mounted_reports_folder() -> None:
    [compose] = docs(DEPLOY / "docker-compose.yml")
    bot, db = compose["services"]["llmtrend"], compose["services"]["postgres"]
    assert bot["environment"]["LLMTREND_STATE_URL"].startswith("postgresql://")
    assert any(v.endswith(":/reports:ro") for v in bot["volumes"])
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in db
    assert set(bot["environment"]) <= known_variables()


@pytest.mark.skipif(
    not shutil.which("docker-compose") and not os.environ.get("CI"),
    reason="docker-compose not installed (in CI this fails instead)",
)
def test_docker_compose_config_accepts_it() -> None:
    result = subprocess.run(
        ["docker-compose", "-f", str(DEPLOY / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_deployment_two_replicas_sharing_postgres_with_separate_probes() -> None:
    deployment = k8s("Deployment")
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    pod = spec["template"]["spec"]
    [container] = pod["containers"]
    assert container["args"] == ["llmtrend", "serve"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    sources = {next(iter(e.values()))["name"] for e in container["envFrom"]}
    assert sources == {"llmtrend-config", "llmtrend-secrets"}
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    startup = container["startupProbe"]
    assert startup["httpGet"]["path"] == "/healthz"
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 120  # a cold start
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert mounts["/reports"]["readOnly"] is True and "/data" in mounts
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": 3000, "metrics": 9102}


def test_state_is_postgres_from_the_secret_never_sqlite_across_pods() -> None:
    secret = k8s("Secret")["stringData"]
    assert secret["LLMTREND_STATE_URL"].startswith("postgresql://")
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} <= set(secret)
    config = k8s("ConfigMap")["data"]
    assert "LLMTREND_STATE_URL" not in config
    assert set(config) | set(secret) <= known_variables()
    assert not any("TOKEN" in key or "SECRET" in key for key in config)


def test_service_selects_the_pods_and_the_reports_volume_is_claimed() -> None:
    service = k8s("Service")
    labels = k8s("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert {p["targetPort"] for p in service["spec"]["ports"]} == {"http", "metrics"}
    claim = k8s("PersistentVolumeClaim")
    volumes = k8s("Deployment")["spec"]["template"]["spec"]["volumes"]
    assert any(
        v.get("persistentVolumeClaim", {}).get("claimName") == claim["metadata"]["name"]
        for v in volumes
    )


@pytest.mark.skipif(
    not shutil.which("kubectl") and not os.environ.get("CI"),
    reason="kubectl not installed (in CI this fails instead)",
)
def test_kustomize_builds_every_manifest() -> None:
    result = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    kinds = sorted(d["kind"] for d in yaml.safe_load_all(result.stdout) if d)
    assert kinds == ["ConfigMap", "Deployment", "PersistentVolumeClaim", "Secret", "Service"]
