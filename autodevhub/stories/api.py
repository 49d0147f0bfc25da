"""REST routes for stories: thin, over the same services as the dashboard and the CLI."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from autodevhub.models import StoryStatus
from autodevhub.stories import github_push, queries, service
from autodevhub.stories.results import service as results
from autodevhub.stories.service import StoryGenerate
from autodevhub.web.deps import (
    BearerCaller,
    CurrentActor,
    CurrentIdentity,
    DbSession,
    Limit,
    Offset,
    ReadSession,
    in_worker,
)

router = APIRouter(prefix="/api/stories", tags=["stories"])


class StoryPublic(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    created_by: uuid.UUID | None
    feature_description: str
    gherkin_output: str
    status: StoryStatus
    confidence_score: float | None
    metadata: dict[str, Any]
    created_at: str
    updated_at: str
    approved_at: str | None = None
    shipped_at: str | None = None  # the first successful deploy that carried it
    shipped_run_url: str = ""
    lead_time_seconds: float | None = None  # approval to that deploy


class StoryList(BaseModel):
    items: list[StoryPublic]
    total: int


def _public(story) -> StoryPublic:
    return StoryPublic.model_validate(service.story_public(story))


@router.post("/generate", response_model=StoryPublic, status_code=201)
async def generate_story(body: StoryGenerate, caller: BearerCaller, session: DbSession) -> StoryPublic:
    return await in_worker(session, lambda: _public(service.generate_story(session, caller.actor(), body)))


@router.get("", response_model=StoryList)
def list_stories(
    identity: CurrentIdentity,
    session: ReadSession,  # a list may lag the primary by the replica's delay
    project_id: uuid.UUID | None = None,
    status: StoryStatus | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    failing: Annotated[
        bool | None, Query(description="with a scenario failing on the default branch")
    ] = None,
    sort: Annotated[str, Query(json_schema_extra={"enum": list(queries.SORTS)})] = "-created_at",
    limit: Limit = 50,
    offset: Offset = 0,
) -> StoryList:
    rows, total = queries.list_stories(
        session,
        identity,
        project_id=project_id,
        status=status,
        q=q,
        failing=failing,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return StoryList(items=[_public(story) for story in rows], total=total)


@router.get("/{story_id}", response_model=StoryPublic)
async def get_story(story_id: uuid.UUID, caller: BearerCaller, session: DbSession) -> StoryPublic:
    return await in_worker(session, lambda: _public(queries.get_story(session, caller.identity(), story_id)))


@router.patch("/{story_id}", response_model=StoryPublic)
def update_story(
    story_id: uuid.UUID, body: service.StoryUpdate, actor: CurrentActor, session: DbSession
) -> StoryPublic:
    return _public(service.update_story(session, actor, story_id, body))


@router.delete("/{story_id}", status_code=204)
def delete_story(story_id: uuid.UUID, actor: CurrentActor, session: DbSession) -> None:
    service.delete_story(session, actor, story_id)


class PushResult(BaseModel):
    target: str
    number: int
    url: str
    state: str = Field(description="open or closed, as GitHub last said")


@router.post("/{story_id}/push", response_model=PushResult)
def push_story(
    story_id: uuid.UUID, body: github_push.PushRequest, actor: CurrentActor, session: DbSession
) -> dict:
    """Push the story to GitHub as an issue (maintainers and up); again: the same issue is updated."""
    return github_push.push(session, actor, story_id, body)


class ScenarioResultPublic(BaseModel):
    scenario: str
    result: Literal["passed", "failed", "undefined", "not_run"]
    run_id: int | None
    run_url: str = Field(description="the GitHub Actions run that reported it")
    branch: str
    head_sha: str
    run_created_at: str
    recorded_at: str


class ScenarioResultList(BaseModel):
    items: list[ScenarioResultPublic]
    total: int


@router.get("/{story_id}/results", response_model=ScenarioResultList)
def story_results(
    story_id: uuid.UUID, identity: CurrentIdentity, session: DbSession, limit: Limit = 50, offset: Offset = 0
) -> ScenarioResultList:
    """Each scenario's last result on the default branch, from the CI test reports (failing first)."""
    items, total = results.story_results(session, identity, story_id, limit=limit, offset=offset)
    return ScenarioResultList(items=[ScenarioResultPublic(**item) for item in items], total=total)


@router.get(
    "/{story_id}/feature",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "The story as a .feature file."}},
)
def feature_file(story_id: uuid.UUID, identity: CurrentIdentity, session: DbSession) -> Response:
    filename, text = queries.feature_file(session, identity, story_id)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(text, media_type="text/plain; charset=utf-8", headers=headers)
