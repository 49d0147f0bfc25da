"""Projects and who belongs to them."""

import enum
import unicodedata
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Field, Relationship, SQLModel

from autodevhub.models.base import ENUM_LENGTH, enum_field, json_field, optional_timestamp, timestamp, uuid_pk

if TYPE_CHECKING:
    from autodevhub.models.accounts import User


def _values(members: type[enum.Enum]) -> list[str]:
    return [member.value for member in members]


class ProjectRole(enum.StrEnum):
    """What a member may do within one project."""

    owner = "owner"
    maintainer = "maintainer"
    member = "member"
    viewer = "viewer"


class RepoTrust(enum.StrEnum):
    """How a project's repository link was vouched for (None: linked before links were checked)."""

    admin = "admin"  # an administrator linked it: the instance token may serve it
    credential = "credential"  # a maintainer proved push rights with a project token of their own


class Project(SQLModel, table=True):
    """A product a team tracks, optionally tied to one GitHub repository."""

    __tablename__ = "projects"

    id: uuid.UUID = uuid_pk()
    name: str = Field(max_length=100, unique=True)
    name_key: str = Field(default="", max_length=400, unique=True, index=True)  # set from name below
    description: str = Field(default="", sa_type=sa.Text)
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="RESTRICT", index=True)
    settings: dict[str, Any] = json_field()
    repo: str | None = Field(default=None, max_length=140)
    repo_trust: RepoTrust | None = Field(
        default=None,
        sa_type=sa.Enum(RepoTrust, native_enum=False, length=ENUM_LENGTH, values_callable=_values),
    )
    repo_linked_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    repo_linked_at: datetime | None = optional_timestamp()
    # The project's own GitHub token, sealed by core.crypto (never returned by the API or the UI).
    github_credential: str | None = Field(default=None, sa_type=sa.Text, repr=False)
    github_credential_set_by: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL"
    )
    github_credential_set_at: datetime | None = optional_timestamp()
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp(onupdate=True)

    owner: "User" = Relationship(sa_relationship_kwargs={"foreign_keys": "Project.owner_id"})


def name_key(name: str) -> str:
    """The form project names are unique in: trimmed, NFC-normalised and case-folded (SQLite's lower()
    folds ASCII only), so "Été" and "ÉTÉ", composed or not, are one name."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name.strip()).casefold())


@event.listens_for(Project, "before_insert")
def _key_new_name(_mapper, _connection, project: Project) -> None:
    project.name_key = name_key(project.name)


@event.listens_for(Project, "before_update")
def _key_changed_name(_mapper, _connection, project: Project) -> None:
    if sa.inspect(project).attrs.name.history.has_changes():
        project.name_key = name_key(project.name)


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
