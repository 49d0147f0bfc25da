"""The Workflows page's controls: project, window and filter pickers; the sync bar with 'Sync now'."""

from __future__ import annotations

import reflex as rx

from autodevhub.ui.forms import field_label
from autodevhub.workflows.ui.components import CLIPPED
from autodevhub.workflows.ui.rows import Option
from autodevhub.workflows.ui.workflows_state import ALL, OUTCOMES, WorkflowsState


def picker(label: str, field_id: str, value, on_change, *items: rx.Component) -> rx.Component:
    """A labelled select (the label names the trigger button for screen readers and tests)."""
    return rx.vstack(
        field_label(label, field_id),
        rx.select.root(
            rx.select.trigger(id=field_id, width="100%", max_width="100%"),
            rx.select.content(*items, position="popper"),
            value=value,
            on_change=on_change,
            size="2",
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )


def option_item(option: Option) -> rx.Component:
    return rx.select.item(option.label, value=option.value)


def text_item(text: str) -> rx.Component:
    return rx.select.item(text, value=text)


def any_or(value) -> rx.Var:
    return rx.cond(value == "", ALL, value)


def toolbar() -> rx.Component:
    """Project and window on top, the filters below; all stack on a phone."""
    project = picker(
        "Project",
        "wf-project",
        WorkflowsState.project_id,
        WorkflowsState.select_project,
        rx.foreach(WorkflowsState.projects, lambda p: rx.select.item(p.name, value=p.id)),
    )
    window = rx.vstack(
        rx.text("Window", size="2", weight="medium", as_="div"),
        rx.segmented_control.root(
            *(rx.segmented_control.item(f"{days} days", value=days) for days in ("7", "30", "90")),
            value=WorkflowsState.window,
            on_change=WorkflowsState.choose_window,
            aria_label="Time window",
            width=rx.breakpoints(initial="100%", md="auto"),
        ),
        spacing="1",
        width=rx.breakpoints(initial="100%", md="auto"),
    )
    filters = rx.grid(
        picker(
            "Workflow",
            "wf-filter-workflow",
            any_or(WorkflowsState.workflow_filter),
            WorkflowsState.filter_workflow,
            rx.select.item("All workflows", value=ALL),
            rx.foreach(WorkflowsState.workflow_options, option_item),
        ),
        picker(
            "Branch",
            "wf-filter-branch",
            any_or(WorkflowsState.branch_filter),
            WorkflowsState.filter_branch,
            rx.select.item("All branches", value=ALL),
            rx.foreach(WorkflowsState.branch_options, text_item),
        ),
        picker(
            "Event",
            "wf-filter-event",
            any_or(WorkflowsState.event_filter),
            WorkflowsState.filter_event,
            rx.select.item("All events", value=ALL),
            rx.foreach(WorkflowsState.event_options, text_item),
        ),
        picker(
            "Outcome",
            "wf-filter-outcome",
            any_or(WorkflowsState.outcome_filter),
            WorkflowsState.filter_outcome,
            rx.select.item("All outcomes", value=ALL),
            *[rx.select.item(outcome.replace("_", " ").capitalize(), value=outcome) for outcome in OUTCOMES],
        ),
        columns=rx.breakpoints(initial="1", sm="2", lg="4"),
        spacing="3",
        width="100%",
    )
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.box(project, flex="1", min_width="0", width="100%"),
                window,
                direction=rx.breakpoints(initial="column", md="row"),
                align=rx.breakpoints(initial="stretch", md="end"),
                spacing="4",
                width="100%",
            ),
            filters,
            rx.hstack(
                rx.cond(
                    WorkflowsState.loading,
                    rx.hstack(rx.spinner(size="1"), rx.text("Updating…", size="1"), spacing="2"),
                    rx.text("Charts, KPIs and runs follow the window and filters.", size="1"),
                ),
                rx.cond(
                    WorkflowsState.filtered,
                    rx.button(
                        rx.icon("x", size=14, aria_hidden="true"),
                        "Clear filters",
                        on_click=WorkflowsState.clear_filters,
                        variant="ghost",
                        size="1",
                    ),
                ),
                justify="between",
                align="center",
                width="100%",
                color=rx.color("gray", 11),
                aria_live="polite",
            ),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


def live_badge() -> rx.Component:
    return rx.cond(
        WorkflowsState.live,
        rx.badge(
            rx.box(width="0.5rem", height="0.5rem", border_radius="9999px", background=rx.color("green", 9)),
            "Live",
            color_scheme="green",
            variant="soft",
            radius="full",
            title="New runs appear here as GitHub reports them",
        ),
        rx.button(
            rx.icon("refresh-cw", size=14, aria_hidden="true"),
            "Refresh",
            on_click=[WorkflowsState.refresh, WorkflowsState.watch],
            variant="ghost",
            size="1",
        ),
    )


def sync_bar() -> rx.Component:
    """Repository, last successful sync, live status and 'Sync now' with its progress."""
    last = rx.cond(
        WorkflowsState.last_synced_at != "",
        rx.text("Last synced ", rx.moment(WorkflowsState.last_synced_at, from_now=True), size="2"),
        rx.text("Never synced", size="2"),
    )
    return rx.vstack(
        rx.flex(
            rx.hstack(
                rx.icon("folder-git-2", size=16, aria_hidden="true"),
                rx.cond(
                    WorkflowsState.repo != "",
                    rx.code(WorkflowsState.repo, variant="ghost", **CLIPPED),
                    rx.text("No repository linked", size="2"),
                ),
                rx.text("·", aria_hidden="true"),
                last,
                align="center",
                spacing="2",
                min_width="0",
                color=rx.color("gray", 11),
                wrap="wrap",
            ),
            rx.hstack(
                live_badge(),
                rx.cond(
                    WorkflowsState.can_run & (WorkflowsState.repo != ""),
                    rx.button(
                        rx.icon("refresh-ccw", size=14, aria_hidden="true"),
                        rx.cond(WorkflowsState.syncing, "Syncing…", "Sync now"),
                        on_click=WorkflowsState.sync_now,
                        loading=WorkflowsState.syncing,
                        variant="soft",
                        size="2",
                    ),
                ),
                align="center",
                spacing="3",
            ),
            justify="between",
            align=rx.breakpoints(initial="start", sm="center"),
            direction=rx.breakpoints(initial="column", sm="row"),
            spacing="3",
            width="100%",
        ),
        rx.match(
            WorkflowsState.sync_state,
            ("running", sync_note("loader", WorkflowsState.sync_message, "blue")),
            ("delayed", sync_note("clock", WorkflowsState.sync_message, "amber")),
            ("failed", sync_note("triangle-alert", WorkflowsState.sync_message, "red")),
            rx.fragment(),
        ),
        rx.cond(
            WorkflowsState.sync_summary != "",
            rx.text(WorkflowsState.sync_summary, size="1", color=rx.color("gray", 11), id="sync-summary"),
        ),
        rx.foreach(
            WorkflowsState.unreadable,
            lambda note: rx.text(note, size="1", color=rx.color("amber", 11), **CLIPPED),
        ),
        spacing="2",
        width="100%",
    )


def sync_note(icon: str, message, scheme: str) -> rx.Component:
    return rx.callout(message, icon=icon, color_scheme=scheme, size="1", role="status", width="100%")
