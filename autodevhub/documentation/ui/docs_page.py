"""The Docs page (`/docs`): a project's generated documentation, its freshness, and Generate for members."""

from __future__ import annotations

import reflex as rx

from autodevhub.documentation.ui.docs_parts import page_view, tree
from autodevhub.documentation.ui.docs_pr import pull_request_bar
from autodevhub.documentation.ui.docs_state import ROUTE
from autodevhub.documentation.ui.docs_state import DocsState as S
from autodevhub.ui import empty_state, link_button, page_header, template
from autodevhub.ui.forms import feedback, field_label, gated
from autodevhub.ui.rows import ProjectOption


def project_item(option: ProjectOption) -> rx.Component:
    return rx.select.item(option.name, value=option.id)


def generate_controls() -> rx.Component:
    """A form: the engine, an optional git ref of the linked repository, and Generate / Refresh."""
    return rx.form(
        rx.flex(
            rx.vstack(
                field_label("Engine", "docs-engine"),
                rx.select.root(
                    rx.select.trigger(id="docs-engine", min_width="9rem"),
                    rx.select.content(
                        rx.select.item("Auto", value="auto"),
                        rx.select.item("Rules (offline)", value="rules"),
                        rx.select.item("Claude", value="claude"),
                        position="popper",
                    ),
                    name="engine",
                    default_value="auto",
                ),
                spacing="1",
            ),
            rx.vstack(
                field_label("Ref (optional)", "docs-ref"),
                rx.input(
                    id="docs-ref", name="ref", placeholder="default branch", max_length=255, width="11rem"
                ),
                spacing="1",
            ),
            rx.button(
                rx.cond(
                    S.generating, rx.spinner(size="2"), rx.icon("refresh-cw", size=16, aria_hidden="true")
                ),
                rx.cond(S.total > 0, "Refresh", "Generate"),
                type="submit",
                disabled=S.generating,
            ),
            align="end",
            wrap="wrap",
            spacing="3",
        ),
        on_submit=S.generate,
    )


def controls() -> rx.Component:
    """The project picker, the project's freshness, and Generate / Download."""
    return rx.flex(
        rx.vstack(
            field_label("Project", "docs-project"),
            rx.select.root(
                rx.select.trigger(id="docs-project", min_width="14rem"),
                rx.select.content(rx.foreach(S.projects, project_item), position="popper"),
                value=S.project_id,
                on_change=S.select_project,
            ),
            spacing="1",
        ),
        rx.cond(S.freshness != "", rx.badge(S.freshness, size="2", variant="surface", id="docs-freshness")),
        rx.spacer(),
        rx.cond(S.can_write, generate_controls()),
        rx.cond(
            S.total > 0,
            rx.button(
                rx.icon("download", size=16, aria_hidden="true"),
                "Download zip",
                on_click=S.download,
                variant="soft",
            ),
        ),
        align="end",
        wrap="wrap",
        spacing="3",
        width="100%",
    )


def no_docs() -> rx.Component:
    return empty_state(
        "file-text",
        "No documentation yet",
        "Docs are generated from the project's linked GitHub repository (its default branch, or the ref "
        "you give), or from a checkout on the server.",
        steps=(
            "Link the project's GitHub repository in Settings, then press Generate here; or on the server "
            'run: autodevhub docs generate "PROJECT" --path /path/to/checkout',
            "The pages appear here, overview first, with their freshness.",
            "After code changes, Refresh regenerates them (GitHub pages: how many commits behind).",
        ),
    )


def no_project() -> rx.Component:
    return empty_state(
        "file-text",
        "No project yet",
        "Documentation belongs to a project. Create one, then generate its docs.",
        steps=("Create a project in Settings.", "Generate its docs from a checkout on the server."),
        action=link_button("Go to Settings", "/settings"),
    )


def body() -> rx.Component:
    return rx.cond(
        S.projects.length() == 0,
        no_project(),
        rx.vstack(
            controls(),
            rx.cond(S.total > 0, pull_request_bar()),
            rx.cond(S.progress != "", rx.text(S.progress, size="2", role="status", id="docs-progress")),
            feedback(S.error, S.notice),
            rx.cond(
                S.total > 0,
                rx.grid(
                    tree(),
                    page_view(),
                    columns=rx.breakpoints(initial="1", md="minmax(14rem, 1fr) 3fr"),
                    spacing="4",
                    width="100%",
                ),
                no_docs(),
            ),
            spacing="4",
            width="100%",
            opacity=rx.cond(S.loading, "0.6", "1"),
            aria_busy=S.loading,
        ),
    )


@template(route=ROUTE, title="Docs", on_load=S.load_docs)
def documentation() -> rx.Component:
    """Generated documentation per project: the page tree, a page, its freshness and history."""
    return rx.box(
        page_header("Docs", "Documentation generated from your code, with how fresh each page is."),
        gated(S.loaded, S.error, body(), "Docs are unavailable", icon="triangle-alert"),
        width="100%",
    )
