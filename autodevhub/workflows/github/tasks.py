"""The workflow jobs: sync a project, apply a webhook delivery, and the periodic sync of every project."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import col, select

from autodevhub.core import jobs
from autodevhub.core.db import session_scope
from autodevhub.models import Project, utcnow
from autodevhub.models.workflows import WorkflowSync
from autodevhub.workflows.github import webhooks
from autodevhub.workflows.github.sync import sync_project

SYNC = "workflows.sync"


def sync_job_id(project_id: uuid.UUID | str) -> str:
    """One sync per project at a time, whoever asks (button, CLI, schedule)."""
    return f"sync:{project_id}"


@jobs.job(SYNC, max_tries=4, keep_result=60)
def sync(project_id: str, full: bool = False) -> dict:
    try:
        result = sync_project(project_id, full=full)
    except (IntegrityError, OperationalError) as error:  # a webhook job wrote the sync row at the same moment
        raise jobs.RetryLater("sync state written concurrently", defer=1) from error
    if result.retryable:
        raise jobs.RetryLater(result.message)
    return result.as_dict()


@jobs.job("workflows.webhook", max_tries=5, keep_result=300)
def webhook(delivery_id: str) -> str:
    try:
        return webhooks.process(delivery_id)
    except (IntegrityError, OperationalError) as error:  # another job stored the same run a moment ago
        raise jobs.RetryLater("run stored concurrently", defer=1) from error


@jobs.periodic("workflows.schedule")
def schedule() -> None:
    """Queue a sync of every project with a repository (unless rate-limited) and any lost webhook job.

    A delivery still not applied after a day is closed instead: a job never retries forever.
    """
    now = utcnow()
    with session_scope() as session:
        delayed = set(
            session.exec(select(WorkflowSync.project_id).where(col(WorkflowSync.delayed_until) > now))
        )
        projects = [p for p in session.exec(select(Project.id).where(col(Project.repo).is_not(None)))]
        stale = webhooks.stale_deliveries(session)
        webhooks.give_up(session)
        webhooks.forget_old(session)
    for project_id in projects:
        if project_id not in delayed:
            jobs.enqueue(SYNC, str(project_id), job_id=sync_job_id(project_id))
    for delivery_id in stale:
        jobs.enqueue("workflows.webhook", delivery_id, job_id=webhooks.job_id(delivery_id))
