"""A project's overview (`/projects/[project_id]`): its health on one page, kept live; every tile links to
the list behind it. Settings and members stay under /settings/projects/[project_id]."""

from __future__ import annotations

import reflex as rx

from autodevhub.dashboard.ui.overview_feed import activity, spend
from autodevhub.dashboard.ui.overview_parts import header, lists, tiles
from autodevhub.dashboard.ui.overview_state import ROUTE, OverviewState
from autodevhub.ui import page_header, template
from autodevhub.ui.forms import feedback, refusal_panel


def skeleton() -> rx.Component:
    """The page's shape while the first load runs."""
    return rx.vstack(
        rx.skeleton(height="2rem", width="100%"),
        rx.grid(
            *(rx.skeleton(height="6rem") for _ in range(4)),
            columns=rx.breakpoints(initial="2", lg="4"),
            spacing="3",
            width="100%",
        ),
        rx.skeleton(height="16rem", width="100%"),
        spacing="4",
        width="100%",
        aria_busy="true",
        aria_label="Loading the project overview",
    )


def body() -> rx.Component:
    return rx.vstack(
        header(),
        feedback(OverviewState.error),
        rx.cond(
            OverviewState.sync_message != "",
            rx.text(OverviewState.sync_message, size="1", color_scheme="gray"),
        ),
        rx.vstack(
            tiles(),
            lists(),
            rx.grid(
                activity(), spend(), columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%"
            ),
            spacing="5",
            width="100%",
            opacity=rx.cond(OverviewState.loading, "0.6", "1"),
            transition="opacity 0.2s",
            aria_busy=OverviewState.loading,
        ),
        spacing="4",
        width="100%",
    )


@template(route=ROUTE, title="Project overview", on_load=OverviewState.load_overview)
def project_overview() -> rx.Component:
    """CI, DORA, stories, docs, activity and AI spend of one project."""
    return rx.box(
        page_header(
            rx.cond(OverviewState.loaded, OverviewState.name, "Project overview"),
            "CI health, delivery, stories, docs, activity and AI spend of this project.",
        ),
        rx.cond(
            OverviewState.loaded,
            body(),
            rx.cond(
                OverviewState.error != "",
                refusal_panel(
                    "This project's overview is unavailable", OverviewState.error, "triangle-alert"
                ),
                skeleton(),
            ),
        ),
        on_mount=OverviewState.watch,
        width="100%",
    )
