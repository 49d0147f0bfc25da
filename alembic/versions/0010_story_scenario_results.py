"""Story scenario results: each scenario's last CI result on the default branch, read from test reports.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "story_scenario_results"
TIMESTAMP = sa.DateTime(timezone=True)
RESULTS = ("passed", "failed", "undefined", "not_run")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("story_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("scenario", sa.String(length=500), nullable=False),
        sa.Column(
            "result", sa.Enum(*RESULTS, name="scenarioresult", native_enum=False, length=32), nullable=False
        ),
        sa.Column("execution_id", sa.Uuid(), nullable=True),
        sa.Column("github_run_id", sa.BigInteger(), nullable=True),
        sa.Column("run_url", sa.String(length=500), nullable=False),
        sa.Column("branch", sa.String(length=255), nullable=False),
        sa.Column("head_sha", sa.String(length=40), nullable=False),
        sa.Column("run_created_at", TIMESTAMP, nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{TABLE}"),
        sa.ForeignKeyConstraint(
            ["story_id"], ["user_stories.id"], name=f"fk_{TABLE}_story_id_user_stories", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=f"fk_{TABLE}_project_id_projects", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["workflow_executions.id"],
            name=f"fk_{TABLE}_execution_id_workflow_executions",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("story_id", "scenario", name=f"uq_{TABLE}_story_id_scenario"),
    )
    op.create_index("ix_story_scenario_results_project_id_result", TABLE, ["project_id", "result"])


def downgrade() -> None:
    op.drop_index("ix_story_scenario_results_project_id_result", table_name=TABLE)
    op.drop_table(TABLE)
