"""The one access check every service calls before reading or changing protected data."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, and_, bindparam
from sqlmodel import Session, col, select

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


def membership(project_id: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    """The join condition to the caller's member row (bind parameter `user_id`) of the project `project_id`
    names: a project and the caller's role in it are read in one query."""
    return and_(
        col(ProjectMember.project_id) == project_id, col(ProjectMember.user_id) == bindparam("user_id")
    )


# Built once (its cache key too): this runs on most API requests.
PROJECT_AND_ROLE = (
    select(Project, ProjectMember.role)
    .outerjoin(ProjectMember, membership(col(Project.id)))
    .where(col(Project.id) == bindparam("project_id"))
)


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
    params = {"project_id": parse_id(project_id, "Project"), "user_id": identity.id}
    row = session.exec(PROJECT_AND_ROLE, params=params).first()
    if row is None:
        raise NotFound("Project not found.")
    require_role(identity, permission, row[1])
    return row[0]


def require_role(identity: Identity, permission: Permission, role: ProjectRole | None) -> None:
    """Forbidden unless the caller's instance role, or their `role` in the project, grants `permission`."""
    if not can(identity.role, permission, role):
        raise Forbidden("Your role in this project does not allow this.")
