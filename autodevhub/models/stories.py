"""Gherkin user stories generated from feature descriptions."""

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from autodevhub.models.base import enum_field, json_field, timestamp, uuid_pk

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

    project: "Project" = Relationship()
    creator: Optional["User"] = Relationship()
