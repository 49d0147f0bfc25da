"""The app's sections: one list drives the sidebar, the mobile menu and the dashboard."""

from __future__ import annotations

import dataclasses

import reflex as rx

from autodevhub.ui.session_state import SessionState


@dataclasses.dataclass(frozen=True)
class Section:
    """A top-level section of the app, as shown in the navigation."""

    label: str
    route: str
    icon: str
    summary: str


SECTIONS: tuple[Section, ...] = (
    Section("Dashboard", "/", "layout-dashboard", "Overview of your projects and where to start."),
    Section(
        "Stories",
        "/stories",
        "book-open-text",
        "Gherkin user stories generated from feature descriptions, scored and tracked to done.",
    ),
    Section(
        "Workflows",
        "/workflows",
        "workflow",
        "GitHub Actions runs, CI health and DORA metrics for each repository.",
    ),
    Section(
        "Docs",
        "/docs",
        "file-text",
        "Documentation generated from your code and kept fresh on every push.",
    ),
    Section(
        "Settings",
        "/settings",
        "settings",
        "Projects, team members, API tokens and integrations.",
    ),
)

# Shown to admins only, as a separate group under the sections (the server refuses everyone else anyway).
ADMIN_SECTIONS: tuple[Section, ...] = (
    Section("Users", "/admin/users", "users", "Accounts, roles and deactivation."),
    Section("Audit log", "/admin/audit", "scroll-text", "Who did what, and when."),
    Section("Instance", "/admin/settings", "shield", "Sign-up mode and allowed GitHub organisations."),
)

FOCUS_RING = {"outline": "2px solid var(--accent-8)", "outline_offset": "2px"}


def is_active(section: Section, route: str) -> bool:
    """Whether the page at `route` belongs to `section` (sub-pages keep their section lit)."""
    if section.route == "/":
        return route == "/"
    return route == section.route or route.startswith(section.route + "/")


def nav_link(section: Section, active: bool) -> rx.Component:
    """One navigation entry: a real link, marked aria-current on the page it leads to."""
    return rx.link(
        rx.hstack(
            rx.icon(section.icon, size=18, aria_hidden="true"),
            rx.text(section.label, size="2", weight="medium"),
            align="center",
            spacing="3",
        ),
        href=section.route,
        aria_current="page" if active else None,
        underline="none",
        color=rx.color("accent", 11) if active else rx.color("gray", 11),
        background=rx.color("accent", 3) if active else "transparent",
        display="block",
        width="100%",
        padding_x="0.75rem",
        padding_y="0.5rem",
        border_radius="var(--radius-3)",
        _hover={
            "background": rx.color("accent", 4) if active else rx.color("gray", 3),
            "color": rx.color("accent", 11) if active else rx.color("gray", 12),
        },
        _focus_visible=FOCUS_RING,
    )


def admin_links(route: str) -> rx.Component:
    """The admin pages as their own labelled <nav>, rendered for admins only (display, not access)."""
    return rx.cond(
        SessionState.user_role == "admin",
        rx.el.nav(
            rx.vstack(
                rx.text(
                    "Admin",
                    size="1",
                    weight="bold",
                    color_scheme="gray",
                    padding_x="0.75rem",
                    text_transform="uppercase",
                    letter_spacing="0.05em",
                ),
                *(nav_link(section, is_active(section, route)) for section in ADMIN_SECTIONS),
                spacing="1",
                width="100%",
            ),
            aria_label="Administration",
            width="100%",
            margin_top="1rem",
        ),
    )


def nav_links(route: str, label: str) -> rx.Component:
    """The sections as a labelled <nav>, the one for `route` highlighted; then the admin group."""
    return rx.box(
        rx.el.nav(
            rx.vstack(
                *(nav_link(section, is_active(section, route)) for section in SECTIONS),
                spacing="1",
                width="100%",
            ),
            aria_label=label,
            width="100%",
        ),
        admin_links(route),
        width="100%",
    )
