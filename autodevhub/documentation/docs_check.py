"""The docs check: commit status `autodevhub/docs` on a pull request's head. A pull request that changes a
source of an API page (the page's version_info sources) without touching that page's file fails, naming
the stale pages; any other succeeds. The overview is left out: it reads every file, so any change would
fail it. The audit row goes before GitHub is asked, the outcome after."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlmodel import select

from autodevhub.core import audit
from autodevhub.core.db import session_scope
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.integrations import github
from autodevhub.models import Documentation, Project
from autodevhub.projects import github_access

CONTEXT = "autodevhub/docs"
MAX_DESCRIPTION = 140  # GitHub's limit
CHECKER = Actor(None, None, "docs check")


def stale_pages(pages: Iterable[tuple[str, Iterable[str]]], changed: set[str]) -> list[str]:
    """The page files whose sources `changed` holds while it leaves the page itself alone."""
    return sorted(path for path, sources in pages if path not in changed and changed.intersection(sources))


def verdict(stale: list[str]) -> tuple[str, str]:
    """The status's state and description (cut to GitHub's 140 characters)."""
    if not stale:
        return "success", "The docs pages of the changed sources are up to date."
    text = f"{len(stale)} docs page(s) not updated: " + ", ".join(stale)
    return "failure", text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def check_pull(project_id: str, number: int, head_sha: str) -> str:
    """Post the docs check on the pull request's head (projects with docs from their repository only)."""
    with session_scope() as session:
        project = session.get(Project, uuid.UUID(project_id))
        if project is None or not project.repo:
            return "no project"
        query = select(Documentation.file_path, Documentation.version_info).where(
            Documentation.project_id == project.id, Documentation.doc_type != "overview"
        )
        pages = [
            (str(path), list(info.get("sources") or {}))
            for path, info in session.exec(query)
            if path and str(info.get("repository") or "").lower() == project.repo.lower()
        ]
        if not pages:
            return "no docs from this repository"
        audit.record(session, CHECKER, "docs.check", "project", project.id, number=number, sha=head_sha[:40])
        repo = github.lazy_repository(project.repo, github_access.token_for(project))
        key = project.id
    try:
        with github.translated_errors():
            changed = set()
            for item in repo.get_pull(number).get_files():
                changed.add(item.filename)
                if item.previous_filename:
                    changed.add(item.previous_filename)
            state, description = verdict(stale_pages(pages, changed))
            base = get_settings().base_url.rstrip("/")
            target = {"target_url": f"{base}/docs"} if base.startswith(("http://", "https://")) else {}
            repo.get_commit(head_sha).create_status(state, description=description, context=CONTEXT, **target)
    except github.GitHubDown:
        raise
    except github.GitHubError as error:
        outcome = f"failed: {error.message}"
    else:
        outcome = f"{state}: {description}"
    with session_scope() as session:
        told = outcome[:300]
        audit.record(session, CHECKER, "docs.check.result", "project", key, number=number, outcome=told)
    return outcome
