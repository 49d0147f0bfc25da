"""Server-side identity for Reflex: every handler derives the user from the HttpOnly session cookie.

The cookie reaches the backend in the websocket handshake (`router.headers.cookie`) and is never sent to
the browser. The display vars below are for rendering only; handlers never trust them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote

import reflex as rx
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from autodevhub.auth.sessions import identity_for_web_token
from autodevhub.auth.web_session import session_token_from_cookie_header
from autodevhub.core.db import end_transaction, read_session, session_scope
from autodevhub.core.errors import CONFLICT, NotAuthenticated, ServiceError
from autodevhub.core.identity import Actor, Identity

T = TypeVar("T")
DATABASE_DOWN = "The database is unavailable right now. Try again in a moment; nothing was lost."
logger = logging.getLogger(__name__)


def signed_in(identity: Identity | None) -> Identity:
    """The caller, or NotAuthenticated for an anonymous one: handlers that serve only signed-in users call
    it first, so a signed-out caller hears "sign in" before any id is looked up."""
    if identity is None:
        raise NotAuthenticated("Sign in to continue.")
    return identity


def signed_in_actor(actor: Actor) -> Actor:
    """`signed_in` for writes: the actor of a signed-in caller, or NotAuthenticated before any id is read."""
    signed_in(actor.identity)
    return actor


class SessionState(rx.State):
    """Base of every page state: who is signed in, re-checked on the server for each event."""

    user_name: str = ""
    user_email: str = ""
    user_role: str = ""
    _signed_in_key: str = ""  # whose states these are (ui.identity_reset); never sent to the browser

    def _identity_in(self, session: Session) -> Identity | None:
        token = session_token_from_cookie_header(self.router.headers.cookie)
        return identity_for_web_token(session, token) if token else None

    def _client_ip(self) -> str:
        return self.router.session.client_ip or "unknown"

    def _service(self, action: Callable[[Session, Identity | None], T]) -> tuple[T | None, str]:
        """Run `action(session, identity)` in one transaction: (result, "") or (None, the refusal)."""
        try:
            with session_scope() as session:
                return action(session, self._identity_in(session)), ""
        except ServiceError as error:
            return None, error.message
        except IntegrityError:
            return None, CONFLICT
        except SQLAlchemyError:
            logger.exception("database error in %s", type(self).__name__)
            return None, DATABASE_DOWN

    def _read_replica(self, action: Callable[[Session, Identity | None], T]) -> tuple[T | None, str]:
        """`_service` for read-only views (lists, dashboards): the caller is found on the primary, the rows
        are read on the replica (DATABASE_REPLICA_URL; else the primary), which may lag a little behind."""

        def on_replica(session: Session, identity: Identity | None) -> T:
            end_transaction(session)  # the sign-in is checked: the primary's connection goes back
            with read_session() as replica:
                return action(replica, identity)

        return self._service(on_replica)

    def _actor(self, identity: Identity | None) -> Actor:
        """The caller of this event for the audit log: who, from which address and browser."""
        return Actor.of(identity, self._client_ip(), self.router.headers.user_agent)

    def _act(self, action: Callable[[Session, Actor], T]) -> tuple[T | None, str]:
        """`_service` for writes: `action(session, actor)`, the actor carrying the identity and address."""
        return self._service(lambda session, identity: action(session, self._actor(identity)))

    def _show_identity(self, identity: Identity | None) -> None:
        self.user_name = identity.name if identity else ""
        self.user_email = identity.email if identity else ""
        self.user_role = identity.role.value if identity else ""

    @rx.event
    def load_session(self):
        """on_load of public pages: show who is signed in, if anyone."""
        identity, _ = self._service(lambda _session, identity: identity)
        self._show_identity(identity)

    @rx.event
    def require_login(self):
        """on_load of protected pages: anonymous visitors go to the login page, then come back."""
        identity, _ = self._service(lambda _session, identity: identity)
        self._show_identity(identity)
        if identity is None:
            path = (self.router.url.path or "/").rstrip("/") or "/"
            return rx.redirect(f"/login?next={quote(path, safe='/')}")
        return None
