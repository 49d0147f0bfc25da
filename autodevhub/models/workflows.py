"""GitHub Actions workflows of a project and their runs."""

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from autodevhub.models.base import enum_field, json_field, optional_timestamp, timestamp, uuid_pk

if TYPE_CHECKING:
    from autodevhub.models.projects import Project


class WorkflowState(enum.StrEnum):
    """A workflow's state as GitHub reports it."""

    active = "active"
    disabled_manually = "disabled_manually"
    disabled_inactivity = "disabled_inactivity"
    deleted = "deleted"


class RunStatus(enum.StrEnum):
    """A workflow run's status as GitHub reports it."""

    queued = "queued"
    in_progress = "in_progress"
    completed = "completed"
    waiting = "waiting"
    requested = "requested"
    pending = "pending"


class Workflow(SQLModel, table=True):
    """A GitHub Actions workflow of a project's repository."""

    __tablename__ = "workflows"

    id: uuid.UUID = uuid_pk()
    project_id: uuid.UUID = Field(foreign_key="projects.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    configuration: dict[str, Any] = json_field()
    status: WorkflowState = enum_field(WorkflowState.active)
    execution_history: dict[str, Any] = json_field()
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp(onupdate=True)

    project: "Project" = Relationship()


class WorkflowExecution(SQLModel, table=True):
    """One run of a workflow."""

    __tablename__ = "workflow_executions"
    __table_args__ = (
        sa.Index("ix_workflow_executions_workflow_id_started_at", "workflow_id", "started_at"),
        sa.Index("ix_workflow_executions_status", "status"),
    )

    id: uuid.UUID = uuid_pk()
    workflow_id: uuid.UUID = Field(foreign_key="workflows.id", ondelete="CASCADE")
    status: RunStatus = enum_field(RunStatus.queued)
    logs: dict[str, Any] = json_field()
    artifacts: dict[str, Any] = json_field()
    started_at: datetime = timestamp()
    completed_at: datetime | None = optional_timestamp()
    created_at: datetime = timestamp()

    workflow: Workflow = Relationship()
