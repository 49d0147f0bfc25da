"""CI health of a project over a 7, 30 or 90-day window: every number is an SQL aggregate.

A run belongs to the window by its creation time. Success rate = successful / (successful + failed) completed
runs, where failed means failure, timed_out or startup_failure; cancelled, skipped and neutral runs count
as runs but not in the rate. Durations run from the attempt's start to its completion; queue time is the
wait of the latest attempt's first job.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from autodevhub.core.errors import InvalidInput
from autodevhub.models import Workflow, WorkflowExecution, utcnow
from autodevhub.models.workflows import WorkflowJob
from autodevhub.workflows.github.store import FAILED, SUCCESS
from autodevhub.workflows.metrics.sql import count_if, percentiles, utc_day

WINDOWS = (7, 30, 90)
TOP = 10
E = WorkflowExecution
J = WorkflowJob


@dataclass(frozen=True)
class Scope:
    """Which runs a metric reads: one project's, created in [since, until), optionally filtered."""

    project_id: uuid.UUID
    days: int
    since: datetime
    until: datetime
    workflow_id: uuid.UUID | None = None
    branch: str | None = None
    event: str | None = None

    def where(self) -> list[sa.ColumnElement[bool]]:
        """Conditions on the runs (WorkflowExecution)."""
        window = [E.project_id == self.project_id, E.created_at >= self.since, E.created_at < self.until]
        return window + self.filters()

    def job_where(self) -> list[sa.ColumnElement[bool]]:
        """Conditions on jobs joined to their runs: the window on both, so either index can lead."""
        created = J.run_created_at
        return [J.project_id == self.project_id, created >= self.since, created < self.until, *self.where()]

    def filters(self) -> list[sa.ColumnElement[bool]]:
        conditions = []
        if self.workflow_id is not None:
            conditions.append(E.workflow_id == self.workflow_id)
        if self.branch:
            conditions.append(E.branch == self.branch)
        if self.event:
            conditions.append(E.event == self.event)
        return conditions


def bounds(days: int, now: datetime | None = None) -> tuple[datetime, datetime]:
    """[since, until) of a 7, 30 or 90-day window ending now."""
    if days not in WINDOWS:
        raise InvalidInput("The window must be 7, 30 or 90 days.")
    until = now or utcnow()
    return until - timedelta(days=days), until


def scope_for(
    project_id: uuid.UUID,
    days: int = 30,
    *,
    workflow_id: uuid.UUID | None = None,
    branch: str | None = None,
    event: str | None = None,
    now: datetime | None = None,
) -> Scope:
    since, until = bounds(days, now)
    return Scope(project_id, days, since, until, workflow_id, branch or None, event or None)


def window(project_ids: list[uuid.UUID], since: datetime, until: datetime) -> list[sa.ColumnElement[bool]]:
    """Conditions on the runs of several projects created in [since, until) (no filters)."""
    return [col(E.project_id).in_(project_ids), E.created_at >= since, E.created_at < until]


def failed() -> sa.ColumnElement[bool]:
    """The run failed: failure, timed_out or startup_failure."""
    return col(E.conclusion).in_(FAILED)


def _rate(successes: int, failures: int) -> float | None:
    return successes / (successes + failures) if successes + failures else None


def _counts() -> tuple[sa.ColumnElement[int], ...]:
    """Runs, completed, successes, failures."""
    return (
        sa.func.count(),
        count_if(E.completed_at.is_not(None)),
        count_if(E.conclusion == SUCCESS),
        count_if(failed()),
    )


def summary(session: Session, scope: Scope) -> dict:
    """Runs, completed, successes, failures, success_rate, p50/p95 duration and queue, mean queue."""
    row = session.exec(select(*_counts(), sa.func.avg(E.queue_seconds)).where(*scope.where())).one()
    runs, completed, successes, failures, mean_queue = row
    duration = _overall(session, scope, E.duration_seconds)
    queue = _overall(session, scope, E.queue_seconds)
    return {
        "runs": runs,
        "completed": completed,
        "successes": successes,
        "failures": failures,
        "success_rate": _rate(successes, failures),
        "p50_duration": duration[0],
        "p95_duration": duration[1],
        "mean_queue": float(mean_queue) if mean_queue is not None else None,
        "p50_queue": queue[0],
        "p95_queue": queue[1],
    }


def rates_many(
    session: Session, project_ids: list[uuid.UUID], since: datetime, until: datetime
) -> dict[uuid.UUID, dict]:
    """Per project with runs in the window: runs, completed, successes, failures, success_rate (the same
    counts as `summary`), in one query."""
    rows = session.exec(
        select(E.project_id, *_counts()).where(*window(project_ids, since, until)).group_by(E.project_id)
    )
    return {
        pid: {
            "runs": runs,
            "completed": completed,
            "successes": ok,
            "failures": bad,
            "success_rate": _rate(ok, bad),
        }
        for pid, runs, completed, ok, bad in rows
    }


def _overall(session: Session, scope: Scope, column) -> tuple[float | None, float | None]:
    source = select(sa.literal(1).label("key"), column.label("value")).where(
        *scope.where(), column.is_not(None)
    )
    row = session.exec(percentiles(source.subquery())).first()
    return (row.p50, row.p95) if row else (None, None)


def _per_day(session: Session, where: list, *keys: Any) -> sa.Result:
    day, outcome = utc_day(E.created_at), sa.func.coalesce(E.conclusion, E.status)
    return session.exec(
        select(*keys, day, outcome, sa.func.count())
        .where(*where)
        .group_by(*keys, day, outcome)
        .order_by(*keys, day, outcome)
    )


def runs_per_day(session: Session, scope: Scope) -> list[dict]:
    """[{day, outcome, count}]: outcome is the conclusion, or the status of runs not finished."""
    return [{"day": d, "outcome": o, "count": n} for d, o, n in _per_day(session, scope.where())]


def runs_per_day_many(
    session: Session, project_ids: list[uuid.UUID], since: datetime, until: datetime
) -> dict[uuid.UUID, list[dict]]:
    """`runs_per_day` of each project (no filters), in one query; projects without runs are left out."""
    days: dict[uuid.UUID, list[dict]] = {}
    for pid, d, o, n in _per_day(session, window(project_ids, since, until), E.project_id):
        days.setdefault(pid, []).append({"day": d, "outcome": o, "count": n})
    return days


def daily_success_rates(per_day: list[dict]) -> list[dict]:
    """[{day, rate}] from `runs_per_day` rows: the success rate of each day (None: nothing finished that
    counts in the rate), by the definition of `summary`."""
    counts: dict[str, list[int]] = {}
    for row in per_day:
        ok_bad = counts.setdefault(row["day"], [0, 0])
        if row["outcome"] == SUCCESS:
            ok_bad[0] += row["count"]
        elif row["outcome"] in FAILED:
            ok_bad[1] += row["count"]
    return [{"day": day, "rate": _rate(ok, bad)} for day, (ok, bad) in sorted(counts.items())]


def duration_trend(session: Session, scope: Scope) -> list[dict]:
    """[{day, runs, p50, p95}] over completed runs, in seconds."""
    source = select(utc_day(E.created_at).label("key"), col(E.duration_seconds).label("value")).where(
        *scope.where(), col(E.duration_seconds).is_not(None)
    )
    rows = session.exec(percentiles(source.subquery()).order_by("key"))
    return [{"day": r.key, "runs": r.n, "p50": r.p50, "p95": r.p95} for r in rows]


def per_workflow(session: Session, scope: Scope, names: dict[uuid.UUID, str]) -> list[dict]:
    """Each workflow with runs in the window: counts, success rate, p50/p95 duration, mean queue."""
    counts = session.exec(
        select(E.workflow_id, sa.func.count(), count_if(E.conclusion == SUCCESS), count_if(failed()))
        .where(*scope.where())
        .group_by(E.workflow_id)
    ).all()
    source = select(col(E.workflow_id).label("key"), col(E.duration_seconds).label("value")).where(
        *scope.where(), col(E.duration_seconds).is_not(None)
    )
    spread = {r.key: (r.p50, r.p95) for r in session.exec(percentiles(source.subquery()))}
    items = [
        {
            "workflow_id": str(wid),
            "name": names.get(wid, "?"),
            "runs": runs,
            "successes": ok,
            "failures": bad,
            "success_rate": _rate(ok, bad),
            "p50_duration": spread.get(wid, (None, None))[0],
            "p95_duration": spread.get(wid, (None, None))[1],
        }
        for wid, runs, ok, bad in counts
    ]
    return sorted(items, key=lambda item: item["name"].lower())


def workflow_names(session: Session, project_id: uuid.UUID) -> dict[uuid.UUID, str]:
    return dict(
        session.exec(select(Workflow.id, Workflow.name).where(Workflow.project_id == project_id)).all()
    )


def failing_jobs(session: Session, scope: Scope, names: dict[uuid.UUID, str]) -> list[dict]:
    """The jobs that failed most often (every attempt counts): [{workflow, job, failures}]."""
    failures = sa.func.count().label("failures")
    rows = session.exec(
        select(E.workflow_id, J.name, failures)
        .join(E, col(J.execution_id) == E.id)
        .where(*scope.job_where(), col(J.conclusion).in_(FAILED))
        .group_by(E.workflow_id, J.name)
        .order_by(failures.desc(), J.name)
        .limit(TOP)
    )
    return [{"workflow": names.get(w, "?"), "job": j, "failures": n} for w, j, n in rows]


def flaky_jobs(session: Session, scope: Scope, names: dict[uuid.UUID, str]) -> list[dict]:
    """Jobs that failed and later passed on the same commit: [{workflow, job, commits, last_seen}]."""
    per_commit = (
        select(
            E.workflow_id.label("workflow_id"),
            J.name.label("name"),
            sa.func.min(sa.case((col(J.conclusion).in_(FAILED), J.completed_at))).label("first_failure"),
            sa.func.max(sa.case((J.conclusion == SUCCESS, J.completed_at))).label("last_success"),
        )
        .join(E, col(J.execution_id) == E.id)
        .where(*scope.job_where(), E.head_sha != "")
        .group_by(E.workflow_id, E.head_sha, J.name)
        .subquery()
    )
    commits = sa.func.count().label("commits")
    rows = session.exec(
        select(per_commit.c.workflow_id, per_commit.c.name, commits, sa.func.max(per_commit.c.last_success))
        .where(per_commit.c.first_failure < per_commit.c.last_success)
        .group_by(per_commit.c.workflow_id, per_commit.c.name)
        .order_by(commits.desc(), per_commit.c.name)
        .limit(TOP)
    )
    return [
        {
            "workflow": names.get(w, "?"),
            "job": j,
            "commits": n,
            "last_seen": last.isoformat() if last else None,
        }
        for w, j, n, last in rows
    ]
