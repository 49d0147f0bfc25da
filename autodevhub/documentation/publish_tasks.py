"""The docs jobs that follow GitHub: a push to the default branch refreshes docs generated from GitHub and
publishes them (one refresh per project at a time: a burst of pushes gives one run at the newest head), a
pull request's new head gets the docs check, and the docs pull request's state follows its webhooks."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlmodel import Session, col, select

from autodevhub.auth.guard import parse_id
from autodevhub.core import jobs
from autodevhub.core.cache import get_cache
from autodevhub.core.db import session_scope
from autodevhub.core.errors import Conflict, ServiceError
from autodevhub.core.identity import Actor
from autodevhub.documentation import docs_check, publish, runs, service
from autodevhub.documentation.tasks import requester_identity
from autodevhub.integrations import github
from autodevhub.models import AuditLog, Documentation, Project, utcnow
from autodevhub.workflows.github.webhooks import PULL_CHANGED, PULL_HEAD, PUSHED

REFRESH = "docs.refresh"
WANTED_TTL = 86400
ACTED_BY = ("docs.generate", "docs.generate.request", "docs.publish")  # who last looked after the docs
logger = logging.getLogger(__name__)


def _wanted(project_id: str) -> str:
    return f"docs.refresh.wanted:{project_id}"


def github_docs(session: Session, project: Project) -> bool:
    """Whether the project's docs were generated from its GitHub repository."""
    infos = session.exec(select(Documentation.version_info).where(Documentation.project_id == project.id))
    repo = (project.repo or "").lower()
    return any(str(info.get("repository") or "").lower() == repo and info.get("commit") for info in infos)


def _caretaker(session: Session, project_id: uuid.UUID) -> Actor | None:
    """The refresh acts for the person who last generated or published the docs (their role checked now)."""
    query = (
        select(AuditLog.user_id)
        .where(
            col(AuditLog.action).in_(ACTED_BY),
            AuditLog.resource_type == "project",
            AuditLog.resource_id == str(project_id),
            col(AuditLog.user_id).is_not(None),
        )
        .order_by(col(AuditLog.id).desc())
        .limit(1)
    )
    user_id = session.exec(query).first()
    if not user_id:
        return None
    return Actor.of(requester_identity(session, str(user_id)), None, "github push webhook")


@jobs.job("docs.pushed", max_tries=3, listens=PUSHED)
def pushed(project_id: str, ref: str, after: str, default_branch: str) -> str:
    """A push: to the default branch of a project with docs from GitHub, queue its refresh."""
    if not default_branch or ref != f"refs/heads/{default_branch}":
        return "not the default branch"
    with session_scope() as session:
        project = session.get(Project, parse_id(project_id, "Project"))
        if project is None or not github_docs(session, project):
            return "no docs from GitHub"
    get_cache().set(_wanted(project_id), after, WANTED_TTL)
    queued = jobs.enqueue(REFRESH, project_id, default_branch, job_id=f"{REFRESH}:{project_id}")
    return f"refresh {'queued' if queued else 'already queued'} for {after[:7]}"


@jobs.job(REFRESH, max_tries=8, keep_result=0)
def refresh(project_id: str, branch: str) -> str:
    """Regenerate from the default branch's head and publish; again while a newer push came meanwhile."""
    run = _run(project_id)
    if run["state"] in runs.ACTIVE and not run.get("refresh"):
        raise jobs.RetryLater("a generation of the project is running", defer=60)  # Claude runs take minutes
    wanted = str(get_cache().get(_wanted(project_id)) or "")

    def progress(**fields: object) -> None:
        runs.write_run(project_id, **fields)

    told = f"A push to {branch}: regenerating from GitHub."
    progress(job_id=runs.job_id(project_id), state="running", refresh=True, files_read=0, pages_written=0,
             message=told, started_at=utcnow().isoformat())  # fmt: skip
    try:
        with session_scope() as session:
            actor = _caretaker(session, parse_id(project_id, "Project"))
            if actor is None:
                raise ServiceError("Nobody has generated these docs yet: generate them once first.")
            generation = service.generate_from_github(session, actor, project_id, None, progress, "auto")
        with session_scope() as session:
            commit = str(generation.source.get("commit") or "")
            done = publish.publish(session, actor, project_id, f"push {commit[:7]} to {branch}")
    except Conflict as error:
        raise jobs.RetryLater(error.message, defer=30) from error
    except github.GitHubDown as error:
        progress(state="failed", refresh=False, message=error.message, finished_at=utcnow().isoformat())
        raise jobs.RetryLater(error.message) from error
    except ServiceError as error:
        progress(state="failed", refresh=False, message=error.message, finished_at=utcnow().isoformat())
        return f"failed: {error.message}"
    told = f"pull request #{done['number']}" if done["number"] else done["note"]
    message = f"{len(generation.pages)} pages from {branch} at {commit[:7]}; docs: {told}."
    progress(state="done", refresh=False, message=message, pages_written=len(generation.pages),
             finished_at=utcnow().isoformat())  # fmt: skip
    newest = str(get_cache().get(_wanted(project_id)) or "")
    if newest and newest != wanted and not commit.startswith(newest):
        raise jobs.RetryLater("a newer push arrived", defer=1)
    return message


def _run(project_id: str) -> dict[str, Any]:
    """The project's generation run as the Docs page shows it (refresh True while a refresh runs it)."""
    return runs.current_run(project_id)


@jobs.job("docs.pull_check", max_tries=4, listens=PULL_HEAD)
def pull_check(project_id: str, number: int, head_sha: str) -> str:
    try:
        return docs_check.check_pull(project_id, number, head_sha)
    except github.GitHubDown as error:
        raise jobs.RetryLater(error.message) from error


@jobs.job("docs.pull_state", max_tries=3, listens=PULL_CHANGED)
def pull_state(project_id: str, number: int, state: str, merged_at: str, merge_sha: str) -> str:
    """The docs pull request's state follows GitHub (open, closed, merged)."""
    with session_scope() as session:
        followed = publish.follow(session, uuid.UUID(project_id), number, state)
    return f"docs pull request {state}" if followed else "not the docs pull request"
