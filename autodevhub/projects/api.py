"""REST routes for projects and members: thin, over the same services as the dashboard."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from autodevhub.models import Project, ProjectRole, RepoTrust, User
from autodevhub.projects import github_access, members, service
from autodevhub.projects.service import ProjectCreate, ProjectUpdate
from autodevhub.web.deps import CurrentActor, CurrentIdentity, DbSession, Limit, Offset

router = APIRouter(prefix="/api/projects", tags=["projects"])


class ProjectPublic(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    repo: str | None
    repo_trust: RepoTrust | None = Field(description="admin: an administrator linked the repository")
    repo_linked_by: uuid.UUID | None
    repo_linked_at: datetime | None
    github_token_set: bool = Field(description="whether the project has its own GitHub token (never shown)")
    github_token_set_at: datetime | None
    owner_id: uuid.UUID
    settings: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ProjectList(BaseModel):
    items: list[ProjectPublic]
    total: int


class MemberCreate(BaseModel):
    email: str = Field(max_length=320)
    role: ProjectRole = ProjectRole.member


class MemberUpdate(BaseModel):
    role: ProjectRole


class MemberPublic(BaseModel):
    user_id: uuid.UUID
    email: str
    role: ProjectRole


class MemberList(BaseModel):
    items: list[MemberPublic]
    total: int


def _public(project: Project) -> ProjectPublic:
    """The project as the API shows it: of its GitHub token, only whether one is set and when."""
    token = github_access.CredentialStatus.of(project)
    fields = {name: getattr(project, name) for name in ProjectPublic.model_fields if hasattr(project, name)}
    return ProjectPublic(**fields, github_token_set=token.set, github_token_set_at=token.set_at)


@router.get("", response_model=ProjectList)
def list_projects(
    identity: CurrentIdentity, session: DbSession, limit: Limit = 50, offset: Offset = 0
) -> ProjectList:
    rows, total = service.visible_projects(session, identity, limit=limit, offset=offset)
    return ProjectList(items=[_public(p) for p in rows], total=total)


@router.post("", response_model=ProjectPublic, status_code=status.HTTP_201_CREATED)
def create_project(body: ProjectCreate, actor: CurrentActor, session: DbSession) -> ProjectPublic:
    return _public(service.create_project(session, actor, body))


@router.get("/{project_id}", response_model=ProjectPublic)
def get_project(project_id: uuid.UUID, identity: CurrentIdentity, session: DbSession) -> ProjectPublic:
    return _public(service.get_project(session, identity, project_id))


@router.patch("/{project_id}", response_model=ProjectPublic)
def update_project(
    project_id: uuid.UUID,
    body: ProjectUpdate,
    actor: CurrentActor,
    session: DbSession,
) -> ProjectPublic:
    return _public(service.update_project(session, actor, project_id, body))


@router.delete("/{project_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_project(project_id: uuid.UUID, actor: CurrentActor, session: DbSession) -> None:
    service.delete_project(session, actor, project_id)


@router.get("/{project_id}/members", response_model=MemberList)
def list_members(project_id: uuid.UUID, identity: CurrentIdentity, session: DbSession) -> MemberList:
    rows = members.list_members(session, identity, project_id)
    items = [MemberPublic(user_id=user.id, email=user.email, role=member.role) for member, user in rows]
    return MemberList(items=items, total=len(items))


@router.post("/{project_id}/members", response_model=MemberPublic, status_code=status.HTTP_201_CREATED)
def add_member(
    project_id: uuid.UUID, body: MemberCreate, actor: CurrentActor, session: DbSession
) -> MemberPublic:
    member = members.add_member(session, actor, project_id, body.email, body.role)
    return MemberPublic(user_id=member.user_id, email=body.email.strip().lower(), role=member.role)


@router.patch("/{project_id}/members/{user_id}", response_model=MemberPublic)
def change_member(
    project_id: uuid.UUID,
    user_id: uuid.UUID,
    body: MemberUpdate,
    actor: CurrentActor,
    session: DbSession,
) -> MemberPublic:
    member = members.change_member_role(session, actor, project_id, user_id, body.role)
    user = session.get(User, member.user_id)
    return MemberPublic(user_id=member.user_id, email=user.email if user else "", role=member.role)


@router.delete("/{project_id}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_member(project_id: uuid.UUID, user_id: uuid.UUID, actor: CurrentActor, session: DbSession) -> None:
    members.remove_member(session, actor, project_id, user_id)
