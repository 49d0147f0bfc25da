"""Personal API tokens: created (shown once), listed, revoked; stored hashed; last use recorded."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, col, select, update

from autodevhub.auth.sessions import identity_of
from autodevhub.auth.tokens import API_TOKEN_PREFIX, new_token, token_hash
from autodevhub.core import audit
from autodevhub.core.errors import InvalidInput, NotAuthenticated, NotFound
from autodevhub.core.identity import Actor, Identity
from autodevhub.models import ApiToken, User, utcnow

MAX_NAME_LENGTH = 100
MAX_DAYS = 3650
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_token(
    session: Session, actor: Actor, name: object, *, expires_in_days: object = None
) -> tuple[ApiToken, str]:
    """A new token for the acting user; the raw value is returned here and never again."""
    if actor.user_id is None:
        raise NotAuthenticated("Sign in to continue.")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME_LENGTH:
        raise InvalidInput(f"Token name is required, at most {MAX_NAME_LENGTH} characters.")
    expires_at = None
    if expires_in_days not in (None, ""):
        try:
            days = int(expires_in_days)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= MAX_DAYS:
            raise InvalidInput(f"Expiry must be between 1 and {MAX_DAYS} days, or never.")
        expires_at = utcnow() + timedelta(days=days)
    raw = new_token(API_TOKEN_PREFIX)
    token = ApiToken(
        user_id=actor.user_id, name=name.strip(), token_hash=token_hash(raw), expires_at=expires_at
    )
    session.add(token)
    session.flush()
    audit.record(session, actor, "token.create", "api_token", token.id, name=token.name)
    return token, raw


def list_tokens(session: Session, user_id: uuid.UUID) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user_id).order_by(col(ApiToken.created_at).desc())
    return list(session.exec(query).all())


def revoke_token(session: Session, actor: Actor, token_id: uuid.UUID | str) -> ApiToken:
    """Revoke one of the acting user's own tokens."""
    if actor.user_id is None:
        raise NotAuthenticated("Sign in to continue.")
    try:
        key = uuid.UUID(str(token_id))
    except ValueError:
        raise NotFound("Token not found.") from None
    token = session.get(ApiToken, key)
    if token is None or token.user_id != actor.user_id:
        raise NotFound("Token not found.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        audit.record(session, actor, "token.revoke", "api_token", token.id)
    return token


def revoke_all_tokens(session: Session, actor: Actor, user_id: uuid.UUID, reason: str) -> None:
    """Revoke every token of the user not revoked yet (the account is deactivated); each is audited."""
    query = select(ApiToken).where(ApiToken.user_id == user_id, col(ApiToken.revoked_at).is_(None))
    for token in session.exec(query).all():
        token.revoked_at = utcnow()
        session.add(token)
        audit.record(session, actor, "token.revoke", "api_token", token.id, reason=reason)


# Built once (its cache key too): the token and its owner, checked on every API request.
TOKEN_AND_OWNER = (
    select(
        ApiToken.id.label("token_id"),
        ApiToken.revoked_at,
        ApiToken.expires_at,
        ApiToken.last_used_at,
        *(User.id, User.email, User.role, User.first_name, User.last_name, User.is_active),
    )
    .join(User, col(User.id) == ApiToken.user_id)
    .where(col(ApiToken.token_hash) == bindparam("token_hash"))
)


def identity_for_api_token(session: Session, raw: str) -> tuple[Identity, uuid.UUID] | None:
    """The active owner of a live token and the token's id, read in one query (no ORM objects: this runs
    on every API request); records the token's use at most once a minute."""
    if not raw.startswith(API_TOKEN_PREFIX):
        return None
    params = {"token_hash": token_hash(raw)}
    row = session.exec(TOKEN_AND_OWNER, params=params).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        return None
    if not row.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        session.exec(update(ApiToken).where(col(ApiToken.id) == row.token_id).values(last_used_at=now))
        session.commit()
    return identity_of(row), row.token_id  # the row carries the owner's columns under User's names
