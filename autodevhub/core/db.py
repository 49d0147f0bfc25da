"""Database engines and sessions: SQLite (WAL, busy timeout, foreign keys) or PostgreSQL, and optionally a
PostgreSQL read replica (DATABASE_REPLICA_URL) for read-only queries."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from autodevhub.core.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 5000
# One pooled connection per thread that may use it (FastAPI's threadpool holds 40): past the pool, every
# request would open a new connection and run the pragmas again.
SQLITE_POOL = {"pool_size": 40, "max_overflow": 10}
POSTGRES_POOL = {"pool_size": 10, "max_overflow": 20, "pool_pre_ping": True}
AFTER_COMMIT = "autodevhub.after_commit"  # session.info key: callbacks waiting for the commit


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: no fsync per commit; durable across app crashes
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@functools.cache
def engine_for(url: str, *, read_only: bool = False) -> Engine:
    """One engine per URL; SQLite files get their folder and pragmas, PostgreSQL a short connect timeout
    (read_only: every transaction BEGIN READ ONLY, as on a hot standby). create_engine is looked up when
    called: tracing wraps it to instrument every engine made later."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_file = bool(parsed.database) and parsed.database != ":memory:"
        if in_file:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        pool = SQLITE_POOL if in_file else {}  # an in-memory database lives in one connection
        engine = sqlalchemy.create_engine(url, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    options = {"postgresql_readonly": True} if read_only else {}
    return sqlalchemy.create_engine(
        url, connect_args={"connect_timeout": 5}, execution_options=options, **POSTGRES_POOL
    )


def get_engine() -> Engine:
    """The engine for the configured database."""
    return engine_for(get_settings().sqlalchemy_url)


def replica_engine() -> Engine:
    """The engine for read-only queries: DATABASE_REPLICA_URL's when it is set, else the primary's."""
    url = get_settings().sqlalchemy_replica_url
    return engine_for(url, read_only=True) if url else get_engine()


@contextmanager
def read_session() -> Iterator[Session]:
    """A session for read-only queries (lists, metrics, dashboards) on the replica; nothing is committed.
    Not for reading what was just written: a replica may lag behind the primary."""
    with Session(replica_engine()) as session:
        yield session


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine()) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


def end_transaction(session: Session) -> None:
    """Commit what `session` did so far and give its connection back to the pool. Call it before a slow
    outside call (Claude, GitHub): no transaction stays open across network I/O; the next query opens a new
    one. Loaded rows expire: read what you need first, load again after."""
    if session.in_transaction():
        session.commit()


def after_commit(session: Session, callback: Callable[[], object]) -> None:
    """Run `callback` once this session's transaction commits (others then see it); a rollback drops it."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)
    if not event.contains(session, "after_commit", _run_after_commit):
        event.listen(session, "after_commit", _run_after_commit)
        event.listen(session, "after_rollback", _drop_after_commit)


def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(AFTER_COMMIT, []):
        callback()


def _drop_after_commit(session: Session) -> None:
    session.info.pop(AFTER_COMMIT, None)


def ping() -> bool:
    """True when the database answers a trivial query."""
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
