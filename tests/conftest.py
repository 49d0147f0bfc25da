"""Shared fixtures: real Redis and PostgreSQL (required on CI), settings from a clean environment."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import redis

from autodevhub.core import cache, db, ratelimit
from autodevhub.core.settings import get_settings
from tests.support.live_app import (  # noqa: F401  (session fixtures: the app as `make run` starts it, Chromium)
    browser_context_args,
    browser_type_launch_args,
    live_app,
    live_app_url,
)

ON_CI = os.environ.get("CI", "").lower() == "true"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
APP_VARIABLES = ("DATABASE_URL", "REDIS_URL", "ANTHROPIC_", "GITHUB_", "AUTODEVHUB_")


def unavailable(service: str, error: Exception) -> None:
    """Fail on CI, where every service must be up; skip with the reason elsewhere."""
    message = f"{service} is not reachable ({error}); start it as .ci/run does"
    if ON_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> Iterator[None]:
    """Each test starts from embedded defaults with its own data directory."""
    for name in list(os.environ):
        if name.startswith(APP_VARIABLES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AUTODEVHUB_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    cache.cache_for.cache_clear()
    ratelimit.limiter_for.cache_clear()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A real Redis database, emptied before and after the test."""
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as error:
        unavailable("Redis", error)
    yield TEST_REDIS_URL
    client.flushdb()
    client.close()


@contextlib.contextmanager
def fresh_postgres(prefix: str = "autodevhub_test") -> Iterator[str]:
    """A new, empty PostgreSQL database (SQLAlchemy URL), dropped on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(TEST_POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        unavailable("PostgreSQL", error)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = TEST_POSTGRES_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    url = f"{base}/{name}"
    yield url
    db.engine_for(url).dispose()
    with psycopg.connect(TEST_POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (SQLAlchemy URL), dropped after the test."""
    with fresh_postgres() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A SQLite file in the test's own folder."""
    return f"sqlite:///{tmp_path / 'autodevhub.core.db'}"


def migrate(url: str) -> None:
    """Bring the database at `url` to the newest schema through the real migrations."""
    from alembic import command

    from autodevhub.cli import alembic_config

    config = alembic_config()
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


@pytest.fixture
def app_db(monkeypatch: pytest.MonkeyPatch) -> str:
    """The app's default database (SQLite in the test's data directory), migrated to head."""
    url = get_settings().sqlalchemy_url
    migrate(url)
    return url


@pytest.fixture
def app_postgres(monkeypatch: pytest.MonkeyPatch, postgres_url: str) -> str:
    """The app pointed at a fresh, migrated PostgreSQL database."""
    migrate(postgres_url)
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    get_settings.cache_clear()
    return postgres_url
