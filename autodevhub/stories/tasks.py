"""The stories' jobs: keep a pushed story's issue up to date, and let the issue's state move the story."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session, select

from autodevhub.core import jobs
from autodevhub.core.db import session_scope
from autodevhub.core.identity import Actor
from autodevhub.integrations import github
from autodevhub.models import LinkState, LinkTarget, StoryLink, StoryStatus, UserStory, utcnow
from autodevhub.stories import github_push, shipping
from autodevhub.stories.status import STORY_CHANGED, move_status
from autodevhub.workflows.github.webhooks import ISSUE_CHANGED, PULL_CHANGED

GITHUB = Actor(None, None, "github issues webhook")
STEPS = {  # the issue's action -> the statuses the story walks through (FLOW allows one step at a time)
    "closed": {StoryStatus.approved: [StoryStatus.in_progress, StoryStatus.done]},
    "reopened": {StoryStatus.done: [StoryStatus.in_progress]},
}


@jobs.job("stories.issue_body", max_tries=4, listens=STORY_CHANGED)
def issue_body(story_id: str) -> str:
    try:
        return github_push.refresh_issue(story_id)
    except github.GitHubDown as error:
        raise jobs.RetryLater(error.message) from error


@jobs.job("stories.issue_state", max_tries=3, listens=ISSUE_CHANGED)
def issue_state(project_id: str, number: int, action: str) -> str:
    """An issue of the project's repository was closed or reopened: its story follows (closed -> done,
    reopened -> in progress), with an audit row naming the issue."""
    with session_scope() as session:
        link = _link(session, project_id, LinkTarget.issue, number)
        story = session.get(UserStory, link.story_id) if link else None
        if link is None or story is None or action not in STEPS:
            return "no story follows this issue"
        link.state = LinkState.closed if action == "closed" else LinkState.open
        shipping.landed(session, link, utcnow() if action == "closed" else None)
        default = [StoryStatus.done] if action == "closed" else []
        moved = [
            step.value
            for step in STEPS[action].get(story.status, default)
            if move_status(session, GITHUB, story, step, issue=number, issue_action=action)
        ]
        return f"story {story.id}: " + (" -> ".join(moved) if moved else "unchanged")


@jobs.job("stories.pull_state", max_tries=3, listens=PULL_CHANGED)
def pull_state(project_id: str, number: int, state: str, merged_at: str, merge_sha: str) -> str:
    """A pull request of the project's repository changed: the story's link follows (open, closed, merged;
    merged is final whatever order the deliveries come in), and a merge lands the story (its lead time)."""
    with session_scope() as session:
        link = _link(session, project_id, LinkTarget.pull_request, number)
        if link is None or state not in LinkState.__members__:
            return "no story follows this pull request"
        if link.state is not LinkState.merged:
            link.state = LinkState(state)
            when = datetime.fromisoformat(merged_at) if state == "merged" and merged_at else None
            shipping.landed(session, link, when, merge_sha)
        return f"story {link.story_id}: pull request {link.state.value}"


def _link(session: Session, project_id: str, target: LinkTarget, number: int) -> StoryLink | None:
    """The story link of the project's issue or pull request `number`."""
    query = select(StoryLink).where(
        StoryLink.project_id == uuid.UUID(project_id), StoryLink.target == target, StoryLink.number == number
    )
    return session.exec(query).first()
