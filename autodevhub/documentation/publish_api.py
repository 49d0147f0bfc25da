"""REST routes for the docs pull request: publish the saved pages, and where the pull request stands."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel, Field

from autodevhub.documentation import publish
from autodevhub.web.deps import CurrentActor, CurrentIdentity, DbSession

router = APIRouter(tags=["docs"])


class Published(BaseModel):
    number: int | None = Field(description="the pull request (null: the default branch holds the docs)")
    url: str
    state: str = Field(description="open, closed, merged, or 'up to date'")
    branch: str
    commit: str | None = Field(description="the commit this publish made (null: nothing new to write)")
    changed: int = Field(description="files this publish changed")
    note: str = Field(description="e.g. that a force-pushed branch was left alone for a new one")


class PullStatus(BaseModel):
    number: int | None = None
    url: str | None = None
    state: str | None = Field(None, description="open, closed or merged, as GitHub last told")
    branch: str | None = None
    note: str | None = None
    error: str | None = Field(None, description="why the last publish failed")
    published_at: str | None = None


@router.post("/api/projects/{project_id}/docs/publish", response_model=Published)
def publish_docs(project_id: uuid.UUID, actor: CurrentActor, session: DbSession) -> Published:
    """Commit the project's saved pages on `autodevhub/docs` and open or update its one pull request."""
    return Published.model_validate(publish.publish(session, actor, project_id))


@router.get("/api/projects/{project_id}/docs/pr", response_model=PullStatus)
def docs_pull(project_id: uuid.UUID, identity: CurrentIdentity, session: DbSession) -> PullStatus:
    return PullStatus.model_validate(publish.pr_status(session, identity, project_id))
