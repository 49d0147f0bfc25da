"""The fields of GitHub's webhook payloads that we use, as pydantic models: a delivery parses or is invalid.

Bounds are the columns' (ids in BIGINT, counters in INTEGER, status and conclusion in 32 characters), so a
valid delivery always fits the database; free text is cut to its column when stored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, ValidationError, field_validator

from autodevhub.integrations.github_data import JobData, RunData


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Time = Annotated[datetime, AfterValidator(_aware)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Count = Annotated[int, Field(ge=1, le=2**31 - 1)]
Word = Annotated[str, Field(max_length=32)]


class Invalid(ValueError):
    """A delivery without the shape we use; the message says where and why."""


class _Model(BaseModel):
    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("contains a NUL character")
        return value


class Repository(_Model):
    full_name: str = Field(min_length=3, max_length=140)
    default_branch: str = Field(default="", max_length=255)


class Login(_Model):
    login: str = ""


class HeadCommit(_Model):
    message: str = ""
    timestamp: Time | None = None


class WorkflowRef(_Model):
    name: str = ""


class Run(_Model):
    id: Id
    workflow_id: Id
    name: str | None = None
    path: str | None = None
    run_number: Count | None = None
    run_attempt: Count | None = None
    status: Word | None = None
    conclusion: Word | None = None
    event: str | None = None
    head_branch: str | None = None
    head_sha: str | None = None
    head_commit: HeadCommit | None = None
    display_title: str | None = None
    actor: Login | None = None
    html_url: str | None = None
    created_at: Time
    run_started_at: Time | None = None
    updated_at: Time | None = None

    def data(self, workflow_name: str) -> RunData:
        """As RunData; an empty run name (GitHub sends "" at times) takes the workflow's name."""
        commit = self.head_commit
        title = self.display_title or (commit.message.split("\n", 1)[0] if commit else "")
        return RunData(
            id=self.id,
            workflow_id=self.workflow_id,
            name=self.name or workflow_name,
            path=(self.path or "").split("@", 1)[0],
            run_number=self.run_number,
            run_attempt=self.run_attempt or 1,
            status=self.status or "queued",
            conclusion=self.conclusion or None,
            event=self.event or "",
            branch=self.head_branch or "",
            head_sha=self.head_sha or "",
            head_commit_time=commit.timestamp if commit else None,
            title=title[:500],
            actor=(self.actor.login if self.actor else "")[:100],
            html_url=self.html_url or "",
            created_at=self.created_at,
            started_at=self.run_started_at or self.created_at,
            updated_at=self.updated_at,
        )


class Step(_Model):
    number: int | None = None
    name: str = ""
    conclusion: Word | None = None


class Job(_Model):
    id: Id
    run_id: Id
    run_attempt: Count | None = None
    name: str | None = None
    status: Word | None = None
    conclusion: Word | None = None
    created_at: Time | None = None
    started_at: Time | None = None
    completed_at: Time | None = None
    steps: list[Step] | None = None

    def data(self) -> JobData:
        return JobData(
            id=self.id,
            run_id=self.run_id,
            run_attempt=self.run_attempt or 1,
            name=(self.name or "")[:200],
            status=self.status or "queued",
            conclusion=self.conclusion or None,
            created_at=self.created_at,
            started_at=self.started_at,
            completed_at=self.completed_at,
            steps=[step.model_dump() for step in self.steps or []],
        )


class Delivery(_Model):
    action: str = Field(default="", max_length=50)
    repository: Repository


class RunDelivery(Delivery):
    """A delivery that may carry a run: deployment_status does when a workflow deployed (since 2022)."""

    workflow_run: Run | None = None
    workflow: WorkflowRef | None = None

    def run(self) -> RunData | None:
        name = self.workflow.name if self.workflow else ""
        return self.workflow_run.data(name) if self.workflow_run else None


class WorkflowRunDelivery(RunDelivery):
    workflow_run: Run


class WorkflowJobDelivery(Delivery):
    workflow_job: Job


class PushDelivery(Delivery):
    ref: str = Field(default="", max_length=255)
    after: str = Field(default="", max_length=64)
    head_commit: HeadCommit | None = None


class Issue(_Model):
    number: int = Field(ge=1, le=2**31 - 1)
    state: str = Field(default="open", max_length=20)
    pull_request: dict[str, Any] | None = None  # present when the "issue" is a pull request


class IssuesDelivery(Delivery):
    issue: Issue


class PullHead(_Model):
    ref: str = Field(default="", max_length=255)
    sha: str = Field(default="", max_length=64)


class PullRequest(_Model):
    number: int = Field(ge=1, le=2**31 - 1)
    head: PullHead | None = None
    state: str = Field(default="open", max_length=20)
    merged_at: datetime | None = None
    merge_commit_sha: str | None = Field(default=None, max_length=64)

    @property
    def outcome(self) -> str:
        """open | closed | merged."""
        return "merged" if self.merged_at else self.state


class PullRequestDelivery(Delivery):
    pull_request: PullRequest


MODELS: dict[str, type[Delivery]] = {
    "workflow_run": WorkflowRunDelivery,
    "deployment_status": RunDelivery,
    "workflow_job": WorkflowJobDelivery,
    "push": PushDelivery,
    "issues": IssuesDelivery,
    "pull_request": PullRequestDelivery,
}


def parse(event: str, payload: Any) -> Delivery:
    """The fields we use of a delivery of `event` (one of MODELS); Invalid says what is wrong."""
    try:
        return MODELS[event].model_validate(payload)
    except ValidationError as error:
        raise Invalid(_reason(error)) from error


def _reason(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    more = error.error_count() - 1
    return (f"{where}: " if where else "") + first["msg"] + (f" (and {more} more)" if more else "")
