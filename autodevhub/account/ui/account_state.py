"""The /account page's state: change password and personal API tokens, checked on the server each time.

Every handler takes the user from the session cookie (via `_service`), never from a client var, and
treats its arguments as untrusted: a browser can send any payload to any handler.
"""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from autodevhub.auth import accounts, api_tokens
from autodevhub.core.identity import Identity
from autodevhub.models import ApiToken, utcnow
from autodevhub.ui.forms import form_text
from autodevhub.ui.rows import when
from autodevhub.ui.session_state import SessionState, signed_in

MAX_TOKENS_SHOWN = 100
PASSWORD_FIELDS = ("current_password", "new_password", "repeat_password")
TOKEN_FIELDS = ("token_name", "token_days")
REPEAT_DIFFERS = "The new password and its repetition differ."
CHANGED = (
    "Password changed; your other sessions were signed out (other browsers and API logins). "
    "Use the new password the next time you sign in."
)


def token_row(token: ApiToken) -> dict[str, str]:
    """What the token table shows: never the hash."""
    if token.revoked_at is not None:
        status = "Revoked"
    elif token.expires_at is not None and token.expires_at <= utcnow():
        status = "Expired"
    else:
        status = "Active"
    return {
        "id": str(token.id),
        "name": token.name,
        "created": when(token.created_at),
        "last_used": when(token.last_used_at),
        "expires": when(token.expires_at),
        "status": status,
    }


class AccountState(SessionState):
    """Messages, busy flags, the user's tokens and a just-created token (shown once)."""

    password_error: str = ""
    password_message: str = ""
    password_busy: bool = False
    tokens: list[dict[str, str]] = []
    token_error: str = ""
    token_busy: bool = False
    new_token: str = ""
    new_token_name: str = ""

    def _my_tokens(self, session: Session, identity: Identity | None) -> list[dict[str, str]]:
        rows = api_tokens.list_tokens(session, signed_in(identity).id)
        return [token_row(token) for token in rows[:MAX_TOKENS_SHOWN]]

    def _reload_tokens(self) -> None:
        rows, error = self._service(self._my_tokens)
        self.tokens = rows or []
        self.token_error = error

    @rx.event
    def load(self):
        """on_load: fresh messages, no token on display, the user's tokens."""
        self.password_error = self.password_message = ""
        self.new_token = self.new_token_name = ""
        self._reload_tokens()

    @rx.event
    def change_password(self, form_data: dict):
        """Check the current password and set the new one; the fields are emptied only on success."""
        current, new, repeat = (form_text(form_data, key) for key in PASSWORD_FIELDS)
        self.password_message = ""
        if new != repeat:
            self.password_error = REPEAT_DIFFERS
            return
        self.password_busy = True
        yield
        _, error = self._act(lambda session, actor: accounts.change_password(session, actor, current, new))
        self.password_busy = False
        self.password_error = error
        if not error:
            self.password_message = CHANGED
            yield [rx.set_value(field, "") for field in PASSWORD_FIELDS]

    @rx.event
    def create_token(self, form_data: dict):
        """A new token for the user, shown once; the form keeps its values when it is refused."""
        name, days = (form_text(form_data, key) for key in TOKEN_FIELDS)
        self.token_busy = True
        yield
        raw, error = self._act(
            lambda session, actor: api_tokens.create_token(
                session, actor, name, expires_in_days=days.strip() or None
            )[1]
        )
        self.token_busy = False
        if error:
            self.token_error = error
            return
        self.new_token, self.new_token_name = raw or "", name.strip()
        self._reload_tokens()
        yield [rx.set_value(field, "") for field in TOKEN_FIELDS]

    @rx.event
    def revoke_token(self, token_id: str):
        """Revoke one of the user's own tokens (someone else's is 'not found')."""
        _, error = self._act(lambda session, actor: api_tokens.revoke_token(session, actor, token_id))
        self._reload_tokens()
        self.token_error = error or self.token_error

    @rx.event
    def dismiss_new_token(self):
        """Forget the just-created token: it cannot be shown again."""
        self.new_token = self.new_token_name = ""
