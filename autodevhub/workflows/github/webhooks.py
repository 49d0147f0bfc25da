"""GitHub webhooks: signature check, one record per delivery, and the job that applies a delivery.

The HTTP route checks size and signature before anything reads the JSON; `accept` records the delivery
(its id is the primary key, so a replay is refused by the database, with or without Redis) and queues
`workflows.webhook` after the commit. Applying a delivery needs no GitHub request: workflow_run and
deployment_status carry the run, workflow_job the job, push the head commit's time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select, update

from autodevhub.core import jobs
from autodevhub.core.db import session_scope
from autodevhub.integrations import github
from autodevhub.models import Project, WorkflowExecution, utcnow
from autodevhub.models.workflows import WebhookDelivery
from autodevhub.workflows.github import store

MAX_BODY_BYTES = 25 * 1024 * 1024
EVENTS = frozenset({"workflow_run", "workflow_job", "push", "deployment_status"})
DELIVERY_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
STALE_AFTER = timedelta(minutes=10)
KEEP_DELIVERIES = timedelta(days=30)


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """X-Hub-Signature-256 is "sha256=" + HMAC-SHA256(secret, body) in hex; compared in constant time."""
    if not secret or not header:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def job_id(delivery_id: str) -> str:
    return f"webhook:{delivery_id}"


def accept(session: Session, delivery_id: str, event: str, payload: dict[str, Any]) -> bool:
    """Record a delivery and queue its processing after commit; False if this delivery id was seen before.

    A replay rolls the session back: give it a session of its own.
    """
    repository = payload.get("repository") or {}
    row = WebhookDelivery(
        delivery_id=delivery_id,
        event=event,
        action=str(payload.get("action") or "")[:50],
        repository=str(repository.get("full_name") or "")[:140],
        payload=payload,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    jobs.enqueue_after_commit(session, "workflows.webhook", delivery_id, job_id=job_id(delivery_id))
    return True


def process(delivery_id: str) -> str:
    """Apply one delivery (the job); applying it twice changes nothing."""
    with session_scope() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            return "unknown delivery"
        if delivery.processed_at is not None:
            return delivery.outcome
        projects = session.exec(
            select(Project).where(func.lower(Project.repo) == delivery.repository.lower())
        ).all()
        outcome = (
            _apply(session, delivery, list(projects)) if projects else "no project tracks this repository"
        )
        delivery.processed_at, delivery.outcome, delivery.payload = utcnow(), outcome[:200], {}
        return outcome


def stale_deliveries(session: Session) -> list[str]:
    """Deliveries recorded but not applied for a while (their job was lost): to queue again."""
    query = select(WebhookDelivery.delivery_id).where(
        col(WebhookDelivery.processed_at).is_(None), WebhookDelivery.received_at < utcnow() - STALE_AFTER
    )
    return list(session.exec(query.limit(100)))


def forget_old(session: Session) -> None:
    """Delivery ids are kept 30 days: long past GitHub's redelivery window."""
    session.execute(
        WebhookDelivery.__table__.delete().where(WebhookDelivery.received_at < utcnow() - KEEP_DELIVERIES)
    )


def _apply(session: Session, delivery: WebhookDelivery, projects: list[Project]) -> str:
    payload, gh = delivery.payload, github.client()
    if delivery.event == "workflow_job" and payload.get("workflow_job"):
        job = github.parse_job(gh, payload["workflow_job"])
        return "; ".join(_apply_job(session, project, job) for project in projects)
    if delivery.event == "push":
        return "; ".join(_apply_push(session, project, payload) for project in projects)
    run_payload = payload.get("workflow_run")
    if delivery.event in ("workflow_run", "deployment_status") and run_payload:
        run = github.parse_run(gh, run_payload)
        for project in projects:
            workflow = store.workflow_for_run(session, project.id, run)
            row = store.known_runs(session, workflow.id, [run.id]).get(run.id)
            if not store.unchanged(row, run):
                store.apply_run(session, workflow, run, row)
                store.touch(session, project.id)
        return f"run {run.id} {run.status}"
    return f"{delivery.event} ignored"


def _apply_job(session: Session, project: Project, job: github.JobData) -> str:
    row = session.exec(
        select(WorkflowExecution).where(
            WorkflowExecution.project_id == project.id, WorkflowExecution.github_run_id == job.run_id
        )
    ).first()
    if row is None:
        return f"run {job.run_id} not known yet; the next sync reads its jobs"
    store.store_jobs(session, row, [job])
    session.add(row)
    store.touch(session, project.id)
    return f"job {job.id} {job.status}"


def _apply_push(session: Session, project: Project, payload: dict[str, Any]) -> str:
    """Runs of the pushed commit learn its time (lead time needs it) if they do not know it yet."""
    head = payload.get("head_commit") or {}
    sha, stamp = str(payload.get("after") or ""), head.get("timestamp")
    if not sha or not stamp:
        return "push without a head commit"
    when = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    session.execute(
        update(WorkflowExecution)
        .where(
            col(WorkflowExecution.project_id) == project.id,
            col(WorkflowExecution.head_sha) == sha[:40],
            col(WorkflowExecution.head_commit_time).is_(None),
        )
        .values(head_commit_time=when)
    )
    return f"push {sha[:7]}"
