"""Alerts over the runs: a default branch whose latest finished run of a workflow failed."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from autodevhub.models import Workflow, WorkflowExecution
from autodevhub.workflows.github.store import FAILED, SUCCESS

E = WorkflowExecution


def failing_on_branch(
    session: Session, branches: dict[uuid.UUID, str], since: datetime, until: datetime
) -> dict[uuid.UUID, list[str]]:
    """Per project, the workflows whose latest finished run (success or failed) on the given branch,
    created in the window, failed: a failing default branch. Projects with none are left out."""
    if not branches:
        return {}
    on_branch = [sa.and_(E.project_id == pid, E.branch == branch) for pid, branch in branches.items()]
    order = (col(E.created_at).desc(), col(E.id).desc())
    latest = (
        select(
            E.project_id,
            E.workflow_id,
            E.conclusion,
            sa.func.row_number().over(partition_by=E.workflow_id, order_by=order).label("rn"),
        )
        .where(sa.or_(*on_branch), E.created_at >= since, E.created_at < until)
        .where(col(E.conclusion).in_((SUCCESS, *FAILED)))
        .subquery()
    )
    rows = session.exec(
        select(latest.c.project_id, Workflow.name)
        .join(Workflow, col(Workflow.id) == latest.c.workflow_id)
        .where(latest.c.rn == 1, latest.c.conclusion.in_(FAILED))
        .order_by(sa.func.lower(Workflow.name))
    )
    failing: dict[uuid.UUID, list[str]] = {}
    for pid, name in rows:
        failing.setdefault(pid, []).append(name)
    return failing
