"""One project as its settings page shows it: the project, its members and what the caller may change."""

from __future__ import annotations

import dataclasses
import uuid

from sqlmodel import Session

from autodevhub.auth.guard import project_role
from autodevhub.auth.permissions import Permission, can
from autodevhub.core.identity import Identity
from autodevhub.models import Project, ProjectMember, User
from autodevhub.projects import members, service


@dataclasses.dataclass(frozen=True)
class ProjectDetail:
    """A readable project with its members; the flags come from the one permission table."""

    project: Project
    members: list[tuple[ProjectMember, User]]
    can_update: bool
    can_delete: bool
    can_manage_members: bool


def project_detail(session: Session, identity: Identity | None, project_id: uuid.UUID | str) -> ProjectDetail:
    """NotAuthenticated, NotFound or Forbidden unless the caller may read the project."""
    project = service.get_project(session, identity, project_id)
    assert identity is not None  # get_project refused anonymous callers
    role = project_role(session, identity.id, project.id)
    return ProjectDetail(
        project=project,
        members=members.list_members(session, identity, project.id),
        can_update=can(identity.role, Permission.PROJECT_UPDATE, role),
        can_delete=can(identity.role, Permission.PROJECT_DELETE, role),
        can_manage_members=can(identity.role, Permission.MEMBERS_MANAGE, role),
    )
