"""The Settings page: the caller's projects and a form to create one."""

from __future__ import annotations

import reflex as rx

from autodevhub.projects.page import projects_section
from autodevhub.projects.state import ProjectsState
from autodevhub.ui import page_header, template


@template(route="/settings", title="Settings", on_load=ProjectsState.load_projects)
def settings() -> rx.Component:
    """Projects now; API tokens and integrations join them here."""
    return rx.box(
        page_header("Settings", "Projects, team members, API tokens and integrations."),
        projects_section(),
    )
