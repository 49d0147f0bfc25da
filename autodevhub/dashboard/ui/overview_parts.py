"""The overview page's pieces: header, KPI and DORA tiles, stories by status, the last runs and stories.

Every tile is a link to the list behind it; GitHub and AI text is rendered as text.
"""

from __future__ import annotations

import reflex as rx

from autodevhub.dashboard.ui.cards import CLIPPED, band_badge
from autodevhub.dashboard.ui.overview_state import WINDOWS, OverviewState
from autodevhub.dashboard.ui.rows import Band, RunLine, StoryLine, Tile
from autodevhub.ui import empty_state, link_button
from autodevhub.ui.navigation import FOCUS_RING

S = OverviewState


def tile_link(*children: rx.Component, href: rx.Var[str], label: rx.Var[str], **props) -> rx.Component:
    """A whole-card link."""
    return rx.link(
        rx.card(rx.vstack(*children, spacing="1", min_width="0"), height="100%", **props),
        href=href,
        underline="none",
        color="inherit",
        display="block",
        border_radius="var(--radius-4)",
        _focus_visible=FOCUS_RING,
        _hover={"opacity": "0.85"},
        aria_label=label,
        min_width="0",
    )


def kpi_tile(tile: Tile) -> rx.Component:
    return tile_link(
        rx.text(tile.label, size="2", color_scheme="gray", weight="medium"),
        rx.text(tile.value, size="7", weight="bold", class_name="dash-kpi-value"),
        rx.text(tile.detail, size="1", color_scheme="gray", **CLIPPED, max_width="100%"),
        href=tile.href,
        label=tile.label,
    )


def dora_tile(band: Band) -> rx.Component:
    return tile_link(
        rx.hstack(
            rx.text(band.label, size="2", weight="medium"),
            band_badge(band.band),
            justify="between",
            width="100%",
            spacing="2",
        ),
        rx.text(band.value, size="6", weight="bold"),
        rx.text(band.detail, size="1", color_scheme="gray"),
        href=band.href,
        label=band.label,
        border_left=f"4px solid {band.color}",
    )


def header() -> rx.Component:
    """Repository link, sync state, live badge, window picker."""
    return rx.flex(
        rx.hstack(
            rx.icon("folder-git-2", size=16, aria_hidden="true"),
            rx.cond(
                S.repo_url != "",
                rx.link(S.repo, href=S.repo_url, is_external=True, **CLIPPED),
                rx.text("No repository linked", size="2"),
            ),
            rx.text("·", aria_hidden="true"),
            rx.text(S.sync_line, size="2"),
            rx.cond(
                S.live,
                rx.badge("Live", color_scheme="green", variant="soft", radius="full"),
                rx.button("Refresh", on_click=[S.refresh, S.watch], variant="ghost", size="1"),
            ),
            align="center",
            spacing="2",
            wrap="wrap",
            min_width="0",
            color=rx.color("gray", 11),
        ),
        rx.hstack(
            rx.cond(S.loading, rx.hstack(rx.spinner(size="1"), rx.text("Updating…", size="1"), spacing="2")),
            rx.segmented_control.root(
                *(rx.segmented_control.item(f"{days} days", value=days) for days in WINDOWS),
                value=S.window,
                on_change=S.choose_window,
                size="1",
                aria_label="Window of the KPI and DORA tiles",
            ),
            link_button("Settings", S.settings_href, icon="settings", variant="ghost"),
            align="center",
            spacing="3",
            aria_live="polite",
        ),
        direction=rx.breakpoints(initial="column", md="row"),
        justify="between",
        gap="3",
        width="100%",
    )


def section(title: str, *children: rx.Component, action: rx.Component | None = None) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(title, as_="h2", size="4"),
            action if action is not None else rx.fragment(),
            justify="between",
            align="center",
            width="100%",
        ),
        *children,
        spacing="3",
        width="100%",
        min_width="0",
    )


def tiles() -> rx.Component:
    return rx.vstack(
        rx.foreach(
            S.alerts, lambda a: rx.callout(a, icon="triangle-alert", color_scheme="red", width="100%")
        ),
        rx.grid(
            rx.foreach(S.kpis, kpi_tile),
            columns=rx.breakpoints(initial="2", lg="4"),
            spacing="3",
            width="100%",
        ),
        section(
            "DORA metrics",
            rx.grid(
                rx.foreach(S.dora, dora_tile),
                columns=rx.breakpoints(initial="1", xs="2", lg="4"),
                spacing="3",
                width="100%",
            ),
        ),
        section(
            "Stories by status",
            rx.grid(
                rx.foreach(S.statuses, kpi_tile),
                columns=rx.breakpoints(initial="2", lg="4"),
                spacing="3",
                width="100%",
            ),
            action=link_button("All stories", S.stories_href, variant="ghost"),
        ),
        section(
            "Docs",
            rx.grid(rx.foreach(S.docs, kpi_tile), columns="2", spacing="3", width="100%"),
            action=link_button("Open docs", S.docs_href, variant="ghost"),
        ),
        spacing="5",
        width="100%",
    )


def run_item(run: RunLine) -> rx.Component:
    return rx.hstack(
        rx.badge(
            run.outcome,
            color_scheme=run.tone,
            variant="soft",
            text_transform="capitalize",
            flex_shrink="0",
            min_width="5.5rem",
            justify_content="center",
        ),
        rx.vstack(
            rx.text(run.title, size="2", weight="medium", **CLIPPED, max_width="100%"),
            rx.text(
                run.workflow,
                " · ",
                run.branch,
                " · ",
                run.created_at,
                " · ",
                run.duration,
                size="1",
                color_scheme="gray",
                **CLIPPED,
                max_width="100%",
            ),
            spacing="0",
            min_width="0",
        ),
        spacing="3",
        align="center",
        width="100%",
        padding_y="0.4rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def story_item(story: StoryLine) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.badge(
                story.status, variant="soft", flex_shrink="0", min_width="5.5rem", justify_content="center"
            ),
            rx.vstack(
                rx.text(story.description, size="2", **CLIPPED, max_width="100%"),
                rx.text(story.created_at, size="1", color_scheme="gray"),
                spacing="0",
                min_width="0",
            ),
            spacing="3",
            align="center",
            width="100%",
        ),
        href=story.href,
        underline="none",
        color="inherit",
        display="block",
        width="100%",
        overflow="hidden",
        padding_y="0.4rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        _focus_visible=FOCUS_RING,
    )


def lists() -> rx.Component:
    runs = rx.cond(
        S.runs.length() > 0,
        rx.vstack(rx.foreach(S.runs, run_item), spacing="0", width="100%"),
        empty_state(
            "activity", "No runs yet", "Link a repository and sync it to see its GitHub Actions runs here."
        ),
    )
    stories = rx.cond(
        S.stories.length() > 0,
        rx.vstack(rx.foreach(S.stories, story_item), spacing="0", width="100%"),
        empty_state(
            "file-text",
            "No stories yet",
            "Describe a feature to get Gherkin user stories.",
            action=link_button("New story", "/stories/new"),
        ),
    )
    return rx.grid(
        rx.card(
            section("Last 10 runs", runs, action=link_button("All runs", S.runs_href, variant="ghost")),
            min_width="0",
        ),
        rx.card(
            section(
                "Last 10 stories", stories, action=link_button("All stories", S.stories_href, variant="ghost")
            ),
            min_width="0",
        ),
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="4",
        width="100%",
    )
