"""DORA metrics of a project over a window, computed in SQL from its deploy workflows' runs.

Deploy workflows: the names or paths listed in project.settings["deploy_workflows"], or by default every
workflow whose name or path matches deploy|release. Only their runs on the default branch count (the
branch GitHub reports for the repository, else project.settings["default_branch"], else "main").

Runs belong to the window by creation time, as in the CI metrics.
- deployments: successful deploy runs created in the window; frequency = deployments per day.
- lead time for changes: median of (deploy run completed - head commit time).
- change failure rate: failed / (successful + failed) completed deploy runs; failed = failure, timed_out,
  startup_failure (cancelled and skipped runs deployed nothing and count in neither).
- story lead time: median of (deploy that carried a story - the story's approval) over the stories shipped
  in the window (stories.shipping says which deploy carries a story).
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
import statistics
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from autodevhub.models import Project, UserStory, Workflow, WorkflowExecution
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


def _deploy_ids(project: Project, workflows: list[tuple[uuid.UUID, str, str]]) -> list[uuid.UUID]:
    listed = project.settings.get("deploy_workflows")
    if isinstance(listed, list) and listed:
        wanted = {str(item).lower() for item in listed}
        return [wid for wid, name, path in workflows if name.lower() in wanted or path.lower() in wanted]
    return [
        wid for wid, name, path in workflows if DEPLOY_PATTERN.search(name) or DEPLOY_PATTERN.search(path)
    ]


def _branch(project: Project, sync: WorkflowSync | None) -> str:
    return (sync.default_branch if sync else "") or str(project.settings.get("default_branch") or "main")


def deploys(session: Session, projects: list[Project]) -> dict[uuid.UUID, tuple[list[uuid.UUID], str]]:
    """Each project's deploy workflow ids and default branch, in two queries whatever the number."""
    ids = [project.id for project in projects]
    workflows: dict[uuid.UUID, list[tuple[uuid.UUID, str, str]]] = {pid: [] for pid in ids}
    for pid, wid, name, path in session.exec(
        select(Workflow.project_id, Workflow.id, Workflow.name, Workflow.path).where(
            col(Workflow.project_id).in_(ids)
        )
    ):
        workflows[pid].append((wid, name, path))
    syncs = {
        s.project_id: s
        for s in session.exec(select(WorkflowSync).where(col(WorkflowSync.project_id).in_(ids)))
    }
    return {p.id: (_deploy_ids(p, workflows[p.id]), _branch(p, syncs.get(p.id))) for p in projects}


def dora(session: Session, project: Project, scope: Scope) -> dict[str, Any]:
    """The four metrics with their bands, plus the counts they rest on."""
    return dora_many(session, [project], scope.since, scope.until, scope.days)[project.id]


def dora_many(
    session: Session, projects: list[Project], since: datetime, until: datetime, days: int
) -> dict[uuid.UUID, dict[str, Any]]:
    """`dora` of several projects over one window, in a fixed number of queries (grouped by project)."""
    found = deploys(session, projects)
    per_project = [
        sa.and_(E.project_id == pid, col(E.workflow_id).in_(ids), E.branch == branch)
        for pid, (ids, branch) in found.items()
        if ids
    ]
    window = [
        sa.or_(*per_project) if per_project else sa.false(),
        E.created_at >= since,
        E.created_at < until,
    ]
    counts = {
        pid: (ok, bad)
        for pid, ok, bad in session.exec(
            select(E.project_id, count_if(E.conclusion == SUCCESS), count_if(failed()))
            .where(*window)
            .group_by(E.project_id)
        )
    }
    lead = select(
        E.project_id.label("key"), (epoch(E.completed_at) - epoch(E.head_commit_time)).label("value")
    )
    leads = _medians(
        session, lead.where(*window, E.conclusion == SUCCESS, col(E.head_commit_time).is_not(None))
    )
    restores, incidents = _restores(session, window)
    stories = _story_leads(session, list(found), since, until)
    result = {}
    for pid, (ids, branch) in found.items():
        successes, failures = counts.get(pid, (0, 0))
        per_day, lead_time, restore = successes / days, leads.get(pid), restores.get(pid)
        rate = failures / (successes + failures) if successes + failures else None
        result[pid] = {
            "deploy_workflows": len(ids),
            "branch": branch,
            "deployments": successes,
            "failed_deployments": failures,
            "incidents": incidents.get(pid, 0),
            "deployment_frequency": {
                "per_day": per_day,
                "band": band("deployment_frequency", per_day if ids else None),
            },
            "lead_time": {"seconds": lead_time, "band": band("lead_time", lead_time)},
            "change_failure_rate": {"rate": rate, "band": band("change_failure_rate", rate)},
            "time_to_restore": {"seconds": restore, "band": band("time_to_restore", restore)},
            "story_lead_time": stories.get(pid, {"seconds": None, "band": None, "stories": 0}),
        }
    return result


def _story_leads(
    session: Session, project_ids: list[uuid.UUID], since: datetime, until: datetime
) -> dict[uuid.UUID, dict[str, Any]]:
    """Per project: the median time from approval to deploy of the stories shipped in the window."""
    shipped = [
        col(UserStory.project_id).in_(project_ids),
        col(UserStory.shipped_at) >= since,
        col(UserStory.shipped_at) < until,
        col(UserStory.approved_at).is_not(None),
    ]
    lead = epoch(UserStory.shipped_at) - epoch(UserStory.approved_at)
    leads: dict[uuid.UUID, list[float]] = {}
    for pid, seconds in session.exec(select(UserStory.project_id, lead).where(*shipped)):
        leads.setdefault(pid, []).append(max(0.0, float(seconds)))
    return {
        pid: {
            "seconds": statistics.median(values),
            "band": band("lead_time", statistics.median(values)),
            "stories": len(values),
        }
        for pid, values in leads.items()
    }


def _medians(session: Session, source: sa.Select) -> dict[Any, float]:
    """The median of `source.c.value` per `source.c.key`."""
    return {row.key: row.p50 for row in session.exec(percentiles(source.subquery(), (50,)))}


def _restores(session: Session, window: list) -> tuple[dict[Any, float], dict[Any, int]]:
    """Per project: median time to restore over restored incidents, and the number of incidents."""
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
        select(E.project_id.label("key"), E.completed_at.label("failed_at"), restored.label("restored_at"))
        .where(*window, failed(), sa.or_(previous.is_(None), previous.not_in(FAILED)))
        .subquery()
    )
    counts = dict(session.exec(select(incidents.c.key, sa.func.count()).group_by(incidents.c.key)).all())
    seconds = select(
        incidents.c.key.label("key"),
        (epoch(incidents.c.restored_at) - epoch(incidents.c.failed_at)).label("value"),
    ).where(incidents.c.restored_at.is_not(None))
    return _medians(session, seconds), counts
