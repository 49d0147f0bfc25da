"""Every page state starts afresh when the sign-in behind a tab changes (a sign-out, another sign-in).

Reflex keys state by the tab's token, not by the login: without this, the first snapshot the next user of a
tab is sent (the hydrate after the page load that follows a login or logout) would hold the previous user's
lists, forms and one-time secrets. The session cookie is the key: it changes with every sign-in and goes
with every sign-out, and comparing its digest costs no database lookup.
"""

from __future__ import annotations

import hashlib

from reflex.middleware import Middleware
from reflex.state import BaseState
from reflex_base.event import Event

from autodevhub.auth.web_session import session_token_from_cookie_header
from autodevhub.ui.session_state import SessionState


def sign_in_key(cookie_header: str) -> str:
    """A digest of the tab's session cookie ("" when signed out): what the tab's states belong to."""
    token = session_token_from_cookie_header(cookie_header) or ""
    return hashlib.sha256(token.encode()).hexdigest() if token else ""


def page_states(root: type[BaseState] = SessionState) -> list[type[BaseState]]:
    """SessionState and every state below it."""
    found = [root]
    for child in root.get_substates():
        found += page_states(child)
    return found


class ResetOnIdentityChange(Middleware):
    """Before any event on the page states: if the tab's sign-in changed since they were last used, reset
    them all. `state` is the root of the states the event fetched."""

    async def preprocess(self, app, state: BaseState, event: Event) -> None:
        base = state.substates.get(SessionState.get_name())
        if base is None:
            # The event's states are Reflex's own (on_load_internal on every link, update_vars_internal):
            # no page state is read or sent, and with Redis fetching SessionState would fetch and unpickle
            # every page state below it. The page's next event (its on_load, a hydrate) resets them.
            return None
        key = sign_in_key(state.router.headers.cookie)
        if base._signed_in_key == key:
            return None
        for page_state in page_states():
            (await state.get_state(page_state)).reset()
        base._signed_in_key = key
        return None
