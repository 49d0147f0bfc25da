"""Accounts: sign-up, password login, password change, roles and deactivation."""

from __future__ import annotations

import re
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from sqlmodel import Session, func, or_, select

from autodevhub.auth import policy
from autodevhub.auth.api_tokens import revoke_all_tokens
from autodevhub.auth.guard import parse_id, require
from autodevhub.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from autodevhub.auth.permissions import Permission
from autodevhub.auth.sessions import end_all_sessions, identity_of
from autodevhub.core import audit
from autodevhub.core.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound, RateLimited
from autodevhub.core.identity import Actor, Identity
from autodevhub.core.ratelimit import get_limiter
from autodevhub.core.settings import get_settings
from autodevhub.models import User, UserRole

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_NAME_LENGTH = 100
BAD_CREDENTIALS = "Email or password is incorrect."
DEACTIVATED = "This account is deactivated."
INVALID_EMAIL = "Enter a valid email address."
EMAIL_TAKEN = "An account with this email already exists."
INVITE_ONLY = "Sign-up is by invitation only. Ask an administrator for an account."
NAME_TOO_LONG = f"{{label}} must be text of at most {MAX_NAME_LENGTH} characters."


def normalize_email(email: object) -> str:
    """Lower-cased, trimmed email; InvalidInput when it is not one."""
    if not isinstance(email, str) or not EMAIL_PATTERN.match(email.strip()) or len(email.strip()) > 320:
        raise InvalidInput(INVALID_EMAIL)
    return email.strip().lower()


def clean_name(value: object, label: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > MAX_NAME_LENGTH:
        raise InvalidInput(NAME_TOO_LONG.format(label=label))
    return value.strip()


def require_valid_password(password: object) -> str:
    problem = password_problem(password)
    if problem:
        raise InvalidInput(problem)
    return password  # type: ignore[return-value]


class NewAccount(BaseModel):
    """An account to create, validated once for the sign-up form, the admin's form, GitHub and the CLI.

    Fields arrive from browsers as anything; each validator turns a bad value into one InvalidInput.
    """

    model_config = ConfigDict(frozen=True)

    email: str
    password: str | None = None  # None: a GitHub-only account
    first_name: str = ""
    last_name: str = ""
    role: UserRole = UserRole.member

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: object) -> str:
        return normalize_email(value)

    @field_validator("password", mode="before")
    @classmethod
    def _password(cls, value: object) -> str | None:
        return None if value is None else require_valid_password(value)

    @field_validator("first_name", "last_name", mode="before")
    @classmethod
    def _name(cls, value: object, info: ValidationInfo) -> str:
        return clean_name(value, info.field_name.replace("_", " ").capitalize())

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: object) -> UserRole:
        try:
            return UserRole(value)
        except ValueError:
            raise InvalidInput("Role must be admin, member or viewer.") from None


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def create_user(session: Session, actor: Actor, account: NewAccount) -> User:
    """Create an account (password optional for GitHub-only users); the very first one is an admin.

    Audited as the actor's act, or as the new user's own when nobody is signed in (sign-up).
    """
    if user_by_email(session, account.email):
        raise Conflict(EMAIL_TAKEN)
    is_first = session.exec(select(func.count()).select_from(User)).one() == 0
    user = User(
        email=account.email,
        password_hash=hash_password(account.password) if account.password is not None else None,
        first_name=account.first_name,
        last_name=account.last_name,
        role=UserRole.admin if is_first else account.role,
    )
    session.add(user)
    session.flush()
    author = actor if actor.identity is not None else actor.acting_for(identity_of(user))
    audit.record(session, author, "user.create", "user", user.id, role=user.role.value)
    return user


def signup_status(session: Session) -> str:
    """'first' (no account yet: it becomes the admin), 'open' or 'invite' (by invitation only)."""
    if session.exec(select(func.count()).select_from(User)).one() == 0:
        return "first"
    return "open" if policy.open_signup(session) else "invite"


def sign_up(session: Session, actor: Actor, account: NewAccount) -> User:
    """Self-service sign-up (always as a member): open for the first account, then as the admin chose."""
    if signup_status(session) == "invite":
        raise Forbidden(INVITE_ONLY)
    return create_user(session, actor, account.model_copy(update={"role": UserRole.member}))


def login_failed(session: Session, actor: Actor, user: User | None, reason: str, **details: Any) -> None:
    """Audit a refused sign-in and commit it at once: the caller raises next, which would roll it back."""
    acting = actor.acting_for(identity_of(user)) if user is not None else actor
    audit.record(
        session, acting, "auth.login_failed", "user", user.id if user else None, reason=reason, **details
    )
    session.commit()


def login_with_password(session: Session, actor: Actor, email: object, password: object) -> User:
    """Check credentials under the per-account and per-IP limits; audits success and failure."""
    address = email.strip().lower() if isinstance(email, str) else ""
    settings = get_settings()
    limiter = get_limiter()
    for limit, key in (
        (settings.rate_limit_login_ip, actor.ip or "unknown"),
        (settings.rate_limit_login_account, address),
    ):
        decision = limiter.hit(limit, "login", key)
        if not decision.allowed:
            raise RateLimited(decision.retry_after)
    user = user_by_email(session, address) if address else None
    valid = isinstance(password, str) and verify_password(user.password_hash if user else None, password)
    if not valid or user is None or not user.is_active:
        # The typed login is kept only when it is an address: a password typed into the field is not.
        typed = {"email": address} if len(address) <= 320 and EMAIL_PATTERN.match(address) else {}
        login_failed(session, actor, user, "inactive" if valid and user else "bad_credentials", **typed)
        raise NotAuthenticated(BAD_CREDENTIALS if not valid else DEACTIVATED)
    limiter.reset(settings.rate_limit_login_account, "login", address)
    if user.password_hash and needs_rehash(user.password_hash):  # the hashing parameters were raised
        user.password_hash = hash_password(password)
        session.add(user)
    audit.record(session, actor.acting_for(identity_of(user)), "auth.login", "user", user.id)
    return user


def change_password(session: Session, actor: Actor, current: object, new: object) -> None:
    """Replace the password after checking the current one, under the per-account login limit, and end
    every other session of the account (browsers and API clients); the caller's own stays signed in.

    GitHub-only accounts may set a first password without one.
    """
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        raise NotAuthenticated("Sign in to continue.")
    if user.password_hash:
        decision = get_limiter().hit(get_settings().rate_limit_login_account, "password_change", str(user.id))
        if not decision.allowed:
            raise RateLimited(decision.retry_after)
        if not (isinstance(current, str) and verify_password(user.password_hash, current)):
            raise InvalidInput("Current password is incorrect.")
    user.password_hash = hash_password(require_valid_password(new))
    session.add(user)
    current_session = actor.identity.session_id if actor.identity else None
    end_all_sessions(session, user.id, keep=current_session)
    audit.record(session, actor, "user.password_change", "user", user.id)


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


def set_role(session: Session, actor: Actor, user_id: uuid.UUID | str, role: object) -> User:
    """An admin changes someone's global role; the last admin cannot demote themselves away."""
    require(actor.identity, Permission.USERS_MANAGE)
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
    audit.record(session, actor, "user.role_change", "user", user.id, old=old_role.value, new=new_role.value)
    return user


def set_active(session: Session, actor: Actor, user_id: uuid.UUID | str, active: object) -> User:
    """An admin deactivates (ending every session, revoking every API token) or reactivates an account."""
    require(actor.identity, Permission.USERS_MANAGE)
    if not isinstance(active, bool):
        raise InvalidInput("Active must be true or false.")
    user = session.get(User, parse_id(user_id, "User"))
    if user is None:
        raise NotFound("User not found.")
    if not active and user.role is UserRole.admin and _active_admins(session) <= 1:
        raise Conflict("At least one active admin must remain.")
    user.is_active = active
    session.add(user)
    action = "user.activate" if active else "user.deactivate"
    if not active:
        end_all_sessions(session, user.id)
        revoke_all_tokens(session, actor, user.id, reason=action)
    audit.record(session, actor, action, "user", user.id)
    return user


def _active_admins(session: Session) -> int:
    query = select(func.count()).select_from(User).where(User.role == UserRole.admin, User.is_active)
    return session.exec(query).one()
