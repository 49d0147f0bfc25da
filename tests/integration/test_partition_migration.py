"""Migration 0011 on PostgreSQL with data: audit rows copied into their month partitions, archived runs
brought back by the downgrade, nothing lost either way."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from autodevhub.core.db import engine_for
from autodevhub.storage import audit_partitions as parts
from autodevhub.storage import run_archive
from tests.integration.test_migrations import config_for
from tests.support import workflow_fixture as fixture

REVISION = "0011"
ENTRIES = ["2025-01-10 08:00+00", "2025-06-30 23:59:59.5+00", "2025-07-01 00:00+00", "2025-07-20 12:00+00"]
ROWS = "SELECT id, action, metadata::text, created_at FROM audit_logs ORDER BY id"


def relkind(connection: sa.Connection) -> str:
    return connection.execute(
        sa.text("SELECT relkind FROM pg_class WHERE oid = 'audit_logs'::regclass")
    ).scalar_one()


def schemas(connection: sa.Connection) -> set[str]:
    query = "SELECT nspname FROM pg_namespace WHERE nspname IN (:a, :b)"
    return set(connection.execute(sa.text(query), {"a": parts.SCHEMA, "b": run_archive.SCHEMA}).scalars())


def test_upgrade_and_downgrade_keep_every_row(postgres_url: str) -> None:
    config = config_for(postgres_url)
    previous = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
    command.upgrade(config, previous)
    engine = engine_for(postgres_url)
    with engine.begin() as connection:
        for number, moment in enumerate(ENTRIES):
            connection.execute(
                sa.text(
                    "INSERT INTO audit_logs (action, resource_type, metadata, created_at) "
                    "VALUES (:action, 'test', :meta, :at)"
                ),
                {"action": f"entry.{number}", "meta": f'{{"n": {number}}}', "at": moment},
            )
        before = connection.execute(sa.text(ROWS)).all()

    command.upgrade(config, REVISION)

    with engine.connect() as connection:
        assert relkind(connection) == "p"
        assert connection.execute(sa.text(ROWS)).all() == before
        where = connection.execute(sa.text("SELECT tableoid::regclass::text FROM audit_logs ORDER BY id"))
        assert list(where.scalars()) == [
            "partitions.audit_logs_2025_01",
            "partitions.audit_logs_2025_06",
            "partitions.audit_logs_2025_07",
            "partitions.audit_logs_2025_07",
        ]
    with Session(engine) as session:
        fixture.load(session)
    assert run_archive.archive_finished(engine, fixture.NOW) == 16
    with engine.begin() as connection:
        fresh = connection.execute(
            sa.text(
                "INSERT INTO audit_logs (action, resource_type, metadata, created_at) "
                "VALUES ('n', 't', '{}', now()) RETURNING id"
            )
        ).scalar_one()
        assert fresh > before[-1].id  # the sequence went along
        after = connection.execute(sa.text(ROWS)).all()

    command.downgrade(config, previous)

    with engine.connect() as connection:
        assert relkind(connection) == "r"
        assert schemas(connection) == set()
        assert connection.execute(sa.text(ROWS)).all() == after
        runs = connection.execute(sa.text("SELECT count(*) FROM ONLY workflow_executions")).scalar_one()
        jobs = connection.execute(sa.text("SELECT count(*) FROM ONLY workflow_jobs")).scalar_one()
        assert (runs, jobs) == (17, len(fixture.JOBS))
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(sa.text("DELETE FROM audit_logs"))
        connection.rollback()

    command.upgrade(config, "head")
    with engine.connect() as connection:
        assert relkind(connection) == "p" and schemas(connection) == {parts.SCHEMA, run_archive.SCHEMA}
        assert connection.execute(sa.text(ROWS)).all() == after
