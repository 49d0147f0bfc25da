"""The last CI result of each scenario of a story on the project's default branch, read from test reports."""

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from autodevhub.models.base import UTCDateTime, enum_field, timestamp, uuid_pk


class ScenarioResult(enum.StrEnum):
    """A scenario's outcome in a test report."""

    passed = "passed"
    failed = "failed"
    undefined = "undefined"  # a step without a definition (or pending)
    not_run = "not_run"  # skipped


class StoryScenarioResult(SQLModel, table=True):
    """One scenario of a story as the latest default-branch run that reported it left it."""

    __tablename__ = "story_scenario_results"
    __table_args__ = (
        sa.UniqueConstraint("story_id", "scenario"),
        sa.Index("ix_story_scenario_results_project_id_result", "project_id", "result"),
    )

    id: uuid.UUID = uuid_pk()
    story_id: uuid.UUID = Field(foreign_key="user_stories.id", ondelete="CASCADE")
    project_id: uuid.UUID = Field(foreign_key="projects.id", ondelete="CASCADE")
    scenario: str = Field(max_length=500)
    result: ScenarioResult = enum_field(ScenarioResult.passed)
    execution_id: uuid.UUID | None = Field(
        default=None, foreign_key="workflow_executions.id", ondelete="SET NULL"
    )
    github_run_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    run_url: str = Field(default="", max_length=500)
    branch: str = Field(default="", max_length=255)
    head_sha: str = Field(default="", max_length=40)
    run_created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)  # newer runs replace older ones
    recorded_at: datetime = timestamp()
