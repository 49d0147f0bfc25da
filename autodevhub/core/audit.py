"""Writing and reading the audit trail. Rows are only ever inserted, in the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from autodevhub.core.identity import Actor
from autodevhub.models import AuditLog


def record(
    session: Session,
    actor: Actor,
    action: str,
    resource_type: str,
    resource_id: object = None,
    **details: Any,
) -> AuditLog:
    """One audit row (who and from where: the actor), committed or rolled back with its change."""
    entry = AuditLog(
        user_id=actor.user_id,
        action=action,
        resource_type=resource_type,
        resource_id=None if resource_id is None else str(resource_id),
        audit_metadata={key: value for key, value in details.items() if value is not None},
        ip_address=actor.ip,
    )
    session.add(entry)
    return entry


def search(
    session: Session,
    *,
    user_id: uuid.UUID | None = None,
    action: str | None = None,
    resource_type: str | None = None,
    resource_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditLog], int]:
    """Newest first, filtered; one page and the total count. The caller has checked AUDIT_READ."""
    query = select(AuditLog)
    if user_id is not None:
        query = query.where(AuditLog.user_id == user_id)
    if action:
        query = query.where(col(AuditLog.action).startswith(action, autoescape=True))
    if resource_type:
        query = query.where(AuditLog.resource_type == resource_type)
    if resource_id:
        query = query.where(AuditLog.resource_id == resource_id)
    if since is not None:
        query = query.where(AuditLog.created_at >= since)
    if until is not None:
        query = query.where(AuditLog.created_at < until)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(AuditLog.created_at).desc(), col(AuditLog.id).desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), total
