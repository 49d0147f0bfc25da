"""People and their credentials: users, login sessions, API tokens."""

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from autodevhub.models.base import UTCDateTime, enum_field, optional_timestamp, timestamp, uuid_pk


class UserRole(enum.StrEnum):
    """What a user may do across the whole instance."""

    admin = "admin"
    member = "member"
    viewer = "viewer"


class SessionKind(enum.StrEnum):
    """How a session's token travels: a browser cookie, or an API client's refresh token."""

    web = "web"
    api = "api"


class User(SQLModel, table=True):
    """A person who signs in with a password, GitHub, or both."""

    __tablename__ = "users"

    id: uuid.UUID = uuid_pk()
    email: str = Field(max_length=320, unique=True, index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)
    role: UserRole = enum_field(UserRole.member)
    is_active: bool = True
    github_id: int | None = Field(default=None, sa_type=sa.BigInteger, unique=True)
    github_login: str | None = Field(default=None, max_length=39)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp(onupdate=True)


class UserSession(SQLModel, table=True):
    """A login: a browser cookie or an API refresh token; only the token's hash is stored."""

    __tablename__ = "sessions"

    id: uuid.UUID = uuid_pk()
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    kind: SessionKind = enum_field(SessionKind.web)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ip_address: str | None = Field(default=None, max_length=45)
    user_agent: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = timestamp()

    user: User = Relationship()


class ApiToken(SQLModel, table=True):
    """A named bearer token for the REST API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: uuid.UUID = uuid_pk()
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    last_used_at: datetime | None = optional_timestamp()
    expires_at: datetime | None = optional_timestamp()
    revoked_at: datetime | None = optional_timestamp()
    created_at: datetime = timestamp()

    user: User = Relationship()


class RotatedRefreshToken(SQLModel, table=True):
    """A refresh token its session rotated away: presented again, it gives the replay away (and the
    session, the token family, is revoked). Kept until the token would have expired anyway."""

    __tablename__ = "rotated_refresh_tokens"

    token_hash: str = Field(max_length=64, primary_key=True)
    session_id: uuid.UUID = Field(foreign_key="sessions.id", ondelete="CASCADE", index=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
