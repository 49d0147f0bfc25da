"""Story lead time: when a story was approved and shipped (the deploy run that carried it), and when its
pull request merged (with the merge commit) or its issue closed.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("user_stories") as table:
        table.add_column(sa.Column("approved_at", TIMESTAMP, nullable=True))
        table.add_column(sa.Column("shipped_at", TIMESTAMP, nullable=True))
        url = sa.Column("shipped_run_url", sa.String(length=500), nullable=False, server_default="")
        table.add_column(url)
        table.create_index("ix_user_stories_project_id_shipped_at", ["project_id", "shipped_at"])
    with op.batch_alter_table("story_links") as table:
        table.add_column(sa.Column("landed_at", TIMESTAMP, nullable=True))
        table.add_column(sa.Column("landed_sha", sa.String(length=64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("story_links") as table:
        table.drop_column("landed_sha")
        table.drop_column("landed_at")
    with op.batch_alter_table("user_stories") as table:
        table.drop_index("ix_user_stories_project_id_shipped_at")
        table.drop_column("shipped_run_url")
        table.drop_column("shipped_at")
        table.drop_column("approved_at")
