"""The one permission table: which role may do what. Reflex handlers, API routes and the CLI all ask `can`."""

from __future__ import annotations

import enum

from autodevhub.models import ProjectRole, UserRole


class Permission(enum.StrEnum):
    """Every protected action in the product."""

    # Instance-wide, decided by the global role.
    PROJECT_CREATE = "project.create"
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"
    INSTANCE_SETTINGS = "instance.settings"
    # Within a project, decided by the project role (admins may do all of them everywhere).
    PROJECT_READ = "project.read"
    PROJECT_UPDATE = "project.update"
    PROJECT_DELETE = "project.delete"
    MEMBERS_MANAGE = "members.manage"
    STORY_READ = "story.read"
    STORY_WRITE = "story.write"
    STORY_DELETE = "story.delete"
    WORKFLOW_READ = "workflow.read"
    WORKFLOW_RUN = "workflow.run"
    DOCS_READ = "docs.read"
    DOCS_WRITE = "docs.write"
    NOTIFY_MANAGE = "notify.manage"
    STORY_PUSH = "story.push"


GLOBAL_PERMISSIONS: dict[Permission, frozenset[UserRole]] = {
    Permission.PROJECT_CREATE: frozenset({UserRole.admin, UserRole.member}),
    Permission.USERS_MANAGE: frozenset({UserRole.admin}),
    Permission.AUDIT_READ: frozenset({UserRole.admin}),
    Permission.INSTANCE_SETTINGS: frozenset({UserRole.admin}),
}

# The least project role that grants each project permission.
PROJECT_PERMISSIONS: dict[Permission, ProjectRole] = {
    Permission.PROJECT_READ: ProjectRole.viewer,
    Permission.STORY_READ: ProjectRole.viewer,
    Permission.WORKFLOW_READ: ProjectRole.viewer,
    Permission.DOCS_READ: ProjectRole.viewer,
    Permission.STORY_WRITE: ProjectRole.member,
    Permission.DOCS_WRITE: ProjectRole.member,
    Permission.WORKFLOW_RUN: ProjectRole.maintainer,
    Permission.STORY_DELETE: ProjectRole.maintainer,
    Permission.PROJECT_UPDATE: ProjectRole.maintainer,
    Permission.NOTIFY_MANAGE: ProjectRole.maintainer,
    Permission.STORY_PUSH: ProjectRole.maintainer,
    Permission.MEMBERS_MANAGE: ProjectRole.owner,
    Permission.PROJECT_DELETE: ProjectRole.owner,
}

PROJECT_ROLE_RANK = {
    ProjectRole.viewer: 0,
    ProjectRole.member: 1,
    ProjectRole.maintainer: 2,
    ProjectRole.owner: 3,
}


def effective_project_role(global_role: UserRole, project_role: ProjectRole | None) -> ProjectRole | None:
    """A global viewer is read-only in every project, whatever their membership says."""
    if project_role is None:
        return None
    if global_role is UserRole.viewer:
        return ProjectRole.viewer
    return project_role


def can(global_role: UserRole, permission: Permission, project_role: ProjectRole | None = None) -> bool:
    """True when a user with these roles may perform `permission`."""
    if permission in GLOBAL_PERMISSIONS:
        return global_role in GLOBAL_PERMISSIONS[permission]
    if global_role is UserRole.admin:
        return True
    role = effective_project_role(global_role, project_role)
    if role is None:
        return False
    return PROJECT_ROLE_RANK[role] >= PROJECT_ROLE_RANK[PROJECT_PERMISSIONS[permission]]
