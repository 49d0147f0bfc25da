"""The Stories page. For now an empty state: story generation lands here next."""

from __future__ import annotations

import reflex as rx

from autodevhub.ui import empty_state, link_button, page_header, template


@template(route="/stories", title="Stories")
def stories() -> rx.Component:
    """User stories of the current project; empty until the first ones are generated."""
    return rx.box(
        page_header("Stories", "Gherkin user stories, from first draft to done."),
        empty_state(
            "book-open-text",
            "No stories yet",
            "Generate Gherkin user stories from a feature description. Each story is checked with "
            "the official Gherkin parser, scored for quality, and moves from draft to approved, "
            "in progress and done. You can edit it and export it as a .feature file.",
            steps=(
                "Create a project in Settings.",
                "Describe the feature you want to build in a few sentences.",
                "Review the generated scenarios, edit them and approve the ones you keep.",
            ),
            action=link_button("Go to Settings", "/settings"),
        ),
    )
