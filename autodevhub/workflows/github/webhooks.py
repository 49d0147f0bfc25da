"""GitHub webhooks: signature check, one record per delivery, and the job that applies a delivery.

The HTTP route refuses an unsigned request (or any, with no secret set) before reading its body, then
streams the body up to the size cap and checks its signature before decoding it (JSON, or a form's
`payload` field). `accept` validates the fields we use (payloads), records the delivery (its id is the
primary key, so a replay is refused by the database, with or without Redis) and queues `workflows.webhook`
after the commit; an invalid delivery is recorded as processed with its reason. Applying a delivery needs
no GitHub request: workflow_run and deployment_status carry the run, workflow_job the job, push the head
commit's time. GitHub does not order deliveries: a delivery older than what is stored changes nothing, and
a job that arrives before its run waits for it (the run's delivery, or the schedule, queues it again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select, update

from autodevhub.core import jobs
from autodevhub.core.db import session_scope
from autodevhub.integrations.github_data import JobData, RunData
from autodevhub.models import Project, RunStatus, WorkflowExecution, utcnow
from autodevhub.models.workflows import WebhookDelivery
from autodevhub.workflows.github import payloads, store

MAX_BODY_BYTES = 25 * 1024 * 1024
EVENTS = frozenset(payloads.MODELS)
DELIVERY_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
SIGNATURE = re.compile(r"^sha256=[0-9a-f]{64}$")
FORM = "application/x-www-form-urlencoded"
STALE_AFTER = timedelta(minutes=10)
GIVE_UP_AFTER = timedelta(days=1)
KEEP_DELIVERIES = timedelta(days=30)
WAITING = "waiting for run "
RUN_COMPLETED = "workflows.run_completed"  # topic: a completed run was stored (argument: its id)
ISSUE_CHANGED = "workflows.issue_changed"  # topic: project id, issue number, action (closed, reopened...)
PULL_CHANGED = "workflows.pull_changed"  # topic: project id, number, open|closed|merged, merged at, merge sha
PULL_HEAD = "workflows.pull_head"  # topic: project id, number, head sha (opened, reopened, synchronize)
PUSHED = "workflows.pushed"  # topic: project id, ref, head sha, the repository's default branch
HEAD_MOVED = frozenset({"opened", "reopened", "synchronize"})


class Undecodable(ValueError):
    """A body that is neither JSON nor a form with a JSON `payload` field; the message says which."""


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """X-Hub-Signature-256 is "sha256=" + HMAC-SHA256(secret, body) in hex; compared in constant time."""
    if not secret or not header:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def decode(body: bytes, content_type: str) -> Any:
    """The JSON of a delivery sent as application/json or, GitHub's default, as a form's `payload` field."""
    text = body
    if content_type.split(";", 1)[0].strip().lower() == FORM:
        try:
            fields = parse_qs(body.decode("utf-8"), max_num_fields=20)
        except ValueError as error:
            raise Undecodable("The form is not readable.") from error
        if len(fields.get("payload", [])) != 1:
            raise Undecodable("The form has no payload field.")
        text = fields["payload"][0].encode()
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:  # RecursionError: nested deeper than Python's stack
        raise Undecodable("The payload is not valid JSON.") from error


def job_id(delivery_id: str) -> str:
    return f"webhook:{delivery_id}"


def accept(session: Session, delivery_id: str, event: str, payload: Any) -> str:
    """Record a delivery: "queued" (processed after commit), "duplicate" or "invalid: <reason>".

    An invalid delivery is recorded as processed, with its reason. A replay rolls the session back: give it
    a session of its own.
    """
    row = WebhookDelivery(delivery_id=delivery_id, event=event)
    try:
        parsed = payloads.parse(event, payload)
    except payloads.Invalid as error:
        row.processed_at, row.outcome = utcnow(), _invalid(error)
    else:
        row.action, row.repository, row.payload = parsed.action, parsed.repository.full_name, payload
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return "duplicate"
    if row.processed_at is not None:
        return row.outcome
    jobs.enqueue_after_commit(session, "workflows.webhook", delivery_id, job_id=job_id(delivery_id))
    return "queued"


def process(delivery_id: str) -> str:
    """Apply one delivery (the job); applying it twice, or after a newer one, changes nothing."""
    with session_scope() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            return "unknown delivery"
        if delivery.processed_at is not None:
            return delivery.outcome
        recorded = {"repository": {"full_name": delivery.repository}}  # unless the payload names its own
        try:
            outcome = _apply(session, payloads.parse(delivery.event, recorded | delivery.payload))
        except payloads.Invalid as error:
            outcome = _invalid(error)
        delivery.outcome = outcome[:200]
        if not outcome.startswith(WAITING):  # a job waits for its run: storing the run queues it again
            delivery.processed_at, delivery.payload = utcnow(), {}
        return delivery.outcome


def stale_deliveries(session: Session) -> list[str]:
    """Deliveries recorded but not applied for a while (their job was lost): to queue again, for a day."""
    query = select(WebhookDelivery.delivery_id).where(
        col(WebhookDelivery.processed_at).is_(None),
        WebhookDelivery.received_at < utcnow() - STALE_AFTER,
        WebhookDelivery.received_at >= utcnow() - GIVE_UP_AFTER,
    )
    return list(session.exec(query.limit(100)))


def give_up(session: Session) -> None:
    """Deliveries still not applied after a day are closed (the periodic sync has read their runs since)."""
    session.execute(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.processed_at).is_(None),
            WebhookDelivery.received_at < utcnow() - GIVE_UP_AFTER,
        )
        .values(processed_at=utcnow(), outcome="failed: not applied within a day", payload={})
    )


def forget_old(session: Session) -> None:
    """Delivery ids are kept 30 days: long past GitHub's redelivery window."""
    session.execute(
        WebhookDelivery.__table__.delete().where(WebhookDelivery.received_at < utcnow() - KEEP_DELIVERIES)
    )


def _invalid(error: payloads.Invalid) -> str:
    return f"invalid: {error}"[:200]


def _apply(session: Session, delivery: payloads.Delivery) -> str:
    repository = delivery.repository.full_name.lower()
    projects = list(session.exec(select(Project).where(func.lower(Project.repo) == repository)))
    if not projects:
        return "no project tracks this repository"
    if isinstance(delivery, payloads.WorkflowJobDelivery):
        job = delivery.workflow_job.data()
        applied = [_apply_job(session, project, job) for project in projects]
        return f"job {job.id} {job.status}" if any(applied) else f"{WAITING}{job.run_id}"
    if isinstance(delivery, payloads.PushDelivery):
        return "; ".join(_apply_push(session, project, delivery) for project in projects)
    if isinstance(delivery, payloads.IssuesDelivery):
        return _apply_issue(session, projects, delivery)
    if isinstance(delivery, payloads.PullRequestDelivery):
        return _apply_pull(session, projects, delivery.pull_request, delivery.action)
    run = delivery.run() if isinstance(delivery, payloads.RunDelivery) else None
    if run is None:
        return "a deployment without a workflow run"
    if any([_apply_run(session, project, run) for project in projects]):
        _wake_jobs(session, run.id)
    return f"run {run.id} {run.status}"


def _apply_run(session: Session, project: Project, run: RunData) -> bool:
    """Store the run unless the stored row is as new (locked until commit on PostgreSQL); True if new."""
    workflow = store.workflow_for_run(session, project.id, run)
    row = store.known_runs(session, workflow.id, [run.id], lock=True).get(run.id)
    if not store.unchanged(row, run):
        stored = store.apply_run(session, workflow, run, row)
        store.touch(session, project.id)
        if stored.status is RunStatus.completed:  # its listeners (notifications) run after the commit
            key = f"{stored.id}:{stored.run_attempt}"
            jobs.emit_after_commit(session, RUN_COMPLETED, str(stored.id), key=key)
    return row is None


def _wake_jobs(session: Session, run_id: int) -> None:
    """Queue again the job deliveries that arrived before their run (the schedule does, after a while)."""
    waiting = select(WebhookDelivery.delivery_id).where(
        col(WebhookDelivery.processed_at).is_(None), WebhookDelivery.outcome == f"{WAITING}{run_id}"
    )
    for delivery_id in session.exec(waiting):
        jobs.enqueue_after_commit(
            session, "workflows.webhook", delivery_id, job_id=f"{job_id(delivery_id)}:run"
        )


def _apply_job(session: Session, project: Project, job: JobData) -> bool:
    """Store the job if the project has its run; False when the run is not stored yet."""
    row = session.exec(
        select(WorkflowExecution)
        .where(WorkflowExecution.project_id == project.id, WorkflowExecution.github_run_id == job.run_id)
        .with_for_update()
    ).first()
    if row is None:
        return False
    store.store_jobs(session, row, [job])
    session.add(row)
    store.touch(session, project.id)
    return True


def _apply_issue(session: Session, projects: list[Project], delivery: payloads.IssuesDelivery) -> str:
    """Tell the listeners (stories pushed as issues) that an issue of the projects' repository changed."""
    issue = delivery.issue
    if issue.pull_request is not None:
        return "a pull request's issue event"
    for project in projects:
        key = f"{project.id}:{issue.number}:{delivery.action}:{utcnow().timestamp()}"
        args = (str(project.id), issue.number, delivery.action)
        jobs.emit_after_commit(session, ISSUE_CHANGED, *args, key=key)
    return f"issue {issue.number} {delivery.action}"


def _apply_pull(session: Session, projects: list[Project], pull: payloads.PullRequest, action: str) -> str:
    """Tell the listeners (stories and docs pushed as pull requests) where a pull request of the repository
    stands, and (the docs check) that its head moved."""
    merged_at = pull.merged_at.isoformat() if pull.merged_at else ""
    head = pull.head.sha if pull.head and action in HEAD_MOVED else ""
    for project in projects:
        key = f"{project.id}:pull:{pull.number}:{pull.outcome}:{utcnow().timestamp()}"
        args = (str(project.id), pull.number, pull.outcome, merged_at, pull.merge_commit_sha or "")
        jobs.emit_after_commit(session, PULL_CHANGED, *args, key=key)
        if head:
            moved = (str(project.id), pull.number, head)
            jobs.emit_after_commit(session, PULL_HEAD, *moved, key=f"{key}:{head}")
    return f"pull request {pull.number} {pull.outcome}"


def _apply_push(session: Session, project: Project, push: payloads.PushDelivery) -> str:
    """Runs of the pushed commit learn its time (lead time needs it) if they do not know it yet."""
    when = push.head_commit.timestamp if push.head_commit else None
    if not push.after or when is None:
        return "push without a head commit"
    session.execute(
        update(WorkflowExecution)
        .where(
            col(WorkflowExecution.project_id) == project.id,
            col(WorkflowExecution.head_sha) == push.after[:40],
            col(WorkflowExecution.head_commit_time).is_(None),
        )
        .values(head_commit_time=when)
    )
    args = (str(project.id), push.ref, push.after, push.repository.default_branch)
    jobs.emit_after_commit(session, PUSHED, *args, key=f"{project.id}:push:{push.after}")
    return f"push {push.after[:7]}"
