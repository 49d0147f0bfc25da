"""Reading stories: lists with filters, one story, its .feature file, its history, similar descriptions."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlmodel import Session, col, func, or_, select

from autodevhub.auth.guard import require_project
from autodevhub.auth.permissions import Permission
from autodevhub.core.errors import InvalidInput, NotAuthenticated
from autodevhub.core.identity import Identity
from autodevhub.models import AuditLog, ProjectMember, StoryStatus, User, UserRole, UserStory
from autodevhub.stories.engine.gherkin import check
from autodevhub.stories.engine.normalize import MIN_LENGTH, clean
from autodevhub.stories.results import service as results
from autodevhub.stories.service import load_story
from autodevhub.stories.similar import find_similar

SORTS = {
    "created_at": col(UserStory.created_at).asc(),
    "-created_at": col(UserStory.created_at).desc(),
    "updated_at": col(UserStory.updated_at).asc(),
    "-updated_at": col(UserStory.updated_at).desc(),
    "confidence": col(UserStory.confidence_score).asc(),
    "-confidence": col(UserStory.confidence_score).desc(),
    "status": col(UserStory.status).asc(),
}
MAX_QUERY = 200
MAX_LIMIT = 200
HISTORY_LIMIT = 200


def list_stories(
    session: Session,
    identity: Identity | None,
    *,
    project_id: uuid.UUID | str | None = None,
    status: str | None = None,
    q: str | None = None,
    failing: bool | None = None,
    sort: str = "-created_at",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[UserStory], int]:
    """One page of the stories the caller can read (one project, or all their projects), and the total;
    `failing`: only those with (or without) a scenario failing on the default branch."""
    if identity is None:
        raise NotAuthenticated("Sign in to continue.")
    if sort not in SORTS:
        raise InvalidInput(f"Sort must be one of {', '.join(SORTS)}.")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(f"limit must be 1 to {MAX_LIMIT} and offset at least 0.")
    query = select(UserStory)
    if project_id is not None and project_id != "":
        project = require_project(session, identity, Permission.STORY_READ, project_id)
        query = query.where(UserStory.project_id == project.id)
    elif identity.role is not UserRole.admin:
        query = query.join(ProjectMember, col(ProjectMember.project_id) == UserStory.project_id).where(
            ProjectMember.user_id == identity.id
        )
    if status is not None and status != "":
        try:
            query = query.where(UserStory.status == StoryStatus(status))
        except ValueError:
            raise InvalidInput(f"Status must be one of {', '.join(s.value for s in StoryStatus)}.") from None
    if failing is not None:
        query = query.where(results.failing(failing))
    text = (q or "").strip().lower()[:MAX_QUERY]
    if text:
        query = query.where(
            or_(
                func.lower(UserStory.feature_description).contains(text, autoescape=True),
                func.lower(UserStory.gherkin_output).contains(text, autoescape=True),
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(SORTS[sort], col(UserStory.id)).limit(limit).offset(offset)).all()
    return list(rows), total


def get_story(session: Session, identity: Identity | None, story_id: uuid.UUID | str) -> UserStory:
    return load_story(session, identity, story_id, Permission.STORY_READ)


def feature_file(session: Session, identity: Identity | None, story_id: uuid.UUID | str) -> tuple[str, str]:
    """(file name, text) of the story's .feature file, named after its Feature."""
    story = get_story(session, identity, story_id)
    name = check(story.gherkin_output).feature or "story"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "story"
    text = story.gherkin_output if story.gherkin_output.endswith("\n") else story.gherkin_output + "\n"
    return f"{slug}.feature", text


def story_history(
    session: Session, identity: Identity | None, story_id: uuid.UUID | str
) -> list[dict[str, Any]]:
    """The story's audit entries, oldest first: who did what, when."""
    story = get_story(session, identity, story_id)
    query = (
        select(AuditLog, User.email)
        .join(User, col(User.id) == AuditLog.user_id, isouter=True)
        .where(AuditLog.resource_type == "story", AuditLog.resource_id == str(story.id))
        .order_by(col(AuditLog.created_at), col(AuditLog.id))
        .limit(HISTORY_LIMIT)
    )
    return [
        {
            "action": entry.action,
            "at": entry.created_at.isoformat(),
            "user": email,
            "details": entry.audit_metadata,
        }
        for entry, email in session.exec(query).all()
    ]


def similar_for(
    session: Session, identity: Identity | None, project_id: uuid.UUID | str, text: str, *, limit: int = 5
) -> list[dict[str, Any]]:
    """Stories of the project resembling a description being typed (nothing below the minimum length)."""
    project = require_project(session, identity, Permission.STORY_READ, project_id)
    cleaned = clean(text) if isinstance(text, str) else ""
    if len(cleaned) < MIN_LENGTH:
        return []
    return [s.as_dict() for s in find_similar(session, project.id, cleaned, limit=min(max(limit, 1), 20))]


def status_counts(session: Session, project_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
    """Stories per status of each project (every status present, 0 included), in one query; the caller has
    checked STORY_READ on each. The same rows `list_stories(project_id=, status=)` counts."""
    counts = {pid: {status.value: 0 for status in StoryStatus} for pid in project_ids}
    rows = session.exec(
        select(UserStory.project_id, UserStory.status, func.count())
        .where(col(UserStory.project_id).in_(project_ids))
        .group_by(UserStory.project_id, UserStory.status)
    )
    for pid, status, count in rows:
        counts[pid][StoryStatus(status).value] = count
    return counts
