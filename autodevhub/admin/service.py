"""What the admin pages do, each checking the caller's permission before anything else."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from autodevhub.auth import accounts, policy
from autodevhub.auth.guard import require
from autodevhub.auth.permissions import Permission
from autodevhub.core import audit
from autodevhub.core.errors import InvalidInput
from autodevhub.core.identity import Actor, Identity
from autodevhub.models import AuditLog, User

MAX_FILTER = {"user_email": 320, "action": 100, "resource_type": 50}


def create_user(session: Session, actor: Actor, email: object, role: object, password: object) -> User:
    """An admin creates an account with an initial password the person changes after signing in."""
    require(actor.identity, Permission.USERS_MANAGE)
    if not isinstance(password, str) or not password:
        raise InvalidInput("Set an initial password.")
    account = accounts.NewAccount(email=email, password=password, role=role)
    return accounts.create_user(session, actor, account)


@dataclasses.dataclass(frozen=True)
class InstancePolicy:
    signup_mode: str
    github_orgs: list[str]


def instance_policy(session: Session, identity: Identity | None) -> InstancePolicy:
    """The sign-up mode and allowed GitHub organisations, for admins."""
    require(identity, Permission.INSTANCE_SETTINGS)
    return InstancePolicy(policy.signup_mode(session), policy.github_allowed_orgs(session))


def save_instance_policy(
    session: Session, actor: Actor, signup_mode: object, github_orgs: object
) -> InstancePolicy:
    """Change what differs from the current policy (each change audited); all or nothing."""
    current = instance_policy(session, actor.identity)
    if signup_mode != current.signup_mode:
        policy.set_signup_mode(session, actor, signup_mode)
    wanted = (
        sorted({n.lower() for n in github_orgs.replace(",", " ").split()})
        if isinstance(github_orgs, str)
        else None
    )
    if wanted != current.github_orgs:
        policy.set_github_allowed_orgs(session, actor, github_orgs)
    return instance_policy(session, actor.identity)


@dataclasses.dataclass(frozen=True)
class AuditFilters:
    """What the audit page searches by; every field is untrusted text from the browser."""

    user_email: str = ""
    action: str = ""
    resource_type: str = ""
    since: str = ""
    until: str = ""


def _day(value: str, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{label} must be a date such as 2025-01-31.") from None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def audit_entries(
    session: Session, identity: Identity | None, filters: AuditFilters, *, limit: int, offset: int
) -> tuple[list[tuple[AuditLog, str]], int]:
    """Admins only: one page of the audit log, newest first, each entry with its user's email."""
    require(identity, Permission.AUDIT_READ)
    for field, limit_chars in MAX_FILTER.items():
        if len(getattr(filters, field)) > limit_chars:
            raise InvalidInput(f"The {field.replace('_', ' ')} filter is too long.")
    since, until = _day(filters.since, "From"), _day(filters.until, "To")
    if since and until and since > until:
        raise InvalidInput("The From date must not be after the To date.")
    user_id = None
    if filters.user_email.strip():
        user = accounts.user_by_email(session, filters.user_email.strip().lower())
        if user is None:
            return [], 0
        user_id = user.id
    rows, total = audit.search(
        session,
        user_id=user_id,
        action=filters.action.strip() or None,
        resource_type=filters.resource_type.strip() or None,
        since=_midnight(since) if since else None,
        until=_midnight(until + timedelta(days=1)) if until else None,
        limit=limit,
        offset=offset,
    )
    ids = {row.user_id for row in rows if row.user_id is not None}
    emails = dict(session.exec(select(User.id, User.email).where(col(User.id).in_(ids))).all()) if ids else {}
    return [(row, emails.get(row.user_id, "")) for row in rows], total
