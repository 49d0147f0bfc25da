"""The /account page: the signed-in user's profile, password and personal API tokens."""

from __future__ import annotations

import reflex as rx

from autodevhub.account.ui.account_state import AccountState
from autodevhub.auth.passwords import MAX_LENGTH, MIN_LENGTH
from autodevhub.ui import confirm_dialog, data_table, empty_state, page_header, template
from autodevhub.ui.forms import card_section, feedback, text_field
from autodevhub.ui.session_state import SessionState


def section(title: str, description: str | rx.Component, *children: rx.Component) -> rx.Component:
    return card_section(title, rx.text(description, size="2", color_scheme="gray"), *children)


def profile() -> rx.Component:
    def item(label: str, value: rx.Component) -> rx.Component:
        return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))

    return section(
        "Profile",
        "Who you are signed in as. An administrator manages roles.",
        rx.data_list.root(
            item("Name", rx.text(SessionState.user_name)),
            item("Email", rx.text(SessionState.user_email)),
            item("Role", rx.badge(SessionState.user_role, radius="full", text_transform="capitalize")),
            orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
        ),
    )


def password_form() -> rx.Component:
    return section(
        "Change password",
        "Enter your current password, then the new one twice.",
        feedback(AccountState.password_error, AccountState.password_message),
        rx.form(
            rx.vstack(
                text_field(
                    "Current password",
                    "current_password",
                    field_id="current_password",
                    type="password",
                    auto_complete="current-password",
                    max_length=1024,
                    hint="Leave empty if you have only signed in with GitHub so far.",
                ),
                text_field(
                    "New password",
                    "new_password",
                    field_id="new_password",
                    type="password",
                    auto_complete="new-password",
                    required=True,
                    min_length=MIN_LENGTH,
                    max_length=MAX_LENGTH,
                    hint=f"{MIN_LENGTH} to {MAX_LENGTH} characters.",
                ),
                text_field(
                    "Repeat new password",
                    "repeat_password",
                    field_id="repeat_password",
                    type="password",
                    auto_complete="new-password",
                    required=True,
                    max_length=MAX_LENGTH,
                ),
                rx.button("Change password", type="submit", loading=AccountState.password_busy),
                spacing="4",
                width="100%",
            ),
            on_submit=AccountState.change_password,
            width="100%",
        ),
    )


def new_token_callout() -> rx.Component:
    """The token just created, with a copy button: the only time it is shown."""
    return rx.cond(
        AccountState.new_token != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.vstack(
                rx.text(
                    "Copy the new token “",
                    AccountState.new_token_name,
                    "” now. It will not be shown again.",
                    weight="bold",
                ),
                rx.code(AccountState.new_token, id="new-token", size="3", word_break="break-all"),
                rx.hstack(
                    rx.button(
                        rx.icon("copy", size=16, aria_hidden="true"),
                        "Copy token",
                        on_click=[
                            rx.set_clipboard(AccountState.new_token),
                            rx.toast.success("Token copied to the clipboard."),
                        ],
                    ),
                    rx.button("Done", variant="soft", on_click=AccountState.dismiss_new_token),
                    spacing="3",
                ),
                spacing="3",
                width="100%",
            ),
            color_scheme="amber",
            role="status",
            width="100%",
        ),
    )


def token_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(
                text_field(
                    "Token name",
                    "token_name",
                    field_id="token_name",
                    required=True,
                    max_length=100,
                    placeholder="e.g. CI pipeline",
                ),
                flex="2",
                min_width="12rem",
            ),
            rx.box(
                text_field(
                    "Expires after (days)",
                    "token_days",
                    field_id="token_days",
                    type="number",
                    min=1,
                    max=3650,
                    placeholder="Never",
                ),
                flex="1",
                min_width="10rem",
            ),
            rx.button(
                rx.icon("plus", size=16, aria_hidden="true"),
                "Create token",
                type="submit",
                loading=AccountState.token_busy,
            ),
            align="end",
            wrap="wrap",
            spacing="3",
            width="100%",
        ),
        on_submit=AccountState.create_token,
        width="100%",
    )


def revoke_button(token: rx.Var) -> rx.Component:
    """Revoke, after a confirmation naming the token."""
    return confirm_dialog(
        rx.button(
            "Revoke", size="1", variant="soft", color_scheme="red", aria_label="Revoke " + token["name"]
        ),
        "Revoke “" + token["name"] + "”?",
        "Programs using this token will be refused at once. This cannot be undone.",
        "Revoke token",
        AccountState.revoke_token(token["id"]),
    )


STATUS_COLORS = {"Active": "green", "Expired": "amber", "Revoked": "gray"}


def token_table() -> rx.Component:
    def row(token: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.row_header_cell(token["name"]),
            rx.table.cell(token["created"]),
            rx.table.cell(token["last_used"]),
            rx.table.cell(token["expires"]),
            rx.table.cell(
                rx.badge(
                    token["status"], color_scheme=rx.match(token["status"], *STATUS_COLORS.items(), "gray")
                )
            ),
            rx.table.cell(rx.cond(token["status"] == "Active", revoke_button(token))),
        )

    headers = ("Name", "Created", "Last used", "Expires", "Status", "Actions")
    return data_table(headers, AccountState.tokens, row, white_space="nowrap")


def tokens() -> rx.Component:
    return section(
        "Personal API tokens",
        rx.fragment(
            "For the REST API and scripts: send ",
            rx.code("Authorization: Bearer <token>"),
            ". A token acts as you, with your role.",
        ),
        feedback(AccountState.token_error),
        new_token_callout(),
        token_form(),
        rx.cond(
            AccountState.tokens,
            token_table(),
            empty_state(
                "key-round",
                "No API tokens yet",
                "Create a token to call the REST API from scripts and CI. It carries your role, "
                "so give each program its own token and revoke the ones you no longer use.",
            ),
        ),
    )


@template(route="/account", title="Account", on_load=AccountState.load)
def account() -> rx.Component:
    """Profile, password and API tokens of the signed-in user."""
    return rx.box(
        page_header("Account", "Your profile, your password and your personal API tokens."),
        rx.vstack(
            rx.grid(profile(), password_form(), columns=rx.breakpoints(initial="1", lg="2"), spacing="5"),
            tokens(),
            spacing="5",
            width="100%",
        ),
    )
