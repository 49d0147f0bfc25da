"""Notifications: channels (sealed Apprise URLs, events, filters, health), their delivery log, user notices.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
CHANNELS, DELIVERIES, NOTICES = "notification_channels", "notification_deliveries", "notices"


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def _message_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("event", sa.String(length=50), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        CHANNELS,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("url_sealed", sa.Text(), nullable=False),
        sa.Column("url_masked", sa.String(length=300), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("healthy", sa.Boolean(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{CHANNELS}"),
        _fk(CHANNELS, "project_id", "projects"),
        _fk(CHANNELS, "created_by", "users", "SET NULL"),
    )
    op.create_index(f"ix_{CHANNELS}_project_id", CHANNELS, ["project_id"])
    op.create_table(
        DELIVERIES,
        *_message_columns(),
        sa.Column("channel_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "sent", "failed", name="deliverystatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{DELIVERIES}"),
        _fk(DELIVERIES, "channel_id", CHANNELS),
        _fk(DELIVERIES, "project_id", "projects"),
        sa.UniqueConstraint("channel_id", "dedupe_key", name=f"uq_{DELIVERIES}_channel_id_dedupe_key"),
    )
    op.create_index(f"ix_{DELIVERIES}_project_id", DELIVERIES, ["project_id"])
    op.create_index(f"ix_{DELIVERIES}_channel_id_created_at", DELIVERIES, ["channel_id", "created_at"])
    op.create_table(
        NOTICES,
        *_message_columns(),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("read_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{NOTICES}"),
        _fk(NOTICES, "user_id", "users"),
        _fk(NOTICES, "project_id", "projects"),
        sa.UniqueConstraint("user_id", "dedupe_key", name=f"uq_{NOTICES}_user_id_dedupe_key"),
    )
    op.create_index(f"ix_{NOTICES}_project_id", NOTICES, ["project_id"])
    op.create_index(f"ix_{NOTICES}_user_id_created_at", NOTICES, ["user_id", "created_at"])


def downgrade() -> None:
    for table in (NOTICES, DELIVERIES, CHANNELS):
        op.drop_table(table)  # its indexes go with it
