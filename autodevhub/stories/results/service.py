"""Reading a story's scenario results (its page and GET /api/stories/{id}/results) and the "failing"
filter of the story list."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, exists, func, select

from autodevhub.auth.permissions import Permission
from autodevhub.core.errors import InvalidInput
from autodevhub.core.identity import Identity
from autodevhub.models import ScenarioResult, StoryScenarioResult, UserStory
from autodevhub.stories.service import load_story

MAX_LIMIT = 200


def failing(flag: bool) -> ColumnElement[bool]:
    """A story-list condition: the story has (True) or has not (False) a scenario failing on the default
    branch."""
    failed = exists().where(
        StoryScenarioResult.story_id == UserStory.id, StoryScenarioResult.result == ScenarioResult.failed
    )
    return failed if flag else ~failed


def story_results(
    session: Session,
    identity: Identity | None,
    story_id: uuid.UUID | str,
    *,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Each scenario's last result on the default branch, failing ones first, with its run; and the total."""
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(f"limit must be 1 to {MAX_LIMIT} and offset at least 0.")
    story = load_story(session, identity, story_id, Permission.PROJECT_READ)
    where = StoryScenarioResult.story_id == story.id
    total = session.exec(select(func.count()).select_from(StoryScenarioResult).where(where)).one()
    rows = session.exec(
        select(StoryScenarioResult)
        .where(where)
        .order_by(col(StoryScenarioResult.result) != ScenarioResult.failed, col(StoryScenarioResult.scenario))
        .limit(limit)
        .offset(offset)
    )
    return [_public(row) for row in rows], total


def _public(row: StoryScenarioResult) -> dict[str, Any]:
    return {
        "scenario": row.scenario,
        "result": row.result.value,
        "run_id": row.github_run_id,
        "run_url": row.run_url,
        "branch": row.branch,
        "head_sha": row.head_sha,
        "run_created_at": row.run_created_at.isoformat(),
        "recorded_at": row.recorded_at.isoformat(),
    }
