"""audit_logs on PostgreSQL: partitioned by month, months created ahead, append-only on every partition."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from autodevhub.core import jobs
from autodevhub.core.db import engine_for
from autodevhub.features import register
from autodevhub.models import AuditLog, User, UserRole, utcnow
from autodevhub.storage import audit_partitions as parts
from autodevhub.storage import tasks

WHERE = "SELECT tableoid::regclass::text FROM audit_logs WHERE id = :id"


def partitions(url: str) -> set[str]:
    """The partitions of audit_logs, schema-qualified."""
    query = "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'audit_logs'::regclass"
    with engine_for(url).connect() as connection:
        return set(connection.execute(sa.text(query)).scalars())


def add_entry(url: str, created_at: datetime, action: str = "test.entry") -> int:
    with Session(engine_for(url)) as session:
        entry = AuditLog(action=action, resource_type="test", created_at=created_at)
        session.add(entry)
        session.commit()
        assert entry.id is not None
        return entry.id


def months_from_now(count: int) -> datetime:
    month = parts.month_start(utcnow())
    for _ in range(count):
        month = parts.next_month(month)
    return month


def named(month: datetime) -> str:
    return f"{parts.SCHEMA}.{parts.partition_name(month)}"


def test_month_arithmetic_crosses_the_year() -> None:
    december = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    assert parts.month_start(december) == datetime(2026, 12, 1, tzinfo=UTC)
    assert parts.next_month(parts.month_start(december)) == datetime(2027, 1, 1, tzinfo=UTC)
    assert parts.partition_name(datetime(2027, 1, 1, tzinfo=UTC)) == "audit_logs_2027_01"


def test_the_migration_creates_this_and_next_month_and_a_default(app_postgres: str) -> None:
    assert partitions(app_postgres) == {
        named(months_from_now(0)),
        named(months_from_now(1)),
        f"{parts.SCHEMA}.{parts.DEFAULT}",
    }


def test_the_periodic_job_creates_the_months_ahead_once(app_postgres: str) -> None:
    register()
    assert "storage.audit_partitions" in jobs.PERIODIC
    assert tasks.create_audit_partitions() == []  # this month and the next exist already

    later = months_from_now(3)
    with engine_for(app_postgres).begin() as connection:
        created = parts.ensure_ahead(connection, later.replace(day=15))
    assert created == [parts.partition_name(later), parts.partition_name(months_from_now(4))]
    assert {named(later), named(months_from_now(4))} <= partitions(app_postgres)
    with engine_for(app_postgres).begin() as connection:
        assert parts.ensure_ahead(connection, later) == []


def test_rows_land_in_their_month_or_the_default(app_postgres: str) -> None:
    now, far = utcnow(), months_from_now(6)
    with engine_for(app_postgres).connect() as connection:
        where = {
            add_entry(app_postgres, now): named(months_from_now(0)),
            add_entry(app_postgres, months_from_now(1)): named(months_from_now(1)),
            add_entry(app_postgres, far): f"{parts.SCHEMA}.{parts.DEFAULT}",
        }
        for entry_id, partition in where.items():
            assert connection.execute(sa.text(WHERE), {"id": entry_id}).scalar_one() == partition


def test_a_month_already_in_the_default_partition_is_skipped(app_postgres: str, caplog) -> None:
    far = months_from_now(6)
    kept = add_entry(app_postgres, far.replace(day=3))
    with engine_for(app_postgres).begin() as connection:
        created = parts.ensure_ahead(connection, far)
    assert created == [parts.partition_name(months_from_now(7))]
    assert named(far) not in partitions(app_postgres)
    assert "default partition" in caplog.text
    with engine_for(app_postgres).connect() as connection:
        assert connection.execute(sa.text(WHERE), {"id": kept}).scalar_one().endswith(parts.DEFAULT)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET action = 'forged'",
        "DELETE FROM {table}",
        "TRUNCATE {table}",
        "UPDATE {table} SET action = 'forged' WHERE id = {id}",
        "DELETE FROM {table} WHERE id = {id}",
    ],
)
@pytest.mark.parametrize("target", ["month", "default", "parent"])
def test_every_partition_is_append_only(app_postgres: str, statement: str, target: str) -> None:
    when = {"month": utcnow(), "default": months_from_now(6), "parent": utcnow()}[target]
    entry_id = add_entry(app_postgres, when)
    table = {
        "month": named(months_from_now(0)),
        "default": f"{parts.SCHEMA}.{parts.DEFAULT}",
        "parent": "audit_logs",
    }[target]
    with engine_for(app_postgres).connect() as connection:
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(sa.text(statement.format(table=table, id=entry_id)))
        connection.rollback()
        assert connection.execute(
            sa.text("SELECT action FROM audit_logs WHERE id = :id"), {"id": entry_id}
        ).one() == ("test.entry",)


def test_audit_rows_keep_their_user_and_a_user_with_rows_cannot_be_deleted(app_postgres: str) -> None:
    with Session(engine_for(app_postgres)) as session:
        user = User(email="auditor@example.com", role=UserRole.member)
        session.add(user)
        session.flush()
        session.add(AuditLog(user_id=user.id, action="user.login", resource_type="user"))
        session.commit()
        session.delete(user)
        with pytest.raises(sa.exc.IntegrityError):
            session.commit()
