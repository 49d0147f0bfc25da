"""GitHub trust: who linked a project's repository and how, and the project's own sealed GitHub token.

Repositories linked before this revision keep their link with no trust recorded: the instance token serves
them only when their owner is in AUTODEVHUB_GITHUB_ALLOWED_OWNERS, until an administrator links them again.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
USER_COLUMNS = ("repo_linked_by", "github_credential_set_by")


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(
            sa.Column(
                "repo_trust", sa.Enum("admin", "credential", native_enum=False, length=32), nullable=True
            )
        )
        batch.add_column(sa.Column("repo_linked_by", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("repo_linked_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("github_credential", sa.Text(), nullable=True))
        batch.add_column(sa.Column("github_credential_set_by", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("github_credential_set_at", TIMESTAMP, nullable=True))
        for column in USER_COLUMNS:
            batch.create_foreign_key(
                f"fk_projects_{column}_users", "users", [column], ["id"], ondelete="SET NULL"
            )


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        for column in USER_COLUMNS:
            batch.drop_constraint(f"fk_projects_{column}_users", type_="foreignkey")
        for column in (*USER_COLUMNS, "github_credential_set_at", "github_credential", "repo_linked_at"):
            batch.drop_column(column)
        batch.drop_column("repo_trust")
