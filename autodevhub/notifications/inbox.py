"""Each user's in-app notices (the bell): written for a project's members when an event happens, read and
marked read by their owner only."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, func, or_, select, update

from autodevhub.core.errors import NotAuthenticated
from autodevhub.core.identity import Identity
from autodevhub.models import Notice, ProjectMember, UserRole, utcnow
from autodevhub.notifications.events import Event

MAX_IDS = 200


def deliver(session: Session, event: Event) -> int:
    """A notice of the event for every member of its project who has none for it yet; how many."""
    members = select(ProjectMember.user_id).where(ProjectMember.project_id == event.project_id)
    told = select(Notice.user_id).where(Notice.dedupe_key == event.dedupe_key[:200])
    users = set(session.exec(members)) - set(session.exec(told))
    for user_id in users:
        session.add(
            Notice(
                user_id=user_id,
                project_id=event.project_id,
                event=event.name,
                dedupe_key=event.dedupe_key[:200],
                title=event.title,
                body=event.body,
                link=event.link,
            )
        )
    return len(users)


def public(notice: Notice) -> dict:
    return {
        "id": str(notice.id),
        "project_id": str(notice.project_id) if notice.project_id else None,
        "event": notice.event,
        "title": notice.title,
        "body": notice.body,
        "link": notice.link,
        "created_at": notice.created_at.isoformat(),
        "read_at": notice.read_at.isoformat() if notice.read_at else None,
    }


def list_notices(
    session: Session, identity: Identity | None, *, unread: bool = False, limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """The caller's notices, newest first, and how many there are (unread only, if asked)."""
    identity = _signed_in(identity)
    user_id = identity.id
    query = select(Notice).where(Notice.user_id == user_id)
    if identity.role is not UserRole.admin:  # only projects the caller can still read
        readable = select(ProjectMember.project_id).where(ProjectMember.user_id == user_id)
        query = query.where(or_(col(Notice.project_id).is_(None), col(Notice.project_id).in_(readable)))
    if unread:
        query = query.where(col(Notice.read_at).is_(None))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Notice.created_at).desc()).limit(limit).offset(offset))
    return [public(row) for row in rows], total


def mark_read(
    session: Session,
    identity: Identity | None,
    *,
    ids: list[uuid.UUID] | None = None,
    everything: bool = False,
) -> int:
    """Mark the caller's notices read (the given ids, or all of them); how many changed."""
    user_id = _signed_in(identity).id
    if not everything and not ids:
        return 0
    statement = update(Notice).where(col(Notice.user_id) == user_id, col(Notice.read_at).is_(None))
    if not everything:
        statement = statement.where(col(Notice.id).in_(list(ids or [])[:MAX_IDS]))
    return session.execute(statement.values(read_at=utcnow())).rowcount


def _signed_in(identity: Identity | None) -> Identity:
    if identity is None:
        raise NotAuthenticated("Sign in to continue.")
    return identity
