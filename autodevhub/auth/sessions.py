"""Login sessions: browser sessions (HttpOnly cookie) and API sessions (JWT access + rotating refresh)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlmodel import Session, col, delete, select, update

from autodevhub.auth.tokens import (
    ACCESS_TOKEN_TTL,
    REFRESH_TOKEN_PREFIX,
    SESSION_TOKEN_PREFIX,
    issue_access_token,
    new_token,
    read_access_token,
    token_hash,
)
from autodevhub.core import audit
from autodevhub.core.cache import get_cache
from autodevhub.core.db import after_commit
from autodevhub.core.errors import NotAuthenticated
from autodevhub.core.identity import Actor, Identity
from autodevhub.models import SessionKind, User, UserSession, utcnow
from autodevhub.models.accounts import RotatedRefreshToken

WEB_SESSION_TTL = timedelta(days=14)
REFRESH_TOKEN_TTL = timedelta(days=30)
SESSION_CACHE_TTL = timedelta(hours=24)
SESSION_RECHECK = timedelta(minutes=1)  # a cached lookup older than this is checked against the row again
CACHE_PREFIX = "session:"
EXPIRED = "Your session has expired. Sign in again."


@dataclass(frozen=True)
class ApiLogin:
    access_token: str
    refresh_token: str
    expires_in: int


def identity_of(user: User, session_id: uuid.UUID | None = None) -> Identity:
    name = f"{user.first_name} {user.last_name}".strip() or user.email
    return Identity(user.id, user.email, user.role, name, session_id)


def start_session(session: Session, actor: Actor, user: User, kind: SessionKind) -> tuple[UserSession, str]:
    """Record a new login session; returns it with the raw token (shown to the client once)."""
    is_web = kind is SessionKind.web
    raw = new_token(SESSION_TOKEN_PREFIX if is_web else REFRESH_TOKEN_PREFIX)
    row = UserSession(
        user_id=user.id,
        kind=kind,
        token_hash=token_hash(raw),
        expires_at=utcnow() + (WEB_SESSION_TTL if is_web else REFRESH_TOKEN_TTL),
        ip_address=actor.ip,
        user_agent=actor.user_agent,
    )
    session.add(row)
    session.flush()
    return row, raw


def api_login(session: Session, actor: Actor, user: User) -> ApiLogin:
    """Tokens for an API client after a successful password check."""
    row, refresh = start_session(session, actor, user, SessionKind.api)
    return _api_tokens(row, refresh)


def refresh_api_login(session: Session, actor: Actor, refresh_token: object) -> ApiLogin:
    """Rotate: the presented refresh token stops working and a new pair is issued. The rotation is a
    compare-and-swap on the token: of two requests with one token, one rotates and the other is a replay.
    A replayed token (rotated away already: a stolen copy) revokes its whole family, the login session."""
    if not isinstance(refresh_token, str) or not refresh_token:
        raise NotAuthenticated("Not signed in.")
    presented = token_hash(refresh_token)
    row = _session_by_hash(session, presented)
    if row is None:
        replayed = session.get(RotatedRefreshToken, presented)
        if replayed is not None:
            _revoke_family(session, actor, replayed.session_id)
        raise NotAuthenticated(EXPIRED)
    if row.kind is not SessionKind.api or row.expires_at <= utcnow():
        raise NotAuthenticated(EXPIRED)
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("This account is deactivated.")
    raw, now = new_token(REFRESH_TOKEN_PREFIX), utcnow()
    swap = (
        update(UserSession)
        .where(col(UserSession.id) == row.id, col(UserSession.token_hash) == presented)
        .values(token_hash=token_hash(raw), expires_at=now + REFRESH_TOKEN_TTL, ip_address=actor.ip)
        .execution_options(synchronize_session=False)
    )
    if session.exec(swap).rowcount != 1:  # another request rotated this token in the meantime
        _revoke_family(session, actor, row.id)
    session.exec(
        delete(RotatedRefreshToken).where(
            col(RotatedRefreshToken.session_id) == row.id, col(RotatedRefreshToken.expires_at) <= now
        )
    )
    session.add(RotatedRefreshToken(token_hash=presented, session_id=row.id, expires_at=row.expires_at))
    audit.record(session, actor.acting_for(identity_of(user)), "auth.refresh", "session", row.id)
    return _api_tokens(row, raw)


def _revoke_family(session: Session, actor: Actor, session_id: uuid.UUID) -> NoReturn:
    """A refresh token was replayed: end its login session (refresh and access tokens), audit the replay,
    commit both at once (the refusal that follows would roll them back) and refuse."""
    row = session.get(UserSession, session_id)
    user = session.get(User, row.user_id) if row else None
    session.exec(delete(UserSession).where(col(UserSession.id) == session_id))
    acting = actor.acting_for(identity_of(user)) if user else actor
    audit.record(session, acting, "auth.refresh_reuse", "session", session_id)
    session.commit()
    raise NotAuthenticated(EXPIRED)


def end_session(session: Session, actor: Actor, row: UserSession) -> None:
    """Logout: the session's cookie, refresh token and access tokens all stop working."""
    _forget_cached(session, row.token_hash)
    session.delete(row)
    user = session.get(User, row.user_id)
    audit.record(
        session, actor.acting_for(identity_of(user)) if user else actor, "auth.logout", "session", row.id
    )


def end_all_sessions(session: Session, user_id: uuid.UUID, *, keep: uuid.UUID | None = None) -> None:
    """End every login session of the user (browser and API), except `keep` (the caller's own)."""
    query = select(UserSession).where(UserSession.user_id == user_id, col(UserSession.id) != keep)
    for row in session.exec(query).all():
        _forget_cached(session, row.token_hash)
    session.exec(delete(UserSession).where(col(UserSession.user_id) == user_id, col(UserSession.id) != keep))


def session_for_token(session: Session, raw: object, kind: SessionKind) -> UserSession:
    """The live session a raw cookie or refresh token belongs to; NotAuthenticated otherwise."""
    return _live_session(session, raw, kind)


def identity_for_web_token(session: Session, raw: object) -> Identity | None:
    """The active user behind a session cookie, or None. The token lookup is cached (in Redis) and checked
    against its row again once the cached answer is a minute old."""
    if not isinstance(raw, str) or not raw.startswith(SESSION_TOKEN_PREFIX):
        return None
    hashed = token_hash(raw)
    cached = get_cache().get(CACHE_PREFIX + hashed)
    if cached and _fresh(cached):
        user_id, session_id = uuid.UUID(cached["user_id"]), uuid.UUID(cached["session_id"])
        if datetime.fromisoformat(cached["expires_at"]) <= utcnow():
            return None
    else:
        try:
            row = _live_session(session, raw, SessionKind.web)
        except NotAuthenticated:
            return None
        user_id, session_id = row.user_id, row.id
        _remember(row)
    return _active_identity(session, user_id, session_id)


def identity_for_access_token(session: Session, token: str) -> Identity | None:
    """The active user behind a JWT whose login session still exists."""
    claims = read_access_token(token)
    if claims is None:
        return None
    user_id, session_id = claims
    row = session.get(UserSession, session_id)
    if row is None or row.user_id != user_id or row.expires_at <= utcnow():
        return None
    return _active_identity(session, user_id, session_id)


def _active_identity(session: Session, user_id: uuid.UUID, session_id: uuid.UUID) -> Identity | None:
    user = session.get(User, user_id)
    return identity_of(user, session_id) if user is not None and user.is_active else None


def _live_session(session: Session, raw: object, kind: SessionKind) -> UserSession:
    if not isinstance(raw, str) or not raw:
        raise NotAuthenticated("Not signed in.")
    row = _session_by_hash(session, token_hash(raw))
    if row is None or row.kind is not kind or row.expires_at <= utcnow():
        raise NotAuthenticated(EXPIRED)
    return row


def _session_by_hash(session: Session, hashed: str) -> UserSession | None:
    return session.exec(select(UserSession).where(UserSession.token_hash == hashed)).first()


def _api_tokens(row: UserSession, refresh: str) -> ApiLogin:
    access = issue_access_token(row.user_id, row.id)
    return ApiLogin(access, refresh, int(ACCESS_TOKEN_TTL.total_seconds()))


def _remember(row: UserSession) -> None:
    """Cache the lookup in Redis only: an in-process copy would outlive a logout made in another worker."""
    if get_cache().backend != "redis":
        return
    ttl = min(SESSION_CACHE_TTL, row.expires_at - utcnow()).total_seconds()
    if ttl > 0:
        value = {
            "user_id": str(row.user_id),
            "session_id": str(row.id),
            "expires_at": row.expires_at.isoformat(),
            "checked_at": utcnow().isoformat(),
        }
        get_cache().set(CACHE_PREFIX + row.token_hash, value, ttl)


def _fresh(cached: dict) -> bool:
    checked = cached.get("checked_at")
    return isinstance(checked, str) and utcnow() - datetime.fromisoformat(checked) < SESSION_RECHECK


def _forget_cached(session: Session, hashed: str) -> None:
    """Drop the cached lookup now and again once the change commits: a lookup made in between (it still saw
    the row) must not keep the session alive in the cache."""
    get_cache().delete(CACHE_PREFIX + hashed)
    after_commit(session, lambda: get_cache().delete(CACHE_PREFIX + hashed))
