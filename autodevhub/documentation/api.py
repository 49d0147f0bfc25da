"""REST routes for generated documentation: thin, over the same service as the CLI and the dashboard."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from autodevhub.documentation import service
from autodevhub.web.deps import CurrentIdentity, DbSession, Limit, Offset

router = APIRouter(tags=["docs"])


class DocSummary(BaseModel):
    id: uuid.UUID
    title: str
    doc_type: str
    file_path: str | None
    version: int
    generated_at: str | None
    stale_sources: list[str]


class Freshness(BaseModel):
    pages: int
    fresh: int
    stale: int
    percent: float | None


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
