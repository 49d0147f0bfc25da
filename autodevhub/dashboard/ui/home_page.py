"""The home page: a card per project the user can read; with none, what AutoDevHub does, how to start and
a way into each section. Anonymous visitors are sent to sign in (the template's check)."""

from __future__ import annotations

import reflex as rx

from autodevhub.dashboard.ui.cards import project_card
from autodevhub.dashboard.ui.home_state import HomeState
from autodevhub.ui import SECTIONS, Section, icon_badge, page_header, steps_list, template
from autodevhub.ui.forms import feedback, refusal_panel
from autodevhub.ui.navigation import FOCUS_RING
from autodevhub.ui.pagination import pagination

GETTING_STARTED = (
    "Create a project in Settings and, if you use GitHub, link its repository.",
    "Describe a feature in plain words on the Stories page to get Gherkin scenarios.",
    "Follow your pipelines on Workflows and keep your docs current from Docs.",
)


def intro() -> rx.Component:
    """The product in two sentences and where each part comes from."""
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.badge("Self-hosted · AI-assisted", variant="soft", radius="full"),
                rx.heading(
                    "From feature idea to shipped code, tracked in one place",
                    as_="h2",
                    size="6",
                ),
                rx.text(
                    "AutoDevHub turns feature descriptions into Gherkin user stories, follows your "
                    "GitHub Actions pipelines with DORA metrics, and keeps documentation in step "
                    "with your code. Stories are written by Claude when an Anthropic API key is "
                    "configured, and by a built-in rule engine otherwise.",
                    size="3",
                    color_scheme="gray",
                ),
                spacing="3",
                flex="1",
                min_width="0",
            ),
            rx.box(
                rx.text("Get started", size="2", weight="bold", margin_bottom="0.75rem"),
                steps_list(GETTING_STARTED),
                padding="1rem",
                border_radius="var(--radius-3)",
                background=rx.color("gray", 3),
                width=rx.breakpoints(initial="100%", md="22rem"),
                flex_shrink="0",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="5",
        ),
        size=rx.breakpoints(initial="2", sm="3"),
        width="100%",
        background=f"linear-gradient(135deg, {rx.color('accent', 2)}, {rx.color('gray', 1)} 60%)",
    )


def section_card(section: Section) -> rx.Component:
    """A whole-card link to one section, with what the reader will find there."""
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(
                    icon_badge(section.icon, size=18),
                    rx.heading(section.label, as_="h3", size="4"),
                    align="center",
                    spacing="3",
                ),
                rx.text(section.summary, size="2", color_scheme="gray"),
                rx.hstack(
                    rx.text(f"Open {section.label}", size="2", weight="medium"),
                    rx.icon("arrow-right", size=16, aria_hidden="true"),
                    align="center",
                    spacing="1",
                    color=rx.color("accent", 11),
                    margin_top="auto",
                ),
                spacing="3",
                height="100%",
            ),
            size="2",
            height="100%",
            _hover={"background": rx.color("gray", 2), "border_color": rx.color("accent", 7)},
        ),
        href=section.route,
        underline="none",
        color="inherit",
        display="block",
        border_radius="var(--radius-4)",
        _focus_visible=FOCUS_RING,
    )


def getting_started() -> rx.Component:
    """For a user with no project yet: the product, the first steps and the sections."""
    return rx.vstack(
        intro(),
        rx.heading("Where to go next", as_="h2", size="4", margin_top="1rem"),
        rx.grid(
            *(section_card(section) for section in SECTIONS if section.route != "/"),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def portfolio() -> rx.Component:
    """Every readable project's health, a page of cards at a time."""
    return rx.vstack(
        feedback(HomeState.error),
        rx.grid(
            rx.foreach(HomeState.cards, project_card),
            columns=rx.breakpoints(initial="1", sm="2", xl="3"),
            spacing="4",
            width="100%",
        ),
        rx.cond(HomeState.total > HomeState.PAGE_SIZE, pagination(HomeState, "projects")),
        spacing="4",
        width="100%",
    )


def skeleton() -> rx.Component:
    return rx.grid(
        *(rx.skeleton(height="16rem") for _ in range(3)),
        columns=rx.breakpoints(initial="1", sm="2", xl="3"),
        spacing="4",
        width="100%",
        aria_busy="true",
        aria_label="Loading your projects",
    )


@template(
    route="/",
    title="Dashboard",
    description="AutoDevHub: the self-hosted, AI-powered DevOps tracker.",
    on_load=HomeState.load_home,
)
def dashboard() -> rx.Component:
    """Your projects' health at a glance; the getting-started steps until there is a project."""
    return rx.box(
        rx.cond(
            HomeState.total > 0,
            page_header("Your projects", "CI, delivery and stories of every project you can see."),
            page_header(
                "Welcome to AutoDevHub",
                "Plan with AI-written user stories, watch your CI, and keep documentation fresh.",
            ),
        ),
        rx.cond(
            HomeState.loaded,
            rx.cond(HomeState.total > 0, portfolio(), getting_started()),
            rx.cond(
                HomeState.error != "",
                refusal_panel("Your projects could not be loaded", HomeState.error, "triangle-alert"),
                skeleton(),
            ),
        ),
        width="100%",
    )
