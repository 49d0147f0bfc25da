"""PostgreSQL storage tiers (seed §4.2): audit_logs partitioned by month, an archive for old runs.

On PostgreSQL audit_logs becomes a table partitioned by range of created_at (its primary key is
(id, created_at): a partitioned table's keys must hold the partition key; the model keeps id, which the
sequence keeps unique), with the months its rows need up to next month and a default partition in the
schema `partitions`, its rows copied over. The append-only triggers: the statement trigger of 0002 on the
parent, a row trigger PostgreSQL clones onto every partition, a TRUNCATE trigger on each partition.
archive.workflow_executions and archive.workflow_jobs inherit from the hot tables (see
autodevhub/storage/run_archive.py). SQLite keeps its plain tables: nothing changes there.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from autodevhub.models import utcnow
from autodevhub.storage import audit_partitions as parts

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUARD = parts.GUARD
INDEXES = {
    "ix_audit_logs_action": "action",
    "ix_audit_logs_created_at": "created_at",
    "ix_audit_logs_user_id_created_at": "user_id, created_at",
    "ix_audit_logs_resource_type_resource_id": "resource_type, resource_id",
}
FK = "CONSTRAINT fk_audit_logs_user_id_users FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT"
ARCHIVED = {  # archive table: its foreign keys (the hot table's point at hot rows only)
    "workflow_executions": (
        "FOREIGN KEY (project_id) REFERENCES public.projects (id) ON DELETE CASCADE",
        "FOREIGN KEY (workflow_id) REFERENCES public.workflows (id) ON DELETE CASCADE",
    ),
    "workflow_jobs": (
        "FOREIGN KEY (execution_id) REFERENCES archive.workflow_executions (id) ON DELETE CASCADE",
        "FOREIGN KEY (project_id) REFERENCES public.projects (id) ON DELETE CASCADE",
    ),
}


def _rebuild_audit_logs(partitioned: bool) -> None:
    """Replace audit_logs by a partitioned (or plain) table with the same columns, rows and sequence."""
    old = "audit_logs_partitioned" if not partitioned else "audit_logs_plain"
    op.execute(f"ALTER TABLE audit_logs RENAME TO {old}")
    op.execute(f"ALTER TABLE {old} RENAME CONSTRAINT pk_audit_logs TO pk_{old}")
    op.execute(f"DROP INDEX {', '.join(INDEXES)}")
    key, layout = ("id, created_at", "PARTITION BY RANGE (created_at)") if partitioned else ("id", "")
    op.execute(
        f"CREATE TABLE audit_logs (LIKE {old} INCLUDING DEFAULTS, "
        f"CONSTRAINT pk_audit_logs PRIMARY KEY ({key}), {FK}) {layout}"
    )
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON audit_logs ({columns})")
    op.execute("ALTER SEQUENCE audit_logs_id_seq OWNED BY audit_logs.id")
    op.execute(
        f"CREATE TRIGGER {GUARD} BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_logs "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {GUARD}()"
    )
    if partitioned:
        op.execute(
            f"CREATE TRIGGER {GUARD}_row BEFORE UPDATE OR DELETE ON audit_logs "
            f"FOR EACH ROW EXECUTE FUNCTION {GUARD}()"
        )
        connection = op.get_bind()
        first = connection.execute(sa.text(f"SELECT min(created_at) FROM {old}")).scalar()  # noqa: S608 (constant)
        now = utcnow()
        parts.create_default(connection)
        parts.ensure_months(connection, min(first or now, now), parts.next_month(parts.month_start(now)))
    op.execute(f"INSERT INTO audit_logs SELECT * FROM {old}")  # noqa: S608 (constant)
    op.execute(f"DROP TABLE {old}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE SCHEMA {parts.SCHEMA}")
    _rebuild_audit_logs(partitioned=True)
    op.execute("CREATE SCHEMA archive")
    for table, keys in ARCHIVED.items():
        op.execute(f"CREATE TABLE archive.{table} (LIKE public.{table} INCLUDING ALL, {', '.join(keys)})")
        op.execute(f"ALTER TABLE archive.{table} INHERIT public.{table}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ARCHIVED:  # runs before their jobs: a hot job points at a hot run
        op.execute(f"INSERT INTO public.{table} SELECT * FROM archive.{table}")  # noqa: S608 (constant)
    for table in reversed(list(ARCHIVED)):
        op.execute(f"DROP TABLE archive.{table}")
    op.execute("DROP SCHEMA archive")
    _rebuild_audit_logs(partitioned=False)
    op.execute(f"DROP SCHEMA {parts.SCHEMA}")
