"""Settings: defaults that run on a fresh machine; bad values name their variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingsError, bundled_seeds_dir, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "LLMTREND_REPORTS_DIR",
        "LLMTREND_DATA_DIR",
        "LLMTREND_LOG_LEVEL",
        "PORT",
        "SLACK_API_URL",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "LLMTREND_SOURCE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_use_the_bundled_seeds() -> None:
    settings = load_settings()
    assert settings.reports_dir == bundled_seeds_dir()
    assert len(list(settings.reports_dir.glob("*.txt"))) == 5
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"


def test_slack_names_are_unprefixed_and_secrets_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    settings = load_settings()
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-secret-value"
    assert "xoxb-secret-value" not in repr(settings)
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


def test_dotenv_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"LLMTREND_REPORTS_DIR={tmp_path}\nPORT=4000\n")
    settings = load_settings()
    assert settings.reports_dir == tmp_path
    assert settings.port == 4000


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LLMTREND_REPORTS_DIR", "/does/not/exist"),
        ("PORT", "eighty"),
        ("LLMTREND_LOG_LEVEL", "LOUD"),
        ("SLACK_API_URL", "slack.com"),
        ("LLMTREND_SOURCE_URL", "https://github.com/acme/reports/blob/main/{file}"),
        ("LLMTREND_SOURCE_URL", "github.com/acme/reports/blob/main/{path}"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"^{name}: "):
        load_settings()


def test_metrics_listen_on_this_host_only_by_default(tmp_path: Path) -> None:
    from bot.config import Settings

    assert Settings(data_dir=tmp_path).metrics_host == "127.0.0.1"
    deploy = Path(__file__).resolve().parents[1] / "deploy"
    for name in ("Dockerfile", "docker-compose.yml", "k8s/configmap.yaml"):
        assert "LLMTREND_METRICS_HOST" in (deploy / name).read_text(), name


def test_source_links_are_off_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().source_links is None
    monkeypatch.setenv("LLMTREND_SOURCE_URL", "  ")
    assert load_settings().source_links is None


def test_source_url_template(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMTREND_SOURCE_URL", " https://github.com/acme/r/blob/main/{path} ")
    settings = load_settings()
    assert settings.source_url == "https://github.com/acme/r/blob/main/{path}"
    links = settings.source_links
    assert links is not None
    assert (
        links.url("a b.md", "a b", 2, "2-x") == "https://github.com/acme/r/blob/main/a%20b.md#2-x"
    )


def test_an_unknown_placeholder_names_the_variable_and_the_placeholder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LLMTREND_SOURCE_URL", "https://x.example/{path}/{foo}")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value) == (
        "LLMTREND_SOURCE_URL: unknown placeholder {foo}; use {path}, {id}, {section}, {anchor}"
    )


@pytest.mark.parametrize("command", [["search", "agents"], ["serve"], ["socket"], ["reports"]])
def test_commands_exit_2_on_a_bad_source_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    from bot.cli.main import main

    monkeypatch.setenv("LLMTREND_SOURCE_URL", "https://x.example/{foo}")
    code = main(command)
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("LLMTREND_SOURCE_URL: unknown placeholder {foo}")
    assert len(err.strip().splitlines()) == 1
