"""Accounts: sign-up, password login, password change, roles and deactivation."""

from __future__ import annotations

import re
import uuid

from sqlmodel import Session, func, or_, select

from autodevhub.auth import policy
from autodevhub.auth.guard import parse_id, require
from autodevhub.auth.passwords import hash_password, password_problem, verify_password
from autodevhub.auth.permissions import Permission
from autodevhub.auth.sessions import Identity, end_all_sessions
from autodevhub.core import audit
from autodevhub.core.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound, RateLimited
from autodevhub.core.ratelimit import get_limiter
from autodevhub.core.settings import get_settings
from autodevhub.models import User, UserRole

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_NAME_LENGTH = 100
BAD_CREDENTIALS = "Email or password is incorrect."


def normalize_email(email: object) -> str:
    """Lower-cased, trimmed email; InvalidInput when it is not one."""
    if not isinstance(email, str) or not EMAIL_PATTERN.match(email.strip()) or len(email.strip()) > 320:
        raise InvalidInput("Enter a valid email address.")
    return email.strip().lower()


def clean_name(value: object, label: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > MAX_NAME_LENGTH:
        raise InvalidInput(f"{label} must be text of at most {MAX_NAME_LENGTH} characters.")
    return value.strip()


def require_valid_password(password: object) -> str:
    problem = password_problem(password)
    if problem:
        raise InvalidInput(problem)
    return password  # type: ignore[return-value]


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def create_user(
    session: Session,
    email: object,
    password: object | None,
    *,
    role: UserRole = UserRole.member,
    first_name: object = "",
    last_name: object = "",
    actor_id: uuid.UUID | None = None,
    ip_address: str | None = None,
) -> User:
    """Create an account (password optional for GitHub-only users); the very first one is an admin."""
    address = normalize_email(email)
    password_hash = hash_password(require_valid_password(password)) if password is not None else None
    if user_by_email(session, address):
        raise Conflict("An account with this email already exists.")
    is_first = session.exec(select(func.count()).select_from(User)).one() == 0
    user = User(
        email=address,
        password_hash=password_hash,
        first_name=clean_name(first_name, "First name"),
        last_name=clean_name(last_name, "Last name"),
        role=UserRole.admin if is_first else role,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        "user.create",
        "user",
        user.id,
        user_id=actor_id or user.id,
        ip_address=ip_address,
        role=user.role.value,
    )
    return user


def signup_status(session: Session) -> str:
    """'first' (no account yet: it becomes the admin), 'open' or 'invite' (by invitation only)."""
    if session.exec(select(func.count()).select_from(User)).one() == 0:
        return "first"
    return "open" if policy.open_signup(session) else "invite"


def sign_up(
    session: Session,
    email: object,
    password: object,
    *,
    first_name: object = "",
    last_name: object = "",
    ip_address: str | None = None,
) -> User:
    """Self-service sign-up: always open for the first account, then as the admin chose."""
    if signup_status(session) == "invite":
        raise Forbidden("Sign-up is by invitation only. Ask an administrator for an account.")
    return create_user(
        session, email, password, first_name=first_name, last_name=last_name, ip_address=ip_address
    )


def login_with_password(session: Session, email: object, password: object, *, ip_address: str) -> User:
    """Check credentials under the per-account and per-IP limits; audits success and failure."""
    address = email.strip().lower() if isinstance(email, str) else ""
    settings = get_settings()
    limiter = get_limiter()
    for limit, key in (
        (settings.rate_limit_login_ip, ip_address or "unknown"),
        (settings.rate_limit_login_account, address),
    ):
        decision = limiter.hit(limit, "login", key)
        if not decision.allowed:
            raise RateLimited(decision.retry_after)
    user = user_by_email(session, address) if address else None
    valid = isinstance(password, str) and verify_password(user.password_hash if user else None, password)
    if not valid or user is None or not user.is_active:
        audit.record(
            session,
            "auth.login_failed",
            "user",
            user.id if user else None,
            user_id=user.id if user else None,
            ip_address=ip_address,
            email=address[:320],
            reason="inactive" if valid and user else "bad_credentials",
        )
        session.commit()
        raise NotAuthenticated(BAD_CREDENTIALS if not valid else "This account is deactivated.")
    limiter.reset(settings.rate_limit_login_account, "login", address)
    audit.record(session, "auth.login", "user", user.id, user_id=user.id, ip_address=ip_address)
    return user


def change_password(
    session: Session, user_id: uuid.UUID, current: object, new: object, *, ip_address: str | None
) -> None:
    """Replace the password after checking the current one, under the per-account login limit.

    GitHub-only accounts may set a first password without one.
    """
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Account not found.")
    if user.password_hash:
        decision = get_limiter().hit(get_settings().rate_limit_login_account, "password_change", str(user.id))
        if not decision.allowed:
            raise RateLimited(decision.retry_after)
        if not (isinstance(current, str) and verify_password(user.password_hash, current)):
            raise InvalidInput("Current password is incorrect.")
    user.password_hash = hash_password(require_valid_password(new))
    session.add(user)
    audit.record(session, "user.password_change", "user", user.id, user_id=user.id, ip_address=ip_address)


def list_users(
    session: Session, identity: Identity | None, *, query: object = "", limit: int = 50, offset: int = 0
) -> tuple[list[User], int]:
    """Admins only: accounts by email, optionally filtered by a fragment of email or name."""
    require(identity, Permission.USERS_MANAGE)
    statement = select(User)
    if isinstance(query, str) and query.strip():
        pattern = f"%{query.strip().lower()}%"
        statement = statement.where(
            or_(
                func.lower(User.email).like(pattern),
                func.lower(User.first_name).like(pattern),
                func.lower(User.last_name).like(pattern),
            )
        )
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(User.email).limit(limit).offset(offset)).all()
    return list(rows), total


def set_role(
    session: Session, identity: Identity | None, user_id: object, role: object, *, ip_address: str | None
) -> User:
    """An admin changes someone's global role; the last admin cannot demote themselves away."""
    actor = require(identity, Permission.USERS_MANAGE)
    try:
        new_role = UserRole(role)
    except ValueError:
        raise InvalidInput("Role must be admin, member or viewer.") from None
    user = session.get(User, parse_id(user_id, "User"))
    if user is None:
        raise NotFound("User not found.")
    if user.role is UserRole.admin and new_role is not UserRole.admin and _active_admins(session) <= 1:
        raise Conflict("At least one active admin must remain.")
    old_role, user.role = user.role, new_role
    session.add(user)
    audit.record(
        session,
        "user.role_change",
        "user",
        user.id,
        user_id=actor.id,
        ip_address=ip_address,
        old=old_role.value,
        new=new_role.value,
    )
    return user


def set_active(
    session: Session, identity: Identity | None, user_id: object, active: object, *, ip_address: str | None
) -> User:
    """An admin deactivates (ending every session and token use) or reactivates an account."""
    actor = require(identity, Permission.USERS_MANAGE)
    if not isinstance(active, bool):
        raise InvalidInput("Active must be true or false.")
    user = session.get(User, parse_id(user_id, "User"))
    if user is None:
        raise NotFound("User not found.")
    if not active and user.role is UserRole.admin and _active_admins(session) <= 1:
        raise Conflict("At least one active admin must remain.")
    user.is_active = active
    session.add(user)
    if not active:
        end_all_sessions(session, user.id)
    action = "user.activate" if active else "user.deactivate"
    audit.record(session, action, "user", user.id, user_id=actor.id, ip_address=ip_address)
    return user


def _active_admins(session: Session) -> int:
    query = select(func.count()).select_from(User).where(User.role == UserRole.admin, User.is_active)
    return session.exec(query).one()
