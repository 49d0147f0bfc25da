"""Projects and who belongs to them."""

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from autodevhub.models.base import enum_field, json_field, timestamp, uuid_pk

if TYPE_CHECKING:
    from autodevhub.models.accounts import User


class ProjectRole(enum.StrEnum):
    """What a member may do within one project."""

    owner = "owner"
    maintainer = "maintainer"
    member = "member"
    viewer = "viewer"


class Project(SQLModel, table=True):
    """A product a team tracks, optionally tied to one GitHub repository."""

    __tablename__ = "projects"

    id: uuid.UUID = uuid_pk()
    name: str = Field(max_length=100, unique=True)
    description: str = Field(default="", sa_type=sa.Text)
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="RESTRICT", index=True)
    settings: dict[str, Any] = json_field()
    repo: str | None = Field(default=None, max_length=140)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp(onupdate=True)

    owner: "User" = Relationship()


class ProjectMember(SQLModel, table=True):
    """A user's role in a project."""

    __tablename__ = "project_members"
    __table_args__ = (sa.UniqueConstraint("project_id", "user_id"),)

    id: uuid.UUID = uuid_pk()
    project_id: uuid.UUID = Field(foreign_key="projects.id", ondelete="CASCADE")
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    role: ProjectRole = enum_field(ProjectRole.member)
    created_at: datetime = timestamp()

    project: Project = Relationship()
    user: "User" = Relationship()
