"""Monthly partitions of audit_logs on PostgreSQL; SQLite keeps one plain table.

The partitions live in the schema `partitions`: audit_logs_YYYY_MM holds one UTC month and
audit_logs_default any row no month holds yet. Migration 0011 partitions the table and creates the months
its rows need up to next month; the periodic job keeps the current and next months created ahead.

Append-only on every partition: the parent's row trigger (BEFORE UPDATE OR DELETE ... FOR EACH ROW) is
cloned by PostgreSQL onto each partition, present and future; TRUNCATE triggers are statement triggers,
which are not cloned, so each partition gets its own. A month whose rows already went to the default
partition (the job did not run in time) cannot get its partition: it is skipped with a warning and those
rows stay in the default partition, counted and append-only.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import sqlalchemy as sa

SCHEMA = "partitions"
TABLE = "audit_logs"
DEFAULT = f"{TABLE}_default"
GUARD = "audit_logs_append_only"  # the trigger function of migration 0002
LOCK_KEY = 1_500_302  # advisory lock: one process creates partitions at a time
logger = logging.getLogger(__name__)


def month_start(moment: datetime) -> datetime:
    """The first instant of `moment`'s UTC month."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def next_month(month: datetime) -> datetime:
    """The first instant of the month after `month` (a month start)."""
    return month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)


def partition_name(month: datetime) -> str:
    return f"{TABLE}_{month:%Y_%m}"


def protect(connection: sa.Connection, name: str) -> None:
    """Refuse TRUNCATE of the partition `name` (UPDATE and DELETE come with the parent's row trigger)."""
    connection.execute(
        sa.text(
            f"CREATE TRIGGER {GUARD}_truncate BEFORE TRUNCATE ON {SCHEMA}.{name} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {GUARD}()"
        )
    )


def create_default(connection: sa.Connection) -> None:
    connection.execute(sa.text(f"CREATE TABLE {SCHEMA}.{DEFAULT} PARTITION OF {TABLE} DEFAULT"))
    protect(connection, DEFAULT)


def _exists(connection: sa.Connection, name: str) -> bool:
    return (
        connection.execute(sa.text("SELECT to_regclass(:name)"), {"name": f"{SCHEMA}.{name}"}).scalar_one()
        is not None
    )


def _create_month(connection: sa.Connection, month: datetime) -> bool:
    """Create `month`'s partition unless it exists or the default partition holds rows of it."""
    name, bounds = partition_name(month), {"low": month, "high": next_month(month)}
    if _exists(connection, name):
        return False
    in_default = f"SELECT 1 FROM {SCHEMA}.{DEFAULT} WHERE created_at >= :low AND created_at < :high"  # noqa: S608
    held = connection.execute(sa.text(f"SELECT EXISTS ({in_default})"), bounds).scalar_one()
    if held:
        logger.warning(
            "audit_logs rows of %s are in the default partition; its partition is not created", name
        )
        return False
    low, high = (f"'{value.isoformat()}'" for value in bounds.values())
    connection.execute(
        sa.text(f"CREATE TABLE {SCHEMA}.{name} PARTITION OF {TABLE} FOR VALUES FROM ({low}) TO ({high})")
    )
    protect(connection, name)
    return True


def ensure_months(connection: sa.Connection, first: datetime, last: datetime) -> list[str]:
    """Create the partitions of every month from `first`'s to `last`'s; the names of those created."""
    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    created, month = [], month_start(first)
    while month <= last:
        if _create_month(connection, month):
            created.append(partition_name(month))
        month = next_month(month)
    return created


def ensure_ahead(connection: sa.Connection, now: datetime) -> list[str]:
    """The current and next months' partitions (what the periodic job keeps ahead)."""
    return ensure_months(connection, now, next_month(month_start(now)))
