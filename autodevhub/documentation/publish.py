"""A project's saved pages landing as one pull request from `autodevhub/docs` (members and up).

The files are committed through the git data API (github_git: nothing written when the branch holds them);
the branch's one open pull request is updated, or a new one opened (after a person closed the last one).
A branch force-pushed by a person (its head no longer holds our last commit) is left alone with its commits
and the docs go to a new branch, autodevhub/docs-2 and on, which the pull request says.

Like every outside call: the audit row and the claim are committed before GitHub is asked, the outcome
after; no transaction stays open across the calls. Where the pull request stands lives in the project's
settings under "docs_pr"; opening or updating it emits DOCS_PUBLISHED (the notifications tell of it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from github.Repository import Repository
from sqlmodel import Session, select

from autodevhub.auth.guard import require_project
from autodevhub.auth.permissions import Permission
from autodevhub.core import audit, jobs
from autodevhub.core.db import end_transaction
from autodevhub.core.errors import Conflict, InvalidInput
from autodevhub.core.identity import Actor, Identity
from autodevhub.documentation import publish_tree
from autodevhub.documentation.publish_tree import PageFile
from autodevhub.documentation.sources import refused_name
from autodevhub.integrations import github, github_git
from autodevhub.models import Documentation, Project, utcnow
from autodevhub.projects import github_access

KEY = "docs_pr"
BRANCH = "autodevhub/docs"
MAX_BRANCHES = 20
PENDING_FOR = timedelta(minutes=2)  # a publish still pending after this is taken over by the next one
DOCS_PUBLISHED = "documentation.pr_published"  # topic: project id, number, url, opened|updated, pages changed


@dataclass(frozen=True)
class Outcome:
    """What GitHub holds after a publish: the pull request, its branch, our commit (None: nothing new)."""

    pull: github_git.PullData | None  # None: the default branch holds these docs already
    branch: str
    commit: str | None
    head: str
    plan: publish_tree.Plan
    note: str


def pr_status(session: Session, identity: Identity | None, project_id: object) -> dict[str, Any]:
    """The project's docs pull request as last seen: {number, url, state, branch, note, error, published_at}
    (empty values before any publish); DOCS_READ on the project."""
    project = require_project(session, identity, Permission.DOCS_READ, project_id)
    state = project.settings.get(KEY) or {}
    shown = ("number", "url", "state", "branch", "note", "error", "published_at")
    return {name: state.get(name) for name in shown}


def publish(session: Session, actor: Actor, project_id: object, reason: str = "") -> dict[str, Any]:
    """Commit the project's pages on its docs branch and open or update the pull request: {number, url,
    state, branch, commit, changed, note}. Refused without a repository or pages, and while one runs."""
    project = require_project(session, actor.identity, Permission.DOCS_WRITE, project_id)
    if not project.repo:
        raise InvalidInput("Link a GitHub repository (owner/name) to the project first.")
    pages = _pages(session, project.id)
    if not pages:
        raise InvalidInput("The project has no docs yet: generate them first.")
    state = _claim(session, project)
    audit.record(session, actor, "docs.publish", "project", project.id, repo=project.repo, reason=reason)
    key, full_name, name = project.id, project.repo, project.name
    repo = github.lazy_repository(full_name, github_access.token_for(project))
    end_transaction(session)  # the claim and the audit row first: unsaved, GitHub is not asked
    try:
        outcome = _send(repo, full_name, name, state, pages, reason)
    except github.GitHubError as error:
        _save(session, key, {"pending_at": None, "error": error.message[:500]})
        failed = f"failed: {error.message}"
        audit.record(session, actor, "docs.publish.result", "project", key, outcome=failed)
        end_transaction(session)
        raise
    pull, changed = outcome.pull, len(outcome.plan.changes) if outcome.commit else 0
    if pull is None:
        _save(session, key, {"pending_at": None, "error": "", "published_at": utcnow().isoformat()})
        audit.record(session, actor, "docs.publish.result", "project", key, outcome="up to date")
        note = "The default branch holds these docs already."
        return {"number": None, "url": "", "state": "up to date", "branch": outcome.branch, "commit": None,
                "changed": 0, "note": note}  # fmt: skip
    action = "opened" if pull.number != state.get("number") else "updated" if outcome.commit else None
    shown = {"number": pull.number, "url": pull.url, "state": pull.state, "branch": outcome.branch}
    changes = outcome.plan.changes if outcome.commit else state.get("changes", [])
    kept = {"commit": outcome.head, "pages": outcome.plan.written, "changes": changes, "note": outcome.note}
    when = {"pending_at": None, "error": "", "published_at": utcnow().isoformat()}
    _save(session, key, {**shown, **kept, **when})
    audit.record(
        session, actor, "docs.publish.result", "project", key, outcome=action or "unchanged", changed=changed,
        number=pull.number, branch=outcome.branch,
    )  # fmt: skip
    if action and pull.state == "open":
        args = (str(key), pull.number, pull.url, action, changed)
        jobs.emit_after_commit(session, DOCS_PUBLISHED, *args, key=f"{key}:{pull.number}:{outcome.head}")
    return {**shown, "commit": outcome.commit, "changed": changed, "note": outcome.note}


def follow(session: Session, project_id: uuid.UUID, number: int, state: str) -> bool:
    """A pull request webhook: the docs pull request's state (open, closed, merged; merged stays)."""
    project = session.get(Project, project_id, with_for_update=True)
    recorded = (project.settings.get(KEY) or {}) if project else {}
    if project is None or recorded.get("number") != number or recorded.get("state") == "merged":
        return False
    project.settings = {**project.settings, KEY: {**recorded, "state": state}}
    session.add(project)
    return True


def _pages(session: Session, project_id: uuid.UUID) -> list[PageFile]:
    query = select(Documentation).where(Documentation.project_id == project_id)
    rows = [row for row in session.exec(query) if row.file_path and not refused_name(row.file_path)]
    rows.sort(key=lambda row: (row.doc_type != "overview", row.file_path))
    return [
        PageFile(str(row.file_path), row.title, row.content, dict(row.version_info.get("sources") or {}))
        for row in rows
    ]


def _claim(session: Session, project: Project) -> dict[str, Any]:
    """The recorded state, claimed for this publish; a publish under way refuses a second (409)."""
    locked = session.get(Project, project.id, with_for_update=True) or project
    state = dict(locked.settings.get(KEY) or {})
    pending = state.get("pending_at")
    if pending and utcnow() - datetime.fromisoformat(pending) < PENDING_FOR:
        raise Conflict("The docs are being published already; try again in a minute.")
    locked.settings = {**locked.settings, KEY: {**state, "pending_at": utcnow().isoformat()}}
    session.add(locked)
    return state


def _save(session: Session, project_id: uuid.UUID, fields: dict[str, Any]) -> None:
    project = session.get(Project, project_id, with_for_update=True)
    if project is not None:
        project.settings = {**project.settings, KEY: {**(project.settings.get(KEY) or {}), **fields}}
        session.add(project)


def _send(
    repo: Repository, full_name: str, site: str, state: dict[str, Any], pages: list[PageFile], reason: str
) -> Outcome:
    """Commit the files (merged into the branch's) and open or update the pull request."""
    base = github_git.default_branch(repo)
    branch, note = state.get("branch") or BRANCH, ""
    head = github_git.branch_head(repo, branch)
    last = state.get("commit")
    if head and last and head != last and not _contains(repo, head, last):
        moved = branch
        branch = _free_branch(repo)
        head, note = (
            None,
            (
                f"`{moved}` was force-pushed by someone else: its commits are kept there untouched, and the "
                f"docs now go to `{branch}`."
            ),
        )
    start = head or github_git.branch_head(repo, base)
    if start is None:
        raise github.GitHubError(f"The branch {base} does not exist in the repository.")
    _, present = github_git.tree_of(repo, start)
    previous = state.get("pages") or {}

    def read(sha: str) -> str:
        return github_git.blob_bytes(repo, sha).decode("utf-8", "replace")

    plan = publish_tree.plan(pages, site, present, previous, read)
    message = "Update the docs" + (f" ({reason})" if reason else "")
    commit = github_git.commit_files(repo, branch, base, plan.files, message, deleted=plan.removed)
    if commit is None and head is None:
        return Outcome(None, branch, None, "", plan, note)
    if commit is None and state.get("number") and state.get("branch") == branch:
        known = github_git.pull(repo, int(state["number"]))
        if known.state == "merged":  # nothing new since it was merged: no pull request to open
            return Outcome(known, branch, None, start, plan, note)
    changes = plan.changes if commit else list(state.get("changes") or [])
    note = note or state.get("note", "")
    text = publish_tree.body(full_name, commit or start, reason, changes, plan.unmarked, note)
    owner = full_name.split("/", 1)[0]
    pull = github_git.open_pull(repo, owner, branch, base, f"Docs: {site}"[:256], text)
    return Outcome(pull, branch, commit, commit or start, plan, note)


def _contains(repo: Repository, head: str, commit: str) -> bool:
    """Whether `head` holds `commit` (a commit GitHub no longer knows is not held)."""
    try:
        return github_git.compare(repo, commit, head).status in ("ahead", "identical")
    except github.GitHubDown:
        raise
    except github.GitHubError as error:
        if "404" in error.message or "422" in error.message:
            return False
        raise


def _free_branch(repo: Repository) -> str:
    for number in range(2, MAX_BRANCHES + 1):
        name = f"{BRANCH}-{number}"
        if github_git.branch_head(repo, name) is None:
            return name
    raise github.GitHubError(f"Branches {BRANCH}-2 to -{MAX_BRANCHES} all exist: delete some, then publish.")
