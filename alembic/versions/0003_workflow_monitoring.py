"""Workflow monitoring: run details, jobs, webhook deliveries, sync bookkeeping, indexes for the metrics.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _enum(*values: str) -> sa.Enum:
    """Enums are VARCHAR(32) holding the value, on SQLite and PostgreSQL alike."""
    return sa.Enum(*values, native_enum=False, length=32)


def _execution_columns() -> list[sa.Column]:
    """Fresh Column objects each time: a column joins one table only."""
    return [
        sa.Column("github_run_id", sa.BigInteger(), nullable=True),
        sa.Column("run_number", sa.Integer(), nullable=True),
        sa.Column("run_attempt", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("conclusion", sa.String(length=32), nullable=True),
        sa.Column("event", sa.String(length=50), nullable=False, server_default=""),
        sa.Column("branch", sa.String(length=255), nullable=False, server_default=""),
        sa.Column("head_sha", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("head_commit_time", TIMESTAMP, nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("actor", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("html_url", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("github_updated_at", TIMESTAMP, nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("queue_seconds", sa.Float(), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("workflows") as batch:
        batch.add_column(sa.Column("github_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("path", sa.String(length=500), nullable=False, server_default=""))
        batch.add_column(sa.Column("html_url", sa.String(length=500), nullable=False, server_default=""))
        batch.create_unique_constraint("uq_workflows_project_id_github_id", ["project_id", "github_id"])

    with op.batch_alter_table("workflow_executions") as batch:
        batch.add_column(sa.Column("project_id", sa.Uuid(), nullable=True))
        for column in _execution_columns():
            batch.add_column(column)
    op.execute(
        "UPDATE workflow_executions SET project_id = "
        "(SELECT project_id FROM workflows WHERE workflows.id = workflow_executions.workflow_id)"
    )
    with op.batch_alter_table("workflow_executions") as batch:
        batch.alter_column("project_id", existing_type=sa.Uuid(), nullable=False)
        batch.create_foreign_key(
            "fk_workflow_executions_project_id_projects",
            "projects",
            ["project_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_unique_constraint(
            "uq_workflow_executions_workflow_id_github_run_id", ["workflow_id", "github_run_id"]
        )
        batch.drop_index("ix_workflow_executions_workflow_id_started_at")
        batch.create_index("ix_workflow_executions_workflow_id_created_at", ["workflow_id", "created_at"])
        batch.create_index("ix_workflow_executions_project_id_created_at", ["project_id", "created_at"])

    op.create_table(
        "workflow_jobs",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("execution_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("run_created_at", TIMESTAMP, nullable=False),
        sa.Column("github_job_id", sa.BigInteger(), nullable=False),
        sa.Column("run_attempt", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("conclusion", sa.String(length=32), nullable=True),
        sa.Column("started_at", TIMESTAMP, nullable=True),
        sa.Column("completed_at", TIMESTAMP, nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_workflow_jobs"),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["workflow_executions.id"],
            name="fk_workflow_jobs_execution_id_workflow_executions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name="fk_workflow_jobs_project_id_projects", ondelete="CASCADE"
        ),
        sa.UniqueConstraint(
            "execution_id", "github_job_id", name="uq_workflow_jobs_execution_id_github_job_id"
        ),
    )
    op.create_index(
        "ix_workflow_jobs_project_id_run_created_at", "workflow_jobs", ["project_id", "run_created_at"]
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("delivery_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=50), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("repository", sa.String(length=140), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("processed_at", TIMESTAMP, nullable=True),
        sa.Column("outcome", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("delivery_id", name="pk_webhook_deliveries"),
    )
    op.create_table(
        "workflow_syncs",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("state", _enum("idle", "running", "ok", "failed", "delayed"), nullable=False),
        sa.Column("default_branch", sa.String(length=255), nullable=False),
        sa.Column("history_complete", sa.Boolean(), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=True),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("last_success_at", TIMESTAMP, nullable=True),
        sa.Column("delayed_until", TIMESTAMP, nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("quota_used", sa.Integer(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("changed_at", TIMESTAMP, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("project_id", name="pk_workflow_syncs"),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name="fk_workflow_syncs_project_id_projects", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("workflow_syncs")
    op.drop_table("webhook_deliveries")
    op.drop_table("workflow_jobs")
    with op.batch_alter_table("workflow_executions") as batch:
        batch.drop_index("ix_workflow_executions_project_id_created_at")
        batch.drop_index("ix_workflow_executions_workflow_id_created_at")
        batch.create_index("ix_workflow_executions_workflow_id_started_at", ["workflow_id", "started_at"])
        batch.drop_constraint("uq_workflow_executions_workflow_id_github_run_id", type_="unique")
        batch.drop_constraint("fk_workflow_executions_project_id_projects", type_="foreignkey")
        for column in reversed(_execution_columns()):
            batch.drop_column(column.name)
        batch.drop_column("project_id")
    with op.batch_alter_table("workflows") as batch:
        batch.drop_constraint("uq_workflows_project_id_github_id", type_="unique")
        batch.drop_column("html_url")
        batch.drop_column("path")
        batch.drop_column("github_id")
