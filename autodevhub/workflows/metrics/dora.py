"""DORA metrics of a project over a window, computed in SQL from its deploy workflows' runs.

Deploy workflows: the names or paths listed in project.settings["deploy_workflows"], or by default every
workflow whose name or path matches deploy|release. Only their runs on the default branch count (the
branch GitHub reports for the repository, else project.settings["default_branch"], else "main").

Runs belong to the window by creation time, as in the CI metrics.
- deployments: successful deploy runs created in the window; frequency = deployments per day.
- lead time for changes: median of (deploy run completed - head commit time).
- change failure rate: failed / (successful + failed) completed deploy runs; failed = failure, timed_out,
  startup_failure (cancelled and skipped runs deployed nothing and count in neither).
- time to restore: for each incident, a failed deploy run whose previous completed run of the same workflow
  did not fail, the time from its completion to the completion of the next successful run of that workflow;
  the median over incidents that are restored.

Bands (DORA's State of DevOps 2023 clusters):
  deployment frequency: elite >= 1/day, high >= 1/week, medium >= 1/month (30 days), low below;
  lead time: elite < 1 day, high < 1 week, medium < 30 days, low beyond;
  change failure rate: elite <= 5 %, high <= 10 %, medium <= 15 %, low above;
  time to restore: elite < 1 hour, high < 1 day, medium < 1 week, low beyond.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from autodevhub.models import Project, Workflow, WorkflowExecution
from autodevhub.models.workflows import WorkflowSync
from autodevhub.workflows.github.store import FAILED, SUCCESS
from autodevhub.workflows.metrics.ci import Scope, failed
from autodevhub.workflows.metrics.sql import count_if, epoch, percentiles

DEPLOY_PATTERN = re.compile(r"deploy|release", re.IGNORECASE)
HOUR, DAY = 3600.0, 86400.0
E = WorkflowExecution


def band(metric: str, value: float | None) -> str | None:
    """elite, high, medium or low for a metric's value (see the module docstring); None without data."""
    if value is None:
        return None
    if metric == "deployment_frequency":  # deployments per day: more is better
        return next(
            name
            for name, floor in (("elite", 1), ("high", 1 / 7), ("medium", 1 / 30), ("low", 0))
            if value >= floor
        )
    limits = {
        "lead_time": (DAY, 7 * DAY, 30 * DAY),
        "change_failure_rate": (0.05, 0.10, 0.15),
        "time_to_restore": (HOUR, DAY, 7 * DAY),
    }[metric]
    strict = metric != "change_failure_rate"
    for name, limit in zip(("elite", "high", "medium"), limits, strict=True):
        if value < limit or (not strict and value <= limit):
            return name
    return "low"


def deploy_workflow_ids(session: Session, project: Project) -> list[uuid.UUID]:
    listed = project.settings.get("deploy_workflows")
    rows = session.exec(
        select(Workflow.id, Workflow.name, Workflow.path).where(Workflow.project_id == project.id)
    )
    if isinstance(listed, list) and listed:
        wanted = {str(item).lower() for item in listed}
        return [wid for wid, name, path in rows if name.lower() in wanted or path.lower() in wanted]
    return [wid for wid, name, path in rows if DEPLOY_PATTERN.search(name) or DEPLOY_PATTERN.search(path)]


def default_branch(session: Session, project: Project) -> str:
    sync = session.get(WorkflowSync, project.id)
    return (sync.default_branch if sync else "") or str(project.settings.get("default_branch") or "main")


def dora(session: Session, project: Project, scope: Scope) -> dict[str, Any]:
    """The four metrics with their bands, plus the counts they rest on."""
    ids, branch = deploy_workflow_ids(session, project), default_branch(session, project)
    deploys = [col(E.workflow_id).in_(ids), E.branch == branch]
    window = [*deploys, E.project_id == project.id, E.created_at >= scope.since, E.created_at < scope.until]
    successes, failures = session.exec(
        select(count_if(E.conclusion == SUCCESS), count_if(failed())).where(*window)
    ).one()
    lead = select(
        sa.literal(1).label("key"), (epoch(E.completed_at) - epoch(E.head_commit_time)).label("value")
    )
    lead = lead.where(*window, E.conclusion == SUCCESS, col(E.head_commit_time).is_not(None))
    lead_time = _median(session, lead)
    restores, incidents = _restores(session, window)
    per_day = successes / scope.days
    rate = failures / (successes + failures) if successes + failures else None
    return {
        "deploy_workflows": len(ids),
        "branch": branch,
        "deployments": successes,
        "failed_deployments": failures,
        "incidents": incidents,
        "deployment_frequency": {
            "per_day": per_day,
            "band": band("deployment_frequency", per_day if ids else None),
        },
        "lead_time": {"seconds": lead_time, "band": band("lead_time", lead_time)},
        "change_failure_rate": {"rate": rate, "band": band("change_failure_rate", rate)},
        "time_to_restore": {"seconds": restores, "band": band("time_to_restore", restores)},
    }


def _median(session: Session, source: sa.Select) -> float | None:
    row = session.exec(percentiles(source.subquery(), (50,))).first()
    return row.p50 if row else None


def _restores(session: Session, window: list) -> tuple[float | None, int]:
    """Median time to restore over restored incidents, and the number of incidents in the window."""
    before, after = aliased(E), aliased(E)
    previous = (
        select(before.conclusion)
        .where(
            before.workflow_id == E.workflow_id, before.branch == E.branch, before.created_at < E.created_at
        )
        .where(col(before.conclusion).in_((SUCCESS, *FAILED)))
        .order_by(col(before.created_at).desc())
        .limit(1)
        .scalar_subquery()
    )
    restored = (
        select(after.completed_at)
        .where(after.workflow_id == E.workflow_id, after.branch == E.branch, after.created_at > E.created_at)
        .where(after.conclusion == SUCCESS)
        .order_by(after.created_at)
        .limit(1)
        .scalar_subquery()
    )
    incidents = (
        select(E.completed_at.label("failed_at"), restored.label("restored_at"))
        .where(*window, failed(), sa.or_(previous.is_(None), previous.not_in(FAILED)))
        .subquery()
    )
    count = session.exec(select(sa.func.count()).select_from(incidents)).one()
    seconds = select(
        sa.literal(1).label("key"),
        (epoch(incidents.c.restored_at) - epoch(incidents.c.failed_at)).label("value"),
    ).where(incidents.c.restored_at.is_not(None))
    return _median(session, seconds), count
