"""A story on GitHub, as an issue or as a pull request adding its tagged .feature file: pushed once (a
double click or a retried push never makes a second issue or pull request), kept up to date after edits,
and the issue's state moving the story (closed -> done, reopened -> in progress). Maintainers and up push;
the credential is the project's (github_access).

Like every outside call: the audit row and the claimed link are committed before GitHub is asked, the
outcome after; no transaction stays open across the call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Literal, Protocol

from github.Repository import Repository
from pydantic import BaseModel
from sqlmodel import Session, select

from autodevhub.auth.permissions import Permission
from autodevhub.core import audit
from autodevhub.core.db import end_transaction, session_scope
from autodevhub.core.errors import Conflict, InvalidInput
from autodevhub.core.identity import Actor
from autodevhub.integrations import github, github_git, github_issues
from autodevhub.models import LinkState, LinkTarget, Project, StoryLink, UserStory, utcnow
from autodevhub.projects import github_access
from autodevhub.stories.push_content import LABEL, digest, issue_content, marker, pull_content
from autodevhub.stories.service import load_story

PENDING_FOR = timedelta(minutes=2)  # a push still pending after this is taken over by the next one


class PushRequest(BaseModel):
    """Where to push: an issue, or a pull request adding the story's tagged .feature file."""

    target: Literal["issue", "pull_request"] = "issue"


class Pushed(Protocol):
    number: int
    url: str
    state: str


def push(session: Session, actor: Actor, story_id: uuid.UUID | str, request: PushRequest) -> dict:
    """Create the story's issue or pull request, or update the one it has: {target, number, url, state}."""
    story = load_story(session, actor.identity, story_id, Permission.STORY_PUSH)
    target = LinkTarget(request.target)
    project = session.get(Project, story.project_id)
    if project is None or not project.repo:
        raise InvalidInput("Link a GitHub repository (owner/name) to the project first.")
    token = github_access.token_for(project)
    link, retried = _claim(session, story, project.repo, target)
    audit.record(session, actor, "story.push", "story", story.id, target=target.value, repo=project.repo)
    send = (
        _issue_sender(story, link, retried)
        if target is LinkTarget.issue
        else _pull_sender(story, project.repo, link.number)
    )
    sid, link_id = story.id, link.id
    repo = github.lazy_repository(project.repo, token)
    end_transaction(session)  # the claim and the audit row first: unsaved, GitHub is not asked
    try:
        pushed, sent = send(repo)
    except github.GitHubError as error:
        _failed(session, link_id, error.message)
        audit.record(session, actor, "story.push.result", "story", sid, outcome=f"failed: {error.message}")
        end_transaction(session)
        raise
    _pushed(session, link_id, pushed, sent)
    audit.record(session, actor, "story.push.result", "story", sid, outcome="pushed", number=pushed.number)
    return {"target": target.value, "number": pushed.number, "url": pushed.url, "state": pushed.state}


Sender = Callable[[Repository], tuple[Pushed, str]]


def _issue_sender(story: UserStory, link: StoryLink, retried: bool) -> Sender:
    """Update the story's issue, or create it (unless a push that failed to save it did create it)."""
    title, body, labels = issue_content(story)
    sid, number, since = story.id, link.number, link.created_at - PENDING_FOR

    def send(repo: Repository) -> tuple[Pushed, str]:
        if number is not None:
            issue = github_issues.update_issue(repo, number, title, body, labels)
        else:
            found = github_issues.find_issue(repo, marker(sid), LABEL, since) if retried else None
            issue = found or github_issues.create_issue(repo, title, body, labels)
        return issue, digest(title, body, *labels)

    return send


def _pull_sender(story: UserStory, full_name: str, number: int | None) -> Sender:
    """Commit the .feature file on the story's branch (nothing when it holds it already) and open its pull
    request into the default branch, or update the open one. Once its pull request `number` was merged,
    an edit is committed on the default branch's head (the branch moved there) and opens a fresh pull
    request; with no edit since, the merged one is the answer."""
    content = pull_content(story)
    owner = full_name.split("/", 1)[0]

    def send(repo: Repository) -> tuple[Pushed, str]:
        base = github_git.default_branch(repo)
        files = {content.path: content.text}
        merged = github_git.pull(repo, number) if number is not None else None
        merged = merged if merged is not None and merged.state == "merged" else None
        commit = github_git.commit_files(
            repo, content.branch, base, files, content.message, from_base=merged is not None
        )
        pull = (
            merged
            if merged is not None and commit is None
            else github_git.open_pull(repo, owner, content.branch, base, content.title, content.body)
        )
        return pull, digest(content.path, content.text, content.title, content.body)

    return send


def links_of(session: Session, story_id: uuid.UUID) -> list[dict]:
    """The story's GitHub links, for its page and the API."""
    rows = session.exec(select(StoryLink).where(StoryLink.story_id == story_id))
    return [
        {"target": row.target.value, "number": row.number, "url": row.url, "state": row.state.value}
        for row in rows
        if row.number is not None
    ]


def refresh_issue(story_id: str) -> str:
    """The job after a story changed: bring its issue's title, body and labels up to date (no request
    when nothing GitHub shows changed)."""
    with session_scope() as session:
        story = session.get(UserStory, uuid.UUID(story_id))
        link = _link(session, story.id) if story is not None else None
        if story is None or link is None or link.number is None:
            return "no issue"
        title, body, labels = issue_content(story)
        if digest(title, body, *labels) == link.pushed_digest:
            return "unchanged"
        project = session.get(Project, story.project_id)
        if project is None or project.repo != link.repo:
            return "the repository changed"
        repo = github.lazy_repository(link.repo, github_access.token_for(project))
        number, link_id = link.number, link.id
    try:
        issue = github_issues.update_issue(repo, number, title, body, labels)
    except github.GitHubDown:
        raise
    except github.GitHubError as error:
        with session_scope() as session:
            _failed(session, link_id, error.message)
        return f"failed: {error.message}"
    with session_scope() as session:
        _pushed(session, link_id, issue, digest(title, body, *labels))
    return f"issue {number} updated"


def _link(session: Session, story_id: uuid.UUID, target: LinkTarget = LinkTarget.issue) -> StoryLink | None:
    query = select(StoryLink).where(StoryLink.story_id == story_id, StoryLink.target == target)
    return session.exec(query).first()


def _claim(session: Session, story: UserStory, repo: str, target: LinkTarget) -> tuple[StoryLink, bool]:
    """The story's link to `target`, claimed for this push; True when an earlier push may have created the
    issue without saving its number. A push under way refuses a second (409); so does the database when
    two first pushes race (one link per story and target)."""
    link = _link(session, story.id, target)
    if link is None:
        link = StoryLink(story_id=story.id, project_id=story.project_id, target=target, repo=repo)
        session.add(link)
        session.flush()
        return link, False
    if link.state is LinkState.pending and utcnow() - link.updated_at < PENDING_FOR:
        raise Conflict("This story is being pushed already; try again in a minute.")
    if link.repo != repo:  # the project moved to another repository: a new issue there
        link.repo, link.number, link.url = repo, None, ""
    retried = link.number is None and link.state is LinkState.pending
    link.state, link.updated_at = LinkState.pending, utcnow()
    session.add(link)
    return link, retried


def _pushed(session: Session, link_id: uuid.UUID, pushed: Pushed, sent: str) -> None:
    link = session.get(StoryLink, link_id)
    if link is not None:
        link.number, link.url, link.pushed_digest, link.error = pushed.number, pushed.url, sent, ""
        link.state = LinkState(pushed.state) if pushed.state in LinkState.__members__ else LinkState.open
        session.add(link)


def _failed(session: Session, link_id: uuid.UUID, message: str) -> None:
    """Keep the error; a link that never got an issue stays pending (the next push looks for one)."""
    link = session.get(StoryLink, link_id)
    if link is not None:
        link.error = message[:500]
        if link.number is not None:
            link.state = LinkState.open
        link.updated_at = utcnow() - PENDING_FOR  # the next push may go at once
        session.add(link)
