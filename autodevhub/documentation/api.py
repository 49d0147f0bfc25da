"""REST routes for generated documentation: thin, over the same service as the CLI and the dashboard."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from autodevhub.documentation import runs, service
from autodevhub.web.deps import CurrentActor, CurrentIdentity, DbSession, Limit, Offset

router = APIRouter(tags=["docs"])


class DocSummary(BaseModel):
    id: uuid.UUID
    title: str
    doc_type: str
    file_path: str | None
    version: int
    generated_at: str | None
    stale_sources: list[str]
    stale: bool | None = Field(description="null when GitHub could not be asked")
    commits_behind: int | None = Field(
        None, description="GitHub sources: commits on the default branch since the page's commit"
    )


class Freshness(BaseModel):
    pages: int
    fresh: int
    stale: int
    unknown: int = Field(0, description="pages whose freshness GitHub could not tell")
    percent: float | None = Field(description="fresh pages, % of those whose freshness is known")
    error: str | None = Field(None, description="why some freshness is unknown")


class DocList(BaseModel):
    items: list[DocSummary]
    total: int
    freshness: Freshness


def shown_info(info: dict[str, Any]) -> dict[str, Any]:
    """version_info as the API shows it: without the server's path of a local source."""
    return {key: value for key, value in info.items() if key != "root"}


class DocPublic(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    title: str
    doc_type: str
    file_path: str | None
    content: str
    version_info: dict[str, Any]
    created_at: str
    updated_at: str


class DocVersion(BaseModel):
    id: uuid.UUID
    version: int
    title: str
    content: str
    version_info: dict[str, Any]
    created_at: str


class DocVersionList(BaseModel):
    items: list[DocVersion]
    total: int


class GenerateBody(BaseModel):
    ref: str | None = Field(
        None, max_length=255, description="a git ref of the linked repository (branch, tag or sha)"
    )
    engine: str = Field(
        "auto", max_length=20, description="auto (claude when ANTHROPIC_API_KEY is set), rules or claude"
    )


class GenerateQueued(BaseModel):
    job_id: str
    queued: bool = Field(description="false when a generation of the project was already running")


class RunStatus(BaseModel):
    job_id: str | None
    state: str = Field(description="idle, queued, running, done or failed")
    message: str
    files_read: int
    pages_written: int
    tokens: int = Field(0, description="Claude tokens the run spent (0 with the rules engine)")
    started_at: str | None = None
    finished_at: str | None = None
    updated_at: str | None = None


@router.get("/api/projects/{project_id}/docs", response_model=DocList)
def list_docs(
    project_id: uuid.UUID,
    identity: CurrentIdentity,
    session: DbSession,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DocList:
    items, total, freshness = service.list_docs(session, identity, project_id, limit=limit, offset=offset)
    return DocList.model_validate({"items": items, "total": total, "freshness": freshness})


@router.get("/api/docs/{doc_id}", response_model=DocPublic)
def get_doc(doc_id: uuid.UUID, identity: CurrentIdentity, session: DbSession) -> DocPublic:
    row = service.get_doc(session, identity, doc_id)
    fields = row.model_dump(
        include={"id", "project_id", "title", "doc_type", "file_path", "content", "version_info"}
    )
    stamps = {"created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat()}
    return DocPublic.model_validate(fields | stamps | {"version_info": shown_info(row.version_info)})


@router.get("/api/docs/{doc_id}/versions", response_model=DocVersionList)
def list_versions(
    doc_id: uuid.UUID, identity: CurrentIdentity, session: DbSession, limit: Limit = 50, offset: Offset = 0
) -> DocVersionList:
    rows, total = service.list_versions(session, identity, doc_id, limit=limit, offset=offset)
    items = [
        DocVersion.model_validate(
            row.model_dump(include={"id", "version", "title", "content"})
            | {"created_at": row.created_at.isoformat(), "version_info": shown_info(row.version_info)}
        )
        for row in rows
    ]
    return DocVersionList(items=items, total=total)


@router.post(
    "/api/projects/{project_id}/docs/generate",
    response_model=GenerateQueued,
    status_code=status.HTTP_202_ACCEPTED,
)
def generate(
    project_id: uuid.UUID, actor: CurrentActor, session: DbSession, body: GenerateBody | None = None
) -> GenerateQueued:
    body = body or GenerateBody()
    queued = runs.request_generation(session, actor, project_id, ref=body.ref, engine=body.engine)
    return GenerateQueued.model_validate(queued)


@router.get("/api/projects/{project_id}/docs/generate", response_model=RunStatus)
def generation_status(project_id: uuid.UUID, identity: CurrentIdentity, session: DbSession) -> RunStatus:
    return RunStatus.model_validate(runs.run_status(session, identity, project_id))


@router.get(
    "/api/projects/{project_id}/docs/zip",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "The docs tree, zipped."}},
)
def docs_zip(project_id: uuid.UUID, identity: CurrentIdentity, session: DbSession) -> Response:
    archive = service.export_zip(session, identity, project_id)
    headers = {"Content-Disposition": 'attachment; filename="docs.zip"'}
    return Response(archive, media_type="application/zip", headers=headers)
