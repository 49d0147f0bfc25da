"""Story links: the GitHub issue (or pull request) a story was pushed as, one per story and target.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "story_links"
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("story_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column(
            "target",
            sa.Enum("issue", "pull_request", name="linktarget", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum("pending", "open", "closed", name="linkstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("repo", sa.String(length=200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("pushed_digest", sa.String(length=64), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{TABLE}"),
        sa.ForeignKeyConstraint(
            ["story_id"], ["user_stories.id"], name=f"fk_{TABLE}_story_id_user_stories", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=f"fk_{TABLE}_project_id_projects", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("story_id", "target", name=f"uq_{TABLE}_story_id_target"),
    )
    op.create_index("ix_story_links_project_id_number", TABLE, ["project_id", "number"])


def downgrade() -> None:
    op.drop_index("ix_story_links_project_id_number", table_name=TABLE)
    op.drop_table(TABLE)
