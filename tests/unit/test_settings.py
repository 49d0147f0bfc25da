"""Settings: defaults, validation with one-line errors naming the variable, the secret key."""

from __future__ import annotations

import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from autodevhub.core.settings import SettingsError, load_settings


def test_defaults_need_no_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.port == 3000
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path.resolve() / 'autodevhub.core.db'}"
    assert settings.redis_url == ""
    assert settings.rate_limit_login_account == "5/minute"
    assert settings.rate_limit_login_ip == "20/minute"
    assert settings.rate_limit_api == "600/minute"
    assert settings.rate_limit_stories == "30/hour"
    assert settings.cors_origins == ["http://localhost:3000", "http://127.0.0.1:3000"]


def test_postgres_urls_get_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/app")
    assert load_settings().sqlalchemy_url == "postgresql+psycopg://u@db:5432/app"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://db/app"),
        ("REDIS_URL", "localhost:6379"),
        ("AUTODEVHUB_PORT", "eighty"),
        ("AUTODEVHUB_PORT", "70000"),
        ("AUTODEVHUB_ENV", "staging"),
        ("AUTODEVHUB_RATE_LIMIT_API", "lots"),
        ("AUTODEVHUB_RATE_LIMIT_LOGIN_IP", "20 per fortnight"),
        ("GITHUB_API_URL", "api.github.com"),
        ("AUTODEVHUB_ALLOWED_ORIGINS", "https://a.example/path"),
        ("AUTODEVHUB_SECRET_KEY", "changeme"),
    ],
)
def test_bad_value_names_the_variable_in_one_line(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value.code)
    assert message.startswith(f"autodevhub: invalid {variable}: ")
    assert "\n" not in message


def test_placeholder_secret_is_allowed_in_development(monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_ENV", "development")
    monkeypatch.setenv("AUTODEVHUB_SECRET_KEY", "changeme")
    assert load_settings().resolved_secret_key() == "changeme"


def test_secret_key_is_generated_once_and_private(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_DATA_DIR", str(tmp_path / "fresh"))
    first = load_settings().resolved_secret_key()
    again = load_settings().resolved_secret_key()
    assert first == again
    assert len(first) >= 48
    mode = (tmp_path / "fresh" / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_threads_starting_at_once_share_one_generated_key(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_DATA_DIR", str(tmp_path / "raced"))
    settings = load_settings()
    start = threading.Barrier(16)

    def resolve(_index: int) -> str:
        start.wait()
        return settings.resolved_secret_key()

    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = set(pool.map(resolve, range(16)))
    assert len(keys) == 1 and len(keys.pop()) >= 48
    assert [path.name for path in (tmp_path / "raced").iterdir()] == ["secret_key"]


def test_configured_origins_replace_the_default(monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_ALLOWED_ORIGINS", "https://devhub.example.com, https://ops.example.com/")
    assert load_settings().cors_origins == ["https://devhub.example.com", "https://ops.example.com"]


def test_cli_stops_with_one_line_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "nonsense")
    result = subprocess.run(
        [sys.executable, "-m", "autodevhub.cli", "db", "upgrade"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "autodevhub: invalid REDIS_URL: must start with redis:// or rediss://"
