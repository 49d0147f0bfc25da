"""State of the sign-in and sign-up pages: what the query string and the instance's policy say.

Nothing here is secret or identifies anyone: the forms POST to /auth/web/*, which check everything.
"""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from autodevhub.auth import accounts, login_errors
from autodevhub.auth.web_session import safe_next
from autodevhub.integrations import github_oauth
from autodevhub.ui.session_state import SessionState


class AuthPageState(SessionState):
    """Shared by both pages: the refusal the form route sent back (a code: the words are ours, never the
    link's), and whether the form can be shown."""

    error: str = ""
    email: str = ""
    # "first" (the next account becomes the admin), "open" or "invite" (by invitation only).
    signup_status: str = "invite"
    # False until on_load has read the query string: the uncontrolled inputs mount with its values.
    ready: bool = False

    def _query(self, key: str, limit: int) -> str:
        return self.router.url.query_parameters.get(key, "")[:limit]

    def _read_common(self) -> None:
        self.email = self._query("email", 320)
        code = self._query("error", 50)
        values = {
            "email": self.email,
            "login": self._query("login", 39),
            "retry_after": self._query("retry_after", 6),
        }
        self.error = login_errors.message_for(code, values) if code else ""
        status, _ = self._service(lambda session, _identity: accounts.signup_status(session))
        self.signup_status = status or "invite"


class LoginState(AuthPageState):
    """The /login page."""

    next_path: str = "/"
    github_enabled: bool = False

    @rx.var
    def github_href(self) -> str:
        return f"/auth/github/login?{urlencode({'next': self.next_path})}"

    @rx.event
    def load(self):
        """on_load: the error, email and return path from the query string; GitHub sign-in on or off."""
        self.ready = False
        yield
        self._read_common()
        self.next_path = safe_next(self._query("next", 500) or "/")
        self.github_enabled = github_oauth.is_configured()
        self.ready = True


class SignupState(AuthPageState):
    """The /signup page."""

    first_name: str = ""
    last_name: str = ""

    @rx.event
    def load(self):
        """on_load: the error and typed values (never the password) the form route sent back."""
        self.ready = False
        yield
        self._read_common()
        self.first_name = self._query("first_name", 100)
        self.last_name = self._query("last_name", 100)
        self.ready = True
