"""Project membership: list, add, change role, remove; the last owner always stays."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, func, select

from autodevhub.auth.guard import parse_id, require_project
from autodevhub.auth.permissions import Permission
from autodevhub.core import audit
from autodevhub.core.errors import Conflict, InvalidInput, NotFound
from autodevhub.core.identity import Actor, Identity
from autodevhub.models import ProjectMember, ProjectRole, User


def _role(value: object) -> ProjectRole:
    try:
        return ProjectRole(value)
    except ValueError:
        raise InvalidInput("Role must be owner, maintainer, member or viewer.") from None


def list_members(
    session: Session, identity: Identity | None, project_id: uuid.UUID | str
) -> list[tuple[ProjectMember, User]]:
    project = require_project(session, identity, Permission.PROJECT_READ, project_id)
    query = (
        select(ProjectMember, User)
        .join(User, col(User.id) == ProjectMember.user_id)
        .where(ProjectMember.project_id == project.id)
        .order_by(func.lower(User.email))
    )
    return [(member, user) for member, user in session.exec(query).all()]


def add_member(
    session: Session, actor: Actor, project_id: uuid.UUID | str, email: object, role: object
) -> ProjectMember:
    project = require_project(session, actor.identity, Permission.MEMBERS_MANAGE, project_id)
    new_role = _role(role)
    address = email.strip().lower() if isinstance(email, str) else ""
    user = session.exec(select(User).where(User.email == address)).first() if address else None
    if user is None:
        raise NotFound("No account with this email. Ask an administrator to create it first.")
    if _membership(session, project.id, user.id):
        raise Conflict("This person is already a member of the project.")
    member = ProjectMember(project_id=project.id, user_id=user.id, role=new_role)
    session.add(member)
    audit.record(session, actor, "member.add", "project", project.id, member=user.email, role=new_role.value)
    return member


def change_member_role(
    session: Session, actor: Actor, project_id: uuid.UUID | str, user_id: uuid.UUID | str, role: object
) -> ProjectMember:
    project = require_project(session, actor.identity, Permission.MEMBERS_MANAGE, project_id)
    new_role = _role(role)
    member = _existing(session, project.id, user_id)
    if member.role is ProjectRole.owner and new_role is not ProjectRole.owner:
        _keep_an_owner(session, project.id)
    old_role, member.role = member.role, new_role
    session.add(member)
    audit.record(
        session,
        actor,
        "member.role_change",
        "project",
        project.id,
        member=str(member.user_id),
        old=old_role.value,
        new=new_role.value,
    )
    return member


def remove_member(
    session: Session, actor: Actor, project_id: uuid.UUID | str, user_id: uuid.UUID | str
) -> None:
    project = require_project(session, actor.identity, Permission.MEMBERS_MANAGE, project_id)
    member = _existing(session, project.id, user_id)
    if member.role is ProjectRole.owner:
        _keep_an_owner(session, project.id)
    session.delete(member)
    audit.record(session, actor, "member.remove", "project", project.id, member=str(member.user_id))


def _membership(session: Session, project_id, user_id) -> ProjectMember | None:
    query = select(ProjectMember).where(
        ProjectMember.project_id == project_id, ProjectMember.user_id == user_id
    )
    return session.exec(query).first()


def _existing(session: Session, project_id, user_id: uuid.UUID | str) -> ProjectMember:
    member = _membership(session, project_id, parse_id(user_id, "Member"))
    if member is None:
        raise NotFound("Member not found.")
    return member


def _keep_an_owner(session: Session, project_id) -> None:
    owners = (
        select(func.count())
        .select_from(ProjectMember)
        .where(ProjectMember.project_id == project_id, ProjectMember.role == ProjectRole.owner)
    )
    if session.exec(owners).one() <= 1:
        raise Conflict("A project needs at least one owner.")
