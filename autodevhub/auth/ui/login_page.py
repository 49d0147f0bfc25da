"""The sign-in and sign-up pages: native forms posting to /auth/web/*, which set the session cookie."""

from __future__ import annotations

import reflex as rx

from autodevhub.auth.passwords import MAX_LENGTH, MIN_LENGTH
from autodevhub.auth.ui.login_state import LoginState, SignupState
from autodevhub.ui import icon_badge, link_button, template
from autodevhub.ui.forms import message_callout, text_field
from autodevhub.ui.native_forms import native_form, sign_out_form
from autodevhub.ui.navigation import FOCUS_RING
from autodevhub.ui.session_state import SessionState


def auth_card(
    title: str, subtitle: str | rx.Var, *children: rx.Component, icon: str = "key-round"
) -> rx.Component:
    """A centred card with the page's <h1>, as both auth pages show it."""
    return rx.center(
        rx.card(
            rx.vstack(
                icon_badge(icon),
                rx.heading(title, as_="h1", size="6", weight="bold"),
                rx.text(subtitle, size="2", color_scheme="gray"),
                *children,
                spacing="4",
                width="100%",
            ),
            size=rx.breakpoints(initial="2", sm="4"),
            width="100%",
            max_width="28rem",
        ),
        padding_y=rx.breakpoints(initial="0", sm="2rem"),
    )


def footer_link(text: str, label: str, href: str) -> rx.Component:
    return rx.text(
        text,
        " ",
        rx.link(label, href=href, _focus_visible=FOCUS_RING),
        size="2",
        color_scheme="gray",
        text_align="center",
        width="100%",
    )


def field(label: str, name: str, **input_props) -> rx.Component:
    return text_field(label, name, size="3", **input_props)


def submit_button(label: str) -> rx.Component:
    return rx.button(label, type="submit", size="3", width="100%", _focus_visible=FOCUS_RING)


def loading() -> rx.Component:
    return rx.center(rx.spinner(size="3"), min_height="20rem", aria_busy="true")


def already_signed_in_panel() -> rx.Component:
    """What both pages show a visitor who is already signed in."""
    return auth_card(
        "You are already signed in",
        "Signed in as " + SessionState.user_name + " (" + SessionState.user_email + ").",
        rx.hstack(
            link_button("Go to the dashboard", "/", variant="solid"),
            sign_out_form(variant="soft", color_scheme="gray"),
            spacing="3",
            wrap="wrap",
        ),
        icon="circle-check",
    )


def when_ready(ready: rx.Var[bool], page: rx.Component) -> rx.Component:
    return rx.cond(ready, rx.cond(SessionState.user_name != "", already_signed_in_panel(), page), loading())


# The GitHub mark (Octicons, MIT); Lucide has no brand icons.
GITHUB_MARK = (
    "M8 0c4.42 0 8 3.58 8 8a8.013 8.013 0 0 1-5.45 7.59c-.4.08-.55-.17-.55-.38 0-.27.01-1.13.01-2.2 "
    "0-.75-.25-1.23-.54-1.48 1.78-.2 3.65-.88 3.65-3.95 0-.88-.31-1.59-.82-2.15.08-.2.36-1.02-.08-2.12 "
    "0 0-.67-.22-2.2.82-.64-.18-1.32-.27-2-.27-.68 0-1.36.09-2 .27-1.53-1.03-2.2-.82-2.2-.82-.44 1.1-.16 "
    "1.92-.08 2.12-.51.56-.82 1.28-.82 2.15 0 3.06 1.86 3.75 3.64 3.95-.23.2-.44.55-.51 1.07-.46.21-1.61.55"
    "-2.33-.66-.15-.24-.6-.83-1.23-.82-.67.01-.27.38.01.53.34.19.73.9.82 1.13.16.45.68 1.31 2.69.94 0 .67.01 "
    "1.3.01 1.49 0 .21-.15.45-.55.38A7.995 7.995 0 0 1 0 8c0-4.42 3.58-8 8-8Z"
)


def github_mark() -> rx.Component:
    return rx.el.svg(
        rx.el.svg.path(d=GITHUB_MARK),
        view_box="0 0 16 16",
        width="18",
        height="18",
        fill="currentColor",
        aria_hidden="true",
    )


def github_button() -> rx.Component:
    """A link styled as a button; a full page load, as the OAuth flow leaves the app."""
    return rx.fragment(
        rx.hstack(
            rx.separator(flex="1"),
            rx.text("or", size="1", color_scheme="gray"),
            rx.separator(flex="1"),
            align="center",
            width="100%",
        ),
        rx.button(
            rx.link(
                github_mark(),
                "Sign in with GitHub",
                href=LoginState.github_href,
                reload_document=True,
                underline="none",
                _focus_visible=FOCUS_RING,
            ),
            as_child=True,
            variant="outline",
            color_scheme="gray",
            size="3",
            width="100%",
        ),
    )


def login_form() -> rx.Component:
    return auth_card(
        "Sign in to AutoDevHub",
        "Stories, workflows and docs for your team, in one place.",
        message_callout(LoginState.error),
        rx.cond(
            LoginState.signup_status == "first",
            rx.callout(
                "No account exists yet. Create the first one: it becomes the administrator.",
                icon="info",
                width="100%",
            ),
        ),
        native_form(
            "/auth/web/login",
            rx.el.input(type="hidden", name="next", default_value=LoginState.next_path),
            rx.vstack(
                field(
                    "Email",
                    "email",
                    type="email",
                    auto_complete="username",
                    required=True,
                    max_length=320,
                    default_value=LoginState.email,
                    auto_focus=LoginState.email == "",
                ),
                field(
                    "Password",
                    "password",
                    type="password",
                    auto_complete="current-password",
                    required=True,
                    max_length=1024,
                    auto_focus=LoginState.email != "",
                ),
                submit_button("Sign in"),
                spacing="4",
                width="100%",
            ),
            width="100%",
        ),
        rx.cond(LoginState.github_enabled, github_button()),
        rx.cond(
            LoginState.signup_status == "invite",
            rx.text(
                "Need an account? Ask an administrator.",
                size="2",
                color_scheme="gray",
                text_align="center",
                width="100%",
            ),
            footer_link("New here?", "Create an account", "/signup"),
        ),
    )


@template(route="/login", title="Sign in", on_load=LoginState.load, public=True)
def login() -> rx.Component:
    """Email and password (and GitHub when configured); back to `next` once signed in."""
    return when_ready(LoginState.ready, login_form())


def invite_only() -> rx.Component:
    return auth_card(
        "Sign-up is by invitation only",
        "An administrator of this AutoDevHub instance creates accounts. Ask one to invite you, "
        "then sign in with the email they used.",
        link_button("Go to sign in", "/login", variant="solid"),
        icon="lock",
    )


def signup_form() -> rx.Component:
    return auth_card(
        "Create your account",
        "Turn feature ideas into stories and follow them to production.",
        message_callout(SignupState.error),
        rx.cond(
            SignupState.signup_status == "first",
            rx.callout(
                "This is a new AutoDevHub instance: the first account becomes its administrator.",
                icon="shield-check",
                width="100%",
            ),
        ),
        native_form(
            "/auth/web/signup",
            rx.vstack(
                rx.grid(
                    field(
                        "First name",
                        "first_name",
                        auto_complete="given-name",
                        max_length=100,
                        default_value=SignupState.first_name,
                        auto_focus=True,
                    ),
                    field(
                        "Last name",
                        "last_name",
                        auto_complete="family-name",
                        max_length=100,
                        default_value=SignupState.last_name,
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="4",
                    width="100%",
                ),
                field(
                    "Email",
                    "email",
                    type="email",
                    auto_complete="email",
                    required=True,
                    max_length=320,
                    default_value=SignupState.email,
                ),
                field(
                    "Password",
                    "password",
                    type="password",
                    auto_complete="new-password",
                    required=True,
                    min_length=MIN_LENGTH,
                    max_length=MAX_LENGTH,
                    hint=f"{MIN_LENGTH} to {MAX_LENGTH} characters. A few unrelated words work well.",
                ),
                submit_button("Create account"),
                spacing="4",
                width="100%",
            ),
            width="100%",
        ),
        footer_link("Already have an account?", "Sign in", "/login"),
    )


@template(route="/signup", title="Create account", on_load=SignupState.load, public=True)
def signup() -> rx.Component:
    """Self-service sign-up: always for the first account, afterwards only if an admin opened it."""
    return when_ready(
        SignupState.ready,
        rx.cond(SignupState.signup_status == "invite", invite_only(), signup_form()),
    )
