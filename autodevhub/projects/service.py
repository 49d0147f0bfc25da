"""Projects: create, list, read, update, delete; each write audited in the same transaction."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, col, func, select

from autodevhub.auth.guard import require, require_project
from autodevhub.auth.permissions import Permission
from autodevhub.auth.sessions import Identity
from autodevhub.core import audit
from autodevhub.core.errors import Conflict, InvalidInput, NotAuthenticated
from autodevhub.models import Project, ProjectMember, ProjectRole, UserRole, utcnow

REPO_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
MAX_NAME = 100
MAX_DESCRIPTION = 5000
EDITABLE = ("name", "description", "repo")


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validated name/description/repo from untrusted input."""
    cleaned: dict[str, Any] = {}
    if "name" in fields:
        name = fields["name"]
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME:
            raise InvalidInput(f"Project name is required, at most {MAX_NAME} characters.")
        cleaned["name"] = name.strip()
    if "description" in fields:
        description = fields["description"] or ""
        if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
            raise InvalidInput(f"Description must be text of at most {MAX_DESCRIPTION} characters.")
        cleaned["description"] = description.strip()
    if "repo" in fields:
        repo = (fields["repo"] or "").strip() if isinstance(fields["repo"], str | None) else None
        if repo is None or (repo and not REPO_PATTERN.match(repo)):
            raise InvalidInput("Repository must look like owner/name.")
        cleaned["repo"] = repo or None
    return cleaned


def _name_taken(session: Session, name: str, exclude: Project | None = None) -> bool:
    query = select(Project.id).where(func.lower(Project.name) == name.lower())
    if exclude is not None:
        query = query.where(Project.id != exclude.id)
    return session.exec(query).first() is not None


def create_project(
    session: Session, identity: Identity | None, fields: dict[str, Any], *, ip_address: str | None = None
) -> Project:
    """A new project owned by its creator."""
    actor = require(identity, Permission.PROJECT_CREATE)
    values = clean_fields({"description": "", "repo": None, **fields})
    if "name" not in values:
        raise InvalidInput("Project name is required.")
    if _name_taken(session, values["name"]):
        raise Conflict("A project with this name already exists.")
    project = Project(owner_id=actor.id, **values)
    session.add(project)
    session.flush()
    session.add(ProjectMember(project_id=project.id, user_id=actor.id, role=ProjectRole.owner))
    audit.record(
        session,
        "project.create",
        "project",
        project.id,
        user_id=actor.id,
        ip_address=ip_address,
        name=project.name,
    )
    return project


def visible_projects(
    session: Session, identity: Identity | None, *, limit: int = 50, offset: int = 0
) -> tuple[list[Project], int]:
    """Projects the caller can read (admins: all), by name."""
    if identity is None:
        raise NotAuthenticated("Sign in to continue.")
    query = select(Project)
    if identity.role is not UserRole.admin:
        query = query.join(ProjectMember, col(ProjectMember.project_id) == Project.id).where(
            ProjectMember.user_id == identity.id
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(func.lower(Project.name)).limit(limit).offset(offset)).all()
    return list(rows), total


def get_project(session: Session, identity: Identity | None, project_id: object) -> Project:
    return require_project(session, identity, Permission.PROJECT_READ, project_id)


def update_project(
    session: Session,
    identity: Identity | None,
    project_id: object,
    fields: dict[str, Any],
    *,
    ip_address: str | None = None,
) -> Project:
    project = require_project(session, identity, Permission.PROJECT_UPDATE, project_id)
    values = clean_fields({key: value for key, value in fields.items() if key in EDITABLE})
    if "name" in values and _name_taken(session, values["name"], exclude=project):
        raise Conflict("A project with this name already exists.")
    changed = {key: value for key, value in values.items() if getattr(project, key) != value}
    for key, value in changed.items():
        setattr(project, key, value)
    if changed:
        project.updated_at = utcnow()
        session.add(project)
        audit.record(
            session,
            "project.update",
            "project",
            project.id,
            user_id=identity.id,
            ip_address=ip_address,
            fields=sorted(changed),
        )
    return project


def delete_project(
    session: Session, identity: Identity | None, project_id: object, *, ip_address: str | None = None
) -> None:
    project = require_project(session, identity, Permission.PROJECT_DELETE, project_id)
    audit.record(
        session,
        "project.delete",
        "project",
        project.id,
        user_id=identity.id,
        ip_address=ip_address,
        name=project.name,
    )
    session.delete(project)
