"""Who is calling (Identity) and from where (Actor): a leaf module every layer may import."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autodevhub.models import UserRole

MAX_USER_AGENT = 500


@dataclass(frozen=True)
class Identity:
    """A signed-in user, read fresh from the users table, so role changes apply at once."""

    id: uuid.UUID
    email: str
    role: UserRole
    name: str
    session_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Actor:
    """Who asks for a change and from where: built once by each front door, read by the audit log."""

    identity: Identity | None
    ip: str | None = None
    user_agent: str | None = None

    @classmethod
    def of(cls, identity: Identity | None, ip: str | None = None, user_agent: str | None = None) -> Actor:
        return cls(identity, ip, (user_agent or "")[:MAX_USER_AGENT] or None)

    @property
    def user_id(self) -> uuid.UUID | None:
        return self.identity.id if self.identity is not None else None

    def acting_for(self, identity: Identity) -> Actor:
        """The same request on behalf of an identity learnt during it (a login that just succeeded)."""
        return Actor(identity, self.ip, self.user_agent)


SYSTEM = Actor(None, None, "autodevhub")  # jobs and the scheduler: no user, no address
