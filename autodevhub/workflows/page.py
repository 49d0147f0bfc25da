"""The Workflows page. For now an empty state: GitHub Actions monitoring lands here next."""

from __future__ import annotations

import reflex as rx

from autodevhub.ui import empty_state, link_button, page_header, template


@template(route="/workflows", title="Workflows")
def workflows() -> rx.Component:
    """CI runs and delivery metrics; empty until a repository is connected."""
    return rx.box(
        page_header("Workflows", "GitHub Actions runs, CI health and DORA metrics."),
        empty_state(
            "workflow",
            "No repository connected",
            "Connect a project's GitHub repository to see Actions runs, charts and DORA metrics: "
            "deployment frequency, lead time for changes, change failure rate and time to restore. "
            "From here you will also be able to dispatch and re-run workflows.",
            steps=(
                "Create a project in Settings and link its GitHub repository (owner/name).",
                "Give AutoDevHub a GitHub token with read access to Actions.",
                "Add the webhook so new runs show up as they happen.",
            ),
            action=link_button("Go to Settings", "/settings"),
        ),
    )
