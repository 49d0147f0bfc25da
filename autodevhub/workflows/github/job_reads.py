"""Which runs' jobs a sync reads from GitHub: only those a feature needs, newest first, a few per sync.

A run's jobs cost a request. The Workflows page needs them for failing and flaky jobs (failed runs, re-run
attempts, and the other runs of a commit that failed in the same workflow) and for queue time (runs of the
last RECENT_DAYS, the page's shortest window). The jobs of every other run arrive with workflow_job
webhooks when the repository sends them. A sync reads at most READS_PER_SYNC runs' jobs, so a first sync
costs about one request per hundred runs and charts show at once; the following syncs read the rest.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from autodevhub.models import RunStatus, WorkflowExecution, utcnow
from autodevhub.models.workflows import WorkflowJob
from autodevhub.workflows.github.store import FAILED

RECENT_DAYS = 7
READS_PER_SYNC = 6
E, J = WorkflowExecution, WorkflowJob
Wanted = tuple[uuid.UUID, int]  # a stored run whose jobs are to be read: (its row id, its GitHub run id)


def _needed(project_id: uuid.UUID, since: datetime) -> list[sa.ColumnElement[bool]]:
    """Completed runs in the window whose latest attempt's jobs are not stored and that a feature needs."""
    failed_commits = select(E.workflow_id, E.head_sha).where(
        E.project_id == project_id, E.created_at >= since, col(E.conclusion).in_(FAILED), E.head_sha != ""
    )
    latest_jobs = select(J.id).where(J.execution_id == E.id, J.run_attempt == E.run_attempt)
    return [
        E.project_id == project_id,
        E.created_at >= since,
        E.status == RunStatus.completed,
        ~latest_jobs.exists(),
        sa.or_(
            col(E.conclusion).in_(FAILED),
            E.run_attempt > 1,
            E.created_at >= utcnow() - timedelta(days=RECENT_DAYS),
            sa.tuple_(E.workflow_id, E.head_sha).in_(failed_commits),
        ),
    ]


def wanted(session: Session, project_id: uuid.UUID, since: datetime) -> list[Wanted]:
    """Every run whose jobs are still to be read, newest first (a run GitHub answered without jobs is not)."""
    rows = session.exec(
        select(E.id, E.github_run_id, E.logs)
        .where(*_needed(project_id, since), col(E.github_run_id).is_not(None))
        .order_by(col(E.created_at).desc(), col(E.id).desc())
    )
    return [(row_id, run_id) for row_id, run_id, logs in rows if "jobs" not in (logs or {})]
