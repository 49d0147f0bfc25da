"""Generating docs in the background: the request (checked, audited, queued) and the run's progress.

A project generates from the local directory its docs were last generated from (an operator ran
`autodevhub docs generate PROJECT --path DIR` on the server): no front door lets a user name a server path.
GitHub sources are not built yet, so a project without a local source is refused with a message saying so.
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
from autodevhub.models import Documentation, utcnow

JOB = "docs.generate"
ACTIVE = ("queued", "running")
RUN_TTL_SECONDS = 7 * 86400
STALE_AFTER = timedelta(minutes=35)  # past the workers' 30-minute job timeout: the run was lost
GITHUB_NOT_YET = (
    "Generating docs from a GitHub repository is not supported yet. On the server, run "
    '`autodevhub docs generate "{name}" --path CHECKOUT` once; Generate then refreshes from that checkout.'
)
NO_SOURCE = (
    "This project has no documentation source yet. On the server, run "
    '`autodevhub docs generate "{name}" --path DIR` once; Generate then refreshes from that directory.'
)


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
    return _status(get_cache().get(_key(project.id)))


def request_generation(
    session: Session, actor: Actor, project_id: object, *, ref: str | None = None, engine: str = "auto"
) -> dict[str, Any]:
    """Queue a generation of the project's docs (DOCS_WRITE); {job_id, queued}, queued False while one
    runs. Refused, with the reason: an unknown engine, claude without ANTHROPIC_API_KEY, a ref (local
    sources have none), no source. The job resolves auto again when it runs."""
    project = require_project(session, actor.identity, Permission.DOCS_WRITE, project_id)
    resolve_engine(engine, get_settings())
    if ref:
        raise InvalidInput("A ref needs a GitHub source, which is not supported yet: leave ref out.")
    if local_source(session, project.id) is None:
        raise Conflict((GITHUB_NOT_YET if project.repo else NO_SOURCE).format(name=project.name))
    key = job_id(project.id)
    if _status(get_cache().get(_key(project.id)))["state"] in ACTIVE:
        return {"job_id": key, "queued": False}
    audit.record(
        session, actor, "docs.generate.request", "project", project.id, source="local", engine=engine
    )
    write_run(project.id, job_id=key, state="queued", message="Queued.", files_read=0, pages_written=0)
    try:
        args = (str(project.id), str(actor.user_id), actor.ip, actor.user_agent, engine)
        queued = jobs.enqueue(JOB, *args, job_id=key)
    except jobs.JobsUnavailable as error:
        write_run(project.id, state="failed", message=error.message)
        raise
    return {"job_id": key, "queued": queued}
