"""Native forms: a full page load, for the HTTP routes that set or clear the session cookie."""

from __future__ import annotations

import reflex as rx

from autodevhub.ui.navigation import FOCUS_RING


def native_form(action: str, *children: rx.Component, **props) -> rx.Component:
    """A form the browser itself POSTs to `action`, loading the answer as a new page.

    `on_submit=None` keeps Reflex from attaching its default handler, which would cancel the submit.
    After a login or logout the new page opens a new websocket, which carries the new cookie.
    """
    return rx.el.form(*children, action=action, method="post", on_submit=None, **props)


def sign_out_form(label_display: str | rx.Var = "inline", **button_props) -> rx.Component:
    """A "Sign out" button: a native POST to /auth/web/logout, which ends the session and reloads.

    `label_display` can hide the word on narrow screens; the button keeps its accessible name.
    """
    return native_form(
        "/auth/web/logout",
        rx.button(
            rx.icon("log-out", size=16, aria_hidden="true"),
            rx.text("Sign out", display=label_display),
            type="submit",
            aria_label="Sign out",
            _focus_visible=FOCUS_RING,
            **button_props,
        ),
        display="inline-flex",
    )
