"""Generating docs in the background: the request (checked, audited, queued) and the run's progress.

A project generates from the local directory its docs were last generated from (an operator ran
`autodevhub docs generate PROJECT --path DIR` on the server): no front door lets a user name a server path.
Otherwise, or when a ref is asked for, it generates from its linked GitHub repository.
Progress lives in the cache (Redis when set, so the app sees what an `autodevhub worker` writes).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from autodevhub.auth.guard import require_project
from autodevhub.auth.permissions import Permission
from autodevhub.core import audit, jobs
from autodevhub.core.cache import get_cache
from autodevhub.core.errors import Conflict, InvalidInput
from autodevhub.core.identity import Actor, Identity
from autodevhub.core.settings import get_settings
from autodevhub.documentation.service import resolve_engine
from autodevhub.documentation.sources.github import checked_ref
from autodevhub.models import Documentation, Project, utcnow

JOB = "docs.generate"
ACTIVE = ("queued", "running")
RUN_TTL_SECONDS = 7 * 86400
STALE_AFTER = timedelta(minutes=35)  # past the workers' 30-minute job timeout: the run was lost
NO_SOURCE = (
    "This project has no documentation source yet: link its GitHub repository in Settings, or on the "
    'server run `autodevhub docs generate "{name}" --path DIR` once; Generate then refreshes from it.'
)
NO_REPOSITORY = "A ref needs the project's GitHub repository: link it in Settings, or leave ref out."


def job_id(project_id: uuid.UUID | str) -> str:
    """One generation per project at a time, whoever asks."""
    return f"docs:{project_id}"


def _key(project_id: uuid.UUID | str) -> str:
    return f"docs.run:{project_id}"


def local_source(session: Session, project_id: uuid.UUID) -> str | None:
    """The directory of the project's latest local generation (recorded in its pages), or None."""
    query = (
        select(Documentation.version_info)
        .where(Documentation.project_id == project_id)
        .order_by(col(Documentation.updated_at).desc())
    )
    for info in session.exec(query):
        if info.get("ref") == "local" and info.get("root"):
            return str(info["root"])
    return None


def source_of(session: Session, project: Project, ref: str | None) -> str:
    """Where a generation reads from: "github" with a ref or without a local source, else "local"; a
    Conflict (or InvalidInput for a ref) saying what to do when the project has neither."""
    if ref is None and local_source(session, project.id) is not None:
        return "local"
    if project.repo:
        return "github"
    if ref is not None:
        raise InvalidInput(NO_REPOSITORY)
    raise Conflict(NO_SOURCE.format(name=project.name))


def write_run(project_id: uuid.UUID | str, **fields: Any) -> None:
    """Merge `fields` into the project's run status (stamped `updated_at`)."""
    cache = get_cache()
    run = cache.get(_key(project_id)) or {}
    cache.set(_key(project_id), {**run, **fields, "updated_at": utcnow().isoformat()}, RUN_TTL_SECONDS)


IDLE = {"job_id": None, "state": "idle", "message": "", "files_read": 0, "pages_written": 0, "tokens": 0}


def _status(stored: dict[str, Any] | None) -> dict[str, Any]:
    run = {**IDLE, **(stored or {})}
    stamp = run.get("updated_at")
    if run.get("state") in ACTIVE and stamp and utcnow() - datetime.fromisoformat(stamp) > STALE_AFTER:
        run = {**run, "state": "failed", "message": "The generation was interrupted; start it again."}
    return run


def run_status(session: Session, identity: Identity | None, project_id: object) -> dict[str, Any]:
    """The project's latest generation: job_id, state (idle, queued, running, done, failed), message,
    files_read, pages_written and, once done, pages and changed; DOCS_READ on the project."""
    project = require_project(session, identity, Permission.DOCS_READ, project_id)
    return current_run(project.id)


def current_run(project_id: uuid.UUID | str) -> dict[str, Any]:
    """The project's run status as stored, for jobs (the caller checks who may see it)."""
    return _status(get_cache().get(_key(project_id)))


def request_generation(
    session: Session, actor: Actor, project_id: object, *, ref: str | None = None, engine: str = "auto"
) -> dict[str, Any]:
    """Queue a generation of the project's docs (DOCS_WRITE); {job_id, queued}, queued False while one
    runs. Refused, with the reason: an unknown engine, claude without ANTHROPIC_API_KEY, a ref that is no
    git ref name or without a repository, no source. The job resolves auto and the source again."""
    project = require_project(session, actor.identity, Permission.DOCS_WRITE, project_id)
    resolve_engine(engine, get_settings())
    ref = checked_ref(ref)
    source = source_of(session, project, ref)
    key = job_id(project.id)
    if _status(get_cache().get(_key(project.id)))["state"] in ACTIVE:
        return {"job_id": key, "queued": False}
    where = {"ref": ref} if ref else {}
    audit.record(
        session, actor, "docs.generate.request", "project", project.id, source=source, engine=engine, **where
    )
    write_run(project.id, job_id=key, state="queued", message="Queued.", files_read=0, pages_written=0)
    try:
        args = (str(project.id), str(actor.user_id), actor.ip, actor.user_agent, engine, ref)
        queued = jobs.enqueue(JOB, *args, job_id=key)
    except jobs.JobsUnavailable as error:
        write_run(project.id, state="failed", message=error.message)
        raise
    return {"job_id": key, "queued": queued}
