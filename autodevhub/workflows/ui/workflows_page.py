"""The Workflows page: a project's GitHub Actions runs, CI health and DORA metrics, kept live."""

from __future__ import annotations

import reflex as rx

from autodevhub.ui import page_header, template
from autodevhub.ui.forms import feedback, refusal_panel
from autodevhub.workflows.ui.components import (
    charts,
    dora_section,
    kpi_cards,
    no_history,
    no_projects,
    no_runs_in_window,
    ranked_lists,
)
from autodevhub.workflows.ui.controls import sync_bar, toolbar
from autodevhub.workflows.ui.dispatch_dialog import run_workflow_dialog
from autodevhub.workflows.ui.runs_table import runs_table
from autodevhub.workflows.ui.workflows_state import ROUTE, WorkflowsState


def skeleton() -> rx.Component:
    """The page's shape while the first load runs."""
    return rx.vstack(
        rx.skeleton(height="8rem", width="100%"),
        rx.grid(
            *(rx.skeleton(height="6rem") for _ in range(5)),
            columns=rx.breakpoints(initial="2", sm="3", lg="5"),
            spacing="3",
            width="100%",
        ),
        rx.skeleton(height="20rem", width="100%"),
        spacing="4",
        width="100%",
        aria_busy="true",
        aria_label="Loading workflow metrics",
    )


def metrics() -> rx.Component:
    return rx.vstack(
        kpi_cards(),
        rx.cond(
            WorkflowsState.has_runs,
            rx.fragment(dora_section(), charts(), ranked_lists()),
            no_runs_in_window(),
        ),
        runs_table(),
        spacing="5",
        width="100%",
        opacity=rx.cond(WorkflowsState.loading, "0.6", "1"),
        transition="opacity 0.2s",
        aria_busy=WorkflowsState.loading,
    )


def project_view() -> rx.Component:
    return rx.vstack(
        toolbar(),
        sync_bar(),
        feedback(WorkflowsState.error, WorkflowsState.notice),
        rx.cond(WorkflowsState.has_history, metrics(), no_history()),
        spacing="4",
        width="100%",
    )


@template(route=ROUTE, title="Workflows", on_load=WorkflowsState.load_workflows)
def workflows() -> rx.Component:
    """CI runs and delivery metrics of the chosen project; empty states say how to get data."""
    return rx.box(
        page_header("Workflows", "GitHub Actions runs, CI health and DORA metrics.", run_workflow_dialog()),
        rx.cond(
            WorkflowsState.loaded,
            rx.cond(
                WorkflowsState.project_id != "",
                project_view(),
                rx.vstack(feedback(WorkflowsState.error), no_projects(), width="100%"),
            ),
            rx.cond(
                WorkflowsState.error != "",
                refusal_panel("Workflows are unavailable", WorkflowsState.error, "triangle-alert"),
                skeleton(),
            ),
        ),
        on_mount=WorkflowsState.watch,
        width="100%",
    )
