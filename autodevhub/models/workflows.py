"""GitHub Actions workflows of a project, their runs and jobs, webhook deliveries and sync bookkeeping."""

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from autodevhub.models.audit import BIGINT_ID
from autodevhub.models.base import UTCDateTime, enum_field, json_field, optional_timestamp, timestamp, uuid_pk

if TYPE_CHECKING:
    from autodevhub.models.projects import Project


class WorkflowState(enum.StrEnum):
    """A workflow's state as GitHub reports it."""

    active = "active"
    disabled_manually = "disabled_manually"
    disabled_inactivity = "disabled_inactivity"
    disabled_fork = "disabled_fork"
    deleted = "deleted"


class RunStatus(enum.StrEnum):
    """A workflow run's status as GitHub reports it."""

    queued = "queued"
    in_progress = "in_progress"
    completed = "completed"
    waiting = "waiting"
    requested = "requested"
    pending = "pending"


class SyncState(enum.StrEnum):
    """Where a project's last GitHub sync stands."""

    idle = "idle"
    running = "running"
    ok = "ok"
    failed = "failed"
    delayed = "delayed"


class Workflow(SQLModel, table=True):
    """A GitHub Actions workflow of a project's repository; `status` holds GitHub's state."""

    __tablename__ = "workflows"
    __table_args__ = (sa.UniqueConstraint("project_id", "github_id"),)

    id: uuid.UUID = uuid_pk()
    project_id: uuid.UUID = Field(foreign_key="projects.id", ondelete="CASCADE", index=True)
    github_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    name: str = Field(max_length=200)
    path: str = Field(default="", max_length=500)
    html_url: str = Field(default="", max_length=500)
    configuration: dict[str, Any] = json_field()
    status: WorkflowState = enum_field(WorkflowState.active)
    execution_history: dict[str, Any] = json_field()
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp(onupdate=True)

    project: "Project" = Relationship()


class WorkflowExecution(SQLModel, table=True):
    """One run of a workflow (its latest attempt); times are GitHub's, durations in seconds."""

    __tablename__ = "workflow_executions"
    __table_args__ = (
        sa.UniqueConstraint("workflow_id", "github_run_id"),
        sa.Index("ix_workflow_executions_project_id_created_at", "project_id", "created_at"),
        sa.Index("ix_workflow_executions_workflow_id_created_at", "workflow_id", "created_at"),
        sa.Index("ix_workflow_executions_status", "status"),
    )

    id: uuid.UUID = uuid_pk()
    project_id: uuid.UUID = Field(foreign_key="projects.id", ondelete="CASCADE")
    workflow_id: uuid.UUID = Field(foreign_key="workflows.id", ondelete="CASCADE")
    github_run_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    run_number: int | None = None
    run_attempt: int = 1
    status: RunStatus = enum_field(RunStatus.queued)
    conclusion: str | None = Field(default=None, max_length=32)
    event: str = Field(default="", max_length=50)
    branch: str = Field(default="", max_length=255)
    head_sha: str = Field(default="", max_length=40)
    head_commit_time: datetime | None = optional_timestamp()
    title: str = Field(default="", max_length=500)
    actor: str = Field(default="", max_length=100)
    html_url: str = Field(default="", max_length=500)
    logs: dict[str, Any] = json_field()
    artifacts: dict[str, Any] = json_field()
    created_at: datetime = timestamp()
    started_at: datetime = timestamp()
    completed_at: datetime | None = optional_timestamp()
    github_updated_at: datetime | None = optional_timestamp()
    duration_seconds: float | None = None
    queue_seconds: float | None = None

    project: "Project" = Relationship()
    workflow: Workflow = Relationship()


class WorkflowJob(SQLModel, table=True):
    """One job of one attempt of a run: what the failing-job and flaky-job metrics group by.

    project_id and run_created_at repeat the run's, so the metrics find a window's jobs by index.
    """

    __tablename__ = "workflow_jobs"
    __table_args__ = (
        sa.UniqueConstraint("execution_id", "github_job_id"),
        sa.Index("ix_workflow_jobs_project_id_run_created_at", "project_id", "run_created_at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIGINT_ID)
    execution_id: uuid.UUID = Field(foreign_key="workflow_executions.id", ondelete="CASCADE")
    project_id: uuid.UUID = Field(foreign_key="projects.id", ondelete="CASCADE")
    run_created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    github_job_id: int = Field(sa_type=sa.BigInteger)
    run_attempt: int = 1
    name: str = Field(max_length=200)
    status: str = Field(default="queued", max_length=32)
    conclusion: str | None = Field(default=None, max_length=32)
    started_at: datetime | None = optional_timestamp()
    completed_at: datetime | None = optional_timestamp()
    duration_seconds: float | None = None

    project: "Project" = Relationship()
    execution: WorkflowExecution = Relationship()


class WebhookDelivery(SQLModel, table=True):
    """A GitHub webhook delivery, recorded once per X-GitHub-Delivery; the payload waits for its job."""

    __tablename__ = "webhook_deliveries"

    delivery_id: str = Field(max_length=64, primary_key=True)
    event: str = Field(max_length=50)
    action: str = Field(default="", max_length=50)
    repository: str = Field(default="", max_length=140)
    payload: dict[str, Any] = json_field()
    received_at: datetime = timestamp()
    processed_at: datetime | None = optional_timestamp()
    outcome: str = Field(default="", max_length=200)


class WorkflowSync(SQLModel, table=True):
    """A project's GitHub sync bookkeeping: last run, rate-limit delay, how far history is known."""

    __tablename__ = "workflow_syncs"

    project_id: uuid.UUID = Field(foreign_key="projects.id", ondelete="CASCADE", primary_key=True)
    state: SyncState = enum_field(SyncState.idle)
    default_branch: str = Field(default="", max_length=255)
    history_complete: bool = False
    started_at: datetime | None = optional_timestamp()
    finished_at: datetime | None = optional_timestamp()
    last_success_at: datetime | None = optional_timestamp()
    delayed_until: datetime | None = optional_timestamp()
    message: str = Field(default="", sa_type=sa.Text)
    quota_used: int = 0
    stats: dict[str, Any] = json_field()
    changed_at: datetime | None = optional_timestamp()
    updated_at: datetime = timestamp(onupdate=True)

    project: "Project" = Relationship()
