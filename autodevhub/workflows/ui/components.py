"""The Workflows page's read-only pieces: KPI cards, DORA tiles, charts, ranked lists, empty states."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from autodevhub.ui import empty_state, link_button
from autodevhub.workflows.ui.rows import DoraTile, Kpi, Ranked
from autodevhub.workflows.ui.workflows_state import WorkflowsState

CLIPPED = {"overflow": "hidden", "text_overflow": "ellipsis", "white_space": "nowrap"}
CHART_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}
BAND_SCHEMES = (("elite", "green"), ("high", "blue"), ("medium", "amber"), ("low", "red"))


def kpi_card(kpi: Kpi) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(kpi.label, size="2", color_scheme="gray", weight="medium"),
            rx.text(kpi.value, size="7", weight="bold", class_name="wf-kpi-value"),
            rx.text(kpi.detail, size="1", color_scheme="gray", **CLIPPED, max_width="100%"),
            spacing="1",
            min_width="0",
        ),
        role="group",
        aria_label=kpi.label,
        min_width="0",
    )


def kpi_cards() -> rx.Component:
    return rx.grid(
        rx.foreach(WorkflowsState.kpis, kpi_card),
        columns=rx.breakpoints(initial="2", sm="3", lg="5"),
        spacing="3",
        width="100%",
    )


def dora_tile(tile: DoraTile) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(tile.label, size="2", weight="medium"),
                rx.badge(
                    rx.cond(tile.band != "", tile.band, "no data"),
                    color_scheme=rx.match(tile.band, *BAND_SCHEMES, "gray"),
                    variant="solid",
                    radius="full",
                    text_transform="capitalize",
                ),
                justify="between",
                align="center",
                width="100%",
                spacing="2",
            ),
            rx.text(tile.value, size="6", weight="bold"),
            rx.text(tile.detail, size="1", color_scheme="gray"),
            spacing="1",
            width="100%",
        ),
        role="group",
        aria_label=tile.label,
        border_left=f"4px solid {tile.color}",
        min_width="0",
    )


def dora_section() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("DORA metrics", as_="h2", size="4"),
            rx.text("Deploy workflows on the default branch", size="1", color_scheme="gray"),
            align="baseline",
            spacing="3",
            wrap="wrap",
        ),
        rx.grid(
            rx.foreach(WorkflowsState.dora, dora_tile),
            columns=rx.breakpoints(initial="1", xs="2", lg="4"),
            spacing="3",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def chart_card(title: str, description: str, figure: rx.Var) -> rx.Component:
    """A chart of the state's plotly JSON (a dict var, typed as the figure rx.plotly expects)."""
    return rx.card(
        rx.vstack(
            rx.heading(title, as_="h3", size="3"),
            rx.text(description, size="1", color_scheme="gray"),
            rx.box(
                rx.plotly.basic(data=figure.to(go.Figure), config=CHART_CONFIG, width="100%"),
                width="100%",
                min_width="0",
                class_name="wf-chart",
            ),
            spacing="2",
            width="100%",
        ),
        min_width="0",
        width="100%",
    )


def charts() -> rx.Component:
    return rx.vstack(
        chart_card("Runs per day", "Stacked by conclusion", WorkflowsState.runs_chart),
        rx.grid(
            chart_card(
                "Run duration", "Median (p50) and 95th percentile per day", WorkflowsState.duration_chart
            ),
            chart_card(
                "Success rate per workflow", "Successful of completed runs", WorkflowsState.success_chart
            ),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="3",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def ranked_item(item: Ranked, scheme: str, unit: str) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.vstack(
                rx.text(item.title, size="2", weight="medium", **CLIPPED, max_width="100%"),
                rx.text(
                    item.subtitle,
                    rx.cond(item.when != "", rx.fragment(" · last ", rx.moment(item.when, from_now=True))),
                    size="1",
                    color_scheme="gray",
                ),
                spacing="0",
                min_width="0",
                flex="1",
            ),
            rx.badge(item.count, " ", unit, color_scheme=scheme, variant="soft"),
            align="center",
            spacing="3",
            width="100%",
        ),
        list_style="none",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def ranked_card(title: str, icon: str, items, scheme: str, unit: str, empty: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon(icon, size=16, aria_hidden="true"), rx.heading(title, as_="h3", size="3")),
            rx.cond(
                items.length() > 0,
                rx.el.ol(
                    rx.foreach(items, lambda item: ranked_item(item, scheme, unit)),
                    padding="0",
                    margin="0",
                    width="100%",
                ),
                rx.text(empty, size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        min_width="0",
    )


def ranked_lists() -> rx.Component:
    return rx.grid(
        ranked_card(
            "Most failing workflows",
            "octagon-x",
            WorkflowsState.failing_workflows,
            "red",
            "failed",
            "No failed runs.",
        ),
        ranked_card(
            "Most failing jobs", "circle-x", WorkflowsState.failing_jobs, "red", "failed", "No failed jobs."
        ),
        ranked_card(
            "Flaky jobs",
            "shuffle",
            WorkflowsState.flaky_jobs,
            "amber",
            "commits",
            "No job failed, then passed on a re-run.",
        ),
        columns=rx.breakpoints(initial="1", md="3"),
        spacing="3",
        width="100%",
    )


def no_runs_in_window() -> rx.Component:
    return rx.callout(
        rx.text(
            "No runs in the last ",
            WorkflowsState.window,
            " days",
            rx.cond(WorkflowsState.filtered, " match these filters", ""),
            ".",
        ),
        icon="info",
        color_scheme="gray",
        width="100%",
    )


def no_projects() -> rx.Component:
    return empty_state(
        "workflow",
        "No project to show yet",
        "Workflows shows the GitHub Actions runs of a project's repository: run charts, CI health "
        "and DORA metrics. You are not a member of any project yet.",
        steps=(
            "Create a project in Settings and link its GitHub repository (owner/name).",
            "Or load sample data: run “autodevhub demo” on the server, then reload this page.",
        ),
        action=link_button("Go to Settings", "/settings"),
    )


def no_history() -> rx.Component:
    """A project without any run: how to link a repository, sync it, or try the demo."""
    return rx.cond(
        WorkflowsState.repo != "",
        empty_state(
            "refresh-ccw",
            "No runs synced yet",
            "This project's repository has no GitHub Actions runs here yet.",
            steps=(
                "Make sure the server has a GitHub token that can read Actions (GITHUB_TOKEN).",
                "Press “Sync now” above (maintainers and owners), or wait for the periodic sync.",
                "Add a webhook to /api/webhooks/github so new runs appear as they happen.",
            ),
        ),
        empty_state(
            "git-branch",
            "This project has no GitHub repository",
            "Link the project's repository to see its Actions runs, charts and DORA metrics here.",
            steps=(
                "Open the project's settings and set its GitHub repository (owner/name).",
                "Or run “autodevhub demo” on the server to explore this page with sample data.",
            ),
            action=link_button("Project settings", "/settings/projects/" + WorkflowsState.project_id),
        ),
    )
