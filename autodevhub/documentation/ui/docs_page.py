"""The Docs page. For now an empty state: generated documentation lands here next."""

from __future__ import annotations

import reflex as rx

from autodevhub.ui import empty_state, link_button, page_header, template


@template(route="/docs", title="Docs")
def documentation() -> rx.Component:
    """Generated documentation per project; empty until the first is generated."""
    return rx.box(
        page_header("Docs", "Documentation generated from your code and kept up to date."),
        empty_state(
            "file-text",
            "No documentation yet",
            "Generate documentation from a project's repository. AutoDevHub drafts it from the code "
            "and refreshes it after pushes, proposing each update as a pull request for you to review.",
            steps=(
                "Create a project in Settings and link its GitHub repository.",
                "Start a first generation for the project.",
                "Review and merge the pull request; later pushes keep it fresh.",
            ),
            action=link_button("Go to Settings", "/settings"),
        ),
    )
