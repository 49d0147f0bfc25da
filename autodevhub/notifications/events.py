"""What is worth telling: the events (their names are part of the API) and the message of each.

No noise: a run's failure is told once per workflow + branch streak (`run.failed` for the first failed run
after a success or with no history), the streak's later failures are counted into the `run.recovered`
message of its first success. Every event carries a dedupe key: told twice, it is sent once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session, col, select

from autodevhub.core.settings import get_settings
from autodevhub.models import Project, RunStatus, User, UserStory, Workflow, WorkflowExecution
from autodevhub.workflows.metrics.dora import deploys

RUN_FAILED = "run.failed"
RUN_RECOVERED = "run.recovered"
DEPLOY_SUCCEEDED = "deploy.succeeded"
DEPLOY_FAILED = "deploy.failed"
DOCS_PR = "docs.pr"
STORY_STATUS = "story.status"
SYNC_DELAYED = "sync.delayed"
EVENTS = (RUN_FAILED, RUN_RECOVERED, DEPLOY_SUCCEEDED, DEPLOY_FAILED, DOCS_PR, STORY_STATUS, SYNC_DELAYED)
FAILED = frozenset({"failure", "timed_out", "startup_failure"})
SUCCEEDED = "success"
HISTORY = 200  # runs looked back at to count a streak


@dataclass(frozen=True)
class Event:
    """One thing that happened, ready to fan out to channels and inboxes."""

    name: str
    project_id: uuid.UUID
    dedupe_key: str
    title: str
    body: str
    link: str
    workflow: str = ""
    branch: str = ""


def project_link(project_id: uuid.UUID) -> str:
    """The project's AutoDevHub page."""
    return f"{get_settings().base_url}/projects/{project_id}"


def run_events(session: Session, run: WorkflowExecution) -> list[Event]:
    """The events a completed run makes: a streak's failure or recovery, and a deploy's outcome."""
    if run.status is not RunStatus.completed or (
        run.conclusion not in FAILED and run.conclusion != SUCCEEDED
    ):
        return []
    failed = run.conclusion in FAILED
    earlier = _earlier_failures(session, run)
    events = []
    if failed and earlier == 0:
        events.append(_run_event(session, run, RUN_FAILED, "failed"))
    elif not failed and earlier:
        events.append(_run_event(session, run, RUN_RECOVERED, f"recovered after {earlier} failed run(s)"))
    if _is_deploy(session, run):
        name = DEPLOY_FAILED if failed else DEPLOY_SUCCEEDED
        events.append(_run_event(session, run, name, "deploy failed" if failed else "deployed"))
    return events


def _earlier_failures(session: Session, run: WorkflowExecution) -> int:
    """How many failed runs of the same workflow and branch came just before `run`, since the last success."""
    query = (
        select(WorkflowExecution.conclusion)
        .where(
            WorkflowExecution.workflow_id == run.workflow_id,
            WorkflowExecution.branch == run.branch,
            WorkflowExecution.id != run.id,
            WorkflowExecution.status == RunStatus.completed,
            col(WorkflowExecution.conclusion).in_([*FAILED, SUCCEEDED]),
            col(WorkflowExecution.run_number) < (run.run_number or 0),
        )
        .order_by(col(WorkflowExecution.run_number).desc())
        .limit(HISTORY)
    )
    count = 0
    for conclusion in session.exec(query):
        if conclusion == SUCCEEDED:
            break
        count += 1
    return count


def _is_deploy(session: Session, run: WorkflowExecution) -> bool:
    project = session.get(Project, run.project_id)
    if project is None:
        return False
    ids, branch = deploys(session, [project])[project.id]
    return run.workflow_id in ids and (not branch or run.branch == branch)


def _run_event(session: Session, run: WorkflowExecution, name: str, what: str) -> Event:
    workflow = session.get(Workflow, run.workflow_id)
    project = session.get(Project, run.project_id)
    workflow_name = workflow.name if workflow else "workflow"
    project_name = project.name if project else "project"
    link = project_link(run.project_id)
    lines = [
        f"Project: {project_name}",
        f"Workflow: {workflow_name} #{run.run_number}",
        f"Branch: {run.branch}",
        f"Commit: {run.title} ({run.head_sha[:7]})",
        f"Actor: {run.actor}",
        f"Run on GitHub: {run.html_url}",
        f"In AutoDevHub: {link}",
    ]
    return Event(
        name=name,
        project_id=run.project_id,
        dedupe_key=f"{name}:{run.id}",  # a re-run of the same run tells nothing new
        title=f"[{project_name}] {workflow_name} on {run.branch} {what}"[:300],
        body="\n".join(lines),
        link=link,
        workflow=workflow_name,
        branch=run.branch,
    )


def story_event(session: Session, story: UserStory, old: str, new: str, by: str) -> Event:
    """A story moved from `old` to `new` status (by the user with id `by`, if any)."""
    project = session.get(Project, story.project_id)
    user = session.get(User, uuid.UUID(by)) if by else None
    project_name = project.name if project else "project"
    feature = next((line.strip() for line in story.gherkin_output.splitlines() if line.strip()), "")
    link = f"{get_settings().base_url}/stories/{story.id}"
    lines = [
        f"Project: {project_name}",
        f"Story: {feature or story.feature_description[:200]}",
        f"Status: {old} -> {new}",
        f"By: {user.email if user else 'AutoDevHub'}",
        f"In AutoDevHub: {link}",
    ]
    return Event(
        name=STORY_STATUS,
        project_id=story.project_id,
        dedupe_key=f"{STORY_STATUS}:{story.id}:{new}:{story.updated_at.timestamp()}",
        title=f"[{project_name}] story {old} -> {new}: {feature[:150]}"[:300],
        body="\n".join(lines),
        link=link,
    )


def sync_event(session: Session, project_id: uuid.UUID, message: str, key: str) -> Event:
    """A rate limit or an outage of GitHub held the project's sync back."""
    project = session.get(Project, project_id)
    project_name = project.name if project else "project"
    link = project_link(project_id)
    return Event(
        name=SYNC_DELAYED,
        project_id=project_id,
        dedupe_key=f"{SYNC_DELAYED}:{key}",
        title=f"[{project_name}] GitHub sync held back"[:300],
        body="\n".join([f"Project: {project_name}", f"What happened: {message}", f"In AutoDevHub: {link}"]),
        link=link,
    )


def docs_event(
    session: Session, project_id: uuid.UUID, number: int, url: str, action: str, pages: int
) -> Event:
    """The project's docs pull request was opened or updated (`pages` files changed)."""
    project = session.get(Project, project_id)
    project_name = project.name if project else "project"
    lines = [
        f"Project: {project_name}",
        f"Pull request #{number} {action}: {pages} file(s) changed",
        f"On GitHub: {url}",
        f"In AutoDevHub: {get_settings().base_url}/docs",
    ]
    return Event(
        name=DOCS_PR,
        project_id=project_id,
        dedupe_key=f"{DOCS_PR}:{project_id}:{number}:{action}:{pages}:{url}",
        title=f"[{project_name}] docs pull request #{number} {action}"[:300],
        body="\n".join(lines),
        link=url,
    )
