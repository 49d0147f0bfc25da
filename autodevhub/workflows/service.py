"""Reading a project's workflows, runs, sync status and metrics; every function checks WORKFLOW_READ."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from autodevhub.auth.guard import parse_id, require_project
from autodevhub.auth.permissions import Permission
from autodevhub.core.errors import InvalidInput
from autodevhub.core.identity import Identity
from autodevhub.models import Project, RunStatus, Workflow, WorkflowExecution
from autodevhub.models.workflows import SyncState, WorkflowSync
from autodevhub.workflows.metrics import ci as metrics
from autodevhub.workflows.metrics import dora

MAX_FILTER_LENGTH = 255
E = WorkflowExecution


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def workflow_dict(workflow: Workflow) -> dict[str, Any]:
    config = workflow.configuration
    return {
        "id": str(workflow.id),
        "project_id": str(workflow.project_id),
        "github_id": workflow.github_id,
        "name": workflow.name,
        "path": workflow.path,
        "state": workflow.status.value,
        "html_url": workflow.html_url,
        "dispatch": bool(config.get("dispatch")),
        "inputs": config.get("inputs") or {},
        "error": config.get("error"),
    }


def execution_dict(row: WorkflowExecution, workflow_name: str) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "workflow_id": str(row.workflow_id),
        "workflow": workflow_name,
        "github_run_id": row.github_run_id,
        "run_number": row.run_number,
        "run_attempt": row.run_attempt,
        "status": row.status.value,
        "conclusion": row.conclusion,
        "event": row.event,
        "branch": row.branch,
        "head_sha": row.head_sha,
        "head_commit_time": _iso(row.head_commit_time),
        "title": row.title,
        "actor": row.actor,
        "html_url": row.html_url,
        "created_at": _iso(row.created_at),
        "started_at": _iso(row.started_at),
        "completed_at": _iso(row.completed_at),
        "duration_seconds": row.duration_seconds,
        "queue_seconds": row.queue_seconds,
        "jobs": row.logs.get("jobs", []),
        "artifacts": row.artifacts.get("items", []),
    }


def list_workflows(
    session: Session, identity: Identity | None, project_id: uuid.UUID | str
) -> list[dict[str, Any]]:
    project = require_project(session, identity, Permission.WORKFLOW_READ, project_id)
    rows = session.exec(
        select(Workflow).where(Workflow.project_id == project.id).order_by(func.lower(Workflow.name))
    )
    return [workflow_dict(row) for row in rows]


def _text_filter(value: object, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_FILTER_LENGTH:
        raise InvalidInput(f"{what} must be text of at most {MAX_FILTER_LENGTH} characters.")
    return value


def list_executions(
    session: Session,
    identity: Identity | None,
    project_id: uuid.UUID | str,
    *,
    workflow_id: uuid.UUID | str | None = None,
    branch: str | None = None,
    event: str | None = None,
    status: str | None = None,
    conclusion: str | None = None,
    days: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Runs newest first, filtered; one page and the total."""
    project = require_project(session, identity, Permission.WORKFLOW_READ, project_id)
    where = metrics.scope_for(project.id, days).where() if days else [E.project_id == project.id]
    if workflow_id:
        where.append(E.workflow_id == parse_id(workflow_id, "Workflow"))
    for column, value, what in (
        (E.branch, branch, "branch"),
        (E.event, event, "event"),
        (E.conclusion, conclusion, "conclusion"),
    ):
        if (text := _text_filter(value, what)) is not None:
            where.append(column == text)
    if (text := _text_filter(status, "status")) is not None:
        if text not in RunStatus.__members__:
            raise InvalidInput("Unknown run status.")
        where.append(E.status == RunStatus(text))
    total = session.exec(select(func.count()).select_from(E).where(*where)).one()
    rows = session.exec(
        select(E, Workflow.name)
        .join(Workflow, col(Workflow.id) == E.workflow_id)
        .where(*where)
        .order_by(col(E.created_at).desc(), col(E.id).desc())
        .limit(max(1, min(limit, 200)))
        .offset(max(0, offset))
    ).all()
    return [execution_dict(row, name) for row, name in rows], total


def filter_options(
    session: Session, identity: Identity | None, project_id: uuid.UUID | str
) -> dict[str, list[str]]:
    """Branches and events seen in the last 90 days, for the page's filter pickers."""
    project = require_project(session, identity, Permission.WORKFLOW_READ, project_id)
    where = metrics.scope_for(project.id, 90).where()
    options = {}
    for name, column in (("branches", E.branch), ("events", E.event)):
        query = select(column, sa.func.count().label("n")).where(*where).group_by(column)
        options[name] = [value for value, _ in session.exec(query.order_by(sa.desc("n")).limit(50)) if value]
    return options


def sync_status(session: Session, identity: Identity | None, project_id: uuid.UUID | str) -> dict[str, Any]:
    """The last sync: state, message ("Sync delayed until 14:05 UTC..."), times; changed_at for live pages;
    `stats`: what it read, skipped and spent, and the quota it left (its ETags stay on the server)."""
    project = require_project(session, identity, Permission.WORKFLOW_READ, project_id)
    state = session.get(WorkflowSync, project.id) or WorkflowSync(project_id=project.id, state=SyncState.idle)
    return {
        "project_id": str(project.id),
        "repo": project.repo,
        "state": state.state.value,
        "message": state.message,
        "started_at": _iso(state.started_at),
        "finished_at": _iso(state.finished_at),
        "last_success_at": _iso(state.last_success_at),
        "delayed_until": _iso(state.delayed_until),
        "changed_at": _iso(state.changed_at),
        "default_branch": state.default_branch,
        "history_complete": state.history_complete,
        "quota_used": state.quota_used,
        "stats": {name: value for name, value in state.stats.items() if name != "etags"},
    }


def project_metrics(
    session: Session,
    identity: Identity | None,
    project_id: uuid.UUID | str,
    *,
    days: int = 30,
    workflow_id: uuid.UUID | str | None = None,
    branch: str | None = None,
    event: str | None = None,
) -> dict[str, Any]:
    """Everything the page's KPI cards, charts and DORA tiles show, for one window and filter set."""
    project: Project = require_project(session, identity, Permission.WORKFLOW_READ, project_id)
    scope = metrics.scope_for(
        project.id,
        days,
        workflow_id=parse_id(workflow_id, "Workflow") if workflow_id else None,
        branch=_text_filter(branch, "branch"),
        event=_text_filter(event, "event"),
    )
    names = metrics.workflow_names(session, project.id)
    workflows = metrics.per_workflow(session, scope, names)
    failing = sorted((w for w in workflows if w["failures"]), key=lambda w: (-w["failures"], w["name"]))
    return {
        "window": {"days": days, "since": _iso(scope.since), "until": _iso(scope.until)},
        "filters": {
            "workflow_id": str(scope.workflow_id) if scope.workflow_id else None,
            "branch": scope.branch,
            "event": scope.event,
        },
        "summary": metrics.summary(session, scope),
        "runs_per_day": metrics.runs_per_day(session, scope),
        "duration_trend": metrics.duration_trend(session, scope),
        "workflows": workflows,
        "failing_workflows": failing[: metrics.TOP],
        "failing_jobs": metrics.failing_jobs(session, scope, names),
        "flaky_jobs": metrics.flaky_jobs(session, scope, names),
        "dora": dora.dora(session, project, scope),
    }
