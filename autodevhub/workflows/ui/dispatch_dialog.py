"""The 'Run workflow' dialog: a dispatchable workflow, the branch or tag, and its workflow_dispatch inputs."""

from __future__ import annotations

import reflex as rx

from autodevhub.ui.forms import field_label, message_callout
from autodevhub.workflows.ui.rows import InputField
from autodevhub.workflows.ui.run_actions import INPUT_PREFIX
from autodevhub.workflows.ui.workflows_state import WorkflowsState


def workflow_picker() -> rx.Component:
    return rx.vstack(
        field_label("Workflow", "dispatch-workflow"),
        rx.select.root(
            rx.select.trigger(id="dispatch-workflow", width="100%"),
            rx.select.content(
                rx.foreach(WorkflowsState.dispatchable, lambda w: rx.select.item(w.label, value=w.value)),
                position="popper",
            ),
            name="workflow_id",
            value=WorkflowsState.dispatch_choice,
            on_change=WorkflowsState.choose_dispatch_workflow,
        ),
        spacing="1",
        width="100%",
    )


def choice_select(field: InputField, field_id, options) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=field_id, width="100%"),
        rx.select.content(rx.foreach(options, lambda o: rx.select.item(o, value=o)), position="popper"),
        name=INPUT_PREFIX + field.name,
        default_value=field.default,
    )


def text_box(field: InputField, field_id: str, kind: str = "text") -> rx.Component:
    """A text or number box, prefilled with the default; left empty, the server fills the default in."""
    return rx.input(
        id=field_id,
        name=INPUT_PREFIX + field.name,
        type=kind,
        step="any",  # numbers: decimals too, as GitHub accepts
        default_value=field.default,
        required=field.required & (field.hint == ""),
        max_length=1000,
        width="100%",
    )


def input_field(field: InputField) -> rx.Component:
    """One declared input: a yes/no or choice select, a number or text box; its description and the
    workflow file's default as hints."""
    field_id = "dispatch-input-" + field.name
    control = rx.match(
        field.kind,
        ("boolean", choice_select(field, field_id, ["true", "false"])),
        ("choice", choice_select(field, field_id, field.options)),
        ("number", text_box(field, field_id, "number")),
        text_box(field, field_id),
    )
    return rx.vstack(
        rx.hstack(
            field_label(field.label, field_id),
            rx.cond(field.required, rx.text("required", size="1", color_scheme="gray")),
            spacing="2",
            align="baseline",
        ),
        control,
        rx.cond(field.description != "", rx.text(field.description, size="1", color_scheme="gray")),
        rx.cond(field.hint != "", rx.text(field.hint, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
    )


def dispatch_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            workflow_picker(),
            rx.vstack(
                field_label("Branch or tag", "dispatch-ref"),
                rx.input(
                    id="dispatch-ref",
                    name="ref",
                    default_value=WorkflowsState.dispatch_ref,
                    required=True,
                    max_length=255,
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
            rx.foreach(WorkflowsState.dispatch_fields, input_field),
            message_callout(WorkflowsState.dispatch_error),
            rx.flex(
                rx.dialog.close(rx.button("Cancel", type="button", variant="soft", color_scheme="gray")),
                rx.button(
                    rx.icon("play", size=14, aria_hidden="true"),
                    "Run workflow",
                    type="submit",
                    loading=WorkflowsState.acting,
                ),
                spacing="3",
                justify="end",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        # A fresh form, with the new workflow's defaults, for each workflow.
        key=WorkflowsState.dispatch_choice,
        on_submit=WorkflowsState.dispatch_workflow,
        reset_on_submit=False,
        width="100%",
    )


def run_workflow_dialog() -> rx.Component:
    """Shown to maintainers and up when the project has a repository and a workflow_dispatch workflow."""
    return rx.cond(
        WorkflowsState.can_run & (WorkflowsState.repo != "") & (WorkflowsState.dispatchable.length() > 0),
        rx.dialog.root(
            rx.dialog.trigger(rx.button(rx.icon("play", size=16, aria_hidden="true"), "Run workflow")),
            rx.dialog.content(
                rx.dialog.title("Run workflow"),
                rx.dialog.description(
                    "Starts a workflow_dispatch run on GitHub with the inputs the workflow declares.",
                    size="2",
                    color_scheme="gray",
                    margin_bottom="1rem",
                ),
                dispatch_form(),
                max_width="32rem",
            ),
            open=WorkflowsState.dispatch_open,
            on_open_change=WorkflowsState.open_dispatch,
        ),
    )
