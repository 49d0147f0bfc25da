"""Refresh-token reuse detection: the hashes of refresh tokens rotated away, by session (token family).

A rotated-away token presented again revokes its session; sessions existing before this revision start
with no history (their earlier tokens were already refused).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "rotated_refresh_tokens"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=f"pk_{TABLE}"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=f"fk_{TABLE}_session_id_sessions", ondelete="CASCADE"
        ),
    )
    op.create_index(f"ix_{TABLE}_session_id", TABLE, ["session_id"])


def downgrade() -> None:
    op.drop_index(f"ix_{TABLE}_session_id", table_name=TABLE)
    op.drop_table(TABLE)
