"""Documentation generated from a project's repository."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from autodevhub.models.base import json_field, timestamp, uuid_pk

if TYPE_CHECKING:
    from autodevhub.models.projects import Project


class Documentation(SQLModel, table=True):
    """One generated document, such as a README or an API reference."""

    __tablename__ = "documentation"
    __table_args__ = (sa.Index("ix_documentation_project_id_created_at", "project_id", "created_at"),)

    id: uuid.UUID = uuid_pk()
    project_id: uuid.UUID = Field(foreign_key="projects.id", ondelete="CASCADE")
    doc_type: str = Field(max_length=50)
    title: str = Field(max_length=200)
    content: str = Field(default="", sa_type=sa.Text)
    file_path: str | None = Field(default=None, max_length=500)
    version_info: dict[str, Any] = json_field()
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp(onupdate=True)

    project: "Project" = Relationship()


class DocumentationVersion(SQLModel, table=True):
    """A page as it was before a regeneration replaced it: its Markdown and what it was made from."""

    __tablename__ = "documentation_versions"
    __table_args__ = (sa.UniqueConstraint("documentation_id", "version"),)

    id: uuid.UUID = uuid_pk()
    documentation_id: uuid.UUID = Field(foreign_key="documentation.id", ondelete="CASCADE")
    version: int
    title: str = Field(max_length=200)
    content: str = Field(default="", sa_type=sa.Text)
    version_info: dict[str, Any] = json_field()
    created_at: datetime = timestamp()

    page: Documentation = Relationship()
