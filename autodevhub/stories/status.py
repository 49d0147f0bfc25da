"""A story's status: the moves FLOW allows, and recording a move (audit row, after-commit topics)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from autodevhub.core import audit, jobs
from autodevhub.core.identity import Actor
from autodevhub.models import StoryStatus, UserStory, utcnow

FLOW: dict[StoryStatus, set[StoryStatus]] = {
    StoryStatus.draft: {StoryStatus.approved, StoryStatus.archived},
    StoryStatus.approved: {StoryStatus.in_progress, StoryStatus.draft, StoryStatus.archived},
    StoryStatus.in_progress: {StoryStatus.done, StoryStatus.approved, StoryStatus.archived},
    StoryStatus.done: {StoryStatus.in_progress, StoryStatus.archived},
    StoryStatus.archived: {StoryStatus.draft},
}
MUST_PARSE = {StoryStatus.approved, StoryStatus.in_progress, StoryStatus.done}
STATUS_CHANGED = "stories.status_changed"  # topic: story id, old status, new status, acting user id
STORY_CHANGED = "stories.changed"  # topic: story id (its Gherkin or status changed)


def move_status(session: Session, actor: Actor, story: UserStory, target: StoryStatus, **why: Any) -> bool:
    """Move a story along FLOW on behalf of an outside event (a GitHub issue closed or reopened), without
    a user's role: the caller checked where the event came from. False when FLOW does not allow it."""
    parsed = story.story_metadata.get("parse", {}).get("ok")
    if target not in FLOW[story.status] or (target in MUST_PARSE and not parsed):
        return False
    record_change(session, actor, story, [], target, **why)
    return True


def record_change(
    session: Session, actor: Actor, story: UserStory, changed: list[str], target: StoryStatus, **why: Any
) -> None:
    """The story's new status (if it moved) and its audit row; listeners of a status change (notifications)
    and of any change (the GitHub issue's body) run after the commit."""
    previous = story.status
    if target != previous:
        story.status = target
        changed.append("status")
        if target is StoryStatus.approved and story.shipped_at is None:
            story.approved_at = utcnow()  # where the story's lead time starts
    if not changed:
        return
    story.updated_at = utcnow()
    session.add(story)
    transition = {"status_from": previous.value, "status_to": target.value} if target != previous else {}
    audit.record(
        session,
        actor,
        "story.update",
        "story",
        story.id,
        fields=changed,
        confidence=story.confidence_score,
        **transition,
        **why,
    )
    key = f"{story.id}:{story.updated_at.timestamp()}"
    if target != previous:
        by = str(actor.user_id or "")
        jobs.emit_after_commit(
            session, STATUS_CHANGED, str(story.id), previous.value, target.value, by, key=key
        )
    jobs.emit_after_commit(session, STORY_CHANGED, str(story.id), key=key)
