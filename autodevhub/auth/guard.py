"""The one access check every service calls before reading or changing protected data."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from autodevhub.auth.permissions import Permission, can
from autodevhub.core.errors import Forbidden, NotAuthenticated, NotFound
from autodevhub.core.identity import Identity
from autodevhub.models import Project, ProjectMember, ProjectRole


def parse_id(value: object, what: str) -> uuid.UUID:
    """A UUID from untrusted input; NotFound (not a crash) for anything else."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"{what} not found.") from None


def project_role(session: Session, user_id: uuid.UUID, project_id: uuid.UUID) -> ProjectRole | None:
    query = select(ProjectMember.role).where(
        ProjectMember.project_id == project_id, ProjectMember.user_id == user_id
    )
    return session.exec(query).first()


def require(identity: Identity | None, permission: Permission) -> Identity:
    """An instance-wide permission (create a project, manage users, read the audit log...)."""
    if identity is None:
        raise NotAuthenticated("Sign in to continue.")
    if not can(identity.role, permission):
        raise Forbidden("Your role does not allow this.")
    return identity


def require_project(
    session: Session, identity: Identity | None, permission: Permission, project_id: uuid.UUID | str
) -> Project:
    """The project, if the caller's project role (or admin role) grants `permission` on it."""
    if identity is None:
        raise NotAuthenticated("Sign in to continue.")
    project = session.get(Project, parse_id(project_id, "Project"))
    if project is None:
        raise NotFound("Project not found.")
    if not can(identity.role, permission, project_role(session, identity.id, project.id)):
        raise Forbidden("Your role in this project does not allow this.")
    return project
