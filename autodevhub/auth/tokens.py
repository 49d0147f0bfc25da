"""Opaque tokens (stored only as SHA-256 hashes) and short-lived JWT access tokens (signed with their own
key, derived from the instance secret)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

import jwt

from autodevhub.core.keys import JWT_SIGNING, derive_key
from autodevhub.models import utcnow

ACCESS_TOKEN_TTL = timedelta(minutes=15)
JWT_ALGORITHM = "HS256"
JWT_AUDIENCE = "autodevhub-api"
API_TOKEN_PREFIX = "adh_pat_"  # noqa: S105 (prefixes, not secrets)
REFRESH_TOKEN_PREFIX = "adh_rt_"  # noqa: S105
SESSION_TOKEN_PREFIX = "adh_ses_"  # noqa: S105


def new_token(prefix: str) -> str:
    """A random opaque token; its prefix tells its kind apart in logs and secret scanners."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored instead of the token (tokens carry 256 random bits, so a plain hash suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_access_token(user_id: uuid.UUID, session_id: uuid.UUID) -> str:
    """A JWT naming the user and the login session it belongs to; logout revokes it with the session."""
    now = utcnow()
    claims = {
        "sub": str(user_id),
        "sid": str(session_id),
        "aud": JWT_AUDIENCE,
        "iat": now,
        "exp": now + ACCESS_TOKEN_TTL,
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, derive_key(JWT_SIGNING), algorithm=JWT_ALGORITHM)


def read_access_token(token: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """(user id, session id) of a valid, unexpired access token; None for anything else."""
    try:
        claims = jwt.decode(
            token,
            derive_key(JWT_SIGNING),
            algorithms=[JWT_ALGORITHM],
            audience=JWT_AUDIENCE,
            options={"require": ["sub", "sid", "exp"]},
        )
        return uuid.UUID(claims["sub"]), uuid.UUID(claims["sid"])
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
