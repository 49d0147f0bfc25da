"""Stories: generate (the one pipeline), regenerate, edit, move through the workflow, delete. Each write
checks the caller's project role, writes the row and its audit entry in the caller's transaction, then the
cache.

Pipeline: normalize -> rate limit -> cache lookup -> engine (Claude, or rules; rules when Claude fails) ->
parse -> score (with similar stories) -> save + audit -> cache. `progress(event, detail)` reports stages
("stage", name), Claude's streamed JSON ("delta", chunk) and fallbacks ("fallback", message); Claude's deltas
arrive on the Claude client's thread.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from autodevhub.auth.guard import membership, parse_id, require_project, require_role
from autodevhub.auth.permissions import Permission
from autodevhub.core import audit
from autodevhub.core.db import end_transaction
from autodevhub.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, RateLimited
from autodevhub.core.identity import Actor, Identity
from autodevhub.core.ratelimit import get_limiter
from autodevhub.core.settings import get_settings
from autodevhub.models import ProjectMember, StoryStatus, UserStory, utcnow
from autodevhub.stories import pipeline
from autodevhub.stories.engine import scoring
from autodevhub.stories.engine.gherkin import check
from autodevhub.stories.engine.normalize import MAX_LENGTH, MIN_LENGTH, normalize_description
from autodevhub.stories.similar import find_similar
from autodevhub.stories.status import FLOW, MUST_PARSE, record_change

MAX_GHERKIN = 50_000
UNSET = object()  # StoryUpdate.of: a field the caller did not send


class StoryGenerate(BaseModel):
    """What a generation asks for: the API's body, built from the form by the dashboard and by the CLI."""

    project_id: uuid.UUID
    feature_description: str = Field(max_length=2 * MAX_LENGTH)  # raw: whitespace collapses before the rule

    @classmethod
    def of(cls, project_id: object, feature_description: object) -> StoryGenerate:
        """The request from untrusted input (a browser form, the command line): InvalidInput if malformed."""
        try:
            return cls.model_validate({"project_id": project_id, "feature_description": feature_description})
        except ValidationError as error:
            limits = f"between {MIN_LENGTH} and {MAX_LENGTH:,} characters"
            bad_project = error.errors()[0]["loc"][0] == "project_id"
            raise InvalidInput(
                "Choose a project to write the story in."
                if bad_project
                else f"The feature description must be text, {limits}."
            ) from None


class StoryUpdate(BaseModel):
    """An edit: new Gherkin and/or a new status (None keeps it); the API's body, built by the dashboard."""

    gherkin_output: str | None = Field(default=None, max_length=MAX_GHERKIN)
    status: StoryStatus | None = None

    @classmethod
    def of(cls, *, gherkin_output: object = UNSET, status: object = None) -> StoryUpdate:
        """The edit from untrusted input (a Gherkin that was sent must be text): InvalidInput if not."""
        if gherkin_output is UNSET:
            gherkin_output = None
        elif not isinstance(gherkin_output, str) or len(gherkin_output) > MAX_GHERKIN:
            raise InvalidInput(f"The Gherkin must be text of at most {MAX_GHERKIN:,} characters.")
        return cls(gherkin_output=gherkin_output, status=None if status is None else _status(status))


def story_public(story: UserStory) -> dict[str, Any]:
    """The story as the API and the CLI show it."""
    return {
        "id": str(story.id),
        "project_id": str(story.project_id),
        "created_by": str(story.created_by) if story.created_by else None,
        "feature_description": story.feature_description,
        "gherkin_output": story.gherkin_output,
        "status": story.status.value,
        "confidence_score": story.confidence_score,
        "metadata": story.story_metadata,
        "created_at": story.created_at.isoformat(),
        "updated_at": story.updated_at.isoformat(),
        "approved_at": story.approved_at.isoformat() if story.approved_at else None,
        "shipped_at": story.shipped_at.isoformat() if story.shipped_at else None,
        "shipped_run_url": story.shipped_run_url,
        "lead_time_seconds": lead_time(story),
    }


def lead_time(story: UserStory) -> float | None:
    """Seconds from the story's approval to the deploy that carried it (stories.shipping); None until both
    happened."""
    if story.approved_at is None or story.shipped_at is None:
        return None
    return max(0.0, (story.shipped_at - story.approved_at).total_seconds())


STORY_AND_ROLE = (
    select(UserStory, ProjectMember.role)
    .outerjoin(ProjectMember, membership(col(UserStory.project_id)))
    .where(col(UserStory.id) == bindparam("story_id"))
)


def load_story(
    session: Session, identity: Identity | None, story_id: uuid.UUID | str, permission: Permission
) -> UserStory:
    """The story, if the caller's role in its project grants `permission` (both read in one query)."""
    params = {"story_id": parse_id(story_id, "Story"), "user_id": identity.id if identity else None}
    row = session.exec(STORY_AND_ROLE, params=params).first()
    if row is None:
        raise NotFound("Story not found.")
    if identity is None:
        raise NotAuthenticated("Sign in to continue.")
    require_role(identity, permission, row[1])
    return row[0]


def _rate_limit(actor: Actor) -> None:
    decision = get_limiter().hit(get_settings().rate_limit_stories, "stories", str(actor.user_id))
    if not decision.allowed:
        raise RateLimited(decision.retry_after)


def _scored(
    session: Session,
    project_id: uuid.UUID,
    text: str,
    parts: dict[str, Any],
    hints: list[str],
    exclude: Any = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    similar = find_similar(session, project_id, text, exclude=exclude)
    return scoring.combine(parts, hints, similar), [s.as_dict() for s in similar]


def _metadata(
    session: Session,
    project_id: uuid.UUID,
    text: str,
    draft: pipeline.Draft,
    started: float,
    exclude: Any = None,
) -> dict[str, Any]:
    score, similar = _scored(session, project_id, text, draft.parts, draft.hints, exclude)
    return {
        "engine": draft.engine,
        "engine_reason": "fallback"
        if draft.fallback
        else "api_key"
        if draft.engine == "claude"
        else "no_api_key",
        **({"fallback": draft.fallback} if draft.fallback else {}),
        **draft.details,
        "cache": draft.cache,
        "parse": draft.parse,
        "score": score,
        "similar": similar,
        "duplicate_of": score["duplicate_of"],
        "timing": {"total_ms": round((time.perf_counter() - started) * 1000, 2)},
        "edited": False,
    }


def generate_story(
    session: Session,
    actor: Actor,
    request: StoryGenerate,
    *,
    progress: pipeline.Progress | None = None,
) -> UserStory:
    """A new draft story for the description: cached for an hour per text, project and engine. The engine
    runs outside any transaction; the project's role is checked again before the save."""
    started = time.perf_counter()
    project_id = require_project(session, actor.identity, Permission.STORY_WRITE, request.project_id).id
    text = normalize_description(request.feature_description)
    _rate_limit(actor)
    settings = get_settings()
    notify = progress or (lambda _event, _detail: None)
    notify("stage", "cache")
    draft = pipeline.lookup(settings, project_id, text)
    if draft is None:
        end_transaction(session)
        draft = pipeline.produce(settings, text, progress)
        require_project(session, actor.identity, Permission.STORY_WRITE, project_id)
    notify("stage", "save")
    metadata = _metadata(session, project_id, text, draft, started)
    story = UserStory(
        project_id=project_id,
        created_by=actor.user_id,
        feature_description=text,
        gherkin_output=draft.gherkin,
        story_metadata=metadata,
        confidence_score=metadata["score"]["total"],
    )
    session.add(story)  # written with its audit row in one flush, at the commit (the id is made here)
    audit.record(
        session,
        actor,
        "story.generate",
        "story",
        story.id,
        project_id=str(project_id),
        engine=draft.engine,
        cached=bool(draft.cache.get("hit")),
        fallback=(draft.fallback or {}).get("reason"),
        confidence=story.confidence_score,
    )
    pipeline.remember(settings, project_id, text, draft)
    return story


def regenerate_story(
    session: Session,
    actor: Actor,
    story_id: uuid.UUID | str,
    *,
    description: str | None = None,
    progress: pipeline.Progress | None = None,
) -> UserStory:
    """Replace a story's Gherkin with a fresh engine answer (never the cache); it goes back to draft. The
    engine runs outside any transaction; the story and the caller's role are loaded again to save."""
    started = time.perf_counter()
    story = load_story(session, actor.identity, story_id, Permission.STORY_WRITE)
    story_id = story.id
    text = normalize_description(story.feature_description if description is None else description)
    _rate_limit(actor)
    settings = get_settings()
    end_transaction(session)
    draft = pipeline.produce(settings, text, progress)
    story = load_story(session, actor.identity, story_id, Permission.STORY_WRITE)
    metadata = _metadata(session, story.project_id, text, draft, started, exclude=story.id)
    previous = story.status
    story.feature_description, story.gherkin_output = text, draft.gherkin
    story.story_metadata, story.confidence_score = metadata, metadata["score"]["total"]
    story.status, story.updated_at = StoryStatus.draft, utcnow()
    session.add(story)
    audit.record(
        session,
        actor,
        "story.regenerate",
        "story",
        story.id,
        engine=draft.engine,
        fallback=(draft.fallback or {}).get("reason"),
        status_from=previous.value,
        confidence=story.confidence_score,
    )
    pipeline.remember(settings, story.project_id, text, draft)
    return story


def _rescored(session: Session, story: UserStory, gherkin: str) -> dict[str, Any]:
    if not isinstance(gherkin, str) or len(gherkin) > MAX_GHERKIN:
        raise InvalidInput(f"The Gherkin must be text of at most {MAX_GHERKIN:,} characters.")
    result = check(gherkin)
    parts, hints = scoring.static_parts(story.feature_description, gherkin, result)
    score, similar = _scored(session, story.project_id, story.feature_description, parts, hints, story.id)
    return {
        **story.story_metadata,
        "parse": result.as_dict(),
        "score": score,
        "similar": similar,
        "duplicate_of": score["duplicate_of"],
        "edited": True,
    }


def _status(value: object) -> StoryStatus:
    try:
        return StoryStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in StoryStatus)
        raise InvalidInput(f"Status must be one of {allowed}.") from None


def update_story(session: Session, actor: Actor, story_id: uuid.UUID | str, change: StoryUpdate) -> UserStory:
    """Edit the Gherkin (re-parsed and re-scored) and/or move the status along FLOW; an unparseable story
    can never be approved (nor be in progress or done)."""
    story = load_story(session, actor.identity, story_id, Permission.STORY_WRITE)
    changed: list[str] = []
    metadata = story.story_metadata
    if change.gherkin_output is not None and change.gherkin_output != story.gherkin_output:
        metadata = _rescored(session, story, change.gherkin_output)
        changed.append("gherkin_output")
    previous = story.status
    target = change.status or previous
    if target != previous and target not in FLOW[previous]:
        raise Conflict(f"A story cannot move from {previous.value} to {target.value}.")
    if target in MUST_PARSE and not metadata.get("parse", {}).get("ok"):
        first = (metadata.get("parse", {}).get("errors") or [{"line": 1, "message": "not parsed"}])[0]
        raise InvalidInput(
            f"An unparseable story cannot be {target.value.replace('_', ' ')}: "
            f"line {first['line']}: {first['message']}. Fix the Gherkin or keep it in draft."
        )
    if "gherkin_output" in changed:
        story.gherkin_output = change.gherkin_output
        story.story_metadata, story.confidence_score = metadata, metadata["score"]["total"]
    record_change(session, actor, story, changed, target)
    return story


def delete_story(session: Session, actor: Actor, story_id: uuid.UUID | str) -> None:
    story = load_story(session, actor.identity, story_id, Permission.STORY_DELETE)
    audit.record(
        session,
        actor,
        "story.delete",
        "story",
        story.id,
        project_id=str(story.project_id),
        description=story.feature_description[:200],
    )
    session.delete(story)
