"""Plain data read from GitHub Actions objects, whether they came from the REST API or a webhook payload."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from github.WorkflowRun import WorkflowRun


@dataclass(frozen=True)
class WorkflowData:
    id: int
    name: str
    path: str
    state: str
    html_url: str
    updated_at: datetime | None


@dataclass(frozen=True)
class RunData:
    """One workflow run (its latest attempt) as GitHub describes it."""

    id: int
    workflow_id: int
    name: str
    path: str
    run_number: int | None
    run_attempt: int
    status: str
    conclusion: str | None
    event: str
    branch: str
    head_sha: str
    head_commit_time: datetime | None
    title: str
    actor: str
    html_url: str
    created_at: datetime
    started_at: datetime
    updated_at: datetime | None


@dataclass(frozen=True)
class JobData:
    """One job of one attempt; steps as (number, name, conclusion)."""

    id: int
    run_id: int
    run_attempt: int
    name: str
    status: str
    conclusion: str | None
    created_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    steps: list[dict[str, Any]] = field(default_factory=list)


def run_data(run: WorkflowRun) -> RunData:
    """Every attribute read here is in GitHub's run object, so no completion request is made."""
    commit = run.head_commit
    actor = run.actor
    title = run.display_title or (commit.message.split("\n", 1)[0] if commit and commit.message else "")
    return RunData(
        id=run.id,
        workflow_id=run.workflow_id,
        name=run.name or "",
        path=(run.path or "").split("@", 1)[0],
        run_number=run.run_number,
        run_attempt=run.run_attempt or 1,
        status=run.status or "queued",
        conclusion=run.conclusion or None,
        event=run.event or "",
        branch=run.head_branch or "",
        head_sha=run.head_sha or "",
        head_commit_time=commit.timestamp if commit else None,
        title=title[:500],
        actor=(actor.login if actor else "")[:100],
        html_url=run.html_url or "",
        created_at=run.created_at,
        started_at=run.run_started_at or run.created_at,
        updated_at=run.updated_at,
    )
