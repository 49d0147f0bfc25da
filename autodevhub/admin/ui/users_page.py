"""/admin/users: search, roles, deactivation and new accounts."""

from __future__ import annotations

import reflex as rx

from autodevhub.admin.ui.users_state import ADD_USER_INPUTS, USER_ROLES, UserRow, UsersState
from autodevhub.auth.passwords import MAX_LENGTH, MIN_LENGTH
from autodevhub.ui import data_table, page_header, template
from autodevhub.ui.forms import card_section, feedback, gated, select_field, text_field
from autodevhub.ui.pagination import pagination

EMAIL_INPUT, PASSWORD_INPUT = ADD_USER_INPUTS
ADMINS_ONLY = "Administrators only"


def status_badge(user: UserRow) -> rx.Component:
    return rx.cond(
        user.active,
        rx.badge("Active", color_scheme="green", variant="soft"),
        rx.badge("Deactivated", color_scheme="gray", variant="soft"),
    )


def user_row(user: UserRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(user.email, weight="medium"),
                rx.cond(user.name != "", rx.text(user.name, size="1", color_scheme="gray")),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.select(
                list(USER_ROLES),
                value=user.role,
                on_change=lambda role: UsersState.change_role(user.id, role),
                aria_label="Role of " + user.email,
                size="1",
            )
        ),
        rx.table.cell(status_badge(user)),
        rx.table.cell(user.created),
        rx.table.cell(
            rx.cond(
                user.active,
                rx.button(
                    "Deactivate",
                    on_click=UsersState.deactivate(user.id),
                    aria_label="Deactivate " + user.email,
                    color_scheme="red",
                    variant="soft",
                    size="1",
                ),
                rx.button(
                    "Reactivate",
                    on_click=UsersState.reactivate(user.id),
                    aria_label="Reactivate " + user.email,
                    variant="soft",
                    size="1",
                ),
            )
        ),
    )


def search_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                name="query",
                placeholder="Search by email or name",
                aria_label="Search users",
                type="search",
                max_length=100,
                flex="1",
            ),
            rx.button(
                rx.icon("search", size=16, aria_hidden="true"), "Search", type="submit", variant="soft"
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=UsersState.search_users,
        width="100%",
    )


def users_table() -> rx.Component:
    return data_table(("Account", "Role", "Status", "Created", ""), UsersState.users, user_row)


def add_user_form() -> rx.Component:
    return card_section(
        "Add user",
        rx.text("The person signs in with this email and password, then changes the password.", size="2"),
        rx.form(
            rx.vstack(
                rx.grid(
                    text_field("Email", "email", field_id=EMAIL_INPUT, type="email", required=True),
                    select_field(
                        "Role", "role", USER_ROLES, field_id="add-user-role", default_value="member"
                    ),
                    text_field(
                        "Initial password",
                        "password",
                        field_id=PASSWORD_INPUT,
                        type="password",
                        auto_complete="new-password",
                        required=True,
                        min_length=MIN_LENGTH,
                        max_length=MAX_LENGTH,
                        hint=f"{MIN_LENGTH} to {MAX_LENGTH} characters.",
                    ),
                    columns=rx.breakpoints(initial="1", md="3"),
                    spacing="4",
                    width="100%",
                ),
                rx.button(rx.icon("user-plus", size=16, aria_hidden="true"), "Add user", type="submit"),
                spacing="4",
                width="100%",
            ),
            on_submit=UsersState.add_user,
            width="100%",
        ),
    )


def users_content() -> rx.Component:
    return rx.vstack(
        feedback(UsersState.error, UsersState.notice),
        search_form(),
        rx.cond(
            UsersState.query != "",
            rx.text("Accounts matching “", UsersState.query, "”", size="2", color_scheme="gray"),
        ),
        users_table(),
        pagination(UsersState, "users"),
        add_user_form(),
        spacing="4",
        width="100%",
    )


@template(route="/admin/users", title="Users", on_load=UsersState.load_users)
def users() -> rx.Component:
    """Every account of the instance; the service refuses anyone but admins."""
    return rx.box(
        page_header("Users", "Accounts, their roles, and who may sign in."),
        gated(UsersState.allowed, UsersState.error, users_content(), ADMINS_ONLY),
    )
