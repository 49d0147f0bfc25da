"""A story on GitHub as an issue: pushed once (a double click or a retried push never makes a second
issue), its body kept up to date after edits, and the issue's state moving the story (closed -> done,
reopened -> in progress). Maintainers and up push; the credential is the project's (github_access).

Like every outside call: the audit row and the claimed link are committed before GitHub is asked, the
outcome after; no transaction stays open across the call.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel
from sqlmodel import Session, select

from autodevhub.auth.permissions import Permission
from autodevhub.core import audit
from autodevhub.core.db import end_transaction, session_scope
from autodevhub.core.errors import Conflict, InvalidInput
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.integrations import github, github_issues
from autodevhub.integrations.github_issues import IssueData
from autodevhub.models import LinkState, LinkTarget, Project, StoryLink, UserStory, utcnow
from autodevhub.projects import github_access
from autodevhub.stories.service import load_story

LABEL = "user-story"
PENDING_FOR = timedelta(minutes=2)  # a push still pending after this is taken over by the next one
NOT_YET = "Pushing a story as a pull request is not available yet: push it as an issue."


class PushRequest(BaseModel):
    """Where to push: an issue (a pull request with the .feature file comes later)."""

    target: Literal["issue", "pull_request"] = "issue"


def marker(story_id: uuid.UUID) -> str:
    """Hidden in the issue's body: how a retried push finds the issue an earlier attempt created."""
    return f"<!-- autodevhub:story:{story_id} -->"


def issue_content(story: UserStory) -> tuple[str, str, list[str]]:
    """The issue's title (the feature's name), body (narrative, the Gherkin in a fence, a link back, the
    marker) and labels (`user-story` and the story's status)."""
    lines = story.gherkin_output.splitlines()
    feature = next((line.strip() for line in lines if line.strip().startswith("Feature:")), "")
    title = feature.removeprefix("Feature:").strip() or story.feature_description[:80]
    narrative = []
    if feature:
        for line in lines[[line.strip() for line in lines].index(feature) + 1 :]:
            if line.strip().startswith(("Background:", "Scenario", "Rule:", "@", "Example")):
                break
            narrative.append(line.strip())
    fence = "~~~~" if "```" in story.gherkin_output else "```"
    base = get_settings().base_url.rstrip("/")
    parts = [
        "\n".join(narrative).strip() or story.feature_description,
        f"{fence}gherkin\n{story.gherkin_output.rstrip()}\n{fence}",
        f"[The story in AutoDevHub]({base}/stories/{story.id})" if base else "",
        marker(story.id),
    ]
    return title[:256], "\n\n".join(part for part in parts if part), [LABEL, story.status.value]


def digest(title: str, body: str, labels: list[str]) -> str:
    return hashlib.sha256("\0".join([title, body, *labels]).encode()).hexdigest()


def push(session: Session, actor: Actor, story_id: uuid.UUID | str, request: PushRequest) -> dict:
    """Create the story's issue, or update it when the story has one: {target, number, url, state}."""
    story = load_story(session, actor.identity, story_id, Permission.STORY_PUSH)
    if request.target == LinkTarget.pull_request:
        raise InvalidInput(NOT_YET)
    project = session.get(Project, story.project_id)
    if project is None or not project.repo:
        raise InvalidInput("Link a GitHub repository (owner/name) to the project first.")
    token = github_access.token_for(project)
    link, retried = _claim(session, story, project.repo)
    title, body, labels = issue_content(story)
    audit.record(session, actor, "story.push", "story", story.id, target="issue", repo=project.repo)
    sid, number, link_id, since = story.id, link.number, link.id, link.created_at
    repo = github.lazy_repository(project.repo, token)
    end_transaction(session)  # the claim and the audit row first: unsaved, GitHub is not asked
    try:
        found = github_issues.find_issue(repo, marker(sid), LABEL, since - PENDING_FOR) if retried else None
        if number is not None:
            issue = github_issues.update_issue(repo, number, title, body, labels)
        else:
            issue = found or github_issues.create_issue(repo, title, body, labels)
    except github.GitHubError as error:
        _failed(session, link_id, error.message)
        audit.record(session, actor, "story.push.result", "story", sid, outcome=f"failed: {error.message}")
        end_transaction(session)
        raise
    _pushed(session, link_id, issue, digest(title, body, labels))
    audit.record(session, actor, "story.push.result", "story", sid, outcome="pushed", number=issue.number)
    return {"target": "issue", "number": issue.number, "url": issue.url, "state": issue.state}


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
        if digest(title, body, labels) == link.pushed_digest:
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
        _pushed(session, link_id, issue, digest(title, body, labels))
    return f"issue {number} updated"


def _link(session: Session, story_id: uuid.UUID) -> StoryLink | None:
    query = select(StoryLink).where(StoryLink.story_id == story_id, StoryLink.target == LinkTarget.issue)
    return session.exec(query).first()


def _claim(session: Session, story: UserStory, repo: str) -> tuple[StoryLink, bool]:
    """The story's issue link, claimed for this push; True when an earlier push may have created the issue
    without saving its number. A push under way refuses a second (409); so does the database when two
    first pushes race (one link per story and target)."""
    link = _link(session, story.id)
    if link is None:
        link = StoryLink(story_id=story.id, project_id=story.project_id, target=LinkTarget.issue, repo=repo)
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


def _pushed(session: Session, link_id: uuid.UUID, issue: IssueData, pushed: str) -> None:
    link = session.get(StoryLink, link_id)
    if link is not None:
        link.number, link.url, link.pushed_digest, link.error = issue.number, issue.url, pushed, ""
        link.state = LinkState.closed if issue.state == "closed" else LinkState.open
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
