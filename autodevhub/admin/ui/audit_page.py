"""/admin/audit: the audit log as a plain-text table (nothing in it is rendered as HTML or markdown)."""

from __future__ import annotations

import reflex as rx

from autodevhub.admin.ui.audit_state import FILTER_INPUTS, AuditRow, AuditState
from autodevhub.admin.ui.users_page import ADMINS_ONLY
from autodevhub.ui import data_table, page_header, template
from autodevhub.ui.forms import feedback, gated, text_field
from autodevhub.ui.pagination import pagination

EMAIL_INPUT, ACTION_INPUT, TYPE_INPUT, SINCE_INPUT, UNTIL_INPUT = FILTER_INPUTS
COLUMNS = ("Time", "User", "Action", "Resource", "IP", "Details")


def entry_row(entry: AuditRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(entry.time, white_space="nowrap")),
        rx.table.cell(entry.email),
        rx.table.cell(rx.code(entry.action)),
        rx.table.cell(
            rx.text(entry.resource_type),
            rx.text(entry.resource_id, size="1", color_scheme="gray", word_break="break-all"),
        ),
        rx.table.cell(rx.text(entry.ip, white_space="nowrap")),
        rx.table.cell(rx.text(entry.metadata, size="1", font_family="var(--code-font-family)")),
    )


def filter_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.grid(
                text_field("User email", "user_email", field_id=EMAIL_INPUT, type="email"),
                text_field("Action starts with", "action", field_id=ACTION_INPUT, placeholder="project."),
                text_field("Resource type", "resource_type", field_id=TYPE_INPUT, placeholder="project"),
                text_field("From", "since", field_id=SINCE_INPUT, type="date"),
                text_field("To", "until", field_id=UNTIL_INPUT, type="date"),
                columns=rx.breakpoints(initial="1", sm="2", lg="5"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.button(rx.icon("filter", size=16, aria_hidden="true"), "Filter", type="submit"),
                rx.button(
                    "Clear filters",
                    type="button",
                    on_click=AuditState.clear_filters,
                    variant="soft",
                    color_scheme="gray",
                    disabled=~AuditState.filtered,
                ),
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=AuditState.apply_filters,
        width="100%",
    )


def audit_content() -> rx.Component:
    return rx.vstack(
        filter_form(),
        feedback(AuditState.error),
        data_table(COLUMNS, AuditState.entries, entry_row, size="1"),
        pagination(AuditState, "audit entries"),
        spacing="4",
        width="100%",
    )


@template(route="/admin/audit", title="Audit log", on_load=AuditState.load_audit)
def audit_log() -> rx.Component:
    """Who did what, newest first; the service refuses anyone but admins."""
    return rx.box(
        page_header("Audit log", "Every sign-in, change and administrative action, newest first."),
        gated(AuditState.allowed, AuditState.error, audit_content(), ADMINS_ONLY),
    )
