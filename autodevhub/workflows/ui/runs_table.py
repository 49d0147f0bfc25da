"""The runs table: status, run, branch, commit, actor, duration, age, a link to GitHub and the run actions.

The table scrolls sideways inside its card on narrow screens; the page itself never does.
"""

from __future__ import annotations

import reflex as rx

from autodevhub.ui import confirm_dialog
from autodevhub.ui.navigation import FOCUS_RING
from autodevhub.ui.pagination import pagination
from autodevhub.workflows.ui.components import CLIPPED
from autodevhub.workflows.ui.rows import RunRow
from autodevhub.workflows.ui.workflows_state import WorkflowsState

# tone -> (badge colour, icon)
TONES = {
    "success": ("green", "circle-check"),
    "failure": ("red", "circle-x"),
    "running": ("blue", "loader"),
    "waiting": ("amber", "clock"),
    "neutral": ("gray", "circle-slash"),
}
COLUMNS = ("Status", "Run", "Branch", "Commit", "Actor", "Duration", "Started", "")


def status_badge(run: RunRow) -> rx.Component:
    def badge(scheme: str, icon: str) -> rx.Component:
        return rx.badge(
            rx.icon(icon, size=12, aria_hidden="true"),
            run.label,
            color_scheme=scheme,
            variant="soft",
            white_space="nowrap",
        )

    return rx.match(
        run.tone,
        *((tone, badge(scheme, icon)) for tone, (scheme, icon) in TONES.items()),
        badge("gray", "circle-dot"),
    )


def confirm_action(label: str, icon: str, title: str, body, confirm: str, on_confirm) -> rx.Component:
    """A small button that asks before it acts (an alert dialog)."""
    return confirm_dialog(
        rx.button(rx.icon(icon, size=12, aria_hidden="true"), label, size="1", variant="soft"),
        title,
        body,
        confirm,
        on_confirm,
        cancel_label="Keep it",
    )


def run_actions(run: RunRow) -> rx.Component:
    name = rx.fragment(run.workflow, " ", run.number, " on ", run.branch)
    return rx.hstack(
        rx.cond(
            run.href != "",
            rx.link(
                rx.hstack(rx.icon("external-link", size=14, aria_hidden="true"), "GitHub", spacing="1"),
                href=run.href,
                is_external=True,
                custom_attrs={"rel": "noopener noreferrer"},
                aria_label="Open " + run.workflow + " " + run.number + " on GitHub",
                size="1",
                white_space="nowrap",
                _focus_visible=FOCUS_RING,
            ),
        ),
        rx.cond(
            WorkflowsState.can_run & (WorkflowsState.repo != "") & run.can_rerun,
            confirm_action(
                "Re-run failed",
                "rotate-ccw",
                "Re-run failed jobs?",
                rx.fragment("GitHub runs the failed jobs of ", name, " again."),
                "Re-run failed jobs",
                WorkflowsState.rerun_failed_jobs(run.id),
            ),
        ),
        rx.cond(
            WorkflowsState.can_run & (WorkflowsState.repo != "") & run.can_cancel,
            confirm_action(
                "Cancel",
                "circle-stop",
                "Cancel this run?",
                rx.fragment("GitHub stops ", name, ". Jobs still running are cancelled."),
                "Cancel run",
                WorkflowsState.cancel_run(run.id),
            ),
        ),
        spacing="2",
        align="center",
        justify="end",
    )


def run_row(run: RunRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(status_badge(run)),
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(run.title, size="2", weight="medium", max_width="22rem", **CLIPPED),
                rx.text(
                    run.workflow,
                    " ",
                    run.number,
                    " · ",
                    run.event,
                    size="1",
                    color_scheme="gray",
                    white_space="nowrap",
                ),
                spacing="0",
            )
        ),
        rx.table.cell(rx.code(run.branch, variant="ghost", max_width="12rem", display="block", **CLIPPED)),
        rx.table.cell(rx.code(run.short_sha, variant="soft", custom_attrs={"title": run.sha})),
        rx.table.cell(rx.text(run.actor, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(run.duration, size="2", white_space="nowrap")),
        rx.table.cell(
            rx.text(
                rx.moment(run.created_at, from_now=True),
                size="2",
                white_space="nowrap",
                custom_attrs={"title": run.created_at},
            )
        ),
        rx.table.cell(run_actions(run)),
        align="center",
    )


def runs_table() -> rx.Component:
    """One page of runs for the window and filters, newest first."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Runs", as_="h2", size="4"),
                rx.text(
                    WorkflowsState.total,
                    " in the last ",
                    WorkflowsState.window,
                    " days",
                    size="2",
                    color_scheme="gray",
                ),
                align="baseline",
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(
                WorkflowsState.total > 0,
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *(rx.table.column_header_cell(c, white_space="nowrap") for c in COLUMNS)
                            )
                        ),
                        rx.table.body(rx.foreach(WorkflowsState.runs, run_row)),
                        variant="ghost",
                        size="1",
                        width="100%",
                        min_width="56rem",
                    ),
                    width="100%",
                    overflow_x="auto",
                    tab_index=0,
                    aria_label="Runs table",
                    role="region",
                ),
                rx.text("No runs match the window and filters.", size="2", color_scheme="gray"),
            ),
            pagination(WorkflowsState, "runs"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        min_width="0",
    )
