"""Every environment variable the product reads, with its default, in one place."""

from __future__ import annotations

import enum
import functools
import os
import re
import secrets
import sys
import threading
from pathlib import Path

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_METRICS_TOKEN = 16
PLACEHOLDER_SECRETS = {
    "changeme",
    "change-me",
    "changethis",
    "secret",
    "password",
    "dev",
    "test",
}
GITHUB_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
POSTGRES_PREFIXES = ("postgresql:", "postgresql+psycopg:", "postgres:")
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


class Environment(enum.StrEnum):
    """Where the app runs: development tolerates placeholder secrets, production does not."""

    development = "development"
    production = "production"


class LogLevel(enum.StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


class LogFormat(enum.StrEnum):
    """text: Python's default logging; json: one JSON object a line, one line per HTTP request."""

    text = "text"
    json = "json"


class Settings(BaseSettings):
    """Runtime configuration; unset variables fall back to embedded defaults."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=False)

    env: Environment = Field(Environment.production, validation_alias="AUTODEVHUB_ENV")
    log_level: LogLevel = Field(LogLevel.info, validation_alias="AUTODEVHUB_LOG_LEVEL")
    log_format: LogFormat = Field(LogFormat.text, validation_alias="AUTODEVHUB_LOG_FORMAT")
    port: int = Field(3000, ge=1, le=65535, validation_alias="AUTODEVHUB_PORT")
    data_dir: Path = Field(Path("data"), validation_alias="AUTODEVHUB_DATA_DIR")
    public_url: str = Field("", validation_alias="AUTODEVHUB_PUBLIC_URL")
    trusted_proxy_hops: int = Field(0, ge=0, le=10, validation_alias="AUTODEVHUB_TRUSTED_PROXY_HOPS")
    web_workers: int = Field(0, ge=0, le=64, validation_alias="AUTODEVHUB_WEB_WORKERS")  # 0: Reflex's own
    allowed_origins: str = Field("", validation_alias="AUTODEVHUB_ALLOWED_ORIGINS")
    secret_key: str = Field("", validation_alias="AUTODEVHUB_SECRET_KEY")
    metrics_token: str = Field("", validation_alias="AUTODEVHUB_METRICS_TOKEN")

    database_url: str = Field("", validation_alias="DATABASE_URL")
    database_replica_url: str = Field("", validation_alias="DATABASE_REPLICA_URL")
    redis_url: str = Field("", validation_alias="REDIS_URL")
    otel_endpoint: str = Field("", validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT")

    anthropic_api_key: str = Field("", validation_alias="ANTHROPIC_API_KEY")
    anthropic_base_url: str = Field("", validation_alias="ANTHROPIC_BASE_URL")
    anthropic_model: str = Field("claude-sonnet-5-5", validation_alias="ANTHROPIC_MODEL")
    anthropic_timeout: float = Field(60.0, gt=0, le=600, validation_alias="ANTHROPIC_TIMEOUT")
    anthropic_max_retries: int = Field(2, ge=0, le=10, validation_alias="ANTHROPIC_MAX_RETRIES")
    docs_max_tokens: int = Field(200_000, ge=0, le=100_000_000, validation_alias="AUTODEVHUB_DOCS_MAX_TOKENS")
    github_token: str = Field("", validation_alias="GITHUB_TOKEN")
    github_url: str = Field("https://github.com", validation_alias="GITHUB_URL")
    github_api_url: str = Field("https://api.github.com", validation_alias="GITHUB_API_URL")
    github_client_id: str = Field("", validation_alias="GITHUB_CLIENT_ID")
    github_client_secret: str = Field("", validation_alias="GITHUB_CLIENT_SECRET")
    github_webhook_secret: str = Field("", validation_alias="GITHUB_WEBHOOK_SECRET")
    github_allowed_owners: str = Field("", validation_alias="AUTODEVHUB_GITHUB_ALLOWED_OWNERS")
    github_request_interval: float = Field(0.25, ge=0, le=10, validation_alias="GITHUB_REQUEST_INTERVAL")
    github_max_wait: int = Field(60, ge=0, le=900, validation_alias="GITHUB_MAX_WAIT")
    github_sync_days: int = Field(90, ge=1, le=400, validation_alias="GITHUB_SYNC_DAYS")
    sync_interval_minutes: int = Field(15, ge=0, le=1440, validation_alias="AUTODEVHUB_SYNC_INTERVAL_MINUTES")
    backup_dir: str = Field("", validation_alias="AUTODEVHUB_BACKUP_DIR")
    backup_keep: int = Field(7, ge=1, le=1000, validation_alias="AUTODEVHUB_BACKUP_KEEP")
    archive_days: int = Field(180, ge=1, le=36500, validation_alias="AUTODEVHUB_ARCHIVE_DAYS")

    rate_limit_login_account: str = Field("5/minute", validation_alias="AUTODEVHUB_RATE_LIMIT_LOGIN_ACCOUNT")
    rate_limit_login_ip: str = Field("20/minute", validation_alias="AUTODEVHUB_RATE_LIMIT_LOGIN_IP")
    rate_limit_api: str = Field("600/minute", validation_alias="AUTODEVHUB_RATE_LIMIT_API")
    rate_limit_stories: str = Field("30/hour", validation_alias="AUTODEVHUB_RATE_LIMIT_STORIES")

    @field_validator("public_url", "anthropic_base_url", "github_url", "github_api_url", "otel_endpoint")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("anthropic_model")
    @classmethod
    def _model_id(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}", value):
            raise ValueError("must be a model id such as claude-sonnet-5-5")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in filter(None, (o.strip() for o in value.split(","))):
            if not origin.startswith(("http://", "https://")) or origin.rstrip("/").count("/") != 2:
                raise ValueError(f"{origin!r} is not an origin like https://host:port")
        return value

    @field_validator("github_allowed_owners")
    @classmethod
    def _owners(cls, value: str) -> str:
        for owner in filter(None, (o.strip() for o in value.split(","))):
            if not GITHUB_OWNER.fullmatch(owner):
                raise ValueError(f"{owner!r} is not a GitHub user or organisation name")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value and not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")):
            raise ValueError("must start with sqlite:// or postgresql://")
        return value

    @field_validator("database_replica_url")
    @classmethod
    def _replica_url(cls, value: str, info: ValidationInfo) -> str:
        if value and not value.startswith(POSTGRES_PREFIXES):
            raise ValueError("must start with postgresql:// (a read replica of the PostgreSQL primary)")
        if value and not str(info.data.get("database_url", "")).startswith(POSTGRES_PREFIXES):
            raise ValueError("needs DATABASE_URL on PostgreSQL: the replica copies the primary")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis:// or rediss://")
        return value

    @field_validator("metrics_token")
    @classmethod
    def _metrics_token(cls, value: str) -> str:
        if value and (len(value) < MIN_METRICS_TOKEN or value.lower() in PLACEHOLDER_SECRETS):
            raise ValueError(f"set a random token of {MIN_METRICS_TOKEN}+ characters (or leave it unset)")
        return value

    @field_validator(
        "rate_limit_login_account",
        "rate_limit_login_ip",
        "rate_limit_api",
        "rate_limit_stories",
    )
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not in limits notation such as 5/minute") from exc
        return value

    @model_validator(mode="after")
    def _no_placeholder_secret(self) -> Settings:
        key = self.secret_key
        weak = key.lower() in PLACEHOLDER_SECRETS or len(key) < 32
        if key and weak and self.env is not Environment.development:
            raise ValueError("a placeholder or short key; set a random value of 32+ characters")
        return self

    @functools.cached_property
    def sqlalchemy_url(self) -> str:
        """The database URL with the psycopg 3 driver named, defaulting to SQLite in the data dir (worked
        out once: every request asks for it)."""
        return with_driver(
            self.database_url or f"sqlite:///{(self.data_dir / 'autodevhub.core.db').resolve()}"
        )

    @functools.cached_property
    def sqlalchemy_replica_url(self) -> str:
        """The read replica's URL with the driver named, or "" when reads go to the primary."""
        return with_driver(self.database_replica_url)

    @property
    def base_url(self) -> str:
        """Where users reach the app."""
        return self.public_url or f"http://localhost:{self.port}"

    @property
    def cors_origins(self) -> list[str]:
        """Origins allowed to call the API and open the websocket: by default the app's own."""
        configured = [o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip()]
        own = [
            self.base_url,
            f"http://localhost:{self.port}",
            f"http://127.0.0.1:{self.port}",
        ]
        return list(dict.fromkeys(configured or own))

    @property
    def allowed_github_owners(self) -> frozenset[str]:
        """Owners (lower case) whose repositories the instance GITHUB_TOKEN may serve without an admin."""
        return frozenset(o.strip().lower() for o in self.github_allowed_owners.split(",") if o.strip())

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once into the data directory."""
        return self.secret_key or _generated_key(self.data_dir / SECRET_KEY_FILE)


def with_driver(url: str) -> str:
    """A PostgreSQL URL with the psycopg 3 driver named; any other URL as it is."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@functools.cache
def _generated_key(path: Path) -> str:
    """The data directory's key, read once per process. Made whole in a temporary file, then linked into
    place: when several threads or workers start at once, the first link wins and all read its key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another thread or process was first
        finally:
            temporary.unlink()
    return path.read_text().strip()


class SettingsError(SystemExit):
    """Start-up stops with one line naming the variable at fault."""


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    name = first["loc"][0] if first["loc"] else "AUTODEVHUB_SECRET_KEY"
    return f"autodevhub: invalid {name}: {first['msg'].removeprefix('Value error, ')}"


def load_settings() -> Settings:
    """Read the environment; a bad value raises SettingsError with a one-line message."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None


@functools.lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()


def settings_or_exit() -> Settings:
    """Settings for entry points: print the one-line reason and exit 2 on a bad value."""
    try:
        return get_settings()
    except SettingsError as error:
        print(error.code, file=sys.stderr)
        raise SystemExit(2) from None
