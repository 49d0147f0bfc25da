"""/settings: the caller's projects, paged, and the new-project form."""

from __future__ import annotations

import reflex as rx

from autodevhub.projects.ui.list_state import NEW_PROJECT_INPUTS, ProjectRow, ProjectsState
from autodevhub.ui import data_table, empty_state, page_header, template
from autodevhub.ui.forms import card_section, feedback, field_label, text_field
from autodevhub.ui.navigation import FOCUS_RING
from autodevhub.ui.pagination import pagination

NAME_INPUT, DESCRIPTION_INPUT, REPO_INPUT, TOKEN_INPUT = NEW_PROJECT_INPUTS
CLIPPED = {"overflow": "hidden", "text_overflow": "ellipsis", "white_space": "nowrap"}


def project_row(project: ProjectRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(project.name, href=project.href, weight="medium", _focus_visible=FOCUS_RING)
        ),
        rx.table.cell(rx.cond(project.repo != "", rx.code(project.repo), rx.text("—", color_scheme="gray"))),
        rx.table.cell(
            rx.text(project.description, size="2", color_scheme="gray", max_width="28rem", **CLIPPED)
        ),
    )


def project_table() -> rx.Component:
    return rx.vstack(
        data_table(("Project", "Repository", "Description"), ProjectsState.projects, project_row),
        pagination(ProjectsState, "projects"),
        spacing="3",
        width="100%",
    )


def no_projects() -> rx.Component:
    return empty_state(
        "folder-git-2",
        "No projects yet",
        "Projects group your stories, workflows and docs. Create one below, link its GitHub repository, "
        "then invite your team from the project's page.",
    )


def new_project_form() -> rx.Component:
    """Shown to everyone; the service refuses viewers, and the typed input stays for a retry."""
    return card_section(
        "New project",
        rx.form(
            rx.vstack(
                rx.grid(
                    text_field("Name", "name", field_id=NAME_INPUT, required=True, max_length=100),
                    text_field(
                        "GitHub repository",
                        "repo",
                        field_id=REPO_INPUT,
                        placeholder="owner/name",
                        max_length=140,
                        hint="Optional. Links the project's workflows and docs.",
                    ),
                    text_field(
                        "Project GitHub token",
                        "github_token",
                        field_id=TOKEN_INPUT,
                        type="password",
                        auto_complete="off",
                        max_length=255,
                        hint="Non-admins link a repository with a token of theirs that can push to it.",
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="4",
                    width="100%",
                ),
                rx.vstack(
                    field_label("Description", DESCRIPTION_INPUT),
                    rx.text_area(id=DESCRIPTION_INPUT, name="description", max_length=5000, width="100%"),
                    spacing="1",
                    width="100%",
                ),
                rx.button(rx.icon("plus", size=16, aria_hidden="true"), "Create project", type="submit"),
                spacing="4",
                width="100%",
            ),
            on_submit=ProjectsState.create_project,
            width="100%",
        ),
    )


def projects_section() -> rx.Component:
    """Everything /settings shows about projects."""
    return rx.vstack(
        feedback(ProjectsState.error, ProjectsState.notice),
        rx.heading("Projects", as_="h2", size="5"),
        rx.cond(ProjectsState.total > 0, project_table(), no_projects()),
        new_project_form(),
        spacing="5",
        width="100%",
    )


@template(route="/settings", title="Settings", on_load=ProjectsState.load_projects)
def settings() -> rx.Component:
    """Projects now; API tokens and integrations join them here."""
    return rx.box(
        page_header("Settings", "Projects, team members, API tokens and integrations."),
        projects_section(),
    )
