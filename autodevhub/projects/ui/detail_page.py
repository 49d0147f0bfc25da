"""/settings/projects/[project_id]: a project's details, members and deletion."""

from __future__ import annotations

import reflex as rx

from autodevhub.projects.ui.detail_state import (
    ADD_MEMBER_EMAIL_INPUT,
    PROJECT_ROLES,
    MemberRow,
    ProjectDetailState,
)
from autodevhub.ui import confirm_dialog, data_table, link_button, page_header, template
from autodevhub.ui.forms import card_section, feedback, field_label, gated, select_field, text_field
from autodevhub.ui.navigation import FOCUS_RING


def back_link() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("arrow-left", size=16, aria_hidden="true"), "All projects", align="center", spacing="1"
        ),
        href="/settings",
        size="2",
        _focus_visible=FOCUS_RING,
    )


def details_form() -> rx.Component:
    """Maintainers and up edit; the form remounts (new defaults) whenever the saved values change."""
    return rx.form(
        rx.vstack(
            rx.grid(
                text_field(
                    "Name",
                    "name",
                    field_id="project-name",
                    default_value=ProjectDetailState.name,
                    required=True,
                ),
                text_field(
                    "GitHub repository",
                    "repo",
                    field_id="project-repo",
                    default_value=ProjectDetailState.repo,
                    placeholder="owner/name",
                ),
                token_field(),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            rx.text(ProjectDetailState.link_note, size="1", color_scheme="gray"),
            rx.vstack(
                field_label("Description", "project-description"),
                rx.text_area(
                    id="project-description",
                    name="description",
                    default_value=ProjectDetailState.description,
                    max_length=5000,
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
            rx.hstack(
                rx.button("Save changes", type="submit", loading=ProjectDetailState.saving),
                rx.cond(
                    ProjectDetailState.token_set,
                    rx.button(
                        "Remove GitHub token",
                        type="button",
                        on_click=ProjectDetailState.remove_github_token,
                        color_scheme="red",
                        variant="soft",
                    ),
                ),
                spacing="3",
            ),
            spacing="4",
            width="100%",
        ),
        key=ProjectDetailState.form_key,
        on_submit=ProjectDetailState.save_project,
        width="100%",
    )


def token_field() -> rx.Component:
    """Write-only: typed to set or replace the project's token, never filled in with it."""
    return rx.vstack(
        text_field(
            "Project GitHub token",
            "github_token",
            field_id="project-github-token",
            type="password",
            auto_complete="off",
            placeholder="github_pat_... (empty: keep)",
            max_length=255,
        ),
        rx.text(ProjectDetailState.token_note, size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
    )


def details_readonly() -> rx.Component:
    return rx.data_list.root(
        rx.data_list.item(rx.data_list.label("Repository"), rx.data_list.value(ProjectDetailState.repo)),
        rx.data_list.item(rx.data_list.label("Linked"), rx.data_list.value(ProjectDetailState.link_note)),
        rx.data_list.item(
            rx.data_list.label("Project GitHub token"), rx.data_list.value(ProjectDetailState.token_note)
        ),
        rx.data_list.item(
            rx.data_list.label("Description"), rx.data_list.value(ProjectDetailState.description)
        ),
    )


def member_row(member: MemberRow) -> rx.Component:
    manage = ProjectDetailState.can_manage_members
    return rx.table.row(
        rx.table.row_header_cell(rx.text(member.email, weight="medium")),
        rx.table.cell(member.name),
        rx.table.cell(
            rx.cond(
                manage,
                rx.select(
                    list(PROJECT_ROLES),
                    value=member.role,
                    on_change=lambda role: ProjectDetailState.change_member_role(member.user_id, role),
                    aria_label="Role of " + member.email,
                    size="1",
                ),
                rx.badge(member.role, variant="soft"),
            )
        ),
        rx.table.cell(
            rx.cond(
                manage,
                rx.button(
                    "Remove",
                    on_click=ProjectDetailState.remove_member(member.user_id),
                    aria_label="Remove " + member.email,
                    color_scheme="red",
                    variant="soft",
                    size="1",
                ),
            )
        ),
    )


def add_member_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(
                text_field(
                    "Email",
                    "email",
                    field_id=ADD_MEMBER_EMAIL_INPUT,
                    type="email",
                    required=True,
                    max_length=320,
                ),
                flex="2",
                min_width="14rem",
            ),
            rx.box(
                select_field(
                    "Role", "role", PROJECT_ROLES, field_id="add-member-role", default_value="member"
                ),
                flex="1",
                min_width="9rem",
            ),
            rx.button(rx.icon("user-plus", size=16, aria_hidden="true"), "Add member", type="submit"),
            align="end",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        on_submit=ProjectDetailState.add_member,
        width="100%",
    )


def members_card() -> rx.Component:
    return card_section(
        "Members",
        feedback(ProjectDetailState.member_error, ProjectDetailState.member_notice),
        data_table(("Email", "Name", "Role", ""), ProjectDetailState.members, member_row),
        rx.cond(ProjectDetailState.can_manage_members, add_member_form()),
    )


def notifications_card() -> rx.Component:
    """Maintainers and up: where the project's notices go (its own settings page)."""
    return card_section(
        "Notifications",
        rx.text(
            "Send failures, recoveries and deploys to e-mail, Slack, Teams, Discord or a webhook.", size="2"
        ),
        link_button(
            "Notification channels",
            "/settings/projects/" + ProjectDetailState.project_key + "/notifications",
            icon="bell",
        ),
    )


def delete_card() -> rx.Component:
    """Owners only; a confirmation dialog guards the delete."""
    return card_section(
        "Delete project",
        rx.text("Deleting removes the project with its stories, workflows and docs.", size="2"),
        confirm_dialog(
            rx.button("Delete project…", color_scheme="red", variant="soft"),
            "Delete " + ProjectDetailState.name + "?",
            "The project, its stories, workflows and docs are deleted for everyone. This cannot be undone.",
            "Delete project",
            ProjectDetailState.delete_project,
        ),
    )


def project_view() -> rx.Component:
    return rx.vstack(
        page_header(ProjectDetailState.name, "Project settings: details, members and access."),
        card_section(
            "Details",
            feedback(ProjectDetailState.error, ProjectDetailState.notice),
            rx.cond(ProjectDetailState.can_update, details_form(), details_readonly()),
        ),
        members_card(),
        rx.cond(ProjectDetailState.can_update, notifications_card()),
        rx.cond(ProjectDetailState.can_delete, delete_card()),
        spacing="5",
        width="100%",
    )


@template(
    route="/settings/projects/[project_id]", title="Project settings", on_load=ProjectDetailState.load_project
)
def project_settings() -> rx.Component:
    """A project the caller may read; otherwise why not (no crash for bad or foreign ids)."""
    return rx.vstack(
        back_link(),
        gated(
            ProjectDetailState.found,
            ProjectDetailState.problem,
            project_view(),
            "Project unavailable",
            icon="folder-x",
            level="h1",
        ),
        spacing="4",
        width="100%",
    )
