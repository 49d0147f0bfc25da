"""The Settings page. For now an empty state: projects and team management land here next."""

from __future__ import annotations

import reflex as rx

from autodevhub.ui import empty_state, page_header, template


@template(route="/settings", title="Settings")
def settings() -> rx.Component:
    """Projects, members, tokens and integrations; empty until the first project exists."""
    return rx.box(
        page_header("Settings", "Projects, team members, API tokens and integrations."),
        empty_state(
            "settings",
            "No projects yet",
            "Projects group your stories, workflows and docs. Here you will create projects, link "
            "their GitHub repositories, invite team members with a role, and create API tokens for "
            "the REST API and the CLI.",
            steps=(
                "Create a project and give it a name.",
                "Link its GitHub repository to follow workflows and generate docs.",
                "Invite your team as admins, members or viewers.",
            ),
        ),
    )
