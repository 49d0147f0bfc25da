"""Backups round-trip on SQLite and PostgreSQL: create -> restore into an empty data directory or database
-> every table's rows equal; encrypted with the instance key or a passphrase; a wrong key, a wrong
passphrase, a damaged or cut-short file is refused with a clear message and restores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from autodevhub.backups import service
from autodevhub.backups.archive import BackupError
from autodevhub.backups.databases import is_empty
from autodevhub.core.db import engine_for, session_scope
from autodevhub.core.settings import get_settings
from autodevhub.workflows.demo import seed as demo
from tests.conftest import fresh_postgres

PASSPHRASE = "correct horse battery staple"
FILLED = ("users", "projects", "workflow_executions", "user_stories", "audit_logs", "alembic_version")


def use(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    """Point the app at other settings; the database URL they give."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return get_settings().sqlalchemy_url


def rows(url: str) -> dict[str, list[str]]:
    """Every table's rows, in a stable order."""
    engine = engine_for(url)
    with engine.connect() as connection:
        return {
            name: sorted(repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{name}"')))
            for name in inspect(engine).get_table_names()
        }


def seeded_rows(url: str) -> dict[str, list[str]]:
    with session_scope() as session:
        demo.load(session)
    before = rows(url)
    assert all(before[name] for name in FILLED), {name: len(before[name]) for name in FILLED}
    return before


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A second new, empty PostgreSQL database (SQLAlchemy URL), dropped after the test."""
    with fresh_postgres("autodevhub_restore") as url:
        yield url


def test_sqlite_round_trip_into_an_empty_data_directory(app_db, tmp_path, monkeypatch):
    before = seeded_rows(app_db)
    made = service.create(tmp_path / "plain.backup")
    assert made.header.database == "sqlite" and made.header.encryption == "none"
    assert made.path.stat().st_mode & 0o777 == 0o600

    restored_url = use(monkeypatch, AUTODEVHUB_DATA_DIR=str(tmp_path / "new-data"))
    assert restored_url != app_db and is_empty(restored_url)
    service.restore(made.path)
    assert rows(restored_url) == before
    with pytest.raises(BackupError, match="not empty"):
        service.restore(made.path)


def test_postgres_round_trip_into_an_empty_database(app_postgres, empty_postgres, tmp_path, monkeypatch):
    before = seeded_rows(app_postgres)
    made = service.create(tmp_path / "pg.backup", passphrase=PASSPHRASE)
    assert (made.header.database, made.header.encryption) == ("postgresql", "passphrase")
    assert made.path.read_bytes()[:5] != b"PGDMP"  # pg_dump's custom format, encrypted

    use(monkeypatch, DATABASE_URL=empty_postgres)
    with pytest.raises(BackupError, match="wrong passphrase"):
        service.restore(made.path, passphrase="not the passphrase at all")
    assert is_empty(empty_postgres)
    service.restore(made.path, passphrase=PASSPHRASE)
    assert rows(empty_postgres) == before


def test_a_sqlite_backup_does_not_restore_into_postgres(app_db, postgres_url, tmp_path, monkeypatch):
    made = service.create(tmp_path / "s.backup")
    use(monkeypatch, DATABASE_URL=postgres_url)
    with pytest.raises(BackupError, match="sqlite backup; the configured database is postgresql"):
        service.restore(made.path)


def test_instance_key_backup_opens_only_under_the_same_secret(tmp_path, monkeypatch):
    source = use(monkeypatch, AUTODEVHUB_SECRET_KEY="s" * 40)
    from tests.conftest import migrate

    migrate(source)
    before = seeded_rows(source)
    made = service.create(tmp_path / "key.backup", encrypt=True)
    assert made.header.encryption == "instance-key"

    other = use(monkeypatch, AUTODEVHUB_DATA_DIR=str(tmp_path / "other"), AUTODEVHUB_SECRET_KEY="t" * 40)
    with pytest.raises(BackupError, match="another AUTODEVHUB_SECRET_KEY"):
        service.restore(made.path)
    assert is_empty(other)
    use(monkeypatch, AUTODEVHUB_SECRET_KEY="s" * 40)
    service.restore(made.path)
    assert rows(other) == before


@pytest.mark.parametrize("encryption", ["none", "instance-key", "passphrase"])
def test_a_cut_short_or_altered_backup_restores_nothing(app_db, tmp_path, monkeypatch, encryption):
    seeded_rows(app_db)
    made = service.create(
        tmp_path / "b.backup",
        encrypt=encryption == "instance-key",
        passphrase=PASSPHRASE if encryption == "passphrase" else None,
    )
    whole = made.path.read_bytes()
    target = use(monkeypatch, AUTODEVHUB_DATA_DIR=str(tmp_path / "target"))
    passphrase = PASSPHRASE if encryption == "passphrase" else None
    header_end = whole.index(b"\n", len(b"AUTODEVHUB-BACKUP\n")) + 1
    middle = (header_end + len(whole)) // 2
    for damaged, message in (
        (whole[: len(whole) - 100], "cut short"),
        (whole[:middle] + bytes([whole[middle] ^ 1]) + whole[middle + 1 :], "damaged"),
        (whole[:header_end], "cut short"),
        (whole[:30], "header is damaged"),
        (b"SQLite format 3\x00" + whole, "Not an AutoDevHub backup"),
    ):
        broken = tmp_path / "broken.backup"
        broken.write_bytes(damaged)
        with pytest.raises(BackupError, match=message):
            service.restore(broken, passphrase=passphrase)
        assert is_empty(target)
    if encryption == "passphrase":
        with pytest.raises(BackupError, match="--passphrase-stdin"):
            service.restore(made.path)


def test_a_short_passphrase_or_a_folder_is_refused(app_db, tmp_path):
    with pytest.raises(BackupError, match="at least 12 characters"):
        service.create(tmp_path / "b.backup", passphrase="short")
    with pytest.raises(BackupError, match="is a folder"):
        service.create(tmp_path)
    assert not list(Path(tmp_path).iterdir())
