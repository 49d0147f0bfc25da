"""Gherkin user stories generated from feature descriptions."""

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from autodevhub.models.base import enum_field, json_field, optional_timestamp, timestamp, uuid_pk

if TYPE_CHECKING:
    from autodevhub.models.accounts import User
    from autodevhub.models.projects import Project


class StoryStatus(enum.StrEnum):
    """Where a story is in its workflow."""

    draft = "draft"
    approved = "approved"
    in_progress = "in_progress"
    done = "done"
    archived = "archived"


class UserStory(SQLModel, table=True):
    """A feature description and the Gherkin generated from it."""

    __tablename__ = "user_stories"
    __table_args__ = (
        sa.Index("ix_user_stories_project_id_created_at", "project_id", "created_at"),
        sa.Index("ix_user_stories_project_id_status", "project_id", "status"),
        sa.Index("ix_user_stories_status", "status"),
        sa.Index("ix_user_stories_project_id_shipped_at", "project_id", "shipped_at"),
    )

    id: uuid.UUID = uuid_pk()
    project_id: uuid.UUID = Field(foreign_key="projects.id", ondelete="CASCADE")
    created_by: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL", index=True
    )
    feature_description: str = Field(sa_type=sa.Text)
    gherkin_output: str = Field(default="", sa_type=sa.Text)
    status: StoryStatus = enum_field(StoryStatus.draft)
    story_metadata: dict[str, Any] = json_field("metadata")
    confidence_score: float | None = None
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp(onupdate=True)
    approved_at: datetime | None = optional_timestamp()  # its latest approval before it shipped
    shipped_at: datetime | None = optional_timestamp()  # the first successful deploy that carried it
    shipped_run_url: str = Field(default="", max_length=500)  # that deploy run on GitHub

    project: "Project" = Relationship()
    creator: Optional["User"] = Relationship()


class LinkTarget(enum.StrEnum):
    """Where a story was pushed on GitHub."""

    issue = "issue"
    pull_request = "pull_request"


class LinkState(enum.StrEnum):
    """A push in flight (pending), or the GitHub object's state as last seen."""

    pending = "pending"
    open = "open"
    closed = "closed"
    merged = "merged"  # a pull request


class StoryLink(SQLModel, table=True):
    """A story's issue (or pull request) on GitHub: one per story and target, so nothing is pushed twice."""

    __tablename__ = "story_links"
    __table_args__ = (
        sa.UniqueConstraint("story_id", "target"),
        sa.Index("ix_story_links_project_id_number", "project_id", "number"),
    )

    id: uuid.UUID = uuid_pk()
    story_id: uuid.UUID = Field(foreign_key="user_stories.id", ondelete="CASCADE")
    project_id: uuid.UUID = Field(foreign_key="projects.id", ondelete="CASCADE")
    target: LinkTarget = enum_field(LinkTarget.issue)
    state: LinkState = enum_field(LinkState.pending)
    repo: str = Field(max_length=200)
    number: int | None = None
    url: str = Field(default="", max_length=500)
    pushed_digest: str = Field(default="", max_length=64)  # of the title, body and labels last sent
    error: str = Field(default="", max_length=500)
    landed_at: datetime | None = optional_timestamp()  # the pull request merged, the issue closed
    landed_sha: str = Field(default="", max_length=64)  # the pull request's merge commit
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp(onupdate=True)
