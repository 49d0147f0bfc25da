"""Dumping and loading each kind of database: SQLite through its online backup API, PostgreSQL through
pg_dump --format=custom and pg_restore (in one transaction: all or nothing)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from autodevhub.backups.archive import BackupError, Database
from autodevhub.core.db import engine_for

USER_SCHEMAS = "table_schema NOT IN ('pg_catalog', 'information_schema')"


def kind(url: str) -> Database:
    """Which database `url` names."""
    return "sqlite" if make_url(url).get_backend_name() == "sqlite" else "postgresql"


def revision(url: str) -> str | None:
    """The schema's Alembic revision, or None for a database without one."""
    try:
        with engine_for(url).connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def is_empty(url: str) -> bool:
    """True when the database has no tables (a new SQLite file, a new PostgreSQL database)."""
    if kind(url) == "sqlite":
        path = _sqlite_path(url)
        if not path.exists():
            return True
        with contextlib.closing(sqlite3.connect(path)) as connection:
            return not connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'").fetchone()
    query = f"SELECT count(*) FROM information_schema.tables WHERE {USER_SCHEMAS}"  # noqa: S608 (constant)
    try:
        with engine_for(url).connect() as connection:
            return connection.execute(text(query)).scalar() == 0
    except SQLAlchemyError as error:
        raise BackupError(f"Cannot reach the database: {type(error.orig or error).__name__}.") from None


def dump(url: str, target: Path) -> None:
    """A copy of the whole database at `target`, taken while the app may keep writing."""
    if kind(url) == "postgresql":
        _run("pg_dump", url, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}")
        return
    path = _sqlite_path(url)
    if not path.exists():
        raise BackupError(f"There is no database at {path} to back up.")
    with (
        contextlib.closing(sqlite3.connect(path)) as source,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)


def load(url: str, source: Path) -> None:
    """The dump at `source` restored into the (empty) database at `url`."""
    if kind(url) == "postgresql":
        _run(
            "pg_restore",
            url,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            str(source),
        )
        return
    with contextlib.closing(sqlite3.connect(source)) as copy:
        if copy.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError("The SQLite database in the backup is damaged.")
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(path)) as target:
            copy.backup(target)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def _run(program: str, url: str, *args: str) -> None:
    """pg_dump or pg_restore on `url`, the password passed in the environment (never on the command line)."""
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(
            f"{program} was not found: install the PostgreSQL client tools (as new as the server)."
        )
    parsed: URL = make_url(url)
    env = {**os.environ, **({"PGPASSWORD": parsed.password} if parsed.password else {})}
    dbname = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    done = subprocess.run(  # noqa: S603 (a fixed program; the URL is the configured database)
        [binary, *args, f"--dbname={dbname}"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()] or ["no message"]
        first_error = next((line for line in lines if "error:" in line), lines[-1])
        raise BackupError(f"{program} failed: {first_error.removeprefix(f'{program}: ')}")
