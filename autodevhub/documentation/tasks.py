"""The docs job: generate a project's pages from its local source or its GitHub repository, telling the run's
progress as it goes."""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session

from autodevhub.auth.guard import parse_id
from autodevhub.auth.sessions import identity_of
from autodevhub.core import jobs
from autodevhub.core.db import session_scope
from autodevhub.core.errors import NotAuthenticated, ServiceError
from autodevhub.core.identity import Actor, Identity
from autodevhub.documentation import runs, service
from autodevhub.documentation.engine.claude import describe
from autodevhub.models import Project, User, utcnow

FAILED = "The generation failed on the server; its log says why."
logger = logging.getLogger(__name__)


def requester_identity(session: Session, user_id: str) -> Identity:
    """Who asked, as they are now: a deactivated account generates nothing."""
    user = session.get(User, parse_id(user_id, "User"))
    if user is None or not user.is_active:
        raise NotAuthenticated("The account that asked for this generation is no longer active.")
    return identity_of(user)


def _generate(
    project_id: str,
    user_id: str,
    ip: str | None,
    user_agent: str | None,
    progress: service.Progress,
    engine: str,
    ref: str | None,
) -> service.Generation:
    with session_scope() as session:
        actor = Actor.of(requester_identity(session, user_id), ip, user_agent)
        project = session.get(Project, parse_id(project_id, "Project"))
        if project is None:
            raise ServiceError("The project no longer exists.")
        if runs.source_of(session, project, ref) == "github":
            return service.generate_from_github(session, actor, project_id, ref, progress, engine)
        root = runs.local_source(session, project.id) or ""
        return service.generate_from_directory(session, actor, project_id, root, progress, engine)


@jobs.job(runs.JOB, max_tries=1, keep_result=0)
def generate(
    project_id: str,
    user_id: str,
    ip: str | None,
    user_agent: str | None,
    engine: str = "auto",
    ref: str | None = None,
) -> dict[str, Any]:
    """Generate the project's docs as the user who asked (their role checked again now), at `ref` (a
    GitHub source) when given."""

    def progress(**fields: Any) -> None:
        runs.write_run(project_id, **fields)

    progress(state="running", message="Reading the source files.", started_at=utcnow().isoformat())
    try:
        generation = _generate(project_id, user_id, ip, user_agent, progress, engine, ref)
    except ServiceError as error:
        progress(state="failed", message=error.message, finished_at=utcnow().isoformat())
        return {"error": error.message}
    except Exception:
        logger.exception("docs generation of project %s failed", project_id)
        progress(state="failed", message=FAILED, finished_at=utcnow().isoformat())
        raise
    written = len(generation.pages)
    message = f"{written} pages written from {generation.stats['files_read']} files"
    if generation.source.get("commit"):
        message += f" of {service.origin(generation.source)}"
    message += "."
    if generation.skipped:
        message += " Skipped: " + ", ".join(f"{n} {why}" for why, n in generation.skipped.items()) + "."
    if generation.claude is not None:
        message += " " + describe(generation.claude)
    progress(
        state="done",
        message=message,
        pages_written=written,
        tokens=generation.stats["tokens"],
        finished_at=utcnow().isoformat(),
    )
    return {"pages": written, "stats": generation.stats}
