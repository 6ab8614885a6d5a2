"""Settings: environment variables and an optional `.env`, read once at start-up.

Slack's own names stay unprefixed (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN,
SLACK_API_URL) and so does PORT; everything else is LLMTREND_*. A wrong value is reported
as one line naming the variable (`SettingsError`), never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.render.links import SourceLinks

#: The bundled reports: inside the package when installed, beside it in a checkout.
_PACKAGE_SEEDS = Path(__file__).resolve().parent / "seeds"
_CHECKOUT_SEEDS = Path(__file__).resolve().parent.parent / "seeds"

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


def bundled_seeds_dir() -> Path:
    """Where the bundled seed reports are (works installed, editable and in a container)."""
    return _PACKAGE_SEEDS if _PACKAGE_SEEDS.is_dir() else _CHECKOUT_SEEDS


def default_data_dir() -> Path:
    """A per-user data folder: $XDG_DATA_HOME/llmtrend or ~/.local/share/llmtrend."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "llmtrend"


class SettingsError(Exception):
    """A setting has a wrong value: the message names the variable."""


class Settings(BaseSettings):
    """Everything configurable, with the defaults a fresh machine runs on."""

    model_config = SettingsConfigDict(
        env_prefix="LLMTREND_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret"),
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token")
    )
    #: Several workspaces (Slack's OAuth install flow) instead of one SLACK_BOT_TOKEN.
    slack_client_id: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_CLIENT_ID", "slack_client_id")
    )
    slack_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_CLIENT_SECRET", "slack_client_secret"),
    )
    slack_api_url: str = Field(
        default=DEFAULT_SLACK_API_URL,
        validation_alias=AliasChoices("SLACK_API_URL", "slack_api_url"),
    )
    port: int = Field(default=3000, ge=1, le=65535, validation_alias=AliasChoices("PORT", "port"))

    reports_dir: Path = Field(default_factory=bundled_seeds_dir)
    data_dir: Path = Field(default_factory=default_data_dir)
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    #: Prometheus metrics on their own port (0: off); not the public Slack port.
    metrics_port: int = Field(default=0, ge=0, le=65535)
    #: Where metrics listen: this host only by default (the image and Kubernetes files
    #: set 0.0.0.0 for their scrape port).
    metrics_host: str = "127.0.0.1"
    #: How often to look for new, changed or removed reports (0: never reload).
    reload_seconds: float = Field(default=10.0, ge=0)
    #: sqlite:///path (default: state.db in the data folder) or postgresql://user@host/db
    state_url: SecretStr | None = None

    #: Daily digests: default time and timezone for `/llmtrend digest on`, channels
    #: subscribed from settings (comma-separated ids), and whether weekends are skipped.
    digest_time: str = "09:00"
    digest_tz: str = "UTC"
    digest_channels: Annotated[list[str], NoDecode] = Field(default_factory=list)
    digest_weekdays_only: bool = False

    #: Where each cited report can be read: a template such as
    #: https://github.com/acme/reports/blob/main/{path} ({path}, {id}, {section}, {anchor}).
    source_url: str | None = None

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_client_id",
        "slack_client_secret",
        "state_url",
        "source_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        """An empty variable (`SLACK_APP_TOKEN=`) means "not set", not an empty secret."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("digest_time")
    @classmethod
    def _digest_time(cls, value: str) -> str:
        from bot.digests.schedule import parse_time

        parsed = parse_time(value)
        if parsed is None:
            raise ValueError(f"{value!r} is not a time of day like 09:00")
        return f"{parsed:%H:%M}"

    @field_validator("digest_tz")
    @classmethod
    def _digest_tz(cls, value: str) -> str:
        from bot.digests.schedule import parse_timezone

        if parse_timezone(value) is None:
            raise ValueError(f"{value!r} is not a timezone like Europe/Paris or UTC")
        return value.strip()

    @field_validator("digest_channels", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        """Lists are comma-separated strings in the environment: C0123,C0456."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _slash(cls, value: str) -> str:
        """Slack's SDK joins method names onto the base URL: it must end with '/'."""
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("source_url")
    @classmethod
    def _source_url(cls, value: str | None) -> str | None:
        """Checked at start-up: a mistyped placeholder must not break every citation later."""
        if value is None:
            return None
        SourceLinks.parse(value)
        return value.strip()

    @property
    def oauth(self) -> bool:
        """Several workspaces: installed through Slack's OAuth flow (client id and secret)."""
        return self.slack_client_id is not None or self.slack_client_secret is not None

    @property
    def source_links(self) -> SourceLinks | None:
        """The source-link template, parsed (None: citations are not linked)."""
        return None if self.source_url is None else SourceLinks.parse(self.source_url)

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("reports_dir")
    @classmethod
    def _reports_dir(cls, value: Path) -> Path:
        path = value.expanduser()
        if not path.exists():
            raise ValueError(f"folder {str(path)!r} does not exist")
        if not path.is_dir():
            raise ValueError(f"{str(path)!r} is not a folder")
        return path

    @field_validator("data_dir")
    @classmethod
    def _data_dir(cls, value: Path) -> Path:
        return value.expanduser()


def env_name(field: str) -> str:
    """The variable a user sets for a settings field."""
    if field.isupper():
        return field
    info = Settings.model_fields.get(field)
    alias = getattr(info, "validation_alias", None) if info else None
    if isinstance(alias, AliasChoices):
        first = alias.choices[0]
        if isinstance(first, str):
            return first
    return f"LLMTREND_{field.upper()}"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; a wrong value raises SettingsError naming the variable.

    Overrides come from command-line flags (`reports_dir=...` for --reports-dir); an error
    in one names the flag rather than the variable.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err.get("loc") else "?"
        name = "--" + field.replace("_", "-") if field in given else env_name(field)
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {msg}") from None
