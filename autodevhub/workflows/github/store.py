"""Writing what GitHub reports (sync, webhooks, demo) into workflows, executions and jobs: upserts only."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from autodevhub.integrations.github_data import JobData, RunData, WorkflowData
from autodevhub.models import RunStatus, Workflow, WorkflowExecution, WorkflowState, utcnow
from autodevhub.models.workflows import WorkflowJob, WorkflowSync

FAILED = ("failure", "timed_out", "startup_failure")
SUCCESS = "success"
# How far along a run or job is, for two reports of the same second (their times cannot order them).
PROGRESS = {"requested": 0, "pending": 0, "waiting": 1, "queued": 2, "in_progress": 3, "completed": 4}
NEVER = datetime.min.replace(tzinfo=UTC)


def sync_state(session: Session, project_id: uuid.UUID) -> WorkflowSync:
    """The project's sync bookkeeping row, created on first use."""
    state = session.get(WorkflowSync, project_id)
    if state is None:
        state = WorkflowSync(project_id=project_id)
        session.add(state)
    return state


def touch(session: Session, project_id: uuid.UUID) -> None:
    """Note that the project's runs changed, so pages watching it refresh."""
    sync_state(session, project_id).changed_at = utcnow()


def _state(value: str) -> WorkflowState:
    return WorkflowState(value) if value in WorkflowState.__members__ else WorkflowState.active


def upsert_workflow(session: Session, project_id: uuid.UUID, data: WorkflowData) -> tuple[Workflow, bool]:
    """The workflow row for GitHub's workflow; True when its file may have changed (new or updated)."""
    workflow = session.exec(
        select(Workflow).where(Workflow.project_id == project_id, Workflow.github_id == data.id)
    ).first()
    seen = data.updated_at.isoformat() if data.updated_at else ""
    changed = workflow is None or workflow.configuration.get("updated_at") != seen
    workflow = workflow or Workflow(project_id=project_id, github_id=data.id, name=data.name)
    workflow.name, workflow.path, workflow.html_url = data.name[:200], data.path[:500], data.html_url[:500]
    workflow.status = _state(data.state)
    session.add(workflow)
    return workflow, changed


def remember_inputs(workflow: Workflow, updated_at: datetime | None, dispatch: dict[str, Any]) -> None:
    """Keep what the workflow file declares for workflow_dispatch, keyed by the workflow's update time."""
    seen = updated_at.isoformat() if updated_at else ""
    workflow.configuration = {**dispatch, "updated_at": seen}


def workflow_for_run(session: Session, project_id: uuid.UUID, run: RunData) -> Workflow:
    """The run's workflow; a run can arrive (webhook) before its workflow was synced."""
    workflow = session.exec(
        select(Workflow).where(Workflow.project_id == project_id, Workflow.github_id == run.workflow_id)
    ).first()
    if workflow is None:
        workflow = Workflow(
            project_id=project_id, github_id=run.workflow_id, name=run.name[:200] or "workflow"
        )
        workflow.path = run.path[:500]
        session.add(workflow)
        session.flush()
    return workflow


def known_runs(
    session: Session, workflow_id: uuid.UUID, run_ids: Iterable[int], *, lock: bool = False
) -> dict[int, WorkflowExecution]:
    """The stored runs among `run_ids`; `lock` holds their rows until commit (on PostgreSQL)."""
    query = select(WorkflowExecution).where(
        WorkflowExecution.workflow_id == workflow_id, col(WorkflowExecution.github_run_id).in_(list(run_ids))
    )
    query = query.with_for_update() if lock else query
    return {row.github_run_id: row for row in session.exec(query) if row.github_run_id is not None}


def newer(run: RunData, row: WorkflowExecution) -> bool:
    """True when GitHub's `run` is newer than the stored row: a later attempt, update or (same second) status.

    GitHub does not order webhook deliveries, and a sync may read a run just before a webhook reports it.
    """
    if run.run_attempt != row.run_attempt:
        return run.run_attempt > row.run_attempt
    if run.updated_at and row.github_updated_at and run.updated_at != row.github_updated_at:
        return run.updated_at > row.github_updated_at
    return PROGRESS.get(run.status, 0) > PROGRESS.get(row.status.value, 0)


def unchanged(row: WorkflowExecution | None, run: RunData) -> bool:
    """True when the stored row already says what GitHub says, or something newer."""
    return row is not None and not newer(run, row)


def apply_run(
    session: Session, workflow: Workflow, run: RunData, row: WorkflowExecution | None
) -> WorkflowExecution:
    """Insert or update the execution for `run`, unless the row is as new (it is returned unchanged).

    A new attempt forgets the previous attempt's jobs summary.
    """
    if row is not None and not newer(run, row):
        return row
    if row is None:
        row = WorkflowExecution(project_id=workflow.project_id, workflow_id=workflow.id, github_run_id=run.id)
    elif row.run_attempt != run.run_attempt:
        row.logs, row.queue_seconds = {}, None
    status = RunStatus(run.status) if run.status in RunStatus.__members__ else RunStatus.pending
    done = status is RunStatus.completed
    row.run_number, row.run_attempt, row.status = run.run_number, run.run_attempt, status
    row.conclusion = run.conclusion if done else None
    row.event, row.branch, row.head_sha = run.event[:50], run.branch[:255], run.head_sha[:40]
    row.head_commit_time, row.title, row.actor = run.head_commit_time, run.title, run.actor
    row.html_url, row.created_at, row.started_at = run.html_url[:500], run.created_at, run.started_at
    row.github_updated_at = run.updated_at
    row.completed_at = (run.updated_at or run.started_at) if done else None
    row.duration_seconds = max(0.0, (row.completed_at - run.started_at).total_seconds()) if done else None
    session.add(row)
    return row


def store_jobs(session: Session, row: WorkflowExecution, jobs: list[JobData]) -> None:
    """Upsert the run's jobs (every attempt), summarise them in `logs`, derive the queue time.

    A job older than the stored one (a late delivery, a sync's earlier read) is left out.
    """
    existing = {
        job.github_job_id: job
        for job in session.exec(select(WorkflowJob).where(WorkflowJob.execution_id == row.id))
    }
    jobs = [data for data in jobs if data.id not in existing or not _job_older(data, existing[data.id])]
    for data in jobs:
        job = existing.get(data.id) or WorkflowJob(
            execution_id=row.id, project_id=row.project_id, github_job_id=data.id, name=data.name
        )
        job.run_created_at = row.created_at
        job.run_attempt, job.name, job.status = data.run_attempt, data.name, data.status
        job.conclusion, job.started_at, job.completed_at = data.conclusion, data.started_at, data.completed_at
        job.duration_seconds = _seconds(data.started_at, data.completed_at)
        session.add(job)
        existing[data.id] = job
    summarise(row, list(existing.values()), {data.id: data.steps for data in jobs})


def summarise(row: WorkflowExecution, jobs: list[WorkflowJob], steps: dict[int, list[dict]]) -> None:
    """`logs` = jobs with their failed steps; queue time = wait of the latest attempt's first job."""
    previous = {job["id"]: job for job in row.logs.get("jobs", [])}
    summary = []
    for job in sorted(jobs, key=lambda j: (j.run_attempt, j.github_job_id)):
        job_steps = steps.get(job.github_job_id)
        old = previous.get(job.github_job_id, {})
        summary.append(
            {
                "id": job.github_job_id,
                "name": job.name,
                "attempt": job.run_attempt,
                "conclusion": job.conclusion,
                "seconds": job.duration_seconds,
                "steps": len(job_steps) if job_steps is not None else old.get("steps", 0),
                "failed_steps": [s["name"] for s in job_steps if s.get("conclusion") in FAILED]
                if job_steps is not None
                else old.get("failed_steps", []),
            }
        )
    row.logs = {"attempts": row.run_attempt, "jobs": summary}
    starts = [j.started_at for j in jobs if j.run_attempt == row.run_attempt and j.started_at]
    row.queue_seconds = max(0.0, (min(starts) - row.started_at).total_seconds()) if starts else None


def _job_older(data: JobData, job: WorkflowJob) -> bool:
    """A job is one attempt: it only moves on (queued, in progress, completed), and has no update time."""
    stored = _progress(job.status, job.completed_at, job.started_at)
    return _progress(data.status, data.completed_at, data.started_at) < stored


def _progress(status: str, completed: datetime | None, started: datetime | None) -> tuple:
    return (PROGRESS.get(status, 0), completed or NEVER, started or NEVER)


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return max(0.0, (end - start).total_seconds()) if start and end else None
