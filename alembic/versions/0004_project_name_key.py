"""Project names unique as people read them: a normalised key (NFC, case-folded) under a unique index.

SQLite's lower() folds ASCII only, so "Été" and "été" could both be created. Existing projects get their
key here; two that already share one keep their names, and the later one's key is made distinct with its
id (its next rename must pick a free name).

Revision ID: 0004
Revises: 0003
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def name_key(name: str) -> str:
    """As autodevhub.models.projects.name_key was when this revision was written."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name.strip()).casefold())


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=400), nullable=False, server_default=""))
    connection = op.get_bind()
    projects = sa.table(
        "projects", sa.column("id"), sa.column("name"), sa.column("name_key"), sa.column("created_at")
    )
    taken: set[str] = set()
    oldest_first = sa.select(projects.c.id, projects.c.name).order_by(projects.c.created_at, projects.c.id)
    for project_id, name in connection.execute(oldest_first):
        key = name_key(name)
        key = key if key not in taken else f"{key}#{project_id}"
        taken.add(key)
        connection.execute(projects.update().where(projects.c.id == project_id).values(name_key=key))
    op.create_index("ix_projects_name_key", "projects", ["name_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_projects_name_key", table_name="projects")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("name_key")
