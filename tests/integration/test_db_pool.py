"""Connections are reused under load: a burst of requests past the old pool size opens no new SQLite
connections the second time (each new one would run its pragmas again), and commits skip the fsync."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from sqlalchemy import event

from autodevhub.core.db import get_engine, session_scope

THREADS = 30  # FastAPI runs up to 40 sync routes at once


def burst() -> None:
    """THREADS requests that each hold a connection at the same moment."""
    together = threading.Barrier(THREADS, timeout=10)

    def query(_index: int) -> None:
        with session_scope() as session:
            session.execute(sa.text("SELECT count(*) FROM users")).one()
            together.wait()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(query, range(THREADS)))


def test_a_second_burst_reuses_the_pooled_connections(app_db):
    opened: list[object] = []
    engine = get_engine()
    event.listen(engine, "connect", lambda connection, _record: opened.append(connection))
    burst()
    first = len(opened)
    burst()
    assert first <= THREADS and len(opened) == first


def test_sqlite_commits_without_an_fsync_each(app_db):
    with get_engine().connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA synchronous")).scalar() == 1  # NORMAL
