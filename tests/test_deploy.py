"""deploy/: the Dockerfile, compose file and Kubernetes manifests say what production needs.

No schema validator can fetch Kubernetes schemas here (no network), so the manifests are
loaded and their fields checked; `docker-compose config` and `kubectl kustomize` run too
where those clients are installed (with CI set, a missing client fails the test: CI must
install it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from bot.config import Settings, env_name

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE = DEPLOY / "docker-compose.yml"
TOKENS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
#: What a real or placeholder Slack credential looks like in a manifest.
CREDENTIAL = re.compile(r"xox[abpe]-|xapp-|replace-me", re.IGNORECASE)


def docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def kustomization() -> dict[str, Any]:
    [found] = docs(K8S / "kustomization.yaml")
    return found


def resources() -> list[dict[str, Any]]:
    """What `kubectl apply -k deploy/k8s` applies: the kustomization's resources."""
    return [d for name in kustomization()["resources"] for d in docs(K8S / name)]


def k8s(kind: str, name: str | None = None) -> dict[str, Any]:
    found = [
        d for d in resources() if d.get("kind") == kind and name in (None, d["metadata"]["name"])
    ]
    assert len(found) == 1, (kind, name)
    return found[0]


def pod() -> dict[str, Any]:
    spec: dict[str, Any] = k8s("Deployment")["spec"]["template"]["spec"]
    return spec


def app_container() -> dict[str, Any]:
    [container] = pod()["containers"]
    return container


def git_sync() -> dict[str, Any]:
    found = [c for c in pod().get("initContainers", []) if "git-sync" in c["image"]]
    assert len(found) == 1, "a git-sync sidecar fills the reports folder"
    return found[0]


def flags(container: dict[str, Any]) -> dict[str, str]:
    """`--name=value` arguments by name."""
    pairs = (a.removeprefix("--").partition("=") for a in container.get("args", []))
    return {name: value for name, _, value in pairs}


def app_config() -> dict[str, str]:
    data: dict[str, str] = k8s("ConfigMap", "llmtrend-config")["data"]
    return data


def known_variables() -> set[str]:
    return {env_name(field) for field in Settings.model_fields}


def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return [i.strip() for i in "\n".join(lines).replace("\\\n", " ").splitlines() if i.strip()]


def image_uid() -> int:
    [useradd] = [i for i in dockerfile_instructions() if "useradd" in i]
    match = re.search(r"--uid (\d+)", useradd)
    assert match, useradd
    return int(match.group(1))


def installed(*candidates: tuple[str, ...]) -> tuple[str, ...]:
    """The first of these commands that runs here; else skip, or fail when CI is set."""
    for command in candidates:
        if not shutil.which(command[0]):
            continue
        if len(command) == 1:
            return command
        probe = subprocess.run([*command, "version"], capture_output=True, timeout=60, check=False)
        if probe.returncode == 0:
            return command
    names = " or ".join(" ".join(c) for c in candidates)
    if os.environ.get("CI"):
        pytest.fail(f"{names} is not installed: CI must install it (.ci/run)")
    pytest.skip(f"{names} is not installed (in CI this fails instead)")


def compose_config(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """`docker-compose config -q` with exactly these deploy variables (no .env file)."""
    compose = installed(("docker-compose",), ("docker", "compose"))
    empty = tmp_path / "empty.env"
    empty.write_text("")
    ours = (*TOKENS, "LLMTREND_REPORTS", "LLMTREND_DATA", "LLMTREND_USER", "POSTGRES_PASSWORD")
    env = {k: v for k, v in os.environ.items() if k not in ours} | variables
    return subprocess.run(
        [*compose, "--env-file", str(empty), "-f", str(COMPOSE), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


# --- Docker -----------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_non_root_with_volumes_and_a_healthcheck() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert text.count("\nFROM ") + text.startswith("FROM ") >= 2
    assert "python:3.11-slim" in text
    assert "\nUSER llmtrend" in text
    assert 'VOLUME ["/reports", "/data"]' in text
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert 'CMD ["llmtrend", "serve"]' in text


def test_the_image_owns_its_volume_folders_so_a_named_volume_is_writable() -> None:
    instructions = dockerfile_instructions()
    volume = next(n for n, i in enumerate(instructions) if i.startswith("VOLUME"))
    owned = " ".join(
        i
        for i in instructions[:volume]
        if i.startswith("RUN")
        and ("chown llmtrend" in i or re.search(r"install -d -o llmtrend -g llmtrend", i))
    )
    assert re.search(r"(^|\s)/data(\s|$)", owned), "/data is made and owned by llmtrend"
    assert re.search(r"(^|\s)/reports(\s|$)", owned), "/reports is made and owned by llmtrend"
    assert image_uid() == 10001
    assert re.search(r"groupadd --gid 10001 llmtrend", " ".join(instructions))


# --- compose ----------------------------------------------------------------------------------


def test_compose_runs_the_bot_with_postgres_and_a_mounted_reports_folder() -> None:
    [compose] = docs(COMPOSE)
    bot, db = compose["services"]["llmtrend"], compose["services"]["postgres"]
    assert bot["environment"]["LLMTREND_STATE_URL"].startswith("postgresql://")
    assert bot["environment"]["LLMTREND_METRICS_HOST"] == "0.0.0.0"
    assert any(v.endswith(":/reports:ro") for v in bot["volumes"])
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in db
    assert set(bot["environment"]) <= known_variables()


def test_compose_refuses_to_start_without_tokens_instead_of_restarting_in_a_loop() -> None:
    [compose] = docs(COMPOSE)
    bot = compose["services"]["llmtrend"]
    for name in TOKENS:
        # `${VAR:?message}`: `docker compose up` stops with the message when VAR is unset/empty.
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", bot["environment"][name]), name
    restart = str(bot.get("restart", "no"))
    assert restart != "always"
    assert restart in ("no", "unless-stopped") or re.fullmatch(r"on-failure:[1-9]\d?", restart)


def test_compose_data_folder_is_the_images_user_or_a_host_folder_you_own() -> None:
    [compose] = docs(COMPOSE)
    bot = compose["services"]["llmtrend"]
    assert bot["user"] == f"${{LLMTREND_USER:-{image_uid()}:{image_uid()}}}"
    [data] = [v for v in bot["volumes"] if v.endswith(":/data")]
    assert data == "${LLMTREND_DATA:-llmtrend-data}:/data"
    assert "llmtrend-data" in compose["volumes"]


def test_docker_compose_config_accepts_it_with_the_tokens(tmp_path: Path) -> None:
    result = compose_config(tmp_path, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="test")
    assert result.returncode == 0, result.stderr


def test_docker_compose_config_names_a_missing_token(tmp_path: Path) -> None:
    result = compose_config(tmp_path, SLACK_SIGNING_SECRET="test")
    assert result.returncode != 0
    assert "set SLACK_BOT_TOKEN" in result.stderr
    result = compose_config(tmp_path, SLACK_BOT_TOKEN="xoxb-test")
    assert result.returncode != 0
    assert "set SLACK_SIGNING_SECRET" in result.stderr


# --- Kubernetes -------------------------------------------------------------------------------


def test_kustomization_applies_no_secret_so_it_never_overwrites_the_tokens() -> None:
    spec = kustomization()
    assert not any(d.get("kind") == "Secret" for d in resources())
    assert "secretGenerator" not in spec
    for name in spec["resources"]:
        text = (K8S / name).read_text()
        assert not CREDENTIAL.search(text), name
        assert "stringData" not in text, name
    # every manifest beside it is applied, but for the examples
    manifests = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    examples = {name for name in manifests if ".example." in name}
    assert set(spec["resources"]) == manifests - examples
    assert "secret.example.yaml" in examples


def test_the_example_secret_has_what_the_deployment_reads_by_name() -> None:
    [secret] = docs(K8S / "secret.example.yaml")
    assert secret["kind"] == "Secret"
    data = secret["stringData"]
    assert data["LLMTREND_STATE_URL"].startswith("postgresql://")
    assert set(TOKENS) <= set(data)
    assert set(data) <= known_variables()
    refs = {e["secretRef"]["name"] for e in app_container()["envFrom"] if "secretRef" in e}
    assert refs == {secret["metadata"]["name"]}
    text = (K8S / "secret.example.yaml").read_text()
    assert f"kubectl create secret generic {secret['metadata']['name']}" in text


def test_state_is_postgres_from_the_secret_never_sqlite_across_pods() -> None:
    config = app_config()
    assert "LLMTREND_STATE_URL" not in config
    assert set(config) <= known_variables()
    assert not any("TOKEN" in key or "SECRET" in key for key in config)
    git_config = k8s("ConfigMap", "llmtrend-git-sync")["data"]
    assert all(key.startswith("GITSYNC_") for key in git_config)
    assert "GITSYNC_PASSWORD" not in git_config  # a token goes in the llmtrend-git Secret


def test_deployment_two_replicas_sharing_postgres_with_separate_probes() -> None:
    deployment = k8s("Deployment")
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    container = app_container()
    assert container["args"] == ["llmtrend", "serve"]
    assert pod()["securityContext"]["runAsNonRoot"] is True
    sources = {next(iter(e.values()))["name"] for e in container["envFrom"]}
    assert sources == {"llmtrend-config", "llmtrend-secrets"}
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    startup = container["startupProbe"]
    assert startup["httpGet"]["path"] == "/healthz"
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 120  # a cold start
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": 3000, "metrics": 9102}


def test_a_git_sync_sidecar_fills_the_reports_folder_the_app_reads() -> None:
    sync, app = git_sync(), app_container()
    # a native sidecar: it keeps running, and the app starts after its first sync
    assert sync["restartPolicy"] == "Always"
    assert re.fullmatch(r"registry\.k8s\.io/git-sync/git-sync:v4\.\d+\.\d+", sync["image"])
    args = flags(sync)
    assert args["one-time"] == "false"
    root, link = PurePosixPath(args["root"]), PurePosixPath(args["link"])
    published = link if link.is_absolute() else root / link
    assert published.parent == root
    # the repository and its settings come from a ConfigMap, with a placeholder to replace
    assert {"configMapRef": {"name": "llmtrend-git-sync"}} in sync["envFrom"]
    assert "GITSYNC_REPO" in k8s("ConfigMap", "llmtrend-git-sync")["data"]
    assert not {"repo", "period", "ref"} & set(args), "the ConfigMap sets them, not flags"
    # the startup probe asks git-sync's own endpoint whether the first sync is done
    port = int(args["http-bind"].rpartition(":")[2])
    assert sync["startupProbe"]["httpGet"] == {"path": "/", "port": port}
    # one emptyDir: written by git-sync, read-only in the app, both at the root
    volumes = {v["name"]: v for v in pod()["volumes"]}
    [shared] = [m for m in sync["volumeMounts"] if m["mountPath"] == str(root)]
    assert volumes[shared["name"]] == {"name": shared["name"], "emptyDir": {}}
    assert not shared.get("readOnly", False)
    [read] = [m for m in app["volumeMounts"] if m["name"] == shared["name"]]
    assert read["mountPath"] == str(root) and read["readOnly"] is True
    # LLMTREND_REPORTS_DIR is the published link or a subfolder of it
    reports = PurePosixPath(app_config()["LLMTREND_REPORTS_DIR"])
    assert reports == published or published in reports.parents


def test_both_containers_run_as_non_root_and_share_the_pods_fs_group() -> None:
    security = pod()["securityContext"]
    uid = image_uid()
    assert security["runAsNonRoot"] is True
    assert security["runAsUser"] == uid
    # fsGroup: the volumes are group-owned by the app's group, which every container joins
    assert security["fsGroup"] == security["runAsGroup"] == uid
    sync = git_sync()["securityContext"]
    assert sync["runAsUser"] == 65533  # the git-sync image's own user
    for container in (app_container(), git_sync()):
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False
        assert context["readOnlyRootFilesystem"] is True
        assert context.get("runAsUser", uid) != 0


def test_the_data_folder_is_writable_and_no_volume_needs_read_write_many() -> None:
    app = app_container()
    mounts = {m["mountPath"]: m for m in app["volumeMounts"]}
    data = mounts[app_config()["LLMTREND_DATA_DIR"]]
    assert not data.get("readOnly", False)
    volumes = {v["name"]: v for v in pod()["volumes"]}
    assert "emptyDir" in volumes[data["name"]] or "persistentVolumeClaim" in volumes[data["name"]]
    claims = {d["metadata"]["name"]: d for d in resources() if d["kind"] == "PersistentVolumeClaim"}
    for claim in claims.values():
        assert "ReadWriteMany" not in claim["spec"]["accessModes"]
    for volume in volumes.values():
        if "persistentVolumeClaim" in volume:
            assert volume["persistentVolumeClaim"]["claimName"] in claims
    # a private repository's credentials: an optional Secret, so a public one needs none
    secrets = [v["secret"] for v in volumes.values() if "secret" in v]
    assert all(s.get("optional") is True for s in secrets)


def test_service_selects_the_pods() -> None:
    service = k8s("Service")
    labels = k8s("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert {p["targetPort"] for p in service["spec"]["ports"]} == {"http", "metrics"}


def test_kustomize_builds_every_manifest() -> None:
    kubectl = installed(("kubectl",))
    result = subprocess.run(
        [*kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    kinds = sorted(d["kind"] for d in yaml.safe_load_all(result.stdout) if d)
    assert kinds == ["ConfigMap", "ConfigMap", "Deployment", "Service"]
    assert not CREDENTIAL.search(result.stdout)
